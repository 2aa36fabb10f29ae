from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestPaymentPlans(ReceivableCommon):
    def _plan(self, invoices, user=None, **values):
        return (
            self.env["receivable.payment.plan"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "instalment_count": 3,
                    "interval_number": 1,
                    "interval_type": "months",
                    "first_date": date(2026, 2, 1),
                    **values,
                }
            )
        )

    def _active_plan(self, invoices, **values):
        plan = self._plan(invoices, **values)
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        return plan

    def _check(self, when):
        with freeze_time(when), self.mock_mail_gateway():
            self.env["receivable.payment.plan"]._check_payment_plans(when)

    @freeze_time("2026-01-05")
    def test_build_from_rules_with_fee_and_rounding(self):
        """3 monthly instalments of 1,000.00: the fee on the first, the cent on the last."""
        plan = self._plan(self._invoice(self.debtor, 1000), fee_amount=15)
        self.assertTrue(plan.name.startswith("PLAN/2026/"))
        self.assertAlmostEqual(plan.amount_total, 1000)
        plan.action_compute_instalments()
        instalments = plan.instalment_ids.sorted("date")
        self.assertEqual(
            instalments.mapped("date"), [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
        )
        self.assertEqual(instalments.mapped("amount"), [348.33, 333.33, 333.34])
        self.assertAlmostEqual(plan.amount_plan, 1015)
        plan.action_approve()
        self.assertEqual(plan.state, "approved")

    @freeze_time("2026-01-05")
    def test_weekly_plan_on_the_debtors_open_invoices_by_default(self):
        invoices = self._invoice(self.debtor, 100) + self._invoice(self.debtor, 200)
        self._invoice(self.other_debtor, 999)
        plan = (
            self.env["receivable.payment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "instalment_count": 2,
                    "interval_type": "weeks",
                    "first_date": date(2026, 1, 10),
                }
            )
        )
        self.assertEqual(plan.move_ids, invoices)
        plan.action_compute_instalments()
        self.assertEqual(plan.instalment_ids.mapped("date"), [date(2026, 1, 10), date(2026, 1, 17)])
        self.assertEqual(plan.instalment_ids.mapped("amount"), [150, 150])

    @freeze_time("2026-01-05")
    def test_minimum_instalment(self):
        plan = self._plan(self._invoice(self.debtor, 1000), min_instalment=400)
        with self.assertRaisesRegex(UserError, r"below the minimum of .*400\.00"):
            plan.action_compute_instalments()
        self.assertFalse(plan.instalment_ids)
        plan.instalment_count = 2
        plan.action_compute_instalments()
        self.assertEqual(plan.instalment_ids.mapped("amount"), [500, 500])

    @freeze_time("2026-01-05")
    def test_hand_edited_instalments_must_add_up(self):
        """Instalments not summing to the total cannot be approved."""
        plan = self._plan(self._invoice(self.debtor, 1000))
        plan.action_compute_instalments()
        plan.instalment_ids[0].amount = 300  # 300 + 333.33 + 333.34
        with self.assertRaisesRegex(
            ValidationError,
            r"The instalments \(.*966\.67\) do not add up to the plan's total \(.*1,000\.00\)",
        ):
            plan.action_approve()
        plan.instalment_ids[0].amount = 333.33
        plan.instalment_ids[1].date = date(2026, 1, 20)  # before the first one
        with self.assertRaisesRegex(ValidationError, "later than the one before"):
            plan.action_approve()
        plan.instalment_ids[1].date = date(2026, 3, 1)
        plan.instalment_ids[0].amount = -10
        plan.instalment_ids[1].amount = 676.66
        with self.assertRaisesRegex(ValidationError, "positive"):
            plan.action_approve()
        plan.write(
            {
                "instalment_ids": [
                    Command.clear(),
                    Command.create({"date": date(2026, 2, 15), "amount": 400}),
                    Command.create({"date": date(2026, 3, 15), "amount": 600}),
                ]
            }
        )
        plan.action_approve()
        self.assertEqual(plan.state, "approved")

    @freeze_time("2026-01-05")
    def test_approval_threshold(self):
        """A collector approves up to the company's amount, a credit manager above."""
        self.assertEqual(self.company.receivable_plan_approval_amount, 5000)
        small = self._plan(self._invoice(self.debtor, 1000))
        small.action_compute_instalments()
        small.action_request()
        self.assertEqual(small.state, "requested")
        small.action_approve()
        self.assertEqual(small.state, "approved")

        large = self._plan(self._invoice(self.debtor, 6000))
        large.action_compute_instalments()
        with self.assertRaisesRegex(AccessError, "only a credit manager can approve"):
            large.action_approve()
        self.assertEqual(large.state, "draft")
        large.with_user(self.manager).action_approve()
        self.assertEqual(large.state, "approved")

    @freeze_time("2026-01-05")
    def test_activation_excludes_the_invoices_from_dunning(self):
        invoice = self._invoice(self.debtor, 1000)
        other = self._invoice(self.debtor, 50)
        plan = self._active_plan(invoice)
        self.assertEqual(plan.state, "active")
        self.assertEqual(len(invoice.receivable_hold_ids), 1)
        self.assertEqual(invoice.receivable_hold_ids.owner_ref, plan)
        run = self._run(date(2026, 1, 12))
        self.assertEqual(run.action_ids.line_ids.move_id, other, "only the invoice off the plan")

    @freeze_time("2026-01-05")
    def test_fee_is_invoiced_at_activation(self):
        plan = self._active_plan(self._invoice(self.debtor, 900), fee_amount=30)
        self.assertAlmostEqual(plan.fee_move_id.amount_total, 30)
        self.assertEqual(plan.fee_move_id.invoice_date_due, date(2026, 2, 1))
        self.assertEqual(plan.fee_move_id.receivable_hold_ids.owner_ref, plan)
        self.assertAlmostEqual(plan.residual_at_activation, 930)

    @freeze_time("2026-01-05")
    def test_payments_are_allocated_in_order(self):
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(invoice)
        self._pay(invoice, 400, when=date(2026, 1, 30))
        self._check(date(2026, 2, 2))
        first, second, third = plan.instalment_ids.sorted("date")
        self.assertEqual((first.amount_paid, first.state), (300, "paid"))
        self.assertEqual((second.amount_paid, second.state), (100, "pending"))
        self.assertEqual((third.amount_paid, third.state), (0, "pending"))
        self.assertAlmostEqual(plan.amount_paid, 400)
        self.assertEqual(plan.state, "active")

    @freeze_time("2026-01-05")
    def test_late_instalment_reminder_sent_once(self):
        """The day after an unpaid instalment, one e-mail to the dunning contact, then none
        until the reminder interval has passed."""
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(invoice)
        self._pay(invoice, 100, when=date(2026, 1, 30))
        self._check(date(2026, 2, 1))
        self.assertFalse(self._mails_to(self.contact), "due today: not late yet")
        self._check(date(2026, 2, 2))
        mails = self._mails_to(self.contact)
        self.assertEqual(len(mails), 1)
        self.assertIn("200.00", mails.subject)
        self.assertIn(plan.name, mails.body_html)
        self.assertIn("02/01/2026", mails.body_html)
        first = plan.instalment_ids.sorted("date")[0]
        self.assertEqual(first.state, "late")
        self.assertEqual(first.last_reminder_date, date(2026, 2, 2))
        self.assertIn(mails.mail_message_id, plan.message_ids)
        self._check(date(2026, 2, 3))
        self._check(date(2026, 2, 8))
        self.assertEqual(len(self._mails_to(self.contact)), 1, "not twice within 7 days")
        self._check(date(2026, 2, 9))
        self.assertEqual(len(self._mails_to(self.contact)), 2)

    @freeze_time("2026-01-15")
    def test_missed_instalment_breaks_the_plan(self):
        """Past the grace period: broken, the invoice back in dunning at the next level at
        once, the customer told the whole balance is due, an activity for the responsible."""
        self.company.receivable_plan_grace_days = 2
        invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 15))  # first reminder; the second waits until the 30th
        plan = self._active_plan(
            invoice, instalment_count=2, interval_type="weeks", first_date=date(2026, 1, 16)
        )
        self._pay(invoice, 100, when=date(2026, 1, 16))
        self._check(date(2026, 1, 18))
        self.assertEqual(plan.state, "active", "in the grace period")
        self._check(date(2026, 1, 19))
        self.assertEqual(plan.state, "broken")
        self.assertFalse(invoice.receivable_hold_ids)
        self.assertEqual(set(plan.receivable_hold_ids.mapped("state")), {"released"})
        message = plan.message_ids.filtered(lambda message: "now due at once" in message.body)
        self.assertEqual(message.partner_ids, self.contact)
        self.assertIn("900.00", message.body)
        self.assertIn(message, self._mails_to(self.contact).mail_message_id)
        self.assertEqual(plan.activity_ids.user_id, self.collector)
        # level 2 is due at 25 days: without the 15-day gap after level 1 it goes on the 26th
        self.assertEqual(self._run(date(2026, 1, 26)).action_ids.level_id, self.level_2)

    @freeze_time("2026-01-05")
    def test_completed_when_all_paid(self):
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(invoice)
        self._pay(invoice, 900, when=date(2026, 2, 1))
        self._check(date(2026, 2, 2))
        self.assertEqual(plan.state, "completed")
        self.assertEqual(set(plan.instalment_ids.mapped("state")), {"paid"})
        self.assertFalse(invoice.receivable_hold_ids)

    @freeze_time("2026-01-05")
    def test_cancel_an_active_plan_resumes_dunning(self):
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(invoice)
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(invoice.receivable_hold_ids)
        with self.assertRaisesRegex(UserError, "cannot be done now"):
            plan.action_activate()

    @freeze_time("2026-01-05")
    def test_send_for_signature_and_activate_when_signed(self):
        """The plan's PDF to sign by the debtor's contact then the user; signed: active."""
        self.manager.groups_id = [Command.link(self.env.ref("esign.group_esign_user").id)]
        invoice = self._invoice(self.debtor, 900)
        plan = self._plan(invoice, user=self.manager)
        plan.action_compute_instalments()
        plan.action_approve()
        action = plan.action_send_for_signature()
        request = self.env["esign.request"].browse(action["res_id"])
        self.assertEqual((request.res_model, request.res_id), (plan._name, plan.id))
        self.assertTrue(request.original_sha256)
        signers = request.signer_ids.sorted("sequence")
        self.assertEqual(signers.partner_id, self.contact + self.manager.partner_id)
        self.assertEqual(signers.mapped("role"), ["customer", "company"])
        self.assertEqual(plan.state, "approved", "active once signed")
        plan._esign_on_completed(request)
        self.assertEqual(plan.state, "active")
        self.assertEqual(invoice.receivable_hold_ids.owner_ref, plan)

    @freeze_time("2026-01-05")
    def test_access(self):
        """Invoicing-only users read plans but cannot create or approve them; plans of another
        company are invisible."""
        invoicing = new_test_user(
            self.env,
            login="plan_invoicing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        invoice = self._invoice(self.debtor, 900)
        with self.assertRaises(AccessError):
            self._plan(invoice, user=invoicing)
        plan = self._plan(invoice)
        plan.action_compute_instalments()
        self.assertEqual(plan.with_user(invoicing).state, "draft")
        with self.assertRaises(AccessError):
            plan.with_user(invoicing).action_approve()
        with self.assertRaises(AccessError):
            plan.instalment_ids[0].with_user(invoicing).amount = 1
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).unlink()

        other = self.setup_other_company(name="Other Plans Co")["company"]
        other_invoice = self._invoice(self.other_debtor, 100, company=other)
        other_plan = (
            self.env["receivable.payment.plan"]
            .with_company(other)
            .create(
                {"partner_id": self.other_debtor.id, "move_ids": [Command.set(other_invoice.ids)]}
            )
        )
        other_plan.action_compute_instalments()
        Plan = self.env["receivable.payment.plan"].with_user(self.collector)
        self.assertEqual(Plan.search([]), plan)
        self.assertFalse(
            self.env["receivable.payment.plan.instalment"]
            .with_user(self.collector)
            .search([("plan_id", "=", other_plan.id)])
        )
