from datetime import date

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestCategories(ReceivableCommon):
    def _category(self, code):
        return self.env.ref(f"receivable_automation.category_{code.lower()}")

    def test_default_categories_are_shipped(self):
        codes = self.env["receivable.category"].search([]).mapped("code")
        for code in ("NCT", "CEC", "PDP", "RDE", "NPC", "LIT"):
            self.assertIn(code, codes)
        self.assertEqual(self.env["receivable.category"]._get_default_category().code, "NCT")

    def test_do_not_contact_and_dispute_stop_reminders(self):
        npc = self._invoice(self.debtor, 100)
        lit = self._invoice(self.debtor, 200)
        chased = self._invoice(self.debtor, 300)
        npc.receivable_category_id = self._category("NPC")
        lit.receivable_category_id = self._category("LIT")
        self.assertEqual(self._run(date(2026, 1, 11)).action_ids.line_ids.move_id, chased)

    def test_promise_pauses_until_its_date(self):
        invoice = self._invoice(self.debtor, 100)
        with self.assertRaisesRegex(ValidationError, "give the date the customer promised"):
            invoice.receivable_category_id = self._category("PDP")
        invoice.write(
            {
                "receivable_category_id": self._category("PDP").id,
                "receivable_promise_date": date(2026, 1, 15),
            }
        )
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self.assertFalse(self._run(date(2026, 1, 15)).action_ids, "the promise day itself")
        self.assertTrue(self._run(date(2026, 1, 16)).action_ids, "promise broken: resumes")

    def test_payment_already_made_pauses_until_reconciled(self):
        invoice = self._invoice(self.debtor, 100)
        invoice.receivable_category_id = self._category("RDE")
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self._pay(invoice, 100, when=date(2026, 1, 12))
        self.assertFalse(self._run(date(2026, 3, 1)).action_ids)

    def test_categorizing_is_tracked_and_schedules_the_next_action(self):
        invoice = self._invoice(self.debtor, 100)
        invoice.receivable_category_id = self._category("LIT")
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector, "for the debtor's collector")
        self.assertEqual(activity.date_deadline, fields.Date.add(fields.Date.today(), days=2))
        self.assertIn("LIT", activity.summary)
        # kept in the invoice's history by Odoo's tracking (disabled by the accounting tests'
        # environment, so checked on the field)
        self.assertTrue(self.env["account.move"]._fields["receivable_category_id"].tracking)
        invoice.receivable_category_id = self._category("LIT")
        self.assertEqual(len(invoice.activity_ids), 1, "same category again: no new activity")

    def test_categorize_wizard(self):
        inv_1 = self._invoice(self.debtor, 100)
        inv_2 = self._invoice(self.debtor, 200)
        wizard = (
            self.env["receivable.categorize.wizard"]
            .with_user(self.collector)
            .with_context(active_model="account.move", active_ids=(inv_1 + inv_2).ids)
            .create({"category_id": self._category("PDP").id, "note": "Called Ann: pays the 20th"})
        )
        self.assertEqual(wizard.move_ids, inv_1 + inv_2)
        with self.assertRaisesRegex(UserError, "needs the date"):
            wizard.action_apply()
        wizard.promise_date = date(2020, 1, 1)
        with self.assertRaisesRegex(UserError, "cannot be in the past"):
            wizard.action_apply()
        wizard.promise_date = date(2099, 1, 20)
        wizard.action_apply()
        for invoice in inv_1 + inv_2:
            self.assertEqual(invoice.receivable_category_id, self._category("PDP"))
            self.assertEqual(invoice.receivable_promise_date, date(2099, 1, 20))
            self.assertIn("Called Ann", invoice.message_ids[0].body)

    def test_manual_hold_needs_a_reason(self):
        Hold = self.env["receivable.dunning.hold"]
        with self.assertRaisesRegex(ValidationError, "Say why"):
            Hold.create({"partner_id": self.debtor.id})
        invoice = self._invoice(self.debtor, 100)
        with self.assertRaisesRegex(ValidationError, "Say why"):
            Hold.create({"partner_id": self.debtor.id, "move_id": invoice.id, "reason": " "})
