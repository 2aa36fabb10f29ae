from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.receivable_automation.tests.common import ReceivableCommon

TODAY = date(2026, 3, 1)


class StatementCase(ReceivableCommon, HttpCase):
    """A debtor with an overdue, a not yet due and a paid invoice and a credit note, its
    portal user, and another debtor with its own: what the portal's tests start from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue = cls._invoice(cls.debtor, 1000, due=date(2026, 1, 1))  # 59 days late
        cls.not_due = cls._invoice(cls.debtor, 500, due=date(2026, 4, 1))
        cls.paid = cls._invoice(cls.debtor, 300, due=date(2026, 1, 15))
        cls._pay(cls.paid, 300)
        cls.credit_note = cls._refund(cls.debtor, 200)
        cls.other_invoice = cls._invoice(cls.other_debtor, 777, due=date(2026, 1, 1))
        cls.portal_user = new_test_user(
            cls.env,
            login="ra_portal",
            password="ra_portal_pw",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            email=cls.contact.email,
            company_id=cls.company.id,
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login="ra_other_portal",
            password="ra_other_portal_pw",
            groups="base.group_portal",
            name="Other Customer User",
            company_id=cls.company.id,
        )
        cls.other_portal_user.partner_id.parent_id = cls.other_debtor

    @classmethod
    def _refund(cls, partner, amount):
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": date(2026, 2, 1),
                "invoice_line_ids": [
                    fields.Command.create({"name": "Refund", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        refund.action_post()
        return refund

    def _link(self, partner=None, **kwargs):
        url = (partner or self.debtor)._get_receivable_portal_url(company=self.company, **kwargs)
        return url, url.rsplit("/", 1)[1]

    def _statement(self, token=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        url = "/my/receivables" + ("?access_token=" + token if token else "")
        if query:
            url += ("&" if token else "?") + query
        return self.url_open(url, allow_redirects=False)

    def _sql_count(self):
        return self.env.cr.sql_log_count

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]


@tagged("post_install", "-at_install")
class TestStatement(StatementCase):
    """The statement a reminder's link opens without a password, and that the debtor's portal
    users see: the debtor's figures and invoices, nobody else's."""

    # ------------------------------------------------------------------------------------------
    # The link
    # ------------------------------------------------------------------------------------------

    def test_link_opens_the_debtors_statement_without_a_password(self):
        url, token = self._link()
        self.assertRegex(url, r"/r/[\w-]{20,}$", "a short address, for an SMS too")
        with freeze_time(TODAY):
            response = self.url_open(url.split(self.base_url())[1], allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/receivables?access_token={token}", response.headers["Location"])
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        self.assertEqual((link.open_count, bool(link.first_opened_at)), (1, True))
        event = self.env["receivable.portal.event"].search([("link_id", "=", link.id)])
        self.assertEqual((event.kind, event.partner_id), ("open", self.debtor))

        with freeze_time(TODAY):
            page = self._statement(token)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers["Cache-Control"], "no-store")
        self.assertEqual(page.headers["Referrer-Policy"], "no-referrer")
        self.assertIn(self.overdue.name, page.text)
        self.assertIn(self.not_due.name, page.text)
        self.assertNotIn(self.paid.name, page.text, "open invoices by default")
        self.assertNotIn(self.other_invoice.name, page.text)
        self.assertNotIn("Other Customer", page.text)

    def test_link_opens_the_statement_in_the_debtors_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.debtor.lang = "fr_FR"
        url, token = self._link()
        response = self.url_open(url.split(self.base_url())[1], allow_redirects=False)
        self.assertIn(f"/fr/my/receivables?access_token={token}", response.headers["Location"])

    def test_figures_are_net_of_credit_and_aged(self):
        with freeze_time(TODAY):
            summary = self.debtor._receivable_statement_summary(self.company)
        self.assertAlmostEqual(summary["credit"], 200)
        self.assertAlmostEqual(summary["balance"], 1300, msg="1000 + 500 - 200")
        self.assertAlmostEqual(summary["overdue"], 800, msg="the credit is counted on the oldest")
        self.assertEqual(summary["next_due_date"], date(2026, 4, 1))
        aging = dict(summary["aging"])
        self.assertAlmostEqual(aging["31-60 days late"], 800)
        self.assertAlmostEqual(aging["Not due yet"], 500)

    def test_filters_and_statuses_in_the_customers_words(self):
        _url, token = self._link()
        with freeze_time(TODAY):
            overdue = self._statement(token, filterby="overdue").text
            paid = self._statement(token, filterby="paid").text
            everything = self._statement(token, filterby="all").text
        self.assertIn(self.overdue.name, overdue)
        self.assertNotIn(self.not_due.name, overdue)
        self.assertIn(self.paid.name, paid)
        self.assertIn("Overdue by 59 days", everything)
        self.assertIn("Credit note", everything)
        for internal in ("PDP", "RDE", "NCT", "LIT", "category"):
            self.assertNotIn(f">{internal}<", everything)

    def test_expired_link_offers_a_new_one_to_the_contacts_on_file_only(self):
        _url, token = self._link()
        later = fields.Datetime.now() + timedelta(days=31)
        with freeze_time(later):
            page = self._statement(token)
            self.assertEqual(page.status_code, 403)
            self.assertIn("Send me a new link", page.text)
            self.assertNotIn(self.overdue.name, page.text)
            with self.mock_mail_gateway():
                renewed = self.url_open(
                    f"/r/{token}/renew",
                    data={"csrf_token": self._csrf(), "email": "thief@example.com"},
                )
                self.assertEqual(renewed.status_code, 200)
                self.assertIn("a•••@agrolait.example.com", renewed.text)
                mails = self.env["mail.mail"].search([("subject", "like", "account statement")])
                self.assertEqual(mails.recipient_ids, self.contact)
                self.assertNotIn("thief", str(mails.mapped("email_to")))
                # asked again at once: nothing more is sent
                self.url_open(f"/r/{token}/renew", data={"csrf_token": self._csrf()})
                again = self.env["mail.mail"].search([("subject", "like", "account statement")])
                self.assertEqual(again, mails)
        self.assertIn("new statement link was sent", self.debtor.message_ids[0].body)
        self.assertNotIn("/r/", self.debtor.message_ids[0].body, "the link is not in the chatter")

    def test_revoked_link_no_longer_opens_nor_renews(self):
        _url, token = self._link()
        with self.assertRaises(UserError):
            self.debtor.with_user(self.salesperson).action_revoke_receivable_portal_links()
        self.debtor.with_user(self.collector).action_revoke_receivable_portal_links()
        page = self._statement(token)
        self.assertEqual(page.status_code, 403)
        self.assertNotIn("Send me a new link", page.text)
        self.assertIn("revoked", self.debtor.message_ids[0].body)

    def test_bad_tokens_get_the_same_answer(self):
        _url, token = self._link()
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 500, "%00", ""):
            page = self.url_open(f"/r/{bad}", allow_redirects=False)
            self.assertIn(page.status_code, (404, 403), bad)
            self.assertNotIn(self.overdue.name, page.text)

    def test_another_debtors_token_shows_only_that_debtor(self):
        _url, token = self._link(self.other_debtor)
        page = self._statement(token, filterby="all").text
        self.assertIn(self.other_invoice.name, page)
        self.assertNotIn(self.overdue.name, page)

    # ------------------------------------------------------------------------------------------
    # Logged-in portal users
    # ------------------------------------------------------------------------------------------

    def test_a_contact_sees_the_whole_companys_statement(self):
        # an invoice addressed to the company itself, not to the contact
        self.authenticate("ra_portal", "ra_portal_pw")
        page = self._statement(filterby="all").text
        self.assertIn(self.overdue.name, page)
        self.assertIn(self.paid.name, page)
        self.assertNotIn(self.other_invoice.name, page)

        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        page = self._statement(filterby="all").text
        self.assertIn(self.other_invoice.name, page)
        self.assertNotIn(self.overdue.name, page)

    def test_public_without_link_is_sent_to_login(self):
        response = self._statement()
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_links_list_needs_the_receivables_group(self):
        self._link()
        Link = self.env["receivable.portal.link"]
        self.assertTrue(Link.with_user(self.collector).search([]))
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            Link.with_user(self.salesperson).search([])
        self.assertNotIn("token", Link.with_user(self.collector).fields_get())

    # ------------------------------------------------------------------------------------------
    # Reminders carry it; it scales
    # ------------------------------------------------------------------------------------------

    def test_a_sent_reminder_carries_a_link_per_channel(self):
        run = self._run(date(2026, 1, 11))
        reminder = run.action_ids.filtered(lambda action: action.partner_id == self.debtor)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.portal_link_ids.mapped("channel"), ["email"])
        self.assertEqual(reminder.portal_link_ids.level_id, self.level_1)
        url = reminder._get_statement_url("email")
        self.assertIn("/r/", url)

        # what the customer does through it is counted on the reminder
        self.assertFalse(reminder.portal_opened_at)
        self.url_open(url.split(self.base_url())[1], allow_redirects=False)
        link = reminder.portal_link_ids
        self.env["receivable.portal.event"]._record(
            self.debtor, self.company, "paid", link=link, amount=300
        )
        reminder.invalidate_recordset(["portal_opened_at", "portal_paid_amount"])
        self.assertTrue(reminder.portal_opened_at)
        self.assertEqual(reminder.with_user(self.collector).portal_paid_amount, 300)
        form = Form(reminder.with_user(self.collector))
        self.assertEqual(form.portal_paid_amount, 300)

    def test_what_the_debtor_gets_carries_the_statement_link(self):
        self._run(date(2026, 1, 11))
        run = self._run(date(2026, 1, 26))  # level 2: e-mail and SMS
        reminder = run.action_ids.filtered(lambda action: action.partner_id == self.debtor)
        links = {link.channel: link for link in reminder.portal_link_ids.sudo()}
        self.assertEqual(set(links), {"email", "sms"})
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.contact.ids), ("subject", "like", "second reminder")]
        )
        self.assertIn(links["email"]._get_url(), mail.body_html)
        self.assertIn("your account statement", mail.body_html)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.contact.id)])
        self.assertIn(links["sms"]._get_url(), sms.body)
        self.assertNotIn(links["email"].token, sms.body, "one link per channel")

        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("receivable_automation.action_report_dunning_letter", reminder.ids)[
                0
            ]
            .decode()
        )
        letter_link = reminder.portal_link_ids.sudo().filtered(
            lambda link: link.channel == "letter"
        )
        self.assertFalse(letter_link, "no letter was sent at this level")
        self.assertIn("/my/receivables", html, "a letter printed anyway shows the statement")

    def test_statement_queries_do_not_grow_with_invoices(self):
        _url, token = self._link()

        with freeze_time(TODAY):
            self._statement(token)  # warm the caches
            before = self._sql_count()
            self._statement(token)
            small = self._sql_count() - before
        for _index in range(40):
            self._invoice(self.debtor, 10, due=date(2026, 1, 1))
        with freeze_time(TODAY):
            self._statement(token)
            before = self._sql_count()
            self._statement(token)
            large = self._sql_count() - before
        self.assertLessEqual(large, small + 2, f"{small} queries for 3 invoices, {large} for 43")
