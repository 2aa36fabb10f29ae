import base64
import hashlib
import io
import json
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .test_statement import StatementCase

PDF = b"%PDF-1.4\n% portal archive test\n"
CODE = "246810"


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


@tagged("post_install", "-at_install")
class TestPortalArchive(StatementCase):
    """The archived invoices and signed contracts of a debtor on its portal: listed newest
    first with their SHA-256 and downloaded as the exact sealed bytes, by its portal users and
    its statement link holders; nobody else gets them, nor another company's, nor the client
    file's supporting documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Archive = cls.env["receivable.archive"]
        cls.type_invoice = cls.env.ref("receivable_automation.document_type_invoice")
        cls.type_contract = cls.env.ref("receivable_automation.document_type_contract")
        cls.type_bank = cls.env.ref("receivable_automation.document_type_bank_details")
        cls.invoice_raw = PDF + b"invoice as sent"
        cls.archived_invoice = cls._archive(cls.overdue, cls.invoice_raw, cls.type_invoice)
        cls.contract_raw = PDF + b"signed contract"
        cls.archived_contract = cls._archive(
            cls.debtor, cls.contract_raw, cls.type_contract, name="Maintenance contract.pdf"
        )
        cls.archived_bank = cls._archive(
            cls.debtor, PDF + b"IBAN FR76...", cls.type_bank, name="Bank details.pdf"
        )
        cls.other_archive = cls._archive(
            cls.other_invoice, PDF + b"other invoice", cls.type_invoice
        )
        cls.other_company = cls.env["res.company"].create({"name": "Sister Company"})
        cls.sister_archive = cls.Archive._archive_files(
            [
                {
                    "raw": PDF + b"sister invoice",
                    "file_name": "SIS-0001.pdf",
                    "name": "SIS/2026/0001",
                    "partner": cls.debtor,
                    "company": cls.other_company,
                }
            ],
            cls.type_invoice,
        )

    @classmethod
    def _archive(cls, record, raw, document_type, name=None):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": name or f"{record.display_name}.pdf",
                "raw": raw,
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": "application/pdf",
            }
        )
        return cls.Archive.with_company(cls.company)._archive_attachments(attachment, document_type)

    def _page(self, token=None, **params):
        if token:
            params["access_token"] = token
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(
            "/my/receivables/archive" + (f"?{query}" if query else ""), allow_redirects=False
        )

    def _download(self, archive, token=None):
        query = f"?access_token={token}" if token else ""
        with mute_logger("odoo.http"):
            return self.url_open(
                f"/my/receivables/archive/{archive.id}/download{query}", allow_redirects=False
            )

    def _events(self):
        return self.env["receivable.portal.event"].search(
            [("kind", "=", "archive_download")], order="id"
        )

    # ------------------------------------------------------------------------------------------
    # What the debtor sees
    # ------------------------------------------------------------------------------------------

    def test_archive_entries_belong_to_the_debtor(self):
        """Set-up check: the archive gave the entries to the commercial partner."""
        self.assertEqual(self.archived_invoice.partner_id, self.debtor)
        self.assertEqual(self.archived_contract.partner_id, self.debtor)
        self.assertEqual(self.sister_archive.company_id, self.other_company)
        self.assertEqual(self.archived_invoice.company_id, self.company)

    def test_portal_user_sees_its_archived_invoice_and_contract_newest_first(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers["Cache-Control"], "no-store")
        text = page.text
        self.assertIn(self.overdue.name, text)
        self.assertIn("Maintenance contract.pdf", text)
        self.assertLess(
            text.index("Maintenance contract.pdf"),
            text.index(self.overdue.name),
            "the contract was archived last: it comes first",
        )
        for archive in (self.archived_invoice, self.archived_contract):
            self.assertIn(f'title="{archive.sha256}"', text)
            self.assertIn(f"{archive.sha256[:12]}…", text)
            self.assertIn(f"/my/receivables/archive/{archive.id}/download", text)
        self.assertIn(self.type_invoice.name, text)
        self.assertIn(self.type_contract.name, text)
        kept_until = self.archived_invoice.retention_end_date
        self.assertEqual(kept_until.year, self.archived_invoice.archive_date.year + 10)
        self.assertIn(str(kept_until.year), text)
        self.assertNotIn("Bank details.pdf", text, "supporting documents are not shown")
        self.assertNotIn(self.other_invoice.name, text)
        self.assertNotIn("SIS/2026/0001", text, "another company's archive")

    def test_filter_by_type(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        invoices = self._page(filterby="invoice").text
        self.assertIn(self.overdue.name, invoices)
        self.assertNotIn("Maintenance contract.pdf", invoices)
        contracts = self._page(filterby="contract").text
        self.assertIn("Maintenance contract.pdf", contracts)
        self.assertNotIn(self.overdue.name, contracts)
        unknown = self._page(filterby="bank_details")
        self.assertEqual(unknown.status_code, 200, "an unknown filter shows everything")
        self.assertIn(self.overdue.name, unknown.text)
        self.assertNotIn("Bank details.pdf", unknown.text)

    def test_download_gives_the_exact_bytes_with_their_sha256_and_is_logged(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        response = self._download(self.archived_invoice)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.invoice_raw)
        self.assertEqual(response.headers["X-Content-SHA256"], sha256_hex(response.content))
        self.assertEqual(response.headers["X-Content-SHA256"], self.archived_invoice.sha256)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn(self.archived_invoice.file_name, response.headers["Content-Disposition"])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.partner_id, event.company_id, event.user_id, event.link_id),
            (self.debtor, self.company, self.portal_user, self.env["receivable.portal.link"]),
        )
        self.assertEqual((event.res_model, event.res_id), ("receivable.archive", event.res_id))
        self.assertEqual(event.res_id, self.archived_invoice.id)
        self.assertEqual(event.ip_address, "127.0.0.1", "who downloaded is traceable")

        contract = self._download(self.archived_contract)
        self.assertEqual(contract.content, self.contract_raw)
        self.assertEqual(contract.headers["X-Content-SHA256"], sha256_hex(self.contract_raw))
        self.assertEqual(len(self._events()), 2, "each download is logged")

    def test_link_holder_without_login_lists_and_downloads(self):
        _url, token = self._link()
        page = self._page(token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.overdue.name, page.text)
        self.assertIn(
            f"/my/receivables/archive/{self.archived_contract.id}/download?access_token={token}",
            page.text,
        )
        self.assertIn(f"/my/receivables?access_token={token}", page.text, "back to the statement")
        response = self._download(self.archived_contract, token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.contract_raw)
        self.assertEqual(response.headers["X-Content-SHA256"], self.archived_contract.sha256)
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        event = self._events()
        self.assertEqual((event.link_id, event.user_id), (link, self.env["res.users"]))
        self.assertEqual(event.res_id, self.archived_contract.id)

    # ------------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------------

    def test_another_customer_gets_nothing_of_ours(self):
        """Another debtor's portal user or link: 404 for our ids, its own archive only."""
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        page = self._page()
        self.assertIn(self.other_invoice.name, page.text)
        self.assertNotIn(self.overdue.name, page.text)
        self.assertNotIn("Maintenance contract.pdf", page.text)
        for archive in (self.archived_invoice, self.archived_contract):
            response = self._download(archive)
            self.assertEqual(response.status_code, 404, archive.name)
            self.assertNotIn(b"%PDF", response.content)
        self.assertEqual(self._download(self.other_archive).status_code, 200)

        self.authenticate(None, None)
        _url, other_token = self._link(self.other_debtor)
        self.assertNotIn(self.overdue.name, self._page(other_token).text)
        for archive in (self.archived_invoice, self.archived_contract, self.sister_archive):
            response = self._download(archive, other_token)
            self.assertEqual(response.status_code, 404, archive.name)
            self.assertNotIn(b"%PDF", response.content)
        self.assertEqual(len(self._events()), 1, "only the other debtor's own download")
        self.assertEqual(self._events().partner_id, self.other_debtor)

    def test_company_isolation(self):
        """The same debtor's archive in another company is not on this company's portal."""
        _url, token = self._link()
        self.assertNotIn("SIS/2026/0001", self._page(token).text)
        self.assertEqual(self._download(self.sister_archive, token).status_code, 404)
        self.authenticate("ra_portal", "ra_portal_pw")
        self.assertNotIn("SIS/2026/0001", self._page().text)
        self.assertEqual(self._download(self.sister_archive).status_code, 404)
        self.assertFalse(self._events())

    def test_supporting_documents_are_not_downloadable(self):
        """A client file's supporting document (bank details) stays in the back office."""
        _url, token = self._link()
        self.assertEqual(self._download(self.archived_bank, token).status_code, 404)

    def test_no_access_without_a_valid_link(self):
        _url, token = self._link()
        page = self._page()
        self.assertEqual(page.status_code, 303, "public: to the login")
        self.assertIn("/web/login", page.headers["Location"])
        self.assertEqual(self._download(self.archived_invoice).status_code, 404)
        for bad in ("guessed-token-12345", token[:-2] + "xx"):
            self.assertIn(self._page(bad).status_code, (403, 404), bad)
            self.assertNotIn(self.overdue.name, self._page(bad).text)
            self.assertEqual(self._download(self.archived_invoice, bad).status_code, 404)
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        link.expires_at = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        expired = self._page(token)
        self.assertEqual(expired.status_code, 403, "expired link")
        self.assertIn("This link no longer opens your statement", expired.text)
        self.assertEqual(self._download(self.archived_invoice, token).status_code, 404)
        link.expires_at = fields.Datetime.add(fields.Datetime.now(), days=1)
        self.debtor.action_revoke_receivable_portal_links()
        self.assertEqual(self._page(token).status_code, 403, "revoked link")
        self.assertEqual(self._download(self.archived_invoice, token).status_code, 404)
        self.assertFalse(self._events())

    def test_out_of_range_ids_are_not_found(self):
        _url, token = self._link()
        for archive_id in (0, 2**31, 99999999):
            with mute_logger("odoo.http"):
                response = self.url_open(
                    f"/my/receivables/archive/{archive_id}/download?access_token={token}"
                )
            self.assertEqual(response.status_code, 404, archive_id)

    # ------------------------------------------------------------------------------------------
    # Entries: the statement and /my
    # ------------------------------------------------------------------------------------------

    def test_statement_links_to_the_archive_with_its_count(self):
        _url, token = self._link()
        page = self._statement(token)
        self.assertIn(f'href="/my/receivables/archive?access_token={token}"', page.text)
        self.assertIn("o_receivable_archive_link", page.text)
        self.authenticate("ra_portal", "ra_portal_pw")
        page = self._statement()
        self.assertIn('href="/my/receivables/archive"', page.text)

    def test_statement_without_archive_has_no_link(self):
        third = self.env["res.partner"].create({"name": "Third Customer", "is_company": True})
        _url, token = self._link(third)
        page = self._statement(token)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_receivable_archive_link", page.text)

    def test_portal_home_counts_the_archived_documents(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        home = self.url_open("/my")
        self.assertIn('data-placeholder_count="receivable_archive_count"', home.text)
        self.assertEqual(self._counter(), 2, "the debtor's invoice and contract")
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        self.assertEqual(self._counter(), 1)

    def _counter(self):
        params = {"counters": ["receivable_archive_count"]}
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]["receivable_archive_count"]

    # ------------------------------------------------------------------------------------------
    # A contract signed for real
    # ------------------------------------------------------------------------------------------

    def test_contract_signed_by_the_customer_is_on_its_portal(self):
        """Signing completes the request, the archive seals the signed PDF, and the customer
        downloads exactly that PDF."""
        self.contact.mobile = self.contact.mobile or "+32 470 12 34 56"
        esign_request = self._signed_request(self.contact, "Supply agreement")
        archive = self.Archive.search(
            [("res_model", "=", "esign.request"), ("res_id", "=", esign_request.id)]
        )
        self.assertEqual(archive.document_type_id, self.type_contract)
        self.assertEqual(archive.partner_id, self.debtor)
        _url, token = self._link()
        page = self._page(token)
        self.assertIn(archive.name, page.text)
        response = self._download(archive, token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, esign_request._get_signed_pdf_bytes())
        self.assertEqual(response.headers["X-Content-SHA256"], sha256_hex(response.content))

    def _signed_request(self, partner, subject):
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            pdf = base64.b64encode(pdf_file.read())
        # sudo: set-up as a sender would; the test user of the accounting base is no sender
        esign_request = (
            self.env["esign.request"]
            .sudo()
            .with_company(self.company)
            .create(
                {
                    "subject": subject,
                    "user_id": self.collector.id,
                    "company_id": self.company.id,
                    "original_pdf": pdf,
                    "original_filename": "contract.pdf",
                    "signer_ids": [(0, 0, {"role": "customer", "partner_id": partner.id})],
                }
            )
        )
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        signer = esign_request.signer_ids
        http_values = {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (test)"}
        with (
            patch.object(type(self.env["esign.signer"]), "_generate_code", lambda s: CODE),
            self.mockSMSGateway(sms_allow_unlink=True),
            self.mock_mail_gateway(),
        ):
            esign_request.action_send()
            signer._send_code(http=http_values)
            signer._sign(CODE, png, "draw", http=http_values)
        self.assertEqual(esign_request.state, "completed")
        return esign_request

    # ------------------------------------------------------------------------------------------
    # In the browser
    # ------------------------------------------------------------------------------------------

    def test_tour_phone_open_the_archive_from_the_statement(self):
        _url, token = self._link()
        self.browser_size = "375x812"
        self.start_tour(f"/my/receivables?access_token={token}", "client_portal_archive_tour")
