import json

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.receivable_automation.tools.verify_archive import compute_chain_hash

from .archive_common import PDF_PREFIX, ArchiveCommon, sha256_hex


@tagged("post_install", "-at_install")
class TestArchiveSeal(ArchiveCommon):
    def test_archive_keeps_own_copy_with_hash_and_chain(self):
        """An archived attachment gets its own copy, its SHA-256, position 1 of the chain."""
        content = PDF_PREFIX + b"signed contract"
        attachment = self._attachment(content)
        archive = self.Archive._archive_attachments(attachment, self.type_contract)
        self.assertEqual(len(archive), 1)
        self.assertEqual(archive.sha256, sha256_hex(content))
        self.assertNotEqual(archive.attachment_id, attachment)
        self.assertEqual(archive.attachment_id.raw, content)
        self.assertEqual(archive.attachment_id.res_model, "receivable.archive")
        self.assertEqual(archive.attachment_id.res_id, archive.id)
        self.assertEqual(archive.partner_id, self.debtor)
        self.assertEqual((archive.res_model, archive.res_id), ("res.partner", self.debtor.id))
        self.assertEqual(archive.document_type_id, self.type_contract)
        self.assertEqual(archive.company_id, self.company)
        self.assertEqual(archive.archived_by_id, self.env.user)
        self.assertEqual(archive.retention_class, "commercial")
        self.assertEqual(
            archive.retention_end_date, archive.archive_date.date() + relativedelta(years=10)
        )
        self.assertEqual(archive.sequence, self.company.receivable_archive_sequence)
        self.assertEqual(archive.chain_hash, compute_chain_hash(archive._get_chain_values()))
        self.assertEqual(self.company.receivable_archive_head, archive.chain_hash)

    def test_chain_links_each_entry_to_the_previous(self):
        first, second, third = self._archives(3)
        self.assertEqual(second.sequence, first.sequence + 1)
        self.assertEqual(third.sequence, second.sequence + 1)
        self.assertEqual(second.previous_hash, first.chain_hash)
        self.assertEqual(third.previous_hash, second.chain_hash)
        # the chains of two companies are separate
        attachment = self._attachment(PDF_PREFIX + b"other company")
        attachment.company_id = self.other_company
        other = self.Archive._archive_attachments(attachment, self.type_contract)
        self.assertEqual(other.company_id, self.other_company)
        self.assertEqual(other.sequence, 1)
        self.assertFalse(other.previous_hash)

    def test_archiving_the_same_bytes_twice_returns_the_entry(self):
        """Idempotent per source attachment and checksum; new bytes make a new entry."""
        attachment = self._attachment(PDF_PREFIX + b"version 1")
        archive = self.Archive._archive_attachments(attachment, self.type_contract)
        again = self.Archive._archive_attachments(attachment, self.type_contract)
        self.assertEqual(again, archive)
        attachment.raw = PDF_PREFIX + b"version 2"
        new = self.Archive._archive_attachments(attachment, self.type_contract)
        self.assertNotEqual(new, archive)
        self.assertEqual(new.previous_hash, archive.chain_hash)
        self.assertEqual(archive.attachment_id.raw, PDF_PREFIX + b"version 1")

    def test_sealed_fields_refused_even_to_the_superuser(self):
        archive = self._archive().sudo()
        for field_name, value in [
            ("name", "forged"),
            ("sha256", "0" * 64),
            ("retention_end_date", "2000-01-01"),
            ("partner_id", self.other_debtor.id),
            ("chain_hash", "0" * 64),
            ("attachment_id", self._attachment(b"x").id),
        ]:
            with self.subTest(field=field_name), self.assertRaisesRegex(UserError, "sealed"):
                archive.with_context(force_write=True).write({field_name: value})
        # the integrity results and the legal hold stay writable by the archive itself
        archive.write({"integrity_state": "intact", "legal_hold": True})
        self.assertEqual(archive.integrity_state, "intact")

    def test_computed_seal_values_cannot_be_given(self):
        attachment = self._attachment(b"forged")
        with self.assertRaisesRegex(UserError, "computed"):
            self.Archive.sudo().create(
                {
                    "company_id": self.company.id,
                    "name": "forged",
                    "file_name": "forged.pdf",
                    "document_type_id": self.type_contract.id,
                    "attachment_id": attachment.id,
                    "sequence": 1,
                    "sha256": "0" * 64,
                }
            )

    def test_delete_refused_before_retention_even_to_the_superuser(self):
        archive = self._archive()
        with self.assertRaisesRegex(UserError, "kept until"):
            archive.sudo().unlink()
        self.assertTrue(archive.exists())

    def test_archived_file_cannot_be_changed_or_deleted(self):
        archive = self._archive()
        attachment = archive.attachment_id.sudo()
        for vals in [
            {"raw": b"changed"},
            {"datas": "Y2hhbmdlZA=="},
            {"res_model": "res.partner"},
            {"res_id": self.debtor.id},
        ]:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "sealed copy"):
                attachment.write(vals)
        with self.assertRaisesRegex(UserError, "sealed copy"):
            attachment.unlink()
        # its name or description may change; the same bytes may move to another storage
        attachment.write({"description": "kept for the auditors", "raw": attachment.raw})
        self.assertEqual(archive.attachment_id.raw, attachment.raw)

    def test_source_attachment_stays_free(self):
        """The customer's own attachment is not sealed: deleting it keeps the archived copy."""
        attachment = self._attachment(PDF_PREFIX + b"source")
        archive = self.Archive._archive_attachments(attachment, self.type_contract)
        attachment.unlink()
        self.assertEqual(archive.attachment_id.raw, PDF_PREFIX + b"source")


@tagged("post_install", "-at_install")
class TestArchiveSealOverRpc(HttpCase):
    """Admin over JSON-RPC, as a browser or a script would: refused too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "RPC Customer", "is_company": True})
        attachment = cls.env["ir.attachment"].create(
            {
                "name": "rpc.pdf",
                "raw": PDF_PREFIX + b"rpc contract",
                "res_model": "res.partner",
                "res_id": partner.id,
            }
        )
        cls.archive = cls.env["receivable.archive"]._archive_attachments(
            attachment, cls.env.ref("receivable_automation.document_type_contract")
        )

    def _call_kw(self, model, method, args, kwargs=None):
        """Call a model method over JSON-RPC; return the error message or None."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        error = response.json().get("error")
        return error and error["data"]["message"]

    def test_admin_cannot_change_or_delete_over_rpc(self):
        self.authenticate("admin", "admin")
        archive, attachment = self.archive, self.archive.attachment_id
        context = {"force_write": True, "active_test": False, "install_mode": True}
        cases = [
            ("receivable.archive", "write", [archive.ids, {"name": "forged"}], "sealed"),
            ("receivable.archive", "unlink", [archive.ids], "kept until"),
            ("ir.attachment", "write", [attachment.ids, {"raw": "forged"}], "sealed copy"),
            ("ir.attachment", "write", [attachment.ids, {"res_id": 1}], "sealed copy"),
            ("ir.attachment", "unlink", [attachment.ids], "sealed copy"),
        ]
        for model, method, args, message in cases:
            with self.subTest(model=model, method=method):
                error = self._call_kw(model, method, args, {"context": context})
                self.assertIn(message, error or "")
        self.assertEqual(archive.name, "RPC Customer")
        self.assertEqual(attachment.raw, PDF_PREFIX + b"rpc contract")
