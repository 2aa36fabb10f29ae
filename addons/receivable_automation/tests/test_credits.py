from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestCredits(ReceivableCommon):
    """What a reminder claims is what the debtor owes once its credit notes and unmatched
    payments are counted: regression for a debtor whose credit notes cancel its invoices and
    who was reminded for the invoices' full amount."""

    def _credit_note(self, partner, amount):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": date(2025, 12, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Refund", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        refund.action_post()
        return refund

    def _advance(self, partner, amount):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": date(2025, 12, 15),
            }
        )
        payment.action_post()
        return payment

    def test_no_reminder_when_credit_notes_cancel_what_is_due(self):
        self._invoice(self.debtor, 1000)
        self._invoice(self.debtor, 500, due=date(2025, 12, 20))
        self._credit_note(self.debtor, 1500)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self.assertFalse(self._mails_to(self.contact))

    def test_credits_pay_the_oldest_invoices_first(self):
        oldest = self._invoice(self.debtor, 1000, due=date(2025, 12, 20))
        newest = self._invoice(self.debtor, 400)
        self._credit_note(self.debtor, 1200)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "sent", "credits already counted do not hold it")
        self.assertAlmostEqual(reminder.debtor_credit, 1200)
        self.assertEqual(reminder.line_ids.move_id, newest, "the oldest is covered")
        self.assertNotIn(oldest, reminder.line_ids.move_id)
        self.assertAlmostEqual(reminder.amount_residual, 200)
        self.assertAlmostEqual(reminder.amount_credited, 200)
        self.assertIn("200.00", reminder.credit_note)
        mail = self._mails_to(self.contact)
        self.assertIn("200.00", mail.body_html)
        self.assertNotIn("400.00", mail.subject)

    def test_an_unmatched_payment_reduces_the_claim(self):
        self._invoice(self.debtor, 1000)
        self._advance(self.debtor, 300)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertAlmostEqual(reminder.amount_residual, 700)
        self.assertAlmostEqual(reminder.line_ids.amount_residual, 700)

    def test_net_balance_below_the_level_minimum_is_not_reminded(self):
        self.level_1.min_overdue_amount = 100
        self._invoice(self.debtor, 1000)
        self._credit_note(self.debtor, 950)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)

    def test_another_debtors_credit_does_not_count(self):
        self._invoice(self.debtor, 1000)
        self._credit_note(self.other_debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.partner_id, self.debtor)
        self.assertAlmostEqual(reminder.amount_residual, 1000)

    def test_a_contacts_credit_note_counts_for_its_company(self):
        self._invoice(self.debtor, 1000)
        self._credit_note(self.contact, 1000)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
