from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectorTour(HttpCase):
    def test_collector_validates_a_formal_notice(self):
        """In the browser, a collector opens the reminders to validate, opens one and sends it."""
        collector = new_test_user(
            self.env,
            login="tour_collector",
            name="Tour Collector",
            email="tour.collector@example.com",
            groups="receivable_automation.group_receivable_user",
        )
        policy = self.env["receivable.dunning.policy"].create(
            {
                "name": "Tour policy",
                "level_ids": [
                    Command.create(
                        {
                            "name": "Tour formal notice",
                            "days": 10,
                            "validation_mode": "manual",
                            "mail_template_id": self.env.ref(
                                "receivable_automation.mail_template_formal_notice"
                            ).id,
                        }
                    )
                ],
            }
        )
        debtor = self.env["res.partner"].create(
            {"name": "Tour Debtor SA", "is_company": True, "email": "pay@tour-debtor.example.com"}
        )
        debtor.receivable_policy_id = policy
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": date(2025, 12, 1),
                "invoice_date_due": date(2026, 1, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Service", "price_unit": 321, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        run.action_run()
        reminder = run.action_ids.filtered(lambda action: action.partner_id == debtor)
        self.assertEqual(reminder.state, "to_validate")

        self.start_tour(
            "/odoo/action-receivable_automation.receivable_dunning_action_action_to_validate",
            "receivable_collector_tour",
            login="tour_collector",
        )

        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.sent_by_id, collector)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", debtor.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn("321.00", mail.body_html)
