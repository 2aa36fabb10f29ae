import json
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..tools.esign_pdf import UUID_MARKER
from .common import EsignCase


@tagged("post_install", "-at_install")
class TestEsignPublicRoutes(EsignCase, HttpCase):
    """Bad input on public routes: a clean 400/404, never a traceback."""

    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.signer = self.request.signer_ids.sorted("sequence")[0]
        self.token = self.signer.sudo().access_token
        self.base = f"/esign/sign/{self.signer.id}/{self.token}"

    def _assert_clean(self, response, status):
        self.assertEqual(response.status_code, status, response.text[:2000])
        self.assertNotIn("Traceback", response.text)
        self.assertNotIn('"debug"', response.text)
        self.assertNotIn(".py", response.text)

    def _json(self, url, params, raw=None):
        data = raw or json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        return self.url_open(url, data=data, headers={"Content-Type": "application/json"})

    def test_non_ascii_or_huge_link_is_not_found(self):
        for suffix in ("", "/pdf", "/signed"):
            self._assert_clean(
                self.url_open(f"/esign/sign/{self.signer.id}/%C3%A9t%C3%A9{suffix}"), 404
            )
            self._assert_clean(self.url_open(f"/esign/sign/99999999999999999999/abc{suffix}"), 404)
        self._assert_clean(self.url_open("/esign/verify/%C3%A9" + "a" * 31), 404)

    def test_json_routes_answer_bad_input_cleanly(self):
        response = self._json(f"/esign/sign/{self.signer.id}/{'x' * 43}/send_code", {})
        self._assert_clean(response, 404)
        self.assertNotIn("result", response.json())
        response = self._json(f"/esign/sign/{self.signer.id}/%C3%A9/sign", {})
        self._assert_clean(response, 404)
        for route, params in (
            ("sign", {"code": 123456, "signature": "x"}),
            ("sign", {"code": ["1"], "signature": {"a": 1}, "signature_type": []}),
            ("sign", {"code": "123456", "signature": 5}),
            ("refuse", {"reason": {"why": "no"}}),
            ("refuse", {"reason": 42}),
        ):
            response = self._json(f"{self.base}/{route}", params)
            self._assert_clean(response, 400)
            self.assertEqual(response.json()["error"]["code"], 400)
        self._assert_clean(self._json(f"{self.base}/send_code", None, raw="[1, 2]"), 400)
        self._assert_clean(self._json(f"{self.base}/send_code", None, raw='{"params": [1]}'), 400)
        self.assertEqual(self.signer.state, "sent")
        self.assertEqual(self.request._verify_integrity()["status"], "intact")

    def test_unexpected_error_on_json_route_shows_no_traceback(self):
        signer_model = type(self.env["esign.signer"])
        with (
            patch.object(signer_model, "_send_code", side_effect=ValueError("boom")),
            self.assertLogs("odoo.http", "ERROR"),
        ):
            response = self._json(f"{self.base}/send_code", {})
        self._assert_clean(response, 500)
        self.assertNotIn("boom", response.text)

    def test_signing_page_cannot_be_framed_or_cached(self):
        response = self.url_open(self.base)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("X-Frame-Options"), "DENY")
        self.assertIn("frame-ancestors 'none'", response.headers.get("Content-Security-Policy"))
        self.assertIn("no-store", response.headers.get("Cache-Control"))
        pdf = self.url_open(f"{self.base}/pdf")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("no-store", pdf.headers.get("Cache-Control"))
        self.assertIn("frame-ancestors 'self'", pdf.headers.get("Content-Security-Policy"))

    def test_page_views_logged_once(self):
        for _i in range(5):
            self.assertEqual(self.url_open(self.base).status_code, 200)
        self.assertEqual(self._events(self.request, self.signer).count("opened"), 1)

    def _csrf_token(self):
        page = self.url_open("/esign/verify")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def test_verify_form_encoded_post_is_bad_request(self):
        response = self.url_open(
            "/esign/verify",
            data={"csrf_token": self._csrf_token(), "document": "not a file"},
        )
        self._assert_clean(response, 400)
        self.assertIn("o_esign_verify_invalid", response.text)
        response = self.url_open("/esign/verify", data={"csrf_token": self._csrf_token()})
        self._assert_clean(response, 400)
        response = self.url_open("/esign/verify", data={"document": "no token"})
        self._assert_clean(response, 400)

    def test_changed_byte_in_request_marker_is_altered(self):
        for signer in self.request.signer_ids.sorted("sequence"):
            self.assertFalse(self._sign(signer))
        pdf = self.request._get_signed_pdf_bytes()
        marker = f"{UUID_MARKER}{self.request.uuid}".encode()
        start = pdf.index(marker)
        altered = bytearray(pdf)
        altered[start + len(UUID_MARKER) + 5] ^= 0x01
        response = self.url_open(
            "/esign/verify",
            data={"csrf_token": self._csrf_token()},
            files={"document": ("signed.pdf", bytes(altered), "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_esign_verify_altered", response.text)
        # every byte of the marker, in each copy, at model level
        for copy_start in (start, pdf.index(marker, start + 1)):
            for position in range(copy_start, copy_start + len(marker)):
                altered = bytearray(pdf)
                altered[position] ^= 0x01
                found = self.env["esign.request"]._find_for_verification(bytes(altered))
                self.assertEqual(found, self.request, f"byte {position - copy_start}")
                self.assertEqual(found._verify_integrity(bytes(altered))["status"], "altered")
