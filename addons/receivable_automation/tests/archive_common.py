import hashlib
import itertools
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import new_test_user

from .common import ReceivableCommon

PDF_PREFIX = b"%PDF-1.4\n% archive test\n"
_counter = itertools.count()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


class ArchiveCommon(ReceivableCommon):
    """Documents of the test company archived through the public API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Archive = cls.env["receivable.archive"]
        cls.type_contract = cls.env.ref("receivable_automation.document_type_contract")
        cls.type_invoice = cls.env.ref("receivable_automation.document_type_invoice")
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_manager = new_test_user(
            cls.env,
            login="ra_other_manager",
            name="Otto Other",
            groups="receivable_automation.group_receivable_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    def _attachment(self, content, name="contract.pdf", record=None):
        record = record or self.debtor
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": "application/pdf",
            }
        )

    def _archive(self, content=None, document_type=None, name="contract.pdf", record=None):
        """Archive a new attachment of ``record`` (the debtor by default)."""
        content = content or PDF_PREFIX + f"{name} {next(_counter)} {id(self)}".encode()
        attachment = self._attachment(content, name=name, record=record)
        return self.Archive.with_company(self.company)._archive_attachments(
            attachment, document_type or self.type_contract
        )

    def _archives(self, count, prefix="doc"):
        archives = self.Archive
        for index in range(count):
            archives |= self._archive(
                PDF_PREFIX + f"{prefix} {index} {next(_counter)} {id(self)}".encode(),
                name=f"{prefix}-{index}.pdf",
            )
        return archives

    @contextmanager
    def _mock_invoice_rendering(self):
        """The invoice report rendered as a small fake PDF per invoice; yields the calls."""
        calls = []
        Report = type(self.env["ir.actions.report"])

        def render(report, report_ref, res_ids=None, data=None):
            calls.append(list(res_ids or []))
            return PDF_PREFIX + f"invoice {res_ids}".encode(), "pdf"

        with patch.object(Report, "_render_qweb_pdf", render):
            yield calls
