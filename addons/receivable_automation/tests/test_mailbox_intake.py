import ast
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from . import test_performance
from .mailbox_common import (
    MAIL_ATTACHMENT_ONLY,
    MAIL_EMPTY,
    MAIL_LATIN1_AS_UTF8,
    MAIL_MALFORMED,
    MAIL_TEXT,
    MAIL_UNDECLARED_8BIT,
    MAIL_WITH_ATTACHMENT,
    MailboxCommon,
)

STRANGER = "Someone <someone@gmail.com>"


@tagged("post_install", "-at_install")
class TestMailboxIntake(MailboxCommon):
    """E-mails to the receivables mailbox become questions of the debtor they are about,
    recognised in a fixed order and explained; the others wait in triage; none is lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1200)
        cls.other_invoice = cls._invoice(cls.other_debtor, 300)

    # ------------------------------------------------------------------------------------------
    # The alias
    # ------------------------------------------------------------------------------------------

    def test_alias_of_each_company(self):
        alias = self.company.receivable_alias_id
        self.assertEqual(alias.alias_model_id.model, "receivable.inquiry")
        self.assertEqual(alias.alias_contact, "everyone")
        self.assertEqual(alias.alias_defaults, repr({"company_id": self.company.id}))
        self.assertEqual(alias.alias_domain_id, self.alias_domain, "follows the company's domain")

        domain_b = self.env["mail.alias.domain"].create({"name": "b.example.com"})
        company_b = self.env["res.company"].create(
            {"name": "Company B", "alias_domain_id": domain_b.id}
        )
        self.assertEqual(company_b._receivable_get_mailbox_email(), "receivables@b.example.com")

    def test_settings_form(self):
        """The mailbox address and the hold option are set in the Receivables settings."""
        with Form(self.env["res.config.settings"]) as form:
            self.assertEqual(form.receivable_alias_domain_id, self.alias_domain)
            form.receivable_alias_name = "ar"
            form.receivable_inquiry_hold = True
        form.record.execute()
        self.assertEqual(self.company._receivable_get_mailbox_email(), "ar@company.example.com")
        self.assertTrue(self.company.receivable_inquiry_hold)

    # ------------------------------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-03-06")
    def test_match_by_invoice_number(self):
        inquiry = self._receive(email_from=STRANGER, subject=f"About {self.invoice.name}")
        self.assertRecordValues(
            inquiry,
            [
                {
                    "partner_id": self.debtor.id,
                    "move_id": self.invoice.id,
                    "company_id": self.company.id,
                    "source": "email",
                    "state": "to_answer",
                    "user_id": self.collector.id,
                    "match_note": f"matched by invoice number {self.invoice.name}",
                    "date_due": date(2026, 3, 10),
                }
            ],
        )
        self.assertIn("someone@gmail.com", inquiry.email_from)
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        self.assertEqual(len(inquiry.message_ids.filtered(lambda m: m.message_type == "email")), 1)

    def test_match_by_payment_reference_in_the_body(self):
        self.invoice.payment_reference = "RF-2026-4711"
        inquiry = self._receive(email_from=STRANGER, body="We paid with reference rf-2026-4711.")
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertEqual(inquiry.match_note, "matched by payment reference RF-2026-4711")

    def test_invoice_wins_over_the_sender_but_says_so(self):
        inquiry = self._receive(email_from="other@example.com", body=f"See {self.invoice.name}")
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertEqual(
            inquiry.match_note,
            f"matched by invoice number {self.invoice.name}; the sender's address belongs to "
            "Other Customer: check",
        )

    def test_match_by_sender_address_not_verified(self):
        inquiry = self._receive(email_from="Ann <ANN@agrolait.example.com>")
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertEqual(
            inquiry.match_note,
            "matched by the sender's address ann@agrolait.example.com (not verified)",
        )

    def test_the_sender_receives_the_answer(self):
        inquiry = self._receive(email_from=STRANGER)
        suggested = inquiry._message_get_suggested_recipients()
        emails = " ".join(recipient.get("email") or "" for recipient in suggested)
        self.assertIn("someone@gmail.com", emails)
        inquiry = self._receive()
        self.assertIn(self.contact, inquiry.message_partner_ids, "a known sender follows it")

    def test_match_by_domain_never_a_public_one(self):
        inquiry = self._receive(email_from="bob@agrolait.example.com")
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertEqual(
            inquiry.match_note,
            "matched by the sender's domain agrolait.example.com (not verified)",
        )
        self.contact.email = "ann.agrolait@gmail.com"
        self.debtor.email = False
        inquiry = self._receive(email_from="bob@gmail.com")
        self.assertFalse(inquiry.partner_id, "gmail.com says nothing about the company")

    def test_match_by_vat_or_registration_number(self):
        self.debtor.write({"vat": "BE0477472701", "company_registry": "0477.472.701"})
        inquiry = self._receive(email_from=STRANGER, body="Our VAT number: BE 0477 472 701.")
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertEqual(
            inquiry.match_note, "matched by VAT / registration number 0477472701, BE0477472701"
        )

    def test_order_sender_before_domain_and_vat(self):
        self.other_debtor.vat = "BE0477472701"
        inquiry = self._receive(body="VAT BE0477472701")
        self.assertEqual(inquiry.partner_id, self.debtor, "the sender's address comes first")
        self.assertIn("sender's address", inquiry.match_note)

    def test_ambiguous_sender_goes_to_triage_with_candidates(self):
        self.env["res.partner"].create(
            {"name": "Ann at Other", "parent_id": self.other_debtor.id, "email": self.contact.email}
        )
        inquiry = self._receive()
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(inquiry.candidate_partner_ids, self.debtor | self.other_debtor)
        self.assertTrue(inquiry.match_note.startswith("Ambiguous: matched by the sender's address"))
        self.assertFalse(inquiry.activity_ids, "nobody knows whose question it is yet")
        self.assertIn(inquiry, self._triage())

    def test_unknown_sender_goes_to_triage(self):
        inquiry = self._receive(email_from=STRANGER, subject="Hello?", body="Who are you?")
        self.assertRecordValues(
            inquiry,
            [{"partner_id": False, "match_note": "No debtor recognised", "subject": "Hello?"}],
        )
        self.assertIn(inquiry, self._triage())
        questions = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_inquiry_action"
        )
        domain = ast.literal_eval(questions["domain"])
        self.assertNotIn(inquiry, self.env["receivable.inquiry"].search(domain))

    def test_own_staff_is_no_debtor(self):
        """A colleague's address (or one spoofed as such) never makes the company a debtor."""
        inquiry = self._receive(email_from=self.collector.email, subject="Fwd: question")
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(inquiry.state, "to_answer", "an e-mail answers nothing")

    def test_multi_company_mailbox_only_sees_its_company(self):
        company_b = self.setup_other_company()["company"]
        mailbox_b = company_b._receivable_get_mailbox_email()
        self.assertTrue(mailbox_b)
        inquiry = self._receive(email_from=STRANGER, to=mailbox_b, subject=self.invoice.name)
        self.assertEqual(inquiry.company_id, company_b)
        self.assertFalse(inquiry.partner_id, "company A's invoice is not company B's business")

    def test_triage_of_another_company_is_invisible(self):
        company_b = self.setup_other_company()["company"]
        inquiry = self._receive(email_from=STRANGER, to=company_b._receivable_get_mailbox_email())
        self.assertEqual(inquiry.company_id, company_b)
        Inquiry = self.env["receivable.inquiry"].with_user(self.collector)
        self.assertNotIn(inquiry, Inquiry.search([("partner_id", "=", False)]))
        with self.assertRaises(AccessError):
            inquiry.with_user(self.collector).read(["subject"])

    def _triage(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_inquiry_action_triage"
        )
        return self.env["receivable.inquiry"].search(ast.literal_eval(action["domain"]))

    # ------------------------------------------------------------------------------------------
    # Triage
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-03-06")
    def test_assign_the_debtor_on_the_form(self):
        inquiry = self._receive(email_from=STRANGER)
        view = self.env.ref("receivable_automation.receivable_inquiry_view_form")
        with Form(inquiry.with_user(self.collector), view=view) as form:
            form.partner_id = self.debtor
        self.assertRecordValues(
            inquiry,
            [
                {
                    "partner_id": self.debtor.id,
                    "user_id": self.collector.id,
                    "match_note": "assigned by Colin Collector",
                }
            ],
        )
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        self.assertEqual(inquiry.activity_ids.date_deadline, date(2026, 3, 10))
        self.assertNotIn(inquiry, self._triage())

    def test_salesperson_sees_no_mailbox(self):
        inquiry = self._receive(email_from=STRANGER)
        with self.assertRaises(AccessError):
            inquiry.with_user(self.salesperson).read(["subject"])
        with self.assertRaises(AccessError):
            self.env["receivable.inquiry"].with_user(self.salesperson).search([])

    # ------------------------------------------------------------------------------------------
    # Replies to reminders, invoices and answers
    # ------------------------------------------------------------------------------------------

    def _send_reminder(self):
        with freeze_time("2026-01-12"):
            self._run(date(2026, 1, 12))
        reminder = self._reminders(self.debtor)
        self.assertEqual(reminder.state, "sent")
        return reminder

    def test_reminders_reply_to_the_mailbox(self):
        reminder = self._send_reminder()
        self.assertIn(f"<{self.mailbox}>", reminder.message_id.reply_to)

    def test_template_reply_to_wins(self):
        self.level_1.mail_template_id.reply_to = "disputes@company.example.com"
        reminder = self._send_reminder()
        self.assertEqual(reminder.message_id.reply_to, "disputes@company.example.com")

    def test_reply_to_a_reminder_lands_on_its_debtor(self):
        reminder = self._send_reminder()
        inquiry = self._receive(
            email_from="Someone Else <x@gmail.com>",
            subject="Re: reminder",
            extra=f"In-Reply-To: {reminder.message_id.message_id}\n",
        )
        self.assertRecordValues(
            inquiry,
            [
                {
                    "partner_id": self.debtor.id,
                    "dunning_action_id": reminder.id,
                    "match_note": f"reply to reminder {reminder.display_name}",
                }
            ],
        )
        note = reminder.message_ids.filtered(lambda m: "The customer answered" in str(m.body))
        self.assertIn(f'data-oe-id="{inquiry.id}"', str(note.body))

    def test_reply_to_a_reminder_through_the_catchall(self):
        """A reply that reaches the reminder itself stays there and feeds the question."""
        reminder = self._send_reminder()
        catchall = self.alias_domain.catchall_email
        for text in ("First reply", "Second reply"):
            self._receive(
                to=catchall, body=text, extra=f"In-Reply-To: {reminder.message_id.message_id}\n"
            )
        self.assertEqual(len(reminder.message_ids.filtered(lambda m: m.message_type == "email")), 2)
        inquiry = self.env["receivable.inquiry"].search([("dunning_action_id", "=", reminder.id)])
        self.assertEqual(len(inquiry), 1, "both replies feed one question")
        self.assertEqual(inquiry.partner_id, self.debtor)
        bodies = inquiry.message_ids.filtered(lambda m: m.message_type == "email").mapped("body")
        self.assertEqual(len(bodies), 2)

    def test_reply_to_an_invoice(self):
        message = self.invoice.message_post(
            body="Your invoice", partner_ids=self.contact.ids, message_type="comment"
        )
        for to in (self.alias_domain.catchall_email, self.mailbox):
            self._receive(
                to=to, subject="Re: invoice", extra=f"In-Reply-To: {message.message_id}\n"
            )
        inquiries = self.env["receivable.inquiry"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual(inquiries.mapped("partner_id"), self.debtor)
        self.assertEqual(
            set(inquiries.mapped("match_note")), {f"reply to invoice {self.invoice.name}"}
        )
        self.assertTrue(
            self.invoice.message_ids.filtered(lambda m: m.message_type == "email"),
            "the reply through the catchall stays on the invoice",
        )

    def test_answer_from_the_chatter_then_the_customer_replies(self):
        self.company.receivable_inquiry_hold = True
        inquiry = self._receive()
        hold = inquiry.receivable_hold_ids
        self.assertEqual((hold.partner_id, hold.state), (self.debtor, "active"))
        self.assertFalse(hold.move_id, "every invoice of the debtor waits")

        with self.mock_mail_gateway():
            answer = inquiry.with_user(self.collector).message_post(
                body="Here is the answer.",
                partner_ids=self.contact.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(inquiry.state, "answered")
        self.assertEqual(hold.state, "released")
        self.assertIn(f"<{self.mailbox}>", answer.reply_to)

        again = self._receive(subject="Re: A question", extra=f"In-Reply-To: {answer.message_id}\n")
        self.assertEqual(again, inquiry, "the reply comes back to the same question")
        self.assertEqual(inquiry.state, "to_answer")
        active = inquiry.receivable_hold_ids.filtered(lambda h: h.state == "active")
        self.assertEqual(len(active), 1, "held again")

        inquiry.with_user(self.collector).action_close()
        self.assertFalse(inquiry.receivable_hold_ids.filtered(lambda h: h.state == "active"))

    def test_no_hold_by_default(self):
        inquiry = self._receive()
        self.assertFalse(inquiry.receivable_hold_ids)

    def test_hold_when_assigned_from_triage(self):
        self.company.receivable_inquiry_hold = True
        inquiry = self._receive(email_from=STRANGER)
        self.assertFalse(inquiry.receivable_hold_ids)
        inquiry.with_user(self.collector).partner_id = self.debtor
        self.assertEqual(inquiry.receivable_hold_ids.partner_id, self.debtor)

    # ------------------------------------------------------------------------------------------
    # Bad input: nothing lost, nothing crashes
    # ------------------------------------------------------------------------------------------

    def _assert_kept(self, inquiry):
        self.assertEqual(len(inquiry), 1, "one question per e-mail")
        self.assertEqual(len(inquiry.message_ids.filtered(lambda m: m.message_type == "email")), 1)
        self.assertTrue(inquiry.subject)

    def test_attachments_are_kept(self):
        inquiry = self._receive(MAIL_WITH_ATTACHMENT, body=f"Remittance for {self.invoice.name}")
        self._assert_kept(inquiry)
        self.assertEqual(inquiry.message_ids.attachment_ids.mapped("name"), ["remittance.pdf"])
        self.assertEqual(inquiry.partner_id, self.debtor)

    def test_attachment_only(self):
        inquiry = self._receive(MAIL_ATTACHMENT_ONLY, subject="")
        self._assert_kept(inquiry)
        self.assertEqual(inquiry.subject, "(no subject)")
        self.assertEqual(inquiry.message_ids.attachment_ids.mapped("name"), ["scan.png"])
        self.assertEqual(inquiry.partner_id, self.debtor, "still the sender's address")

    def test_empty(self):
        inquiry = self._receive(MAIL_EMPTY)
        self._assert_kept(inquiry)

    def test_malformed_headers(self):
        inquiry = self._receive(MAIL_MALFORMED, body=f"About {self.invoice.name}")
        self._assert_kept(inquiry)
        self.assertEqual(inquiry.partner_id, self.debtor)

    def test_huge_body(self):
        body = ("Lorem ipsum dolor sit amet. " * 190_000)[:5_000_000]
        inquiry = self._receive(subject=f"Big {self.invoice.name}", body=body)
        self._assert_kept(inquiry)
        self.assertEqual(inquiry.move_id, self.invoice)

    def test_latin1_declared_as_utf8_and_undeclared_8bit(self):
        for template in (MAIL_LATIN1_AS_UTF8, MAIL_UNDECLARED_8BIT):
            inquiry = self._receive(template, email_from=STRANGER, invoice=self.invoice.name)
            self._assert_kept(inquiry)
            self.assertEqual(inquiry.partner_id, self.debtor)

    def test_no_sender(self):
        raw = MAIL_TEXT.replace("Return-Path: <{email_from}>\nFrom: {email_from}\n", "")
        inquiry = self._receive(raw, body=self.invoice.name)
        self._assert_kept(inquiry)
        self.assertEqual(inquiry.partner_id, self.debtor)


@tagged("post_install", "-at_install")
class TestRunQueriesWithMailbox(MailboxCommon, test_performance.TestRunQueries):
    """The run keeps its query bounds when reminders carry the receivables mailbox."""

    def _queries_for(self, debtors, invoices_per_debtor, when):
        count = super()._queries_for(debtors, invoices_per_debtor, when)
        reminders = self.env["receivable.dunning.action"].search([("date", "=", when)])
        self.assertTrue(reminders.message_id)
        for message in reminders.message_id:
            self.assertIn(f"<{self.mailbox}>", message.reply_to)
        return count
