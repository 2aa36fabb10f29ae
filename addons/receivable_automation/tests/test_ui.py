import io
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader


@tagged("post_install", "-at_install")
class TestCollectorTour(HttpCase):
    def _create_overdue_debtor(self, name, amount, policy):
        debtor = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"pay@{name.split()[0].lower()}.example.com",
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        debtor.receivable_policy_id = policy
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": date(2025, 12, 1),
                "invoice_date_due": date(2026, 1, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return debtor

    def _create_policy(self, level_name, **level_values):
        return self.env["receivable.dunning.policy"].create(
            {
                "name": f"{level_name} policy",
                "level_ids": [
                    Command.create(
                        {
                            "name": level_name,
                            "days": 10,
                            "mail_template_id": self.env.ref(
                                "receivable_automation.mail_template_formal_notice"
                            ).id,
                            **level_values,
                        }
                    )
                ],
            }
        )

    def test_letters_of_many_debtors_in_one_pdf(self):
        """Printing renders a real PDF (wkhtmltopdf, against this running server), one letter
        per debtor, only when asked."""
        policy = self._create_policy("Letter level", send_letter=True)
        debtors = self._create_overdue_debtor("Alpha SARL", 1500, policy) + (
            self._create_overdue_debtor("Beta SAS", 2500, policy)
        )
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        run.action_run()
        reminders = run.action_ids.filtered(lambda action: action.partner_id in debtors)
        self.assertEqual(reminders.mapped("letter_state"), ["to_print", "to_print"])
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "receivable.dunning.action"), ("res_id", "in", reminders.ids)]
            ),
            "no PDF was rendered by the run",
        )
        reminders.action_print_letter()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("receivable_automation.action_report_dunning_letter", reminders.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2, "a page each")
        self.assertEqual(reminders.mapped("letter_state"), ["printed", "printed"])
        # each letter is kept with its reminder, as sent
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.dunning.action"), ("res_id", "in", reminders.ids)]
        )
        self.assertEqual(len(attachments), 2)

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
                            "send_letter": True,
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

    def test_collector_opens_a_dispute_from_an_invoice(self):
        """From an invoice's Dunning tab, a collector disputes part of it."""
        new_test_user(
            self.env,
            login="tour_dispute",
            name="Tour Dispute",
            email="tour.dispute@example.com",
            groups="receivable_automation.group_receivable_user",
        )
        policy = self._create_policy("Dispute level")
        debtor = self._create_overdue_debtor("Gamma SA", 500, policy)
        invoice = self.env["account.move"].search([("partner_id", "=", debtor.id)])
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "receivable_dispute_tour",
            login="tour_dispute",
        )
        dispute = self.env["receivable.dispute"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(dispute.line_ids.move_id, invoice)
        self.assertAlmostEqual(dispute.amount, 120)
        self.assertEqual(
            dispute.reason_id, self.env.ref("receivable_automation.dispute_reason_quality")
        )
        self.assertEqual(invoice.receivable_category_id.code, "LIT")

    def test_collector_holds_and_releases_a_debtor(self):
        """From a client file, a collector holds the reminders with a reason, then releases."""
        collector = new_test_user(
            self.env,
            login="tour_hold",
            name="Tour Hold",
            email="tour.hold@example.com",
            groups="receivable_automation.group_receivable_user",
        )
        policy = self._create_policy("Hold level")
        debtor = self._create_overdue_debtor("Delta SARL", 700, policy)
        self.start_tour(
            f"/odoo/action-receivable_automation.res_partner_action_debtors/{debtor.id}",
            "receivable_hold_tour",
            login="tour_hold",
        )
        hold = self.env["receivable.dunning.hold"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(hold.reason, "Safeguard procedure")
        self.assertEqual(hold.date_until, date(2099, 12, 31))
        self.assertEqual((hold.state, hold.released_by_id), ("released", collector))
