from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestPromises(ReceivableCommon):
    def _promise(self, invoices, amount, when, **values):
        return (
            self.env["receivable.promise"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [(6, 0, invoices.ids)],
                    "amount": amount,
                    "date": when,
                    "grace_days": 2,
                    **values,
                }
            )
        )

    @freeze_time("2026-01-12")
    def test_promise_pauses_reminders_until_its_date_and_grace(self):
        invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))  # first reminder; the second is due on the 26th
        promise = self._promise(invoice, 1000, date(2026, 1, 25))
        self.assertEqual(invoice.receivable_category_id.code, "PDP")
        self.assertEqual(invoice.receivable_promise_date, date(2026, 1, 25), "the date promised")
        self.assertEqual(invoice.receivable_hold_ids.date_until, date(2026, 1, 27), "plus grace")
        self.assertFalse(self._run(date(2026, 1, 26)).action_ids, "paused")
        self.assertFalse(self._run(date(2026, 1, 27)).action_ids, "grace period")
        self.assertEqual(self._run(date(2026, 1, 28)).action_ids.level_id, self.level_2)
        self.assertEqual(promise.state, "open", "decided by the promise cron, not the run")

    @freeze_time("2026-01-12")
    def test_kept_promise(self):
        invoice = self._invoice(self.debtor, 1000)
        promise = self._promise(invoice, 1000, date(2026, 1, 20))
        self._pay(invoice, 1000, when=date(2026, 1, 19))
        with freeze_time("2026-01-23"):
            self.env["receivable.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "kept")
        self.assertAlmostEqual(promise.amount_paid, 1000)
        self.assertEqual(self.debtor.receivable_promise_kept_rate, 100)

    @freeze_time("2026-01-12")
    def test_broken_promise_resumes_at_the_next_level_and_alerts(self):
        invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))  # first reminder
        promise = self._promise(invoice, 1000, date(2026, 1, 20))
        with freeze_time("2026-01-22"):
            self.env["receivable.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "open", "still in its grace period")
        with freeze_time("2026-01-23"):
            self.env["receivable.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.activity_ids.user_id, self.collector)
        self.assertEqual(invoice.receivable_category_id.code, "CEC")
        # level 2 is due at 25 days: without the 15-day gap after level 1 it is sent on day 26
        self.assertEqual(self._run(date(2026, 1, 26)).action_ids.level_id, self.level_2)
        self.assertEqual(self.debtor.receivable_promise_kept_rate, 0)

    @freeze_time("2026-01-12")
    def test_partly_kept_promise(self):
        invoice = self._invoice(self.debtor, 1000)
        promise = self._promise(invoice, 800, date(2026, 1, 20))
        self._pay(invoice, 300, when=date(2026, 1, 18))
        with freeze_time("2026-01-23"):
            self.env["receivable.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "partly_kept")
        self.assertAlmostEqual(promise.amount_paid, 300)

    @freeze_time("2026-01-12")
    def test_promise_on_the_whole_balance(self):
        invoices = self._invoice(self.debtor, 100) + self._invoice(self.debtor, 200)
        promise = self._promise(self.env["account.move"], 300, date(2026, 1, 20))
        self.assertEqual(promise.move_ids, invoices)
        self.assertAlmostEqual(promise.residual_at_promise, 300)

    @freeze_time("2026-01-12")
    def test_bad_input(self):
        invoice = self._invoice(self.debtor, 1000)
        with self.assertRaisesRegex(ValidationError, "cannot be in the past"):
            self._promise(invoice, 100, date(2026, 1, 1))
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self._promise(invoice, -5, date(2026, 1, 20))
        with self.assertRaisesRegex(ValidationError, "exceeds what is left to pay"):
            self._promise(invoice, 5000, date(2026, 1, 20))

    @freeze_time("2026-01-12")
    def test_access(self):
        promise = self._promise(self._invoice(self.debtor, 100), 100, date(2026, 1, 20))
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).unlink()
        invoicing = self.env["res.users"].create(
            {
                "name": "Invoicing",
                "login": "promise_invoicing",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        with self.assertRaises(AccessError):
            promise.with_user(invoicing).amount = 50
