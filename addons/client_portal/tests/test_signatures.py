import base64
import io
from unittest.mock import patch

from freezegun import freeze_time
from PIL import Image

from odoo.tests import tagged
from odoo.tools import file_open

from .test_statement import TODAY, StatementCase

CODE = "246810"
HTTP_VALUES = {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (test)"}


@tagged("post_install", "-at_install")
class TestStatementSignatures(StatementCase):
    """The statement's documents: what the debtor has to sign (with the link to sign it) and
    has signed (to download), for its users and link holders, nobody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            cls.pdf = base64.b64encode(pdf_file.read())

    def setUp(self):
        super().setUp()
        self.to_sign = self._send_request(self.contact, "Maintenance contract")
        self.signed = self._send_request(self.contact, "Payment plan agreement")
        self._sign(self.signed.signer_ids)
        self.assertEqual(self.signed.state, "completed")
        self.other_request = self._send_request(self._other_contact(), "Other's contract")
        self.signer = self.to_sign.signer_ids

    def _other_contact(self):
        return self.env["res.partner"].create(
            {
                "name": "Otto Other",
                "parent_id": self.other_debtor.id,
                "email": "otto@other.example.com",
                "mobile": "+32 470 65 43 21",
            }
        )

    def _send_request(self, partner, subject):
        request = (
            # sudo: set-up as a sender would; the test user of the accounting base is no sender
            self.env["esign.request"]
            .sudo()
            .with_company(self.company)
            .create(
                {
                    "subject": subject,
                    "user_id": self.collector.id,
                    "company_id": self.company.id,
                    "original_pdf": self.pdf,
                    "original_filename": "contract.pdf",
                    "signer_ids": [(0, 0, {"role": "customer", "partner_id": partner.id})],
                }
            )
        )
        with self.mock_mail_gateway():
            request.action_send()
        return request.sudo()

    def _sign(self, signer):
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        with (
            patch.object(type(self.env["esign.signer"]), "_generate_code", lambda s: CODE),
            self.mockSMSGateway(sms_allow_unlink=True),
            self.mock_mail_gateway(),
        ):
            self.assertFalse(signer._send_code(http=HTTP_VALUES))
            self.assertFalse(signer._sign(CODE, png, "draw", http=HTTP_VALUES))

    def _assert_documents(self, page):
        self.assertEqual(page.status_code, 200)
        self.assertIn("Maintenance contract", page.text)
        self.assertIn(f"/esign/sign/{self.signer.id}/{self.signer.access_token}", page.text)
        self.assertIn("Payment plan agreement", page.text)
        self.assertIn(f"/my/receivables/signed/{self.signed.id}", page.text)
        self.assertIn(f"/esign/verify/{self.signed.uuid}", page.text)
        self.assertNotIn("Other&#39;s contract", page.text)
        self.assertNotIn(self.other_request.signer_ids.access_token, page.text)

    def test_link_holder_sees_documents_to_sign_and_downloads_the_signed_one(self):
        _url, token = self._link()
        self._assert_documents(self._statement(token))
        pdf = self.url_open(f"/my/receivables/signed/{self.signed.id}?access_token={token}")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertEqual(pdf.headers["Cache-Control"], "no-store")
        self.assertEqual(pdf.content, self.signed._get_signed_pdf_bytes())

    def test_portal_user_sees_its_companys_documents(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        self._assert_documents(self._statement())
        pdf = self.url_open(f"/my/receivables/signed/{self.signed.id}")
        self.assertEqual(pdf.status_code, 200)

    def test_another_debtor_reads_nothing(self):
        """Another debtor's link or user: no document listed, no download of ours."""
        _url, other_token = self._link(self.other_debtor)
        page = self._statement(other_token)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Maintenance contract", page.text)
        self.assertNotIn(self.signer.access_token, page.text)
        self.assertIn("Other&#39;s contract", page.text)
        for request in (self.signed, self.to_sign, self.other_request):
            response = self.url_open(
                f"/my/receivables/signed/{request.id}?access_token={other_token}"
            )
            self.assertEqual(response.status_code, 404, request.subject)
            self.assertNotIn("Traceback", response.text)
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        self.assertNotIn("Maintenance contract", self._statement().text)
        self.assertEqual(self.url_open(f"/my/receivables/signed/{self.signed.id}").status_code, 404)

    def test_no_download_without_valid_access(self):
        _url, token = self._link()
        for query in ("", "?access_token=guessed-token", f"?access_token={token[:-2]}xx"):
            response = self.url_open(f"/my/receivables/signed/{self.signed.id}{query}")
            self.assertEqual(response.status_code, 404, query)
            self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        with freeze_time(TODAY.replace(year=TODAY.year + 5)):
            response = self.url_open(
                f"/my/receivables/signed/{self.signed.id}?access_token={token}"
            )
        self.assertEqual(response.status_code, 404, "expired link")
        self.debtor.action_revoke_receivable_portal_links()
        response = self.url_open(f"/my/receivables/signed/{self.signed.id}?access_token={token}")
        self.assertEqual(response.status_code, 404, "revoked link")

    def test_expired_signing_link_is_not_shown(self):
        self.signer._rotate_token(expire=True)
        _url, token = self._link()
        page = self._statement(token)
        self.assertNotIn(f"/esign/sign/{self.signer.id}/", page.text)
        self.assertIn("Your signing link has expired", page.text)

    def test_tour_phone_open_the_document_to_sign_from_the_statement(self):
        _url, token = self._link()
        self.browser_size = "375x812"
        self.start_tour(f"/my/receivables?access_token={token}", "client_portal_signatures_tour")
