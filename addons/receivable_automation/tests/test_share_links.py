import re
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReceivableCommon

# the links are created today: the clock moves from now on
NOW = datetime.now().replace(microsecond=0)
TODAY = NOW.date()


class ShareLinkCase(ReceivableCommon, HttpCase):
    """A salesperson and a credit controller who share documents of a customer (a contract and
    a company registration attached to the debtor) and of an invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sharer = new_test_user(
            cls.env,
            login="ra_sharer",
            name="Sam Sharer",
            email="sam@company.example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        Attachment = cls.env["ir.attachment"]
        cls.contract = Attachment.create(
            {
                "name": "contract.pdf",
                "raw": b"%PDF-1.4 the signed contract",
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": cls.debtor.id,
            }
        )
        cls.registration = Attachment.create(
            {
                "name": "kbis.pdf",
                "raw": b"%PDF-1.4 company registration",
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": cls.debtor.id,
            }
        )
        cls.other_document = Attachment.create(
            {
                "name": "other-customer.pdf",
                "raw": b"%PDF-1.4 another customer's document",
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": cls.other_debtor.id,
            }
        )
        cls.invoice = cls._invoice(cls.debtor, 1200)
        cls.invoice_document = Attachment.create(
            {
                "name": "invoice-copy.pdf",
                "raw": b"%PDF-1.4 invoice copy",
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": cls.invoice.id,
            }
        )

    def _share(self, user, attachments, **values):
        wizard = (
            self.env["receivable.share.link.wizard"]
            .with_user(user)
            .create(
                {
                    "attachment_ids": [Command.set(attachments.ids)],
                    "recipient_name": "Audrey Auditor",
                    "recipient_email": "audrey@audit.example.com",
                    "send_now": False,
                    **values,
                }
            )
        )
        action = wizard.action_share()
        return self.env["receivable.share.link"].browse(action["res_id"])

    def _url(self, link, suffix=""):
        return f"/receivable/share/{link.sudo().access_token}{suffix}"

    def _csrf(self, page):
        return re.search(r'csrf_token(?:" value=|: )"([^"]+)"', page.text).group(1)

    def _logs(self, link, event):
        return link.sudo().log_ids.filtered(lambda log: log.event == event)


@tagged("post_install", "-at_install")
class TestShareLinks(ShareLinkCase):
    def test_open_and_download_are_logged_with_ip(self):
        """The recipient opens the link, sees both documents and downloads one: the page, the
        file (its type, as an attachment) and the log with the IP address."""
        link = self._share(self.sharer, self.contract | self.registration)
        page = self.url_open(self._url(link))
        self.assertEqual(page.status_code, 200)
        self.assertIn("contract.pdf", page.text)
        self.assertIn("kbis.pdf", page.text)
        self.assertIn(self._url(link, f"/{self.contract.id}"), page.text)
        self.assertEqual(page.headers["Cache-Control"], "no-store")
        opened = self._logs(link, "opened")
        self.assertEqual(len(opened), 1)
        self.assertEqual(opened.ip, "127.0.0.1")

        download = self.url_open(self._url(link, f"/{self.contract.id}"))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, b"%PDF-1.4 the signed contract")
        self.assertEqual(download.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", download.headers["Content-Disposition"])
        self.assertIn("contract.pdf", download.headers["Content-Disposition"])
        log = self._logs(link, "download")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.attachment_id, self.contract)
        self.assertEqual(log.attachment_name, "contract.pdf")
        self.assertEqual(log.ip, "127.0.0.1")
        self.assertTrue(log.user_agent)
        self.assertEqual(log.user_id, self.env.ref("base.public_user"))
        self.assertEqual(link.with_user(self.sharer).download_count, 1)

        self.url_open(self._url(link, f"/{self.contract.id}"))
        self.assertEqual(len(self._logs(link, "download")), 2, "every download is logged")

    def test_expired_link_is_refused_and_serves_nothing(self):
        link = self._share(self.sharer, self.contract, date_expiry=TODAY + timedelta(days=3))
        with freeze_time(TODAY + timedelta(days=4)):
            self.assertEqual(link.state, "expired")
            page = self.url_open(self._url(link))
            download = self.url_open(self._url(link, f"/{self.contract.id}"))
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("contract.pdf", page.text)
        self.assertEqual(download.status_code, 404)
        self.assertNotIn(b"signed contract", download.content)
        self.assertFalse(self._logs(link, "download"))
        self.assertEqual(len(self._logs(link, "expired_access")), 2)

    def test_link_valid_through_its_last_day(self):
        link = self._share(self.sharer, self.contract, date_expiry=TODAY + timedelta(days=3))
        with freeze_time(datetime.combine(TODAY + timedelta(days=3), datetime.min.time())):
            self.assertEqual(self.url_open(self._url(link)).status_code, 200)

    def test_revoked_link_is_refused(self):
        link = self._share(self.sharer, self.contract)
        self.assertEqual(self.url_open(self._url(link)).status_code, 200)
        link.with_user(self.sharer).action_revoke()
        self.assertEqual(link.state, "revoked")
        self.assertEqual(link.revoked_by_id, self.sharer)
        self.assertEqual(len(self._logs(link, "revoked")), 1)
        page = self.url_open(self._url(link))
        download = self.url_open(self._url(link, f"/{self.contract.id}"))
        self.assertEqual(page.status_code, 404)
        self.assertEqual(download.status_code, 404)
        self.assertEqual(len(self._logs(link, "expired_access")), 2)
        with self.assertRaises(UserError):
            link.with_user(self.sharer).action_extend()
        with self.assertRaises(UserError):
            link.with_user(self.sharer).action_send()

    def test_unknown_expired_and_revoked_links_look_the_same(self):
        """Whoever guesses cannot tell an unknown token from an expired or revoked one."""
        expired = self._share(self.sharer, self.contract, date_expiry=TODAY)
        revoked = self._share(self.sharer, self.contract)
        revoked.with_user(self.sharer).action_revoke()
        with freeze_time(TODAY + timedelta(days=1)):
            pages = [
                self.url_open(url)
                for url in (
                    "/receivable/share/" + "x" * 43,
                    self._url(expired),
                    self._url(revoked),
                    "/receivable/share/" + "y" * 500,
                )
            ]
        self.assertEqual({page.status_code for page in pages}, {404})
        # the pages only differ by the address they were asked at (language switcher)
        texts = {page.text.replace(page.url.rsplit("/", 1)[1], "TOKEN") for page in pages}
        self.assertEqual(len(texts), 1)

    def test_attachment_of_another_link_is_refused(self):
        mine = self._share(self.sharer, self.contract)
        self._share(self.sharer, self.registration)
        for attachment in (self.registration, self.other_document):
            response = self.url_open(self._url(mine, f"/{attachment.id}"))
            self.assertEqual(response.status_code, 404)
            self.assertNotIn(b"PDF", response.content)
        self.assertFalse(self._logs(mine, "download"))

    def test_extend_gives_the_company_validity_again(self):
        self.company.receivable_share_days = 30
        link = self._share(self.sharer, self.contract, date_expiry=TODAY + timedelta(days=2))
        link.with_user(self.sharer).action_extend()
        self.assertEqual(link.date_expiry, TODAY + timedelta(days=32))
        self.assertEqual(len(self._logs(link, "extended")), 1)


@tagged("post_install", "-at_install")
class TestShareLinkCode(ShareLinkCase):
    """Links that ask for a code sent to the recipient's e-mail."""

    def setUp(self):
        super().setUp()
        self.link = self._share(self.sharer, self.contract, require_code=True)

    def _send_code(self):
        page = self.url_open(self._url(self.link))
        return self.url_open(
            self._url(self.link, "/send_code"), data={"csrf_token": self._csrf(page)}
        )

    def _verify(self, code):
        page = self.url_open(self._url(self.link))
        return self.url_open(
            self._url(self.link, "/verify"),
            data={"csrf_token": self._csrf(page), "code": code},
        )

    def _download_status(self):
        return self.url_open(self._url(self.link, f"/{self.contract.id}")).status_code

    def _last_code(self):
        mails = [mail for mail in self._mails if mail["email_to"] == ["audrey@audit.example.com"]]
        self.assertTrue(mails, "the code went to the recipient's address")
        return re.search(r">(\d{6})<", mails[-1]["body"]).group(1)

    def _wrong(self, code):
        return "000000" if code != "000000" else "111111"

    def test_code_page_before_documents(self):
        page = self.url_open(self._url(self.link))
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("contract.pdf", page.text)
        self.assertIn("a***@audit.example.com", page.text)
        download = self.url_open(self._url(self.link, f"/{self.contract.id}"))
        self.assertEqual(download.status_code, 404)
        self.assertFalse(self._logs(self.link, "download"))

    def test_right_code_lets_download_for_the_session(self):
        with self.mock_mail_gateway():
            sent = self._send_code()
            self.assertEqual(sent.status_code, 200)
            code = self._last_code()
        self.assertEqual([mail["email_to"] for mail in self._mails], [["audrey@audit.example.com"]])
        self.assertNotIn(code, "".join(self.link.message_ids.mapped("body")))
        self.assertNotEqual(self.link.sudo().code_hash, code)
        response = self._verify(code)
        self.assertEqual(response.status_code, 200)
        self.assertIn("contract.pdf", response.text)
        download = self.url_open(self._url(self.link, f"/{self.contract.id}"))
        self.assertEqual(download.content, b"%PDF-1.4 the signed contract")
        self.assertEqual(len(self._logs(self.link, "code_ok")), 1)
        self.assertEqual(len(self._logs(self.link, "download")), 1)
        # another browser session must ask for its own code
        self.opener.cookies.clear()
        self.assertEqual(
            self.url_open(self._url(self.link, f"/{self.contract.id}")).status_code, 404
        )

    def test_wrong_codes_are_counted_and_five_lock_the_link(self):
        with self.mock_mail_gateway():
            self._send_code()
            code = self._last_code()
        for tries_left in (4, 3, 2, 1):
            response = self._verify(self._wrong(code))
            self.assertEqual(response.status_code, 403)
            self.assertIn(f"Wrong code. {tries_left} tries left.", response.text)
        self.assertEqual(self.link.code_attempts, 4)
        response = self._verify(self._wrong(code))
        self.assertIn("this link is locked", response.text)
        self.assertTrue(self.link.code_locked)
        self.assertEqual(len(self._logs(self.link, "code_failed")), 5)
        self.assertEqual(len(self._logs(self.link, "locked")), 1)
        # the right code no longer opens it, and no new code is sent
        self.assertIn("this link is locked", self._verify(code).text)
        with self.mock_mail_gateway():
            self.assertIn("this link is locked", self._send_code().text)
        self.assertFalse(self._mails)
        self.assertEqual(self._download_status(), 404)
        # the one who shared is told, and unlocks it
        self.assertIn(self.sharer.partner_id, self.link.message_ids[0].partner_ids)
        self.link.with_user(self.sharer).action_unlock()
        self.assertFalse(self.link.code_locked)
        with freeze_time(fields.Datetime.now() + timedelta(seconds=61)), self.mock_mail_gateway():
            self._send_code()
            code = self._last_code()
            self.assertIn("contract.pdf", self._verify(code).text)

    def test_code_expires_after_ten_minutes(self):
        with freeze_time(NOW):
            with self.mock_mail_gateway():
                self._send_code()
                code = self._last_code()
        with freeze_time(NOW + timedelta(minutes=11)):
            response = self._verify(code)
        self.assertIn("This code has expired", response.text)
        self.assertEqual(self._download_status(), 404)
        self.assertEqual(self._logs(self.link, "code_failed").description, "expired")

    def test_resend_cooldown(self):
        with freeze_time(NOW):
            with self.mock_mail_gateway():
                self._send_code()
                first = self._last_code()
                again = self._send_code()
            self.assertEqual(again.status_code, 429)
            self.assertIn("Please wait", again.text)
            self.assertEqual(len(self._mails), 1, "no second e-mail during the cooldown")
        with freeze_time(NOW + timedelta(seconds=61)):
            with self.mock_mail_gateway():
                self.assertEqual(self._send_code().status_code, 200)
                second = self._last_code()
            self.assertEqual(len(self._mails), 1)
            # only the last code works
            if first != second:
                self.assertEqual(self._verify(first).status_code, 403)
            self.assertIn("contract.pdf", self._verify(second).text)


@tagged("post_install", "-at_install")
class TestShareLinkCreation(ShareLinkCase):
    def test_wizard_form_creates_and_sends_the_link(self):
        """The salesperson shares two documents of a customer from the real form; the customer
        contact receives the link by e-mail (queued), the chatter says so without the link."""
        self.contact.email = "paula@debtor.example.com"
        context = {
            "default_attachment_ids": [Command.set((self.contract | self.registration).ids)],
            "default_res_model": "res.partner",
            "default_res_id": self.debtor.id,
        }
        wizard_model = self.env["receivable.share.link.wizard"].with_user(self.sharer)
        with freeze_time(NOW):
            form = Form(wizard_model.with_context(**context))
            self.assertEqual(form.date_expiry, TODAY + timedelta(days=14))
            form.partner_id = self.contact
            self.assertEqual(form.recipient_email, "paula@debtor.example.com")
            form.require_code = True
            form.note = "The documents you asked for."
            wizard = form.save()
            with self.mock_mail_gateway():
                action = wizard.action_share()
        link = self.env["receivable.share.link"].browse(action["res_id"])
        self.assertEqual(link.user_id, self.sharer)
        self.assertEqual(link.attachment_ids, self.contract | self.registration)
        self.assertEqual(link.recipient_email, "paula@debtor.example.com")
        self.assertTrue(link.require_code)
        self.assertEqual(len(link.access_token), 43)
        self.assertEqual(link.state, "active")
        mail = self._new_mails.filtered(lambda mail: mail.email_to == "paula@debtor.example.com")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "the link is queued, not sent inline")
        self.assertIn(link.share_url, mail.body_html)
        self.assertIn("contract.pdf", mail.body_html)
        self.assertFalse(mail.model, "the e-mail with the link is attached to no chatter")
        bodies = "".join(link.message_ids.mapped("body"))
        self.assertIn("Link sent to", bodies)
        self.assertNotIn(link.access_token, bodies)
        self.assertEqual(len(self._logs(link, "sent")), 1)
        self.assertIn("contract.pdf", self.debtor.message_ids[0].body)
        self.assertNotIn(link.access_token, self.debtor.message_ids[0].body)

    def test_wizard_from_attachments_uses_them(self):
        wizard = (
            self.env["receivable.share.link.wizard"]
            .with_user(self.sharer)
            .with_context(
                active_model="ir.attachment", active_ids=(self.contract | self.registration).ids
            )
            .create({"recipient_email": "audrey@audit.example.com"})
        )
        self.assertEqual(wizard.attachment_ids, self.contract | self.registration)

    def test_bad_input_is_refused(self):
        with self.assertRaises(ValidationError):
            self._share(self.sharer, self.contract, recipient_email="not an address")
        with self.assertRaises(UserError):
            self._share(self.sharer, self.env["ir.attachment"])
        with self.assertRaises(UserError):
            self._share(self.sharer, self.contract, date_expiry=TODAY - timedelta(days=1))
        with self.assertRaises(ValidationError):
            self.env["receivable.share.link"].with_user(self.sharer).create(
                {"name": "Nothing", "recipient_email": "audrey@audit.example.com"}
            )

    def test_salesperson_cannot_share_a_record_they_cannot_read(self):
        with self.assertRaisesRegex(AccessError, "invoice-copy.pdf"):
            self._share(self.sharer, self.invoice_document)
        link = self._share(self.sharer, self.contract)
        with self.assertRaises(AccessError):
            link.with_user(self.sharer).write(
                {"attachment_ids": [Command.link(self.invoice_document.id)]}
            )
        # a credit controller may share the invoice's documents
        self.assertTrue(self._share(self.collector, self.invoice_document))

    def test_other_company_cannot_share_nor_see(self):
        other_company = self.env["res.company"].create({"name": "Other Share Co"})
        outsider = new_test_user(
            self.env,
            login="ra_share_outsider",
            groups="receivable_automation.group_receivable_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            self._share(outsider, self.invoice_document)
        link = self._share(self.collector, self.invoice_document)
        Link = self.env["receivable.share.link"].with_user(outsider)
        self.assertFalse(Link.search([("id", "=", link.id)]))
        with self.assertRaises(AccessError):
            link.with_user(outsider).read(["name"])
        log = link._log("opened")
        with self.assertRaises(AccessError):
            log.with_user(outsider).read(["event"])

    def test_who_sees_which_links(self):
        mine = self._share(self.sharer, self.contract)
        theirs = self._share(self.collector, self.registration)
        Link = self.env["receivable.share.link"]
        self.assertEqual(Link.with_user(self.sharer).search([]), mine)
        self.assertEqual(Link.with_user(self.collector).search([]), mine | theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.sharer).read(["name"])
        # a plain employee sees none
        with self.assertRaises(AccessError):
            Link.with_user(self.salesperson).search([])

    def test_share_links_menu_for_salespeople_and_controllers(self):
        menu = self.env.ref("receivable_automation.menu_receivable_share_links")
        Menu = self.env["ir.ui.menu"]
        for user in (self.sharer, self.collector):
            self.assertIn(menu.id, Menu.with_user(user)._visible_menu_ids(), user.name)
        self.assertNotIn(menu.id, Menu.with_user(self.salesperson)._visible_menu_ids())

    def test_system_fields_cannot_be_written(self):
        link = self._share(self.sharer, self.contract)
        link.with_user(self.sharer).action_revoke()
        for values in (
            {"revoked_on": False},
            {"access_token": "mine"},
            {"code_locked": False},
            {"user_id": self.collector.id},
        ):
            with self.assertRaises(AccessError):
                link.with_user(self.sharer).write(values)
        with self.assertRaises(AccessError):
            link.with_user(self.collector).write({"company_id": self.company.id})

    def test_log_is_append_only(self):
        link = self._share(self.sharer, self.contract)
        self.url_open(self._url(link))
        log = link.sudo().log_ids[:1]
        admin = self.env.ref("base.user_admin")
        for user in (self.collector, self.manager, admin):
            with self.assertRaises(AccessError):
                log.with_user(user).write({"ip": "10.0.0.1"})
            with self.assertRaises(AccessError):
                log.with_user(user).unlink()
        with self.assertRaises(AccessError):
            log.sudo().write({"ip": "10.0.0.1"})
        with self.assertRaises(AccessError):
            log.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["receivable.share.log"].sudo().create(
                {"link_id": link.id, "company_id": self.company.id, "event": "download"}
            )
        self.assertEqual(log.ip, "127.0.0.1")

    def test_company_setting_gives_the_default_validity(self):
        settings = Form(self.env["res.config.settings"])
        settings.receivable_share_days = 30
        settings.save().execute()
        self.assertEqual(self.env.company.receivable_share_days, 30)
        wizard = Form(self.env["receivable.share.link.wizard"].with_company(self.env.company))
        self.assertEqual(wizard.date_expiry, TODAY + timedelta(days=30))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env.company.receivable_share_days = 0
            self.env.company.flush_recordset()

    def test_link_form_edits_and_token_stays_out_of_lists(self):
        link = self._share(self.sharer, self.contract)
        with Form(link.with_user(self.sharer)) as form:
            self.assertTrue(form.share_url.endswith(link.sudo().access_token))
            form.date_expiry = TODAY + timedelta(days=40)
            form.recipient_email = "lawyer@law.example.com"
        self.assertEqual(link.date_expiry, TODAY + timedelta(days=40))
        self.assertEqual(link.recipient_email, "lawyer@law.example.com")
        list_view = self.env.ref("receivable_automation.receivable_share_link_view_list")
        self.assertNotIn("access_token", list_view.arch)
        self.assertNotIn("share_url", list_view.arch)
