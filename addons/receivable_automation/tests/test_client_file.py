from datetime import date

from odoo.tests import Form, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestClientFile(ReceivableCommon):
    """What a collector sees on a debtor and its invoices."""

    def test_previews_are_not_history_and_a_run_replaces_them(self):
        invoice = self._invoice(self.debtor, 1000)
        preview = self._run(date(2026, 1, 11), preview=True)
        self.assertEqual(preview.action_ids.state, "preview")
        self.assertFalse(self.debtor.receivable_action_ids, "no preview in the dunning history")
        self.assertFalse(invoice.receivable_action_line_ids, "nor in the invoice's Dunning tab")
        run = self._run(date(2026, 1, 11))
        self.assertFalse(preview.action_ids, "the real run of that date replaced the preview")
        self.assertEqual(self.debtor.receivable_action_ids, run.action_ids)
        self.assertEqual(invoice.receivable_action_line_ids.action_id, run.action_ids)

    def test_closed_items_are_invoices_not_their_payments(self):
        invoice = self._invoice(self.debtor, 1000)
        self._pay(invoice, 1000, when=date(2026, 1, 5))
        closed = self.debtor.receivable_closed_line_ids
        self.assertEqual(closed.move_id, invoice)

    def test_category_found_by_its_code(self):
        found = self.env["receivable.category"].name_search("RDE")
        self.assertEqual(
            [name for _id, name in found],
            [self.env.ref("receivable_automation.category_rde").display_name],
        )

    def test_settings_open_on_the_receivables_block(self):
        action = self.env.ref("receivable_automation.receivable_config_settings_action")
        self.assertEqual(action.context, "{'module': 'receivable_automation', 'bin_size': False}")
        with Form(self.env["res.config.settings"]) as settings:
            settings.receivable_batch_size = 50
        self.assertEqual(self.company.receivable_batch_size, 50)
        arch = self.env["res.config.settings"].get_view()["arch"]
        self.assertIn('name="receivable_automation"', arch)

    def test_open_items_by_level_show_the_level_due_next(self):
        """An invoice reminded at the first level shows at the second once it is due for it,
        grouped by policy and level; a debtor whose credit notes cover its debt is not there."""
        reminded = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        self.assertEqual(reminded.line_ids.receivable_level_id, self.level_1)
        fresh = self._invoice(self.debtor, 300, due=date(2026, 1, 20))
        covered = self._invoice(self.other_debtor, 400)
        refund = covered.copy({"move_type": "out_refund", "invoice_date_due": False})
        refund.action_post()
        run = (
            self.env["receivable.dunning.run"]
            .with_user(self.collector)
            .create({"date": date(2026, 2, 1)})
        )
        action = run.action_open_items_by_level()
        self.assertEqual(run.state, "preview")
        self.assertIn("'search_default_group_by_level': 1", action["context"])
        lines = self.env["receivable.dunning.action.line"].search(action["domain"])
        levels = {line.move_id: line.level_id for line in lines}
        self.assertEqual(levels, {reminded: self.level_2, fresh: self.level_1})
        self.assertEqual(lines.policy_id, self.policy)
        self.assertFalse(self._reminders(date=date(2026, 2, 1)), "a preview sends nothing")

    def test_open_items_by_level_menu_for_today(self):
        self._invoice(self.debtor, 1000)
        Run = self.env["receivable.dunning.run"].with_user(self.collector)
        action = self.env.ref("receivable_automation.receivable_dunning_run_action_items_due_today")
        result = action.with_user(self.collector).run()
        self.assertEqual(result["res_model"], "receivable.dunning.action.line")
        today_run = Run.search([("date", "=", date.today())])
        self.assertEqual(len(today_run), 1)
        action.with_user(self.collector).run()
        self.assertEqual(len(Run.search([("date", "=", date.today())])), 1, "reused, not piled up")

    def test_reminder_lists_create_nothing_and_open_expanded(self):
        arch = self.env["receivable.dunning.action"].get_view(
            self.env.ref("receivable_automation.receivable_dunning_action_view_list").id, "list"
        )["arch"]
        self.assertIn('create="false"', arch, "no empty 'New' reminder")
        self.assertIn('expand="1"', arch, "To Validate opens on its reminders")
