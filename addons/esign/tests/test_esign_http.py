import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import KNOWN_CODE, EsignCase


@tagged("post_install", "-at_install")
class TestEsignHttp(EsignCase, HttpCase):
    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.signer = self.request.signer_ids.sorted("sequence")[0]
        self.token = self.signer.sudo().access_token

    def _url(self, signer=None, token=None, suffix=""):
        signer = signer or self.signer
        return f"/esign/sign/{signer.id}/{token or self.token}{suffix}"

    def _json(self, url, params):
        data = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        response = self.url_open(url, data=data, headers={"Content-Type": "application/json"})
        return response.json()

    def _assert_not_found(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Service agreement", response.text)
        self.assertNotIn(self.request.original_sha256, response.text)
        self.assertNotIn("Carla", response.text)

    def test_good_link_shows_document_and_fingerprint(self):
        response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request.original_sha256, response.text)
        self.assertIn("+33 *******78", response.text)
        self.assertNotIn("+33612345678", response.text)
        pdf = self.url_open(self._url(suffix="/pdf"))
        self.assertEqual(pdf.status_code, 200, pdf.text[:3000])
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertIn("opened", self._events(self.request, self.signer))

    def test_wrong_token_or_id_is_not_found(self):
        self._assert_not_found(self._url(token="x" * 43))
        self._assert_not_found(self._url(token=self.token[:-1]))
        self._assert_not_found(
            self._url(token=self.token, suffix="/pdf").replace(
                str(self.signer.id), str(self.signer.id + 1000)
            )
        )
        manager = self.request.signer_ids.sorted("sequence")[1]
        self._assert_not_found(self._url(signer=manager, token=self.token))
        self._assert_not_found(self._url(token="x" * 43, suffix="/pdf"))
        result = self._json(self._url(token="x" * 43, suffix="/send_code"), {})
        self.assertNotIn("result", result)
        self.assertFalse(self._sms)

    def test_expired_link_is_not_found(self):
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self._assert_not_found(self._url())

    def test_rotated_link_is_not_found(self):
        self.request.action_cancel()
        self._assert_not_found(self._url())

    def test_other_partner_portal_user_sees_nothing(self):
        mail_new_test_user(
            self.env,
            login="esign_intruder",
            name="Ivan Intruder",
            groups="base.group_portal",
        )
        self.authenticate("esign_intruder", "esign_intruder")
        self._assert_not_found(self._url(token="y" * 43))
        self._assert_not_found(f"/esign/sign/{self.signer.id}/")

    def test_sign_through_json_routes(self):
        """Code then wrong code then right code through the signer routes."""
        with self._known_code(), self.mockSMSGateway(sms_allow_unlink=True):
            result = self._json(self._url(suffix="/send_code"), {})["result"]
        self.assertTrue(result["ok"], result)
        self.assertEqual(self._sms[0]["number"], "+33612345678")
        params = {
            "code": "111111",
            "signature": self._signature(),
            "signature_type": "type",
        }
        result = self._json(self._url(suffix="/sign"), params)["result"]
        self.assertFalse(result["ok"])
        with self.mock_mail_gateway():
            params["code"] = KNOWN_CODE
            result = self._json(self._url(suffix="/sign"), params)["result"]
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.signer.state, "signed")
        signed = self.request.log_ids.filtered(lambda e: e.event == "signed")
        self.assertEqual(signed.ip_address, "127.0.0.1")
        self.assertTrue(signed.user_agent)

    def test_verification_page(self):
        for signer in self.request.signer_ids.sorted("sequence"):
            self.assertFalse(self._sign(signer))
        pdf = self.request._get_signed_pdf_bytes()
        page = self.url_open("/esign/verify")
        self.assertEqual(page.status_code, 200)

        def upload(content):
            return self.url_open(
                "/esign/verify",
                data={"csrf_token": self._csrf_token()},
                files={"document": ("signed.pdf", content, "application/pdf")},
            )

        response = upload(pdf)
        self.assertIn("o_esign_verify_intact", response.text)
        self.assertIn("Carla Customer", response.text)
        self.assertNotIn("203.0.113.7", response.text)
        self.assertNotIn("+336", response.text)
        altered = bytearray(pdf)
        altered[len(altered) // 3] ^= 0x01
        response = upload(bytes(altered))
        self.assertIn("o_esign_verify_altered", response.text)
        response = upload(b"%PDF-1.4 something else")
        self.assertIn("o_esign_verify_unknown", response.text)
        response = self.url_open(f"/esign/verify/{self.request.uuid}")
        self.assertIn("o_esign_verify_intact", response.text)
        self.assertEqual(self.url_open(f"/esign/verify/{'0' * 32}").status_code, 404)

    def _csrf_token(self):
        page = self.url_open("/esign/verify")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]


@tagged("post_install", "-at_install")
class TestEsignTour(EsignCase, HttpCase):
    def test_signing_tour_customer_then_sales_manager(self):
        """The customer signs in a browser, then the sales manager; the PDF verifies.

        Uses the demo contract when demo data is loaded (what a user tries first).
        """
        request = self.env.ref("esign.demo_request_contract", raise_if_not_found=False)
        if request and request.state == "draft":
            with self.mock_mail_gateway():
                request.action_send()
        else:
            request = self._sent_request()
        customer_signer, manager_signer = request.signer_ids.sorted("sequence")
        with self._known_code(), self.mockSMSGateway(sms_allow_unlink=True):
            with self.mock_mail_gateway():
                url = customer_signer._get_sign_url().split("/esign", 1)[1]
                self.start_tour(f"/esign{url}", "esign_sign_tour", login=None)
                self.assertEqual(customer_signer.state, "signed")
                self.assertEqual(customer_signer.signature_type, "type")
                url = manager_signer._get_sign_url().split("/esign", 1)[1]
                self.start_tour(f"/esign{url}", "esign_sign_tour", login=None)
        self.assertEqual(request.state, "completed")
        self.assertEqual(len(self._sms), 2)
        pdf = request._get_signed_pdf_bytes()
        self.assertEqual(request._verify_integrity(pdf)["status"], "intact")
