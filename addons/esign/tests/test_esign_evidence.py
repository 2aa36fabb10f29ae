import io

from PyPDF2 import PdfReader

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools import extract_request_uuid, sha256_hex
from .common import EsignCase


@tagged("post_install", "-at_install")
class TestEsignEvidence(EsignCase):
    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        for signer in self.request.signer_ids.sorted("sequence"):
            self.assertFalse(self._sign(signer))

    def test_log_chain_and_fields(self):
        logs = self.request.log_ids.sorted("sequence")
        self.assertEqual(logs.mapped("sequence"), list(range(1, len(logs) + 1)))
        self.assertFalse(logs._check_chain())
        self.assertEqual(self.request.log_head_hash, logs[-1].entry_hash)
        signed = logs.filtered(lambda e: e.event == "signed")
        self.assertEqual(len(signed), 2)
        self.assertEqual(signed.mapped("ip_address"), ["203.0.113.7"] * 2)
        self.assertEqual(signed[0].user_agent, "Mozilla/5.0 (test)")
        self.assertTrue(all(signed.mapped("event_date")))
        self.assertEqual(signed[0].data_hash, self.request.original_sha256)
        self.assertEqual(logs[-1].data_hash, self.request.signed_sha256)

    def test_signed_pdf_has_stamps_and_certificate(self):
        pdf = self.request._get_signed_pdf_bytes()
        self.assertEqual(sha256_hex(pdf), self.request.signed_sha256)
        original_pages = len(PdfReader(io.BytesIO(self.pdf)).pages)
        reader = PdfReader(io.BytesIO(pdf))
        self.assertGreater(len(reader.pages), original_pages)
        stamped_text = reader.pages[original_pages - 1].extract_text()
        self.assertIn("Signed by Carla Customer", stamped_text)
        self.assertIn("Signed by Sonia Sales", stamped_text)
        certificate = "".join(page.extract_text() for page in reader.pages[original_pages:])
        self.assertIn(self.request.original_sha256, certificate)
        self.assertIn("+33 *******78", certificate)
        self.assertIn("203.0.113.7", certificate)
        self.assertIn("1 right", certificate)
        self.assertNotIn("carla@customer.example.com", certificate)
        self.assertEqual(extract_request_uuid(pdf), self.request.uuid)

    def test_one_byte_changed_is_altered(self):
        pdf = bytearray(self.request._get_signed_pdf_bytes())
        self.assertEqual(self.request._verify_integrity(bytes(pdf))["status"], "intact")
        position = len(pdf) // 3
        pdf[position] = (pdf[position] + 1) % 256
        found = self.env["esign.request"]._find_for_verification(bytes(pdf))
        self.assertEqual(found, self.request)
        self.assertEqual(found._verify_integrity(bytes(pdf))["status"], "altered")

    def test_one_log_value_changed_is_altered(self):
        entry = self.request.log_ids.filtered(lambda e: e.event == "signed")[:1]
        self.env.cr.execute(
            SQL(
                "UPDATE esign_log SET ip_address = %s WHERE id = %s",
                "198.51.100.1",
                entry.id,
            )
        )
        self.env.invalidate_all()
        result = self.request._verify_integrity(self.request._get_signed_pdf_bytes())
        self.assertEqual(result["status"], "altered")

    def test_deleted_last_log_is_altered(self):
        last = self.request.log_ids.sorted("sequence")[-1]
        self.env.cr.execute(SQL("DELETE FROM esign_log WHERE id = %s", last.id))
        self.env.invalidate_all()
        self.assertEqual(self.request._verify_integrity()["status"], "altered")

    def test_log_rows_cannot_be_written_or_deleted(self):
        """Nobody, not even the superuser, can change or remove evidence."""
        entry = self.request.log_ids[:1]
        for env in (
            self.env,
            self.env(su=True),
            self.env(user=self.user_sales_manager),
        ):
            with self.assertRaises(AccessError):
                entry.with_env(env).write({"description": "changed"})
            with self.assertRaises(AccessError):
                entry.with_env(env).unlink()
            with self.assertRaises(AccessError):
                env["esign.log"].create(
                    {
                        "request_id": self.request.id,
                        "sequence": 99,
                        "event": "signed",
                        "event_date": "2025-01-01 00:00:00",
                    }
                )
        self.assertFalse(self.request.log_ids._check_chain())


@tagged("post_install", "-at_install")
class TestEsignSmsTestMode(EsignCase):
    def test_test_mode_is_written_in_the_evidence(self):
        """Developer test mode: no SMS, the code is logged, the certificate says no legal value."""
        self.env["ir.config_parameter"].sudo().set_param("esign.sms_test_mode", "1")
        request = self._sent_request()
        for signer in request.signer_ids.sorted("sequence"):
            self.assertFalse(self._sign(signer))
        self.assertFalse(self._sms)
        self.assertEqual(request.state, "completed")
        sent = request.log_ids.filtered(lambda e: e.event == "code_sent")
        self.assertTrue(all("TEST MODE" in entry.description for entry in sent))
        reader = PdfReader(io.BytesIO(request._get_signed_pdf_bytes()))
        self.assertIn("TEST MODE", "".join(page.extract_text() for page in reader.pages))
