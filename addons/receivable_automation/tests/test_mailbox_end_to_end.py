"""Raw e-mails of each kind, through Odoo's mail gateway to the receivables mailbox: each lands
on the right debtor, or in triage, with the effect of its class."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from . import mailbox_samples as samples
from .mailbox_common import MailboxCommon

TODAY = "2026-03-02"


@tagged("post_install", "-at_install")
class TestMailboxEndToEnd(MailboxCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1000)

    def _receive_sample(self, raw, **values):
        """Feed a sample of ``mailbox_samples`` (its own headers) to the gateway."""
        raw = raw.replace("{to}", self.mailbox)
        for key, value in values.items():
            raw = raw.replace(f"{{{key}}}", value)
        return self._receive(template=raw.replace("{", "{{").replace("}", "}}"))

    def _holds(self, inquiry):
        return self.env["receivable.dunning.hold"].search(
            [
                ("res_model", "=", inquiry._name),
                ("res_id", "=", inquiry.id),
                ("state", "=", "active"),
            ]
        )

    def _mails_to(self, email):
        return [mail for mail in self._new_mails if email in (mail.email_to or "")] + [
            mail for mail in self._new_mails if email in mail.recipient_ids.mapped("email")
        ]

    @freeze_time(TODAY)
    def test_promise_lands_on_the_debtor_as_a_draft_to_confirm(self):
        inquiry = self._receive_sample(samples.PROMISE_FR)
        self.assertEqual(len(inquiry), 1)
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertIn("not verified", inquiry.match_note)
        self.assertEqual(inquiry.kind, "promise")
        self.assertEqual(
            (inquiry.promise_date, inquiry.promise_amount), (date(2026, 3, 15), 1234.56)
        )
        self.assertFalse(
            self.env["receivable.promise"].search([("partner_id", "=", self.debtor.id)]),
            "the sender's address alone never confirms a promise",
        )
        self.assertFalse(self._holds(inquiry), "nothing held until the collector saves it")
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)

    @freeze_time(TODAY)
    def test_dispute_from_an_unknown_address_matched_by_its_invoice_number(self):
        raw = samples.DISPUTE_EN.replace("Subject: Your invoice", f"Subject: {self.invoice.name}")
        raw = raw.replace("ann@agrolait.example.com", "someone@gmail.com")
        inquiry = self._receive_sample(raw)
        self.assertEqual(inquiry.partner_id, self.debtor)
        self.assertIn(self.invoice.name, inquiry.match_note)
        self.assertEqual(inquiry.kind, "dispute")
        self.assertFalse(
            self.env["receivable.dispute"].search([("partner_id", "=", self.debtor.id)]),
            "an e-mail never opens a dispute by itself",
        )

    @freeze_time(TODAY)
    def test_payment_announced_holds_the_debtor_and_hints_the_invoice(self):
        inquiry = self._receive_sample(samples.PAID_FR)
        self.assertEqual(inquiry.kind, "paid")
        hold = self._holds(inquiry)
        self.assertEqual(hold.partner_id, self.debtor)
        self.assertTrue(hold.date_until > date(2026, 3, 2))
        notes = inquiry.message_ids.mapped("body")
        self.assertTrue(any(self.invoice.name in (note or "") for note in notes))

    @freeze_time(TODAY)
    def test_out_of_office_is_closed_held_and_never_answered(self):
        inquiry = self._receive_sample(samples.OUT_OF_OFFICE_HEADER)
        self.assertEqual((inquiry.partner_id, inquiry.kind), (self.debtor, "out_of_office"))
        self.assertEqual(inquiry.state, "closed")
        self.assertEqual(self._holds(inquiry).date_until, date(2026, 3, 17))
        self.assertFalse(self._mails_to("ann@agrolait.example.com"), "no loop with a robot")
        self.assertFalse(inquiry.activity_ids)
        self.assertFalse(self._mails_to(self.collector.email), "nothing for the collector to do")

    def test_bounce_of_a_sent_reminder_fails_it_and_flags_the_contact(self):
        with freeze_time("2026-01-11"):
            self._run(date(2026, 1, 11))
        reminder = self._reminders(self.debtor)
        self.assertEqual(reminder.state, "sent")
        with freeze_time("2026-01-12"):
            self._receive_sample(samples.BOUNCE_DSN, message_id=reminder.message_id.message_id)
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(self.contact.message_bounce, 1)

    @freeze_time(TODAY)
    def test_question_awaits_an_answer(self):
        inquiry = self._receive_sample(samples.QUESTION_EN)
        self.assertEqual((inquiry.partner_id, inquiry.kind), (self.debtor, "question"))
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)

    @freeze_time(TODAY)
    def test_unknown_sender_waits_in_triage_then_gets_its_effect(self):
        raw = samples.PAID_EN.replace("ann@agrolait.example.com", "treasury@unknown.example.org")
        inquiry = self._receive_sample(raw)
        self.assertFalse(inquiry.partner_id, "in triage")
        self.assertEqual(inquiry.kind, "paid")
        self.assertFalse(self._holds(inquiry), "effects wait for the debtor")
        inquiry.with_user(self.collector).partner_id = self.debtor
        self.assertEqual(self._holds(inquiry).partner_id, self.debtor)
        self.assertIn(self.collector.name, inquiry.match_note)
