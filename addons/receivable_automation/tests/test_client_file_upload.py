import base64
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReceivableCommon

PDF = b"%PDF-1.4\n% order form\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
NOW = datetime(2026, 3, 2, 9, 0, 0)
LINK_MODEL = "receivable.client.file.upload.link"


@tagged("post_install", "-at_install")
class TestClientFileUpload(ReceivableCommon, HttpCase):
    """A customer uploads the documents a client file's collecting step misses, through the
    link it received by e-mail, on a page that needs no login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = cls.env.ref("sales_team.group_sale_salesman")
        cls.salesperson.groups_id = [Command.link(salesman.id)]
        cls.other_salesperson = new_test_user(
            cls.env,
            login="upl_other_salesperson",
            name="Otto Other",
            email="otto@company.example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        DocumentType = cls.env["receivable.document.type"]
        cls.order_type = DocumentType.create(
            {
                "name": "Order (upload test)",
                "code": "ut_order",
                "description": "The order form signed and stamped by your company.",
                "allowed_extensions": "pdf,png",
                "max_size_mb": 1,
            }
        )
        cls.kbis_type = DocumentType.create(
            {
                "name": "Registration (upload test)",
                "code": "ut_kbis",
                "description": "An extract of the trade register less than three months old.",
                "allowed_extensions": "pdf",
            }
        )
        cls.other_type = DocumentType.create(
            {"name": "Other customer's paper", "code": "ut_other", "allowed_extensions": "pdf"}
        )
        cls.circuit = cls._circuit("Upload onboarding", cls.order_type | cls.kbis_type)
        cls.other_circuit = cls._circuit("Other onboarding", cls.other_type)

    @classmethod
    def _circuit(cls, name, document_types):
        return cls.env["receivable.circuit"].create(
            {
                "name": name,
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Documents",
                            "kind": "collect",
                            "document_type_ids": [Command.set(document_types.ids)],
                            "verifier_type": "user",
                            "verifier_user_id": cls.collector.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Approval",
                            "kind": "approve",
                            "verifier_type": "user",
                            "verifier_user_id": cls.manager.id,
                        }
                    ),
                ],
            }
        )

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _start(self, partner=None, circuit=None):
        partner = partner or self.debtor
        client_file = (
            self.env["receivable.client.file"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "circuit_id": (circuit or self.circuit).id,
                    "signatory_id": self.contact.id if partner == self.debtor else False,
                    "company_id": self.company.id,
                }
            )
        )
        with self.mock_mail_gateway():
            client_file.action_start()
        return client_file

    def _link(self, client_file):
        return client_file.current_step_id.upload_link_ids.filtered(
            lambda link: link.state == "valid"
        )

    def _token(self, link):
        return link.sudo().token

    def _page(self, token):
        return self.url_open(f"/my/client-file/upload/{token}", allow_redirects=False)

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]

    def _post(self, token, document_type, filename, content, mimetype="application/pdf"):
        return self.url_open(
            f"/my/client-file/upload/{token}",
            data={"csrf_token": self._csrf(), "document_type_id": str(document_type.id)},
            files={"document": (filename, content, mimetype)},
            allow_redirects=False,
        )

    def _documents(self, client_file):
        return (
            self.env["receivable.client.file.document"]
            .with_context(active_test=False)
            .search([("file_id", "=", client_file.id)])
        )

    # ------------------------------------------------------------------------------------------
    # The link
    # ------------------------------------------------------------------------------------------

    def test_french_customer_gets_the_page_in_french(self):
        """The link e-mailed to a French contact opens the upload page in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["receivable_automation"], ["fr_FR"])
        self.contact.lang = "fr_FR"
        link = self._link(self._start())
        url = link._get_url()
        self.assertIn("/fr/my/client-file/upload/", url)
        page = self.url_open(url[url.index("/fr/") :])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Documents qu'il nous manque", page.text)

    @freeze_time(NOW)
    def test_collect_step_emails_the_customer_an_upload_link(self):
        """Starting a collecting step e-mails the customer's signatory a personal link listing
        the missing documents with their descriptions and the link's expiry date."""
        client_file = self._start()
        link = self._link(client_file)
        self.assertEqual(len(link), 1)
        self.assertEqual(link.partner_id, self.contact)
        self.assertEqual(link.date_expiry, NOW + timedelta(days=14))
        token = self._token(link)
        self.assertGreaterEqual(len(token), 43)
        mail = self.assertMailMail(
            self.contact,
            "outgoing",
            content="/my/client-file/upload/" + token,
            fields_values={
                "subject": f"{self.company.name}: documents to upload for Upload onboarding",
            },
        )
        body = mail.body_html
        for text in (
            "Order (upload test)",
            "The order form signed and stamped by your company.",
            "Registration (upload test)",
            "An extract of the trade register less than three months old.",
            "03/16/2026",
        ):
            self.assertIn(text, body)
        notes = client_file.message_ids.mapped("body")
        self.assertTrue(any("Upload link for step Documents sent to" in note for note in notes))
        self.assertFalse(any(token in note for note in notes), "the link stays out of the chatter")

    def test_link_validity_comes_from_the_settings(self):
        # the test company's cash-basis taxes make the settings form warn about them
        with (
            mute_logger("odoo.tests.form.onchange"),
            Form(self.env["res.config.settings"]) as settings,
        ):
            settings.receivable_upload_link_days = 3
        self.assertEqual(self.company.receivable_upload_link_days, 3)
        with freeze_time(NOW):
            link = self._link(self._start())
        self.assertEqual(link.date_expiry, NOW + timedelta(days=3))
        with self.assertRaises(ValidationError):
            self.company.receivable_upload_link_days = 0

    def test_send_upload_link_again_revokes_the_previous_one(self):
        client_file = self._start()
        first = self._link(client_file)
        with self.mock_mail_gateway():
            client_file.with_user(self.salesperson).action_send_upload_link()
        second = self._link(client_file)
        self.assertNotEqual(first, second)
        self.assertEqual(first.state, "revoked")
        self.assertMailMail(self.contact, "outgoing", content=self._token(second))
        self.assertEqual(self._page(self._token(first)).status_code, 404)
        self.assertEqual(self._page(self._token(second)).status_code, 200)

    def test_send_upload_link_refused_when_it_makes_no_sense(self):
        client_file = self._start()
        with self.assertRaises(AccessError):
            client_file.current_step_id.with_user(self.other_salesperson).action_send_upload_link()
        self.contact.email = False
        self.debtor.email = False
        with self.assertRaisesRegex(UserError, "no e-mail address"):
            client_file.with_user(self.salesperson).action_send_upload_link()
        client_file.with_user(self.salesperson).action_cancel()
        with self.assertRaisesRegex(UserError, "is not open"):
            client_file.file_step_ids[:1].action_send_upload_link()

    def test_cancelled_file_revokes_its_links(self):
        client_file = self._start()
        link = self._link(client_file)
        client_file.with_user(self.salesperson).action_cancel()
        self.assertEqual(link.state, "revoked")
        self.assertEqual(self._page(self._token(link)).status_code, 404)

    def test_revoke_from_the_back_office(self):
        client_file = self._start()
        link = self._link(client_file)
        link.with_user(self.salesperson).action_revoke()
        self.assertEqual(link.state, "revoked")
        self.assertIn("o_client_file_upload_invalid", self._page(self._token(link)).text)
        with self.assertRaises(AccessError):
            link.with_user(self.other_salesperson).action_revoke()

    # ------------------------------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------------------------------

    def test_upload_adds_a_document_to_check_for_the_verifier(self):
        client_file = self._start()
        link = self._link(client_file)
        token = self._token(link)
        page = self._page(token)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers["Cache-Control"], "no-store")
        self.assertEqual(page.headers["Referrer-Policy"], "no-referrer")
        self.assertIn("The order form signed and stamped by your company.", page.text)
        self.assertIn("PDF, PNG", page.text)
        self.assertTrue(link.last_opened)

        response = self._post(token, self.order_type, "order.pdf", PDF)
        self.assertEqual(response.status_code, 303)
        document = self._documents(client_file)
        self.assertEqual(len(document), 1)
        self.assertEqual(document.state, "to_check")
        self.assertEqual(document.source, "portal")
        self.assertEqual(document.document_type_id, self.order_type)
        self.assertEqual(document.attachment_id.raw, PDF)
        self.assertEqual(document.upload_link_id, link)
        self.assertEqual(document.uploaded_by_partner_id, self.contact)
        self.assertFalse(document.uploaded_by_id)
        activity = client_file.activity_ids.filtered(lambda act: act.id == document.activity_id.id)
        self.assertEqual(activity.user_id, self.collector)
        message = client_file.message_ids.filtered(
            lambda msg: "uploaded by the customer through the upload link" in msg.body
        )
        self.assertEqual(message.author_id, self.contact)
        public_partner = self.env.ref("base.public_partner")
        self.assertNotIn(
            public_partner,
            client_file.message_ids.author_id | activity.create_uid.partner_id,
            "nothing on the file is signed by the public user",
        )

        page = self._page(token)
        self.assertIn("Thank you", self.url_open(response.headers["Location"]).text)
        self.assertIn("order.pdf", page.text)
        self.assertIn('data-state="to_check"', page.text)
        self.assertNotIn('data-type-code="ut_order"', page.text, "no longer asked for")
        self.assertIn('data-type-code="ut_kbis"', page.text)

        self._post(token, self.kbis_type, "kbis.pdf", PDF)
        page = self._page(token)
        self.assertIn("We have received every document we asked for", page.text)
        self.assertNotIn('type="file"', page.text)

    def test_rejected_document_shows_its_reason_and_is_asked_again(self):
        client_file = self._start()
        token = self._token(self._link(client_file))
        self._post(token, self.order_type, "order.pdf", PDF)
        document = self._documents(client_file)
        with self.mock_mail_gateway():
            client_file.current_step_id.with_user(self.collector)._reject(
                "The stamp is missing", document=document
            )
        page = self._page(token)
        self.assertIn('data-state="rejected"', page.text)
        self.assertIn("The stamp is missing", page.text)
        self.assertIn('data-type-code="ut_order"', page.text, "asked for again")
        self.assertEqual(self._post(token, self.order_type, "order2.png", PNG).status_code, 303)
        self.assertEqual(len(self._documents(client_file)), 2)

    def test_bad_files_are_refused_and_nothing_is_created(self):
        client_file = self._start()
        token = self._token(self._link(client_file))
        attachments_before = self.env["ir.attachment"].search_count([])
        cases = [
            ("wrong extension", "order.exe", b"MZ\x90\x00", "accepted files are pdf, png"),
            ("no extension", "order", PDF, "accepted files are pdf, png"),
            ("spoofed pdf", "order.pdf", b"<html><script>alert(1)</script></html>", "real PDF"),
            ("png named pdf", "order.pdf", PNG, "real PDF"),
            ("too big", "order.pdf", PDF + b"0" * (1024 * 1024), "at most 1 MB"),
            ("empty", "order.pdf", b"", "is empty"),
        ]
        for label, filename, content, error in cases:
            with self.subTest(label):
                response = self._post(token, self.order_type, filename, content)
                self.assertEqual(response.status_code, 400)
                self.assertIn(error, response.text)
                self.assertIn("o_client_file_upload_error", response.text)
        self.assertFalse(self._documents(client_file))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)
        self.assertEqual(
            client_file.current_step_id.missing_document_type_ids, self.order_type | self.kbis_type
        )

    def test_document_type_of_another_file_is_refused(self):
        client_file = self._start()
        other_file = self._start(partner=self.other_debtor, circuit=self.other_circuit)
        token = self._token(self._link(client_file))
        response = self._post(token, self.other_type, "other.pdf", PDF)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not expected here", response.text)
        for bad_id in ("0", "-1", "abc", "99999999999"):
            response = self.url_open(
                f"/my/client-file/upload/{token}",
                data={"csrf_token": self._csrf(), "document_type_id": bad_id},
                files={"document": ("x.pdf", PDF, "application/pdf")},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 400)
        self._post(token, self.order_type, "order.pdf", PDF)
        response = self._post(token, self.order_type, "again.pdf", PDF)
        self.assertEqual(response.status_code, 400, "already received, waiting for its check")
        self.assertFalse(self._documents(other_file))
        self.assertEqual(len(self._documents(client_file)), 1)

    @mute_logger("odoo.http")
    def test_post_without_csrf_token_is_refused(self):
        client_file = self._start()
        token = self._token(self._link(client_file))
        response = self.url_open(
            f"/my/client-file/upload/{token}",
            data={"document_type_id": str(self.order_type.id)},
            files={"document": ("order.pdf", PDF, "application/pdf")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._documents(client_file))

    def test_expired_revoked_and_unknown_links_show_the_same_page(self):
        with freeze_time(NOW):
            client_file = self._start()
            expired = self._link(client_file)
            expired_token = self._token(expired)
        with freeze_time(NOW + timedelta(days=1)), self.mock_mail_gateway():
            client_file.action_send_upload_link()
            revoked_token = expired_token
            expired_token = self._token(self._link(client_file))
        valid_token = expired_token
        with freeze_time(NOW + timedelta(days=1)):
            self.assertEqual(self._page(valid_token).status_code, 200)
        with freeze_time(NOW + timedelta(days=16)):
            pages = {
                "expired": self._page(expired_token),
                "revoked": self._page(revoked_token),
                "unknown": self._page("x" * 43),
                "not a token": self._page("not-a-token!"),
            }
            bodies = set()
            for label, page in pages.items():
                with self.subTest(label):
                    self.assertEqual(page.status_code, 404)
                    self.assertIn("This link is no longer valid", page.text)
                    self.assertNotIn(client_file.name, page.text)
                    self.assertNotIn(self.debtor.name, page.text)
                    body = page.text.split("o_client_file_upload_invalid", 1)[1]
                    for token in (expired_token, revoked_token, "x" * 43, "not-a-token!"):
                        body = body.replace(token, "TOKEN")
                    bodies.add(body)
            self.assertEqual(len(bodies), 1, "nothing tells which case it is")
            response = self._post(expired_token, self.order_type, "order.pdf", PDF)
            self.assertEqual(response.status_code, 404)
        self.assertFalse(self._documents(client_file))

    def test_uploads_per_link_are_rate_limited(self):
        self.assertEqual(self.env[LINK_MODEL]._get_upload_rate_limit(), 20)
        with freeze_time(NOW):
            client_file = self._start()
            token = self._token(self._link(client_file))
            with patch.object(type(self.env[LINK_MODEL]), "_get_upload_rate_limit", lambda self: 1):
                self.assertEqual(
                    self._post(token, self.order_type, "order.pdf", PDF).status_code, 303
                )
                response = self._post(token, self.kbis_type, "kbis.pdf", PDF)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Too many files", response.text)
                self.assertEqual(len(self._documents(client_file)), 1)
        with freeze_time(NOW + timedelta(minutes=61)):
            with patch.object(type(self.env[LINK_MODEL]), "_get_upload_rate_limit", lambda self: 1):
                self.assertEqual(
                    self._post(token, self.kbis_type, "kbis.pdf", PDF).status_code, 303
                )
        self.assertEqual(len(self._documents(client_file)), 2)

    def test_page_never_shows_another_customers_documents(self):
        client_file = self._start()
        other_file = self._start(partner=self.other_debtor, circuit=self.other_circuit)
        token = self._token(self._link(client_file))
        other_token = self._token(self._link(other_file))
        self.assertEqual(
            self._post(other_token, self.other_type, "secret-other.pdf", PDF).status_code, 303
        )
        self._post(token, self.order_type, "mine.pdf", PDF)
        page = self._page(token).text
        self.assertIn("mine.pdf", page)
        self.assertNotIn("secret-other.pdf", page)
        self.assertNotIn(self.other_debtor.name, page)
        other_page = self._page(other_token).text
        self.assertIn("secret-other.pdf", other_page)
        self.assertNotIn("mine.pdf", other_page)
        self.assertNotIn(self.debtor.name, other_page)

    def test_links_follow_the_steps_access_rules(self):
        client_file = self._start()
        link = self._link(client_file)
        Link = self.env[LINK_MODEL]
        self.assertEqual(Link.with_user(self.salesperson).search([("id", "=", link.id)]), link)
        self.assertFalse(Link.with_user(self.other_salesperson).search([("id", "=", link.id)]))
        self.assertEqual(Link.with_user(self.collector).search([("id", "=", link.id)]), link)
        with self.assertRaises(AccessError):
            link.with_user(self.salesperson).token  # noqa: B018
        other_company = self.setup_other_company()["company"]
        self.collector.company_ids = [Command.link(other_company.id)]
        self.assertFalse(
            Link.with_user(self.collector)
            .with_context(allowed_company_ids=other_company.ids)
            .search([("id", "=", link.id)])
        )

    def test_customer_uploads_a_file_in_the_browser(self):
        client_file = self._start()
        token = self._token(self._link(client_file))
        self.start_tour(f"/my/client-file/upload/{token}", "receivable_client_file_upload_tour")
        document = self._documents(client_file)
        self.assertEqual(document.attachment_id.name, "order-form.pdf")
        self.assertEqual(document.state, "to_check")
        self.assertTrue(document.attachment_id.raw.startswith(b"%PDF"))
