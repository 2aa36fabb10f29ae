from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DUE, ReceivableCommon


@tagged("post_install", "-at_install")
class TestDunningRun(ReceivableCommon):
    def test_first_reminder_groups_the_debtors_due_invoices(self):
        """10 days late: one e-mail to the dunning contact with both invoices and the total."""
        inv_1 = self._invoice(self.debtor, 1000)
        inv_2 = self._invoice(self.debtor, 250, due=date(2025, 12, 20))
        not_due = self._invoice(self.debtor, 400, due=date(2026, 1, 8))

        run = self._run(date(2026, 1, 11))

        reminder = run.action_ids
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.partner_id, self.debtor)
        self.assertEqual(reminder.level_id, self.level_1)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.line_ids.move_id, inv_1 + inv_2, "3-day-late invoice waits")
        self.assertAlmostEqual(reminder.amount_residual, 1250)
        self.assertEqual(reminder.max_days_late, 22)
        self.assertEqual(reminder.recipient_ids, self.contact)
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent inline")
        self.assertIn("1,250.00", mail.subject)
        for invoice in inv_1 + inv_2:
            self.assertIn(invoice.name, mail.body_html)
            self.assertIn(
                f"/my/invoices/{invoice.id}?access_token={invoice.access_token}",
                mail.body_html,
                "each invoice has its payment link",
            )
        self.assertNotIn(not_due.name, mail.body_html)
        self.assertFalse(self._mails_to(self.salesperson.partner_id), "no copy at level 1")
        # logged on the debtor and on each invoice
        self.assertEqual(reminder.message_id.model, "receivable.dunning.action")
        self.assertEqual(reminder.message_id.res_id, reminder.id)
        self.assertIn("First reminder", self.debtor.message_ids[0].body)
        for invoice in inv_1 + inv_2:
            self.assertTrue(
                invoice.message_ids.filtered(lambda m: "First reminder" in (m.body or "")),
                "the reminder is logged on each invoice",
            )
            self.assertEqual(
                invoice.line_ids.filtered("date_maturity").receivable_level_id, self.level_1
            )
        self.assertFalse(not_due.line_ids.receivable_level_id)

    def test_new_invoices_get_the_default_category_then_contacted(self):
        invoice = self._invoice(self.debtor, 1000)
        nct = self.env.ref("receivable_automation.category_nct")
        cec = self.env.ref("receivable_automation.category_cec")
        self.assertEqual(invoice.receivable_category_id, nct)
        self._run(date(2026, 1, 11))
        self.assertEqual(invoice.receivable_category_id, cec)

    def test_repeated_run_sends_nothing_twice(self):
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        again = self._run(date(2026, 1, 11))
        later_same_level = self._run(date(2026, 1, 20))
        self.assertFalse(again.action_ids)
        self.assertFalse(later_same_level.action_ids, "level 2 is due at 25 days only")
        self.assertEqual(len(self._mails_to(self.contact)), 1)
        self.assertEqual(len(self._reminders(self.debtor)), 1)

    def test_invoice_added_after_the_run_waits_for_the_next_date(self):
        """Same debtor, level and date: never a second reminder, even for a new invoice."""
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        late_comer = self._invoice(self.debtor, 300, due=date(2025, 12, 31))
        same_day = self._run(date(2026, 1, 11))
        self.assertFalse(same_day.action_ids)
        next_day = self._run(date(2026, 1, 12))
        self.assertEqual(next_day.action_ids.line_ids.move_id, late_comer)
        self.assertEqual(next_day.action_ids.level_id, self.level_1)

    def test_levels_are_climbed_one_at_a_time_with_their_gap(self):
        """An invoice found 60 days late gets the first reminder, then waits 15 days for the
        second (25 - 10), not the formal notice at once."""
        self._invoice(self.debtor, 1000, due=date(2025, 11, 1))
        first = self._run(date(2025, 12, 31))
        self.assertEqual(first.action_ids.level_id, self.level_1)
        self.assertFalse(self._run(date(2026, 1, 14)).action_ids, "only 14 days since level 1")
        second = self._run(date(2026, 1, 15))
        self.assertEqual(second.action_ids.level_id, self.level_2)
        self.assertEqual(second.action_ids.line_ids.previous_level_id, self.level_1)
        self.assertEqual(second.action_ids.line_ids.previous_reminder_date, date(2025, 12, 31))

    def test_partial_payment_reminds_the_residual(self):
        invoice = self._invoice(self.debtor, 1000)
        self._pay(invoice, 600, when=date(2026, 1, 5))
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertAlmostEqual(reminder.line_ids.amount_total, 1000)
        self.assertAlmostEqual(reminder.line_ids.amount_residual, 400)
        self.assertIn("400.00", self._mails_to(self.contact).body_html)

    def test_paid_invoice_is_not_reminded(self):
        invoice = self._invoice(self.debtor, 1000)
        self._pay(invoice, 1000, when=date(2026, 1, 5))
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)

    def test_courtesy_level_only_before_the_due_date(self):
        courtesy = self.env["receivable.dunning.level"].create(
            {
                "policy_id": self.policy.id,
                "name": "Courtesy",
                "days": -3,
                "mail_template_id": self.env.ref("receivable_automation.mail_template_courtesy").id,
            }
        )
        soon = self._invoice(self.debtor, 100, due=date(2026, 1, 13))
        late = self._invoice(self.other_debtor, 100, due=date(2025, 12, 1))
        run = self._run(date(2026, 1, 10))
        self.assertEqual(
            run.action_ids.filtered(lambda a: a.partner_id == self.debtor).level_id, courtesy
        )
        self.assertEqual(
            run.action_ids.filtered(lambda a: a.partner_id == self.other_debtor).level_id,
            self.level_1,
            "a late invoice skips the courtesy note",
        )
        self.assertTrue(soon.line_ids.receivable_level_id)
        self.assertTrue(late.line_ids.receivable_level_id)

    def test_minimum_amount(self):
        self.level_1.min_overdue_amount = 500
        self._invoice(self.debtor, 300)
        self._invoice(self.other_debtor, 800)
        run = self._run(date(2026, 1, 11))
        self.assertEqual(run.action_ids.partner_id, self.other_debtor)

    def test_extra_days_of_a_debtor(self):
        self.debtor.receivable_extra_days = 5
        self._invoice(self.debtor, 300)
        self.assertFalse(self._run(date(2026, 1, 14)).action_ids)
        self.assertTrue(self._run(date(2026, 1, 16)).action_ids)

    def test_policy_of_partner_then_profile_then_company(self):
        firm = self.policy.copy({"name": "Firm"})
        firm.level_ids.filtered(lambda level: level.days == 10).days = 3
        profile = self.env["receivable.debtor.profile"].create(
            {"name": "Late payers", "policy_id": firm.id, "company_id": self.company.id}
        )
        self.other_debtor.receivable_profile_id = profile
        self._invoice(self.debtor, 100)
        self._invoice(self.other_debtor, 100)
        run = self._run(date(2026, 1, 5))
        self.assertEqual(run.action_ids.partner_id, self.other_debtor, "profile policy: 3 days")
        self.debtor.with_company(self.company).receivable_policy_id = firm
        self.assertEqual(self._run(date(2026, 1, 6)).action_ids.partner_id, self.debtor)

    def test_no_policy_no_reminder(self):
        self.company.receivable_policy_id = False
        self._invoice(self.debtor, 100)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)

    def test_preview_sends_nothing_and_run_replaces_it(self):
        invoice = self._invoice(self.debtor, 1000)
        run = self._run(date(2026, 1, 11), preview=True)
        self.assertEqual(run.state, "preview")
        self.assertEqual(run.action_ids.state, "preview")
        self.assertEqual(run.action_ids.partner_id, self.debtor)
        self.assertFalse(self._mails_to(self.contact))
        self.assertFalse(invoice.line_ids.receivable_level_id, "a preview changes nothing")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            run.action_run()
        self.assertEqual(run.action_ids.state, "sent")
        self.assertEqual(len(self._mails_to(self.contact)), 1)

    def test_manual_level_waits_for_validation(self):
        """The formal notice is prepared; nothing goes out before a collector validates."""
        self._invoice(self.debtor, 1000, due=date(2025, 11, 1))
        self._run(date(2025, 11, 11))
        self._run(date(2025, 11, 26))
        notice = self._run(date(2025, 12, 11)).action_ids
        self.assertEqual(notice.level_id, self.level_3)
        self.assertEqual(notice.state, "to_validate")
        self.assertEqual(len(self._mails_to(self.contact)), 2)
        self.assertFalse(self._run(date(2025, 12, 12)).action_ids, "not planned twice")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            notice.with_user(self.collector).action_validate()
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.sent_by_id, self.collector)
        mails = self._mails_to(self.contact)
        self.assertEqual(len(mails), 3)
        self.assertIn("formal notice", mails[0].subject)

    def test_mark_as_reminded_raises_the_level_without_sending(self):
        self.level_1.validation_mode = "manual"
        invoice = self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        reminder.with_user(self.collector).action_mark_reminded()
        self.assertEqual(reminder.state, "marked")
        self.assertFalse(self._mails_to(self.contact))
        self.assertEqual(
            invoice.line_ids.filtered("date_maturity").receivable_level_id, self.level_1
        )
        self.assertIn("marked as reminded", self.debtor.message_ids[0].body)
        self.assertEqual(self._run(date(2026, 1, 26)).action_ids.level_id, self.level_2)

    def test_cancelled_reminder_is_not_planned_again_that_day(self):
        self.level_1.validation_mode = "manual"
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        reminder.action_cancel()
        self.assertEqual(reminder.state, "cancelled")
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self.assertEqual(self._run(date(2026, 1, 12)).action_ids.level_id, self.level_1)

    def test_actions_refuse_wrong_states(self):
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        with self.assertRaisesRegex(UserError, "Only reminders in state"):
            reminder.action_validate()
        with self.assertRaisesRegex(UserError, "evidence"):
            reminder.unlink()

    def test_partner_exclusion_with_end_date(self):
        self.env["receivable.dunning.hold"].create(
            {
                "partner_id": self.debtor.id,
                "reason": "Safeguard procedure",
                "date_from": date(2026, 1, 1),
                "date_until": date(2026, 1, 20),
            }
        )
        self._invoice(self.debtor, 1000)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self.assertTrue(self._run(date(2026, 1, 21)).action_ids, "dunning resumes after the end")

    def test_invoice_exclusion(self):
        excluded = self._invoice(self.debtor, 1000)
        self.env["receivable.dunning.hold"].create(
            {"partner_id": self.debtor.id, "move_id": excluded.id, "reason": "Credit note coming"}
        )
        kept = self._invoice(self.debtor, 200)
        self.assertEqual(self._run(date(2026, 1, 11)).action_ids.line_ids.move_id, kept)

    def test_cron_runs_every_company_with_a_policy(self):
        self._invoice(self.debtor, 1000, due=DUE)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["receivable.dunning.run"].with_context(
                # the cron's "today" is the run's date
                tz="UTC"
            )._cron_run_daily()
        runs = self.env["receivable.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs.state, "done")
        self.assertEqual(runs.action_ids.partner_id, self.debtor, "the invoice is months late")

    def test_applied_policy_shown_on_the_debtor(self):
        self.assertEqual(self.debtor.receivable_applied_policy_id, self.policy)
        self.assertEqual(self.contact.receivable_applied_policy_id, self.policy, "its company's")

    def test_reminders_get_the_defaults_of_fields_added_by_extensions(self):
        """The set-based INSERT fills every stored field's default, as create() would."""
        Action = type(self.env["receivable.dunning.action"])
        original_default_get = Action.default_get

        def default_get(model, fields_list):
            values = original_default_get(model, fields_list)
            if "error_message" in fields_list:
                values["error_message"] = "set by an extension"
            return values

        self._invoice(self.debtor, 1000)
        with patch.object(Action, "default_get", default_get):
            reminder = self._run(date(2026, 1, 11), preview=True).action_ids
        self.assertEqual(reminder.letter_state, "none")
        self.assertEqual(reminder.error_message, "set by an extension")
