from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_kpi import KpiCommon
from .test_tours import ReceivableTourCase


@tagged("post_install", "-at_install")
class TestKpiDashboard(KpiCommon):
    def _dashboard(self, user=None, companies=None):
        kpi = self.env["receivable.kpi"].with_user(user or self.collector)
        if companies:
            kpi = kpi.with_context(allowed_company_ids=companies.ids)
        return kpi.get_dashboard_data()

    @freeze_time("2026-03-31")
    def test_dashboard_shows_the_kpis_and_the_cards_of_the_collectors_company(self):
        self._quarter()
        self.env["receivable.kpi.snapshot"]._backfill(self.company, months=2)
        self.env["receivable.inquiry"].create(
            {"partner_id": self.other_debtor.id, "subject": "Which bank account?"}
        )
        self._sale(self.other_debtor, 700, date(2026, 3, 1))
        # due within a week, and not
        self.env["receivable.promise"].create(
            {"partner_id": self.other_debtor.id, "amount": 100, "date": date(2026, 4, 5)}
        )
        self.env["receivable.promise"].create(
            {"partner_id": self.debtor.id, "amount": 1000, "date": date(2026, 4, 20)}
        )
        data = self._dashboard()
        self.assertEqual((data["date_from"], data["date_to"]), ("2026-01-01", "2026-03-31"))
        # the quarter's worked example, plus the other customer's 700 not yet due
        self.assertAlmostEqual(data["kpis"]["dso"], 120700 / 300700 * 90)
        self.assertAlmostEqual(data["kpis"]["best_possible_dso"], 100700 / 300700 * 90)
        self.assertIn("120,700.00", data["amounts"]["total_ar"])
        self.assertIn("20,000.00", data["amounts"]["overdue_ar"])
        self.assertEqual(data["largest"][0]["name"], "Agrolait")
        self.assertIn("120,000.00", data["largest"][0]["amount"])
        self.assertEqual(
            [point["date"] for point in data["trend"]], ["2026-01-31", "2026-02-28", "2026-03-31"]
        )
        self.assertAlmostEqual(data["trend"][-1]["dso"], 36.0, msg="recorded before the 700")
        self.assertEqual(
            data["counts"],
            # Agrolait paid 60,000 20 days late and 100,000 11 days late: 14.4 days on average
            {"chronic": 1, "inquiries": 1, "promises_due": 1, "plans_at_risk": 0},
        )
        self.assertTrue(data["categories"])

    def test_plans_at_risk_and_chronic_late_payers(self):
        with freeze_time("2026-01-05"):
            # three monthly instalments from 1 February, none paid
            self._active_plan(self._sale(self.debtor, 900, date(2026, 1, 1)))
        late = self._sale(self.other_debtor, 1000, date(2026, 1, 1))  # due 31 January
        self._pay(late, 1000, date(2026, 3, 2))  # 30 days late
        with freeze_time("2026-01-31"):
            self.assertEqual(self._dashboard()["counts"]["plans_at_risk"], 0, "not due yet")
        with freeze_time("2026-03-31"):
            counts = self._dashboard()["counts"]
            self.assertEqual((counts["plans_at_risk"], counts["chronic"]), (1, 1))
            action = self.env["receivable.kpi"].with_user(self.collector)
            action = action.action_open_chronic_late_payers()
        self.assertEqual(action["res_model"], "receivable.payment.delay.report")
        rows = self.env["receivable.payment.delay.report"].search(action["domain"])
        self.assertEqual(rows.partner_id, self.other_debtor)

    def test_trend_shows_a_kpi_without_value_as_none(self):
        """A snapshot of a day without sales has no DSO: a dash on the card, not 0.0."""
        self.env["receivable.kpi.snapshot"]._take_snapshots(self.company, [date(2025, 6, 30)])
        self.assertEqual(
            self._dashboard()["trend"], [{"date": "2025-06-30", "dso": None, "cei": None}]
        )

    def test_salesperson_has_no_dashboard(self):
        with self.assertRaises(AccessError):
            self._dashboard(user=self.salesperson)
        with self.assertRaises(AccessError):
            self.env["receivable.kpi"].with_user(self.salesperson).action_open_chronic_late_payers()

    @freeze_time("2026-03-31")
    def test_current_companies_only(self):
        self._quarter()
        other = self.setup_other_company(name="Other Co")["company"]
        self._sale(self.debtor, 50000, date(2026, 3, 20), company=other)
        self.collector.company_ids |= other
        mine = self._dashboard(companies=self.company)
        self.assertIn("120,000.00", mine["amounts"]["total_ar"])
        both = self._dashboard(companies=self.company | other)
        self.assertIn("170,000.00", both["amounts"]["total_ar"])
        theirs = self._dashboard(companies=other)
        self.assertIn("50,000.00", theirs["amounts"]["total_ar"])
        self.assertEqual(theirs["largest"][0]["name"], "Agrolait")
        self.assertIn("50,000.00", theirs["largest"][0]["amount"])

    @freeze_time("2026-03-31")
    def test_query_count_does_not_grow_with_debtors(self):
        self._quarter()
        self.env["receivable.kpi.snapshot"]._backfill(self.company, months=2)
        self._dashboard()  # warm the caches (views, translations)
        with self._count_queries() as few:
            self._dashboard()
        for debtor in self._create_debtors(20):
            invoice = self._sale(debtor, 100, date(2026, 1, 15))
            self._pay(invoice, 100, date(2026, 3, 1))
            self._sale(debtor, 200, date(2026, 2, 15))
        self._dashboard()
        with self._count_queries() as many:
            self._dashboard()
        self.assertEqual(many["count"], few["count"])
        # 5 for the KPIs, 2 for categories and aging, 1 trend, 1 largest debtors, 1 chronic late
        # payers, 3 counts
        with self.with_user("ra_collector"), self.assertQueryCount(ra_collector=13):
            self.env["receivable.kpi"].get_dashboard_data()


@tagged("post_install", "-at_install")
class TestKpiDashboardTour(ReceivableTourCase):
    def test_dashboard_from_the_menu_to_a_card_list(self):
        """Receivables opens on the dashboard; its cards open their lists (questions to
        answer, largest outstanding, promises due, plans at risk)."""
        debtor, _invoices = self._create_debtor("Dashboard Tour Debtor", [900000])
        # the tour counts one question to answer: those of the demo data are closed
        self.env["receivable.inquiry"].search([("state", "=", "to_answer")]).action_close()
        self.env["receivable.inquiry"].create(
            {"partner_id": debtor.id, "subject": "Dashboard tour question"}
        )
        self.env["receivable.promise"].create(
            {
                "partner_id": debtor.id,
                "amount": 1000,
                "date": fields.Date.context_today(debtor) + timedelta(days=3),
            }
        )
        self.start_tour("/odoo", "receivable_dashboard_tour", login="tours_collector")
