from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestDisputes(ReceivableCommon):
    def _dispute(self, invoices_amounts, **values):
        return (
            self.env["receivable.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                    "owner_id": self.manager.id,
                    "deadline": date(2026, 1, 31),
                    "line_ids": [
                        Command.create(
                            {"move_id": invoice.id, **({"amount": amount} if amount else {})}
                        )
                        for invoice, amount in invoices_amounts
                    ],
                    **values,
                }
            )
        )

    def test_only_the_undisputed_amount_is_reminded(self):
        disputed = self._invoice(self.debtor, 1000)
        other = self._invoice(self.debtor, 500)
        dispute = self._dispute([(disputed, 300)])
        self.assertEqual(disputed.receivable_category_id.code, "LIT")
        self.assertEqual(dispute.amount, 300)
        reminder = self._run(date(2026, 1, 11)).action_ids
        lines = {line.move_id: line for line in reminder.line_ids}
        self.assertAlmostEqual(lines[disputed].amount_residual, 700, msg="1,000 - 300 disputed")
        self.assertAlmostEqual(lines[disputed].amount_disputed, 300)
        self.assertAlmostEqual(lines[other].amount_residual, 500)
        self.assertAlmostEqual(reminder.amount_residual, 1200)
        mail = self._mails_to(self.contact)
        self.assertIn("1,200.00", mail.subject)
        self.assertIn("300.00 of these invoices are under dispute", mail.body_html)

    def test_whole_invoice_disputed_is_not_reminded(self):
        disputed = self._invoice(self.debtor, 1000)
        kept = self._invoice(self.debtor, 200)
        self._dispute([(disputed, 0)])  # default: all that is left to pay
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.line_ids.move_id, kept)

    def test_owner_gets_an_activity_and_overdue_disputes_are_listed(self):
        dispute = self._dispute([(self._invoice(self.debtor, 100), 0)])
        self.assertEqual(dispute.activity_ids.user_id, self.manager)
        self.assertEqual(dispute.activity_ids.date_deadline, date(2026, 1, 31))
        overdue = self.env["receivable.dispute"].search([("is_overdue", "=", True)])
        self.assertIn(dispute, overdue, "its deadline has passed")
        dispute.deadline = date(2099, 1, 1)
        self.assertNotIn(
            dispute, self.env["receivable.dispute"].search([("is_overdue", "=", True)])
        )

    def test_credit_note_resolves_and_reminders_resume_on_what_is_due(self):
        invoice = self._invoice(self.debtor, 1000)
        dispute = self._dispute([(invoice, 400)], accepted_amount=500)
        with self.assertRaisesRegex(UserError, "cannot exceed the disputed amount"):
            dispute.action_resolve_with_credit_note()
        dispute.accepted_amount = 250
        dispute.action_resolve_with_credit_note()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.credit_note_id.move_type, "out_refund")
        self.assertEqual(dispute.credit_note_id.state, "posted")
        self.assertAlmostEqual(dispute.credit_note_id.amount_total, 250)
        self.assertAlmostEqual(invoice.amount_residual, 750)
        self.assertEqual(invoice.receivable_category_id.code, "NCT", "back to what it was")
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertAlmostEqual(reminder.amount_residual, 750)
        self.assertFalse(reminder.amount_disputed)
        with self.assertRaisesRegex(UserError, "already closed"):
            dispute.action_reject()

    def test_rejection_needs_a_reason_sent_to_the_customer(self):
        invoice = self._invoice(self.debtor, 1000)
        dispute = self._dispute([(invoice, 0)])
        with self.assertRaisesRegex(UserError, "Give the reason"):
            dispute.action_reject()
        dispute.rejection_reason = "The goods were delivered and signed for on 2 January."
        with self.mock_mail_gateway():
            dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        message = dispute.message_ids.filtered(lambda m: "signed for" in (m.body or ""))
        self.assertIn(self.contact, message.notification_ids.res_partner_id, "sent to the customer")
        self.assertAlmostEqual(self._run(date(2026, 1, 11)).action_ids.amount_residual, 1000)

    def test_bad_input(self):
        invoice = self._invoice(self.debtor, 1000)
        with self.assertRaisesRegex(ValidationError, "cannot exceed what is left to pay"):
            self._dispute([(invoice, 1500)])
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self._dispute([(invoice, -10)])
        other_invoice = self._invoice(self.other_debtor, 100)
        with self.assertRaisesRegex(ValidationError, "must be the debtor's"):
            self._dispute([(other_invoice, 0)])

    def test_access(self):
        dispute = self._dispute([(self._invoice(self.debtor, 100), 0)])
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "dispute_portal",
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            dispute.with_user(portal).read(["amount"])
        with self.assertRaises(AccessError):
            dispute.with_user(self.collector).unlink()

    def test_open_dispute_from_invoices(self):
        invoice = self._invoice(self.debtor, 100)
        action = invoice.action_receivable_new_dispute()
        self.assertEqual(action["context"]["default_partner_id"], self.debtor.id)
        with self.assertRaisesRegex(UserError, "one customer"):
            (invoice + self._invoice(self.other_debtor, 10)).action_receivable_new_dispute()
