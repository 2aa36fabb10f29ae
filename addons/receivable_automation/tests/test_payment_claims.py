from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ReceivableCommon

CLAIMED_ON = date(2026, 1, 8)  # the customer says it paid the day before


@tagged("post_install", "-at_install")
class TestPaymentClaims(ReceivableCommon):
    """A customer says it has already paid: its invoice waits in RDE while the payment is
    looked for, then reminders resume unless the payment was reconciled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1000)
        cls.other_invoice = cls._invoice(cls.debtor, 400)
        cls.company.receivable_payment_claim_days = 5

    def _claim(self, invoices=None, amount=1000, **values):
        with freeze_time(CLAIMED_ON):
            return (
                self.env["receivable.payment.claim"]
                .with_user(self.collector)
                .create(
                    {
                        "partner_id": self.debtor.id,
                        "amount": amount,
                        "payment_date": date(2026, 1, 7),
                        "bank_reference": "TRF-2026-0107",
                        "line_ids": [
                            Command.create({"move_id": move.id})
                            for move in (invoices or self.invoice)
                        ],
                        **values,
                    }
                )
            )

    def _check(self, when):
        with freeze_time(when):
            self.env["receivable.payment.claim"]._cron_check_claims()

    def test_invoice_waits_in_rde_and_is_not_reminded(self):
        claim = self._claim()
        self.assertEqual(claim.state, "open")
        self.assertEqual(claim.date_until, date(2026, 1, 13), "today + 5 days (setting)")
        self.assertEqual(claim.user_id, self.collector, "the debtor's collector checks it")
        self.assertEqual(self.invoice.receivable_category_id.code, "RDE")
        self.assertEqual(claim.line_ids.previous_category_id.code, "NCT")
        self.assertAlmostEqual(claim.line_ids.residual_at_claim, 1000)
        hold = claim.receivable_hold_ids
        self.assertEqual(
            (hold.move_id, hold.date_until, hold.amount), (self.invoice, claim.date_until, 0)
        )
        activity = claim.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("TRF-2026-0107", activity.note)

        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.line_ids.move_id, self.other_invoice, "only the other invoice")

    def test_reconciled_payment_matches_and_releases(self):
        claim = self._claim()
        self._pay(self.invoice, 1000, when=date(2026, 1, 9))
        self._check(date(2026, 1, 10))
        self.assertEqual(claim.state, "matched")
        self.assertAlmostEqual(claim.amount_received, 1000)
        self.assertFalse(claim.receivable_hold_ids.filtered(lambda hold: hold.state == "active"))
        self.assertFalse(claim.activity_ids, "the collector's check is done")
        self.assertIn("Payment received", "".join(claim.message_ids.mapped("body")))

    def test_no_payment_by_the_date_resumes_reminders_and_alerts_the_collector(self):
        claim = self._claim()
        self._check(date(2026, 1, 13))
        self.assertEqual(claim.state, "open", "the last day of the hold still waits")
        self._pay(self.invoice, 300, when=date(2026, 1, 12))
        self._check(date(2026, 1, 14))
        self.assertEqual(claim.state, "expired")
        self.assertAlmostEqual(claim.amount_received, 300)
        self.assertEqual(self.invoice.receivable_category_id.code, "NCT", "its category before")
        self.assertEqual(claim.receivable_hold_ids.state, "released")
        alert = claim.activity_ids
        self.assertEqual(alert.user_id, self.collector)
        self.assertIn("not received", alert.summary)
        self.assertIn("300.00", alert.note)
        self.assertIn(
            "Announced payment not received", "".join(self.debtor.message_ids.mapped("body"))
        )

        reminder = self._run(date(2026, 1, 14)).action_ids
        self.assertIn(self.invoice, reminder.line_ids.move_id, "reminded again")

    def test_collector_ends_it_at_once(self):
        claim = self._claim()
        with self.assertRaises(AccessError):
            claim.with_user(self.salesperson).action_not_received()
        claim.with_user(self.collector).action_not_received()
        self.assertEqual(claim.state, "expired")
        self.assertEqual(self.invoice.receivable_category_id.code, "NCT")
        with self.assertRaisesRegex(UserError, "already settled"):
            claim.with_user(self.collector).action_check_payment()

    def test_another_open_claim_keeps_the_invoice_in_rde(self):
        first = self._claim(amount=500)
        second = self._claim(amount=500)
        first.with_user(self.collector).action_not_received()
        self.assertEqual(self.invoice.receivable_category_id.code, "RDE")
        self.assertTrue(second.receivable_hold_ids.filtered(lambda hold: hold.state == "active"))

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "cannot be dated in the future"):
            self._claim(payment_date=date(2026, 2, 1))
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self._claim(amount=0)
        with self.assertRaisesRegex(ValidationError, "must be the debtor's"):
            self._claim(invoices=self._invoice(self.other_debtor, 50))

    def test_access_and_status_by_buttons_only(self):
        claim = self._claim()
        with self.assertRaises(AccessError):
            claim.with_user(self.collector).write({"state": "matched"})
        with self.assertRaises(AccessError):
            claim.with_user(self.collector).unlink()
        with self.assertRaises(AccessError):
            self.env["receivable.payment.claim"].with_user(self.salesperson).search([])
        with self.assertRaisesRegex(UserError, "ends with"):
            claim.receivable_hold_ids.with_user(self.manager).action_release()

    def test_form_from_empty_to_saved(self):
        with freeze_time(CLAIMED_ON):
            form = Form(self.env["receivable.payment.claim"].with_user(self.collector))
            form.partner_id = self.debtor
            form.amount = 400
            form.payment_date = date(2026, 1, 7)
            form.bank_reference = "Phone call"
            with form.line_ids.new() as line:
                line.move_id = self.other_invoice
            claim = form.save()
        self.assertEqual(claim.source, "other")
        self.assertEqual(self.other_invoice.receivable_category_id.code, "RDE")
        self.assertEqual(claim.date_until, date(2026, 1, 13))
