from datetime import date

from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestOneReminderPerDay(ReceivableCommon):
    """A debtor gets one message a day, whatever the levels its invoices are due at:
    regression for a customer who got a first and a second reminder plus an SMS on one day."""

    def _two_levels_due_on_the_26th(self):
        older = self._invoice(self.debtor, 1000)  # first reminder on the 11th
        self._run(date(2026, 1, 11))
        newer = self._invoice(self.debtor, 300, due=date(2026, 1, 15))
        return older, newer

    def test_items_of_two_levels_in_one_reminder_at_the_highest(self):
        older, newer = self._two_levels_due_on_the_26th()
        reminder = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(len(reminder), 1, "one reminder for the day")
        self.assertEqual(reminder.level_id, self.level_2, "in the tone of the highest level")
        levels = {line.move_id: line.level_id for line in reminder.line_ids}
        self.assertEqual(levels, {older: self.level_2, newer: self.level_1})
        self.assertAlmostEqual(reminder.amount_residual, 1300)
        mails = self._mails_to(self.contact).filtered(lambda mail: "1,300.00" in mail.body_html)
        self.assertEqual(len(mails), 1, "one e-mail")
        self.assertIn("First reminder", mails.body_html, "each invoice with its own level")
        self.assertEqual(len(self._new_sms), 1, "the second level's SMS, once")
        # each item climbs to its own level
        self.assertEqual(older.line_ids.receivable_level_id, self.level_2)
        self.assertEqual(newer.line_ids.receivable_level_id, self.level_1)

    def test_a_second_run_the_same_day_sends_nothing_more(self):
        self._two_levels_due_on_the_26th()
        self._run(date(2026, 1, 26))
        self._invoice(self.debtor, 50, due=date(2026, 1, 16))
        self.assertFalse(self._run(date(2026, 1, 26)).action_ids)

    def test_one_reminder_per_level_when_the_policy_says_so(self):
        self.policy.one_reminder_per_day = False
        self._two_levels_due_on_the_26th()
        reminders = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(reminders.level_id, self.level_1 + self.level_2)
