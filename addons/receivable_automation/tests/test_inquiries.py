from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ReceivableCommon

FRIDAY = date(2026, 3, 6)


@tagged("post_install", "-at_install")
class TestInquiries(ReceivableCommon):
    """A customer's question waits for an answer with the debtor's collector; an answer sent
    from the chatter (not a note) marks it answered, a new message of the customer reopens it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1000)

    def _inquiry(self):
        with freeze_time(FRIDAY):
            with Form(self.env["receivable.inquiry"].with_user(self.collector)) as form:
                form.partner_id = self.debtor
                form.move_id = self.invoice
                form.subject = "Which bank account?"
                form.body = "<p>They called: which bank account should they pay to?</p>"
            return form.record

    def test_form_due_in_business_days_with_an_activity(self):
        inquiry = self._inquiry()
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.source, "phone")
        self.assertEqual(inquiry.user_id, self.collector, "the debtor's collector")
        self.assertEqual(inquiry.date_due, date(2026, 3, 10), "Friday + 2 business days")
        activity = inquiry.activity_ids
        self.assertEqual(
            (activity.user_id, activity.date_deadline), (self.collector, date(2026, 3, 10))
        )

        self.company.receivable_inquiry_days = 5
        with freeze_time(FRIDAY):
            self.assertEqual(
                self.env["receivable.inquiry"]._get_date_due(self.company), date(2026, 3, 13)
            )

    def test_salesperson_without_collector(self):
        self.debtor.with_company(self.company).receivable_collector_id = False
        self.assertEqual(self._inquiry().user_id, self.salesperson)

    def test_answer_sent_not_a_note_marks_it_answered(self):
        inquiry = self._inquiry()
        inquiry.with_user(self.collector).message_post(
            body="Check the IBAN first", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(inquiry.state, "to_answer")
        inquiry.with_user(self.collector).message_post(
            body="Our IBAN is on the invoice.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(inquiry.state, "answered")
        self.assertTrue(inquiry.answered_at)
        self.assertFalse(inquiry.activity_ids)
        self.assertEqual(
            inquiry._get_customer_messages().mapped("body"),
            ["<p>Our IBAN is on the invoice.</p>"],
            "notes never reach the customer",
        )
        # the customer writes again
        inquiry.message_post(
            body="Thanks, and the BIC?",
            author_id=self.contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)
        self.assertEqual(self.debtor.with_user(self.collector).receivable_inquiry_count, 1)
        action = self.debtor.with_user(self.collector).action_open_receivable_inquiries()
        self.assertEqual(self.env["receivable.inquiry"].search(action["domain"]), inquiry)
        inquiry.with_user(self.collector).action_close()
        self.assertEqual(self.debtor.with_user(self.collector).receivable_inquiry_count, 0)
        self.assertEqual(inquiry.state, "closed")
        self.assertFalse(inquiry.activity_ids)

    def test_access_and_companies(self):
        inquiry = self._inquiry()
        with self.assertRaises(AccessError):
            self.env["receivable.inquiry"].with_user(self.salesperson).search([])
        with self.assertRaises(AccessError):
            inquiry.with_user(self.collector).unlink()
        other_company = self.env["res.company"].create({"name": "Other Company"})
        self.collector.write({"company_ids": [(4, other_company.id)]})
        elsewhere = (
            self.env["receivable.inquiry"]
            .with_company(other_company)
            .create({"partner_id": self.debtor.id, "subject": "Elsewhere"})
        )
        found = (
            self.env["receivable.inquiry"]
            .with_user(self.collector)
            .with_context(allowed_company_ids=[self.company.id])
            .search([])
        )
        self.assertIn(inquiry, found)
        self.assertNotIn(elsewhere, found)
