from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestReports(ReceivableCommon):
    def test_aging_buckets_and_outstanding_by_category(self):
        today = fields.Date.today()
        not_due = self._invoice(self.debtor, 100, due=today + timedelta(days=5))
        late_45 = self._invoice(self.debtor, 200, due=today - timedelta(days=45))
        late_200 = self._invoice(self.other_debtor, 300, due=today - timedelta(days=200))
        late_200.receivable_category_id = self.env.ref("receivable_automation.category_lit")
        Report = self.env["receivable.item.report"].with_user(self.collector)
        rows = {row.move_id: row for row in Report.search([("company_id", "=", self.company.id)])}
        self.assertEqual(rows[not_due].aging_bucket, "0_not_due")
        self.assertEqual(rows[not_due].amount_overdue, 0)
        self.assertEqual(rows[late_45].aging_bucket, "2_60")
        self.assertEqual(rows[late_45].days_late, 45)
        self.assertEqual(rows[late_200].aging_bucket, "5_older")
        by_category = {
            category.code: amount
            for category, amount in Report._read_group(
                [("company_id", "=", self.company.id)], ["category_id"], ["amount_residual:sum"]
            )
        }
        self.assertEqual(by_category, {"NCT": 300, "LIT": 300})

    def test_reports_count_what_credits_leave_due(self):
        """Credit notes pay the debtor's oldest items first: the aging and the outstanding by
        category show what is really owed (regression: they counted the invoices in full)."""
        today = fields.Date.today()
        oldest = self._invoice(self.debtor, 1000, due=today - timedelta(days=100))
        newest = self._invoice(self.debtor, 400, due=today - timedelta(days=10))
        refund = self._invoice(self.debtor, 0, post=False)
        refund.write(
            {
                "move_type": "out_refund",
                "invoice_line_ids": [
                    Command.clear(),
                    Command.create({"name": "Refund", "price_unit": 1200, "tax_ids": []}),
                ],
            }
        )
        refund.action_post()
        Report = self.env["receivable.item.report"].with_user(self.collector)
        rows = Report.search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(rows.move_id, newest, f"{oldest.name} is covered by the credit note")
        self.assertAlmostEqual(rows.amount_residual, 200)
        self.assertAlmostEqual(rows.amount_credited, 200)
        self.assertAlmostEqual(rows.amount_overdue, 200)
        [(total,)] = Report._read_group(
            [("partner_id", "=", self.debtor.id)], [], ["amount_residual:sum"]
        )
        self.assertAlmostEqual(total, self.debtor.credit, msg="the debtor's net balance")

    def test_letter_carries_the_letterhead_and_the_window_address(self):
        """Debian's wkhtmltopdf drops Odoo's report header and footer: the letterhead, the
        legal mentions and the debtor's address are in the letter's body."""
        self.company.write(
            {"report_footer": "<p>SAS au capital de 10 000</p>", "company_registry": "RCS 123"}
        )
        self.level_1.send_letter = True
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        report = self.env.ref("receivable_automation.action_report_dunning_letter")
        self.assertEqual(report.paperformat_id.margin_top, 10, "no room kept for a header")
        html = str(report._render_qweb_html(report.report_name, reminder.ids)[0])
        letterhead = html.index("o_receivable_letterhead")
        window = html.index("o_receivable_window")
        legal = html.index("o_receivable_legal")
        self.assertLess(letterhead, window)
        self.assertIn(self.company.name, html[letterhead:window])
        self.assertIn("Wavre", html[window:], "the debtor's address in the window")
        self.assertIn("SAS au capital de 10 000", html[legal:])
        self.assertIn("RCS 123", html[legal:])

    def test_average_days_late_per_customer(self):
        today = fields.Date.today()
        on_time = self._invoice(self.debtor, 100, due=today - timedelta(days=30))
        late = self._invoice(self.debtor, 100, due=today - timedelta(days=30))
        self._pay(on_time, 100, when=today - timedelta(days=31))
        self._pay(late, 100, when=today - timedelta(days=18))
        Report = self.env["receivable.payment.delay.report"].with_user(self.collector)
        [(partner, average)] = Report._read_group(
            [("partner_id", "=", self.debtor.id)], ["partner_id"], ["days_late:avg"]
        )
        self.assertEqual(partner, self.debtor)
        self.assertEqual(average, 6, "paid 0 and 12 days late")

    def test_reports_are_not_for_invoicing_users(self):
        portal = self.env["res.users"].create(
            {
                "name": "P",
                "login": "report_portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["receivable.payment.delay.report"].with_user(portal).search([])
