import io
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.receivable_automation.models.ir_actions_report import (
    _wkhtmltopdf_reads_several_documents,
)


@tagged("post_install", "-at_install")
class TestCollectorTour(HttpCase):
    def _create_overdue_debtor(self, name, amount, policy, invoices=1):
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
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": date(2025, 12, 1),
                    "invoice_date_due": date(2026, 1, 1),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
            ]
            * invoices
        )
        invoices.action_post()
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

    def test_many_letters_in_one_wkhtmltopdf_call(self):
        """Printing letters in one go renders them in one wkhtmltopdf call (Debian's renders one
        document per call): each reminder keeps exactly its own pages, a long letter included,
        and the print holds them all in order."""
        policy = self._create_policy("Letter level", send_letter=True)
        debtors = (
            self._create_overdue_debtor("Alpha SARL", 1500, policy)
            + self._create_overdue_debtor("Beta SAS", 100, policy, invoices=45)
            + self._create_overdue_debtor("Gamma SA", 900, policy)
        )
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        run.action_run()
        reminders = run.action_ids.filtered(lambda action: action.partner_id in debtors)
        self.assertEqual(len(reminders), 3)
        Report = self.env["ir.actions.report"]
        run_wkhtmltopdf = type(Report)._run_wkhtmltopdf
        with patch.object(
            type(Report), "_run_wkhtmltopdf", autospec=True, side_effect=run_wkhtmltopdf
        ) as wkhtmltopdf:
            pdf, __ = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                "receivable_automation.action_report_dunning_letter", reminders.ids
            )
        if not _wkhtmltopdf_reads_several_documents():
            self.assertEqual(wkhtmltopdf.call_count, 1, "one call for the three letters")
        pages = {}
        for reminder in reminders:
            attachment = self.env["ir.attachment"].search(
                [("res_model", "=", reminder._name), ("res_id", "=", reminder.id)]
            )
            self.assertEqual(len(attachment), 1)
            reader = PdfFileReader(io.BytesIO(attachment.raw))
            pages[reminder.partner_id.name] = len(reader.pages)
            links = [
                str(annotation.get_object().get("/A", {}).get("/URI", ""))
                for page in reader.pages
                for annotation in page.get("/Annots") or []
            ]
            self.assertFalse([link for link in links if "receivable-letter" in link])
        self.assertEqual(pages["Alpha SARL"], 1)
        self.assertGreaterEqual(pages["Beta SAS"], 2, "45 invoices take more than a page")
        self.assertEqual(pages["Gamma SA"], 1)
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), sum(pages.values()))

    def test_letters_that_cannot_be_split_back_are_rendered_one_by_one(self):
        """When the combined PDF cannot be split back per letter, each letter is rendered on its
        own: slower, but every reminder still gets its letter."""
        policy = self._create_policy("Letter level", send_letter=True)
        debtors = self._create_overdue_debtor("Alpha SARL", 1500, policy) + (
            self._create_overdue_debtor("Beta SAS", 2500, policy)
        )
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        run.action_run()
        reminders = run.action_ids.filtered(lambda action: action.partner_id in debtors)
        Report = self.env["ir.actions.report"]
        with patch.object(type(Report), "_split_letters", return_value={}):
            pdf, __ = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                "receivable_automation.action_report_dunning_letter", reminders.ids
            )
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "receivable.dunning.action"), ("res_id", "in", reminders.ids)]
            ),
            2,
        )

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
