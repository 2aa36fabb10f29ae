from odoo.tests import HttpCase, new_test_user, tagged

from .common import EsignCase


@tagged("post_install", "-at_install")
class TestEsignPortal(EsignCase, HttpCase):
    """/my/signatures: what a customer's portal users have to sign and have signed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_company = cls.env["res.partner"].create(
            {"name": "Carla Industries", "is_company": True}
        )
        cls.customer.parent_id = cls.customer_company
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Colin Colleague", "parent_id": cls.customer_company.id}
        )
        cls.user_signer = new_test_user(
            cls.env,
            login="esign_portal_carla",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.user_colleague = new_test_user(
            cls.env,
            login="esign_portal_colin",
            groups="base.group_portal",
            partner_id=cls.colleague.id,
        )
        cls.user_stranger = new_test_user(
            cls.env,
            login="esign_portal_stranger",
            groups="base.group_portal",
            name="Stella Stranger",
        )

    def setUp(self):
        super().setUp()
        self.to_sign = self._sent_request(subject="Maintenance contract")
        self.signed = self._sent_request(subject="Hosting agreement")
        for signer in self.signed.signer_ids.sorted("sequence"):
            self.assertFalse(self._sign(signer))
        self.assertEqual(self.signed.state, "completed")
        self.signer = self.to_sign.signer_ids.filtered(lambda s: s.role == "customer")

    def _page(self, user):
        self.authenticate(user.login, user.login)
        return self.url_open("/my/signatures")

    def test_signer_sees_its_link_to_sign_and_its_signed_document(self):
        page = self._page(self.user_signer)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers["Cache-Control"], "no-store")
        self.assertIn("Maintenance contract", page.text)
        self.assertIn(f"/esign/sign/{self.signer.id}/{self.signer.sudo().access_token}", page.text)
        self.assertIn("Hosting agreement", page.text)
        self.assertIn(f"/my/signatures/{self.signed.id}/signed", page.text)
        self.assertIn(f"/esign/verify/{self.signed.uuid}", page.text)

        pdf = self.url_open(f"/my/signatures/{self.signed.id}/signed")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertEqual(pdf.content, self.signed._get_signed_pdf_bytes())
        # the signing page follows the link shown
        sign_page = self.url_open(f"/esign/sign/{self.signer.id}/{self.signer.sudo().access_token}")
        self.assertEqual(sign_page.status_code, 200)

    def test_colleague_sees_the_companys_documents_but_not_the_signers_link(self):
        """A colleague follows the company's contracts (and downloads the signed ones, as it
        sees the company's invoices), but the signing link is the signer's own."""
        page = self._page(self.user_colleague)
        self.assertIn("Maintenance contract", page.text)
        self.assertNotIn(self.signer.sudo().access_token, page.text)
        self.assertIn("Waiting for", page.text)
        self.assertIn(self.customer.name, page.text)
        pdf = self.url_open(f"/my/signatures/{self.signed.id}/signed")
        self.assertEqual(pdf.status_code, 200)

    def test_another_customer_sees_nothing(self):
        page = self._page(self.user_stranger)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Maintenance contract", page.text)
        self.assertNotIn("Hosting agreement", page.text)
        self.assertIn("Nothing is waiting for a signature.", page.text)
        for request_id in (self.signed.id, self.to_sign.id, 0, 2**40):
            response = self.url_open(f"/my/signatures/{request_id}/signed")
            self.assertEqual(response.status_code, 404, request_id)
            self.assertNotIn("Traceback", response.text)

    def test_unsigned_document_cannot_be_downloaded_as_signed(self):
        self.authenticate(self.user_signer.login, self.user_signer.login)
        self.assertEqual(self.url_open(f"/my/signatures/{self.to_sign.id}/signed").status_code, 404)

    def test_public_user_is_sent_to_login(self):
        response = self.url_open("/my/signatures", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(f"/my/signatures/{self.signed.id}/signed", allow_redirects=False)
        self.assertIn(response.status_code, (303, 404))
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")

    def test_portal_home_counts_the_companys_documents(self):
        self.authenticate(self.user_signer.login, self.user_signer.login)
        result = self.make_jsonrpc_request("/my/counters", {"counters": ["esign_request_count"]})
        self.assertEqual(result["esign_request_count"], 2)
        self.authenticate(self.user_stranger.login, self.user_stranger.login)
        result = self.make_jsonrpc_request("/my/counters", {"counters": ["esign_request_count"]})
        self.assertEqual(result["esign_request_count"], 0)
