import base64
import re

from odoo.exceptions import AccessError
from odoo.fields import Datetime
from odoo.tests import Form, tagged

from .test_statement import StatementCase

PARTNER_FORM = "receivable_automation.res_partner_view_form_receivable"


@tagged("post_install", "-at_install")
class TestSharedDocuments(StatementCase):
    """Documents a collector shares from the client file: listed on the debtor's statement and
    downloaded by its contacts and link holders; nobody else gets them, nor the unshared ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls._document(cls.debtor, "General terms.pdf", b"%PDF-1.4 terms", True)
        cls.unshared = cls._document(cls.debtor, "Internal memo.pdf", b"%PDF-1.4 memo", False)
        cls.other_shared = cls._document(
            cls.other_debtor, "Other contract.pdf", b"%PDF-1.4 other", True
        )

    @classmethod
    def _document(cls, partner, name, raw, shared):
        return (
            cls.env["ir.attachment"]
            .with_user(cls.collector)
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "company_id": cls.company.id,
                    "receivable_shared": shared,
                }
            )
        )

    def _download(self, document, token=None):
        query = f"?access_token={token}" if token else ""
        return self.url_open(f"/my/receivables/shared/{document.id}{query}", allow_redirects=False)

    # ------------------------------------------------------------------------------------------
    # Back office
    # ------------------------------------------------------------------------------------------

    def test_collector_shares_a_document_from_the_client_file(self):
        """Upload on the client file's tab, switch it on: shared, and said in the chatter."""
        debtor = self.debtor.with_user(self.collector)
        with Form(debtor, view=PARTNER_FORM) as form:
            with form.receivable_attachment_ids.new() as line:
                line.name = "Price list 2026.pdf"
                line.datas = base64.b64encode(b"%PDF-1.4 prices")
                line.receivable_shared = True
        document = debtor.receivable_attachment_ids.filtered(
            lambda att: att.name == "Price list 2026.pdf"
        )
        self.assertEqual((document.res_model, document.res_id), ("res.partner", self.debtor.id))
        self.assertTrue(document.receivable_shared)
        self.assertEqual(document.raw, b"%PDF-1.4 prices")
        self.assertIn("shared the document Price list 2026.pdf", self.debtor.message_ids[0].body)
        self.assertIn(self.collector.name, self.debtor.message_ids[0].body)

        with Form(debtor, view=PARTNER_FORM) as form:
            index = form.receivable_attachment_ids.ids.index(document.id)
            with form.receivable_attachment_ids.edit(index) as line:
                line.receivable_shared = False
        self.assertFalse(document.receivable_shared)
        self.assertIn(
            "stopped sharing the document Price list 2026.pdf", self.debtor.message_ids[0].body
        )

    def test_only_internal_users_see_or_set_the_sharing(self):
        fields = self.env["ir.attachment"].with_user(self.portal_user).fields_get()
        self.assertNotIn("receivable_shared", fields)
        with self.assertRaises(AccessError):
            self.unshared.with_user(self.portal_user).write({"receivable_shared": True})
        self.assertFalse(self.unshared.receivable_shared)

    # ------------------------------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------------------------------

    def test_link_holder_sees_and_downloads_the_shared_document(self):
        _url, token = self._link()
        page = self._statement(token)
        self.assertEqual(page.status_code, 200)
        self.assertIn("General terms.pdf", page.text)
        self.assertIn(f"/my/receivables/shared/{self.shared.id}?access_token={token}", page.text)
        self.assertNotIn("Internal memo.pdf", page.text)
        self.assertNotIn("Other contract.pdf", page.text)
        response = self._download(self.shared, token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 terms")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(response.headers["Cache-Control"], "no-store")

    def test_portal_contact_downloads_the_companys_shared_document(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        self.assertIn("General terms.pdf", self._statement().text)
        response = self._download(self.shared)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 terms")

    def test_unshared_or_another_debtors_document_is_not_found(self):
        _url, token = self._link()
        for document in (self.unshared, self.other_shared):
            response = self._download(document, token)
            self.assertEqual(response.status_code, 404, document.name)
            self.assertNotIn(b"%PDF", response.content)
        self.assertEqual(
            self.url_open(f"/my/receivables/shared/999999999?access_token={token}").status_code,
            404,
        )
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        self.assertNotIn("General terms.pdf", self._statement().text)
        self.assertEqual(self._download(self.shared).status_code, 404)
        self.assertEqual(self._download(self.other_shared).status_code, 200)

    def test_no_download_without_a_valid_link(self):
        _url, token = self._link()
        self.assertEqual(self._download(self.shared).status_code, 404, "public, no link")
        self.assertEqual(self._download(self.shared, "guessed-token-12345").status_code, 404)
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        link.expires_at = Datetime.subtract(Datetime.now(), days=1)
        self.assertEqual(self._download(self.shared, token).status_code, 404, "expired link")
        link.expires_at = Datetime.add(Datetime.now(), days=1)
        self.debtor.action_revoke_receivable_portal_links()
        self.assertEqual(self._download(self.shared, token).status_code, 404, "revoked link")

    # ------------------------------------------------------------------------------------------
    # Expired link -> new link, in the browser
    # ------------------------------------------------------------------------------------------

    def test_tour_phone_expired_link_asks_for_a_new_one(self):
        _url, token = self._link()
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        link.expires_at = Datetime.subtract(Datetime.now(), days=1)
        self.browser_size = "375x812"
        with self.mock_mail_gateway():
            self.start_tour(
                f"/my/receivables?access_token={token}", "client_portal_renew_link_tour"
            )
            mail = self.env["mail.mail"].search([("subject", "like", "account statement")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact, "the dunning contact on file only")
        new_token = re.search(r"/r/([\w-]{16,})", mail.body_html).group(1)
        self.assertNotEqual(new_token, token)
        opened = self.url_open(f"/r/{new_token}", allow_redirects=False)
        self.assertEqual(opened.status_code, 303)
        self.assertIn(f"access_token={new_token}", opened.headers["Location"])
        page = self._statement(new_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.overdue.name, page.text)
