from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .test_statement import TODAY, StatementCase


@tagged("post_install", "-at_install")
class TestPortalMessages(StatementCase):
    """From its statement a customer asks a question (on the statement or an invoice) and reads
    our answer there; it proposes who receives the reminders, applied only once the new address
    confirms."""

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _token(self, partner=None):
        return self._link(partner)[1]

    def _post(self, url, token=None, **data):
        data = {"csrf_token": self._csrf(), **data}
        if token:
            data["access_token"] = token
        return self.url_open(url, data=data, allow_redirects=False)

    def _ask(self, token=None, **data):
        values = {"body": "Why <b>two</b> fees?\nThanks", **data}
        return self._post("/my/receivables/question", token, **values)

    def _propose(self, token=None, **data):
        values = {
            "name": "Paul Payables",
            "email": "Paul@Agrolait.example.com",
            "mobile": "+32 470 99 88 77",
            **data,
        }
        return self._post("/my/receivables/contact", token, **values)

    def _inquiries(self, partner=None):
        return self.env["receivable.inquiry"].search(
            [("partner_id", "=", (partner or self.debtor).id)]
        )

    def _proposals(self):
        return self.env["receivable.contact.proposal"].search([("partner_id", "=", self.debtor.id)])

    def _answer(self, inquiry, body, note=False):
        return inquiry.with_user(self.collector).message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )

    # ------------------------------------------------------------------------------------------
    # Questions
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_question_on_an_invoice_lands_with_the_collector(self):
        token = self._token()
        statement = self._statement(token).text
        self.assertIn("/my/receivables/question?access_token=", statement, "Ask a question")
        self.assertIn(
            f"/my/receivables/question?move_id={self.overdue.id}&amp;access_token=", statement
        )
        form = self.url_open(
            f"/my/receivables/question?move_id={self.overdue.id}&access_token={token}"
        )
        self.assertEqual(form.status_code, 200)
        self.assertIn(self.overdue.name, form.text)

        response = self._ask(token, move_id=self.overdue.id)
        self.assertEqual(response.status_code, 303)
        self.assertIn("notice=question_sent", response.headers["Location"])
        self.assertIn(f"access_token={token}", response.headers["Location"])

        inquiry = self._inquiries()
        self.assertEqual(len(inquiry), 1)
        self.assertEqual(
            (inquiry.company_id, inquiry.move_id, inquiry.source, inquiry.state, inquiry.user_id),
            (self.company, self.overdue, "portal", "to_answer", self.collector),
        )
        self.assertEqual(inquiry.subject, f"Question about {self.overdue.name}")
        # Sunday 1 March + 2 business days
        self.assertEqual(inquiry.date_due, date(2026, 3, 3))
        self.assertIn("&lt;b&gt;two&lt;/b&gt;", inquiry.body, "the customer's text, escaped")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        self.assertEqual(inquiry.activity_ids.date_deadline, date(2026, 3, 3))
        first = inquiry._get_customer_messages()
        self.assertEqual(first.author_id, self.debtor)
        self.assertIn("&lt;b&gt;two&lt;/b&gt;", first.body)
        self.assertNotIn(self.env.ref("base.public_partner"), inquiry.message_partner_ids)
        self.assertIn(self.collector.partner_id, inquiry.message_partner_ids)
        self.assertIn("Question from the portal", self.debtor.message_ids[0].body)
        event = self.env["receivable.portal.event"].search([("kind", "=", "message")])
        self.assertEqual((event.res_model, event.res_id), ("receivable.inquiry", inquiry.id))

        page = self._statement(token, notice="question_sent").text
        self.assertIn("your message was sent", page)
        self.assertIn("Waiting for our answer", page)

    @freeze_time(TODAY)
    def test_answer_shows_on_that_debtors_statement_only(self):
        token = self._token()
        self._ask(token, subject="Fees")
        inquiry = self._inquiries()
        self._answer(inquiry, "Internal: check with sales", note=True)
        self.assertEqual(inquiry.state, "to_answer", "a note is no answer")
        self._answer(inquiry, "The fees are waived, Ann.")
        self.assertEqual(inquiry.state, "answered")
        self.assertFalse(inquiry.activity_ids, "the collector's activity is done")

        page = self._statement(token).text
        self.assertIn("The fees are waived, Ann.", page)
        self.assertIn("Answered", page)
        self.assertNotIn("check with sales", page, "notes stay internal")
        # the company's portal user sees it too
        self.authenticate("ra_portal", "ra_portal_pw")
        self.assertIn("The fees are waived", self._statement().text)
        # another debtor, by its link or its user, sees nothing of it
        self.authenticate(None, None)
        other = self._statement(self._token(self.other_debtor)).text
        self.assertNotIn("The fees are waived", other)
        self.assertNotIn("Fees", other)
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        self.assertNotIn("The fees are waived", self._statement().text)
        # nor can it reply to it
        response = self._ask(body="Let me in", inquiry_id=inquiry.id)
        self.assertEqual(response.status_code, 404)
        self.authenticate(None, None)

        # the customer replies: the question waits for an answer again
        response = self._ask(token, body="Thank you, and the next one?", inquiry_id=inquiry.id)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self._inquiries()), 1)
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        self.assertEqual(len(inquiry._get_customer_messages()), 3)

    @freeze_time(TODAY)
    def test_a_contact_asks_for_its_company(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        response = self._ask()
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("access_token", response.headers["Location"])
        inquiry = self._inquiries()
        self.assertEqual(inquiry._get_customer_messages().author_id, self.contact)
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            inquiry.with_user(self.portal_user).read(["subject"])

    @freeze_time(TODAY)
    def test_bad_question_input_gets_a_message(self):
        token = self._token()
        for data, message in (
            ({"body": "   "}, "Write your message"),
            ({"body": "x" * 4001}, "under 4000 characters"),
            ({"subject": "s" * 151}, "under 150 characters"),
        ):
            with self.subTest(message=message):
                response = self._ask(token, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("o_receivable_question_form", response.text)
        for move in (self.other_invoice, "abc"):
            response = self._ask(token, move_id=getattr(move, "id", move))
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self._ask(token, inquiry_id="999999").status_code, 404)
        self.assertFalse(self._inquiries())
        self.assertFalse(self._inquiries(self.other_debtor))

    # ------------------------------------------------------------------------------------------
    # Payables contact
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_contact_applied_once_the_new_address_confirms(self):
        token = self._token()
        self.assertEqual(
            self.url_open(f"/my/receivables/contact?access_token={token}").status_code, 200
        )
        response = self._propose(token)
        self.assertEqual(response.status_code, 303)
        self.assertIn("notice=contact_proposed", response.headers["Location"])

        proposal = self._proposals()
        self.assertEqual(
            (proposal.name, proposal.email, proposal.mobile, proposal.state),
            ("Paul Payables", "paul@agrolait.example.com", "+32 470 99 88 77", "pending"),
        )
        self.assertEqual(proposal.expires_at, fields.Datetime.now() + timedelta(days=3))
        mail = self.env["mail.mail"].search(
            [("model", "=", "receivable.contact.proposal"), ("res_id", "=", proposal.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "paul@agrolait.example.com", "the new address only")
        self.assertFalse(mail.recipient_ids)
        self.assertIn(f"/my/receivables/contact/confirm/{proposal.token}", mail.body_html)
        self.assertIn("paul@agrolait.example.com", self.debtor.message_ids[0].body)
        event = self.env["receivable.portal.event"].search([("kind", "=", "contact")])
        self.assertEqual(event.res_id, proposal.id)
        # nothing changed yet
        self.assertNotIn(
            "paul@agrolait.example.com", self.debtor._get_dunning_contacts().mapped("email")
        )

        url = f"/my/receivables/contact/confirm/{proposal.token}"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_receivable_contact_confirm", page.text)
        self.assertFalse(proposal.contact_id, "opening the link changes nothing")
        response = self._post(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("now receives the reminders", response.text)

        contact = proposal.contact_id
        self.assertEqual(proposal.state, "confirmed")
        self.assertEqual(
            (contact.parent_id, contact.email, contact.mobile),
            (self.debtor, "paul@agrolait.example.com", "+32 470 99 88 77"),
        )
        self.assertTrue(contact.receivable_dunning_contact)
        self.assertIn(contact, self.debtor._get_dunning_contacts())
        self.assertIn("confirmed by e-mail", self.debtor.message_ids[0].body)
        # the link works once
        self.assertEqual(self._post(url).status_code, 404)

    @freeze_time(TODAY)
    def test_confirming_an_address_on_file_updates_that_contact(self):
        token = self._token()
        self._propose(
            token,
            name="Ann Accountant",
            email="ann@agrolait.example.com",
            mobile="+32 470 00 00 01",
        )
        proposal = self._proposals()
        self._post(f"/my/receivables/contact/confirm/{proposal.token}")
        self.assertEqual(proposal.contact_id, self.contact)
        self.assertEqual(self.contact.mobile, "+32 470 00 00 01")
        self.assertEqual(len(self.debtor.child_ids), 1, "no duplicate contact")

    def test_bad_or_expired_confirmation_changes_nothing(self):
        with freeze_time(TODAY):
            self._propose(self._token())
        proposal = self._proposals()
        children = self.debtor.child_ids
        tampered = proposal.token[:-1] + ("y" if proposal.token.endswith("x") else "x")
        for token in ("A" * 32, tampered, "short", "B" * 65):
            with self.subTest(token=token):
                response = self._post(f"/my/receivables/contact/confirm/{token}")
                self.assertEqual(response.status_code, 404)
                self.assertIn("does not work", response.text)
        # expired after 3 days
        with freeze_time(TODAY + timedelta(days=3, hours=1)):
            url = f"/my/receivables/contact/confirm/{proposal.token}"
            self.assertEqual(self.url_open(url).status_code, 404)
            self.assertEqual(self._post(url).status_code, 404)
        self.assertFalse(proposal.contact_id)
        self.assertEqual(self.debtor.child_ids, children)

    @freeze_time(TODAY)
    def test_bad_contact_input_gets_a_message(self):
        token = self._token()
        for data, message in (
            ({"name": " "}, "Enter the name"),
            ({"email": "not-an-address"}, "valid e-mail"),
            ({"email": "a@b.example.com, c@d.example.com"}, "valid e-mail"),
            ({"mobile": "call me <maybe>"}, "digits only"),
        ):
            with self.subTest(message=message):
                response = self._propose(token, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self._proposals())
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "receivable.contact.proposal")])
        )

    # ------------------------------------------------------------------------------------------
    # Access and limits
    # ------------------------------------------------------------------------------------------

    def test_no_valid_access_no_action(self):
        revoked = self._token()
        self.debtor.with_user(self.collector).action_revoke_receivable_portal_links()
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            expired = self._token()
        for token in (None, expired, revoked, "not-a-token-at-all-0000"):
            with self.subTest(token=token):
                self.assertEqual(self._ask(token).status_code, 403)
                self.assertEqual(self._propose(token).status_code, 403)
                query = f"?access_token={token}" if token else ""
                for url in ("/my/receivables/question", "/my/receivables/contact"):
                    self.assertEqual(self.url_open(url + query).status_code, 403)
        # no CSRF token
        response = self.url_open(
            "/my/receivables/question",
            data={"access_token": self._token(), "body": "x"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._inquiries())
        self.assertFalse(self._proposals())

    def test_over_the_rate_limit_a_message(self):
        token = self._token()
        Event = self.env["receivable.portal.event"]
        for _index in range(10):
            Event._record(self.debtor, self.company, "message")
        for _index in range(3):
            Event._record(self.debtor, self.company, "contact")
        response = self._ask(token)
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again later", response.text)
        response = self._propose(token)
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again later", response.text)
        self.assertFalse(self._inquiries())
        self.assertFalse(self._proposals())
        # another debtor is not limited by this one
        self.assertEqual(self._ask(self._token(self.other_debtor)).status_code, 303)

    # ------------------------------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------------------------------

    def test_tour_question_and_payables_contact_on_a_phone(self):
        token = self._token()
        self.browser_size = "375x812"
        self.start_tour(f"/my/receivables?access_token={token}", "client_portal_message_tour")
        inquiry = self._inquiries()
        self.assertEqual(inquiry.move_id, self.overdue)
        self.assertIn("delivery address", inquiry.body)
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        proposal = self._proposals()
        self.assertEqual((proposal.email, proposal.state), ("paul@agrolait.example.com", "pending"))
        self.assertNotIn(proposal.email, self.debtor.child_ids.mapped("email"))
