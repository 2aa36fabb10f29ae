from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestRiskScore(ReceivableCommon):
    """Payment score: 100 minus the points lost on each factor, weights of the company."""

    def _late_payer(self, partner, company=None, broken_promise=False):
        """Two invoices of 1,000: one paid 30 days late in January (9 months before June
        30), one paid 50 days late in June (last 3 months), after a promise broken."""
        first = self._invoice(partner, 1000, due=date(2026, 1, 1), company=company)
        self._pay(first, 1000, when=date(2026, 1, 31))
        second = self._invoice(partner, 1000, due=date(2026, 5, 1), company=company)
        if broken_promise:
            self._broken_promise(partner, second)
        self._pay(second, 1000, when=date(2026, 6, 20))
        return first | second

    def _broken_promise(self, partner, invoice):
        promise = self.env["receivable.promise"].create(
            {
                "partner_id": partner.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": invoice.amount_total,
                "date": date(2026, 7, 15),
            }
        )
        promise._write_state("broken")
        return promise

    def _compute(self, partners=None):
        return self.env["receivable.partner.score"]._compute_scores(self.company, partners)

    def _factors(self, score):
        return {factor.code: factor for factor in score.factor_ids}

    @freeze_time("2026-06-30")
    def test_worked_example_exact_points(self):
        """40 days late on average (35 x 40/60 = 23.33), 20 days worse recently
        (10 x 20/30 = 6.67), one broken promise (20 x 1/3 = 6.67): 100 - 36.67 = 63."""
        invoice = self._invoice(self.debtor, 500, due=date(2026, 6, 29))
        self._broken_promise(self.debtor, invoice)
        self._pay(invoice, 500, when=date(2026, 6, 29))  # on time: weighs on the average
        self._late_payer(self.debtor)
        score = self._compute()
        self.assertEqual(score.partner_id, self.debtor)
        # (30 x 1000 + 50 x 1000 + 0 x 500) / 2500 = 32 days; recent (50000 / 1500) - 30
        factors = self._factors(score)
        self.assertAlmostEqual(factors["days_late"].value, 32.0)
        self.assertAlmostEqual(factors["days_late"].points, 18.67)  # 35 x 32/60
        self.assertAlmostEqual(factors["trend"].value, 3.3)  # 33.3 - 30
        self.assertAlmostEqual(factors["trend"].points, 1.11)  # 10 x 3.33/30
        self.assertAlmostEqual(factors["promises"].points, 6.67)
        self.assertEqual(factors["promises"].explanation, "1 broken promises in 12 months")
        self.assertEqual(factors["disputes"].points, 0)
        self.assertEqual(factors["level"].points, 0)
        self.assertEqual(factors["returns"].points, 0)
        self.assertEqual(score.score, 74)  # 100 - 26.45
        self.assertEqual(score.band, "watch")
        self.assertEqual(score.date, date(2026, 6, 30))

    @freeze_time("2026-06-30")
    def test_two_invoices_late_example(self):
        """The example of the README: 30 then 50 days late, one broken promise: 63."""
        self._late_payer(self.debtor, broken_promise=True)
        score = self._compute()
        factors = self._factors(score)
        self.assertAlmostEqual(factors["days_late"].points, 23.33)
        self.assertAlmostEqual(factors["trend"].points, 6.67)
        self.assertAlmostEqual(factors["promises"].points, 6.67)
        self.assertEqual(
            factors["days_late"].explanation,
            "Pays 40 days late on average (weighted by amount, 12 months)",
        )
        self.assertEqual(
            factors["trend"].explanation, "50 days late in the last 3 months, 30 in the 9 before"
        )
        self.assertEqual(score.score, 63)
        self.assertEqual(score.band, "watch")
        self.assertEqual(sorted(score.factor_ids.mapped("weight")), [10, 10, 10, 15, 20, 35])

    @freeze_time("2026-06-30")
    def test_open_overdue_invoice_counts_until_today(self):
        """An unpaid invoice due 90 days ago: 90 days late, capped at 60 (35 points)."""
        self._invoice(self.debtor, 1000, due=date(2026, 4, 1))
        score = self._compute()
        factors = self._factors(score)
        self.assertAlmostEqual(factors["days_late"].value, 90)
        self.assertAlmostEqual(factors["days_late"].points, 35)
        self.assertEqual(factors["trend"].points, 0, "no earlier period to compare with")
        self.assertEqual(score.score, 65)

    @freeze_time("2026-06-30")
    def test_disputes_level_and_returned_payments(self):
        """Two disputes, one rejected: (2 + 1)/4 of 10; the first of 3 levels: 1/3 of 15;
        one payment reversed (a bank return): 1/2 of 10."""
        invoice = self._invoice(self.debtor, 1000, due=date(2026, 6, 1))
        reason = self.env.ref("receivable_automation.dispute_reason_quality")
        disputes = self.env["receivable.dispute"].create(
            [
                {
                    "partner_id": self.debtor.id,
                    "reason_id": reason.id,
                    "deadline": date(2026, 7, 31),
                    "line_ids": [Command.create({"move_id": invoice.id, "amount": 100})],
                }
                for _i in range(2)
            ]
        )
        disputes[0]._write_state("rejected")
        self._run(date(2026, 6, 11))  # first reminder, level 1 of 3
        paid = self._invoice(self.debtor, 300, due=date(2026, 6, 20))
        self._pay(paid, 300, when=date(2026, 6, 10))
        payment = self.env["account.payment"].search([("partner_id", "=", self.debtor.id)])
        payment.move_id.line_ids.remove_move_reconcile()
        payment.move_id._reverse_moves([{"date": date(2026, 6, 25)}], cancel=True)
        factors = self._factors(self._compute())
        self.assertAlmostEqual(factors["disputes"].points, 7.5)
        self.assertEqual(
            factors["disputes"].explanation, "2 disputes opened in 12 months, 1 rejected"
        )
        self.assertAlmostEqual(factors["level"].points, 5)
        self.assertEqual(
            factors["level"].explanation, "Reached level First reminder (1 of 3) in 12 months"
        )
        self.assertAlmostEqual(factors["returns"].points, 5)
        self.assertEqual(factors["returns"].value, 1)

    @freeze_time("2026-06-30")
    def test_weights_of_the_company(self):
        self.company.write(
            {
                "receivable_score_weight_days_late": 50,
                "receivable_score_weight_trend": 0,
                "receivable_score_weight_promises": 0,
            }
        )
        self._late_payer(self.debtor)
        score = self._compute()
        self.assertAlmostEqual(self._factors(score)["days_late"].points, 33.33)  # 50 x 40/60
        self.assertEqual(score.score, 67)

    def test_bad_weights(self):
        with self.assertRaisesRegex(ValidationError, "add up to 145: they cannot exceed 100"):
            self.company.receivable_score_weight_days_late = 80
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.receivable_score_weight_trend = -5

    @freeze_time("2026-06-30")
    def test_inactive_debtor_not_scored_and_recompute_updates(self):
        """A debtor with nothing in 12 months gets no score; one score per debtor and company,
        updated in place."""
        old = self._invoice(self.other_debtor, 100, due=date(2025, 3, 1))
        self._pay(old, 100, when=date(2025, 3, 1))
        self._late_payer(self.debtor)
        scores = self._compute()
        self.assertEqual(scores.partner_id, self.debtor)
        again = self._compute()
        self.assertEqual(again, scores, "the same record")
        self.assertEqual(len(again.factor_ids), 6, "factor lines replaced, not added")

    @freeze_time("2026-06-30")
    def test_other_company_data_ignored(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self._late_payer(self.debtor, company=other)
        self.assertFalse(self._compute(), "no activity in this company")
        self._invoice(self.debtor, 1000, due=date(2026, 7, 15))
        score = self._compute()
        self.assertEqual(score.score, 100, "only a not yet overdue invoice here")
        other_score = self.env["receivable.partner.score"]._compute_scores(other)
        self.assertEqual(other_score.company_id, other)
        self.assertEqual(other_score.score, 70)

    @freeze_time("2026-06-30")
    def test_cron_query_count_is_flat(self):
        """The nightly scoring runs the same queries for 2 or 6 debtors."""
        Score = self.env["receivable.partner.score"]
        Score._cron_compute_scores()  # the demo debtors' profiles settle first
        counts = []
        for size in (2, 6):
            debtors = self._create_debtors(size, prefix=f"Flat{size}")
            for debtor in debtors:
                self._late_payer(debtor)
            Score.search([]).unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.registry.clear_cache()  # cold caches: the same start for both sizes
            with self._count_queries() as queries:
                Score._cron_compute_scores()
            counts.append(queries["count"])
            scores = self.env["receivable.partner.score"].search(
                [("partner_id", "in", debtors.ids)]
            )
            self.assertEqual(len(scores), size)
        self.assertEqual(counts[0], counts[1])

    @freeze_time("2026-06-30")
    def test_client_file_shows_score_and_factors(self):
        self._late_payer(self.debtor)
        self.debtor.with_user(self.collector).action_receivable_compute_score()
        view = self.env.ref("receivable_automation.res_partner_view_form_receivable")
        form = Form(self.debtor.with_user(self.collector), view=view)
        self.assertEqual(form.receivable_score, 70)
        self.assertEqual(form.receivable_score_band, "watch")
        self.assertEqual(form.receivable_score_date, "2026-06-30")
        self.assertEqual(len(form.receivable_score_factor_ids), 6)
        factors = self.debtor.with_user(self.collector).receivable_score_factor_ids
        self.assertEqual(factors[:2].mapped("points"), [23.33, 6.67], "costliest first")

    @freeze_time("2026-06-30")
    def test_access(self):
        """Controllers read and recompute, never write; salespeople read their customers'
        scores only; portal users nothing."""
        self._late_payer(self.debtor)
        self._late_payer(self.other_debtor)
        scores = self._compute()
        with self.assertRaises(AccessError):
            scores[0].with_user(self.collector).score = 100
        with self.assertRaises(AccessError):
            self.debtor.with_user(self.salesperson).action_receivable_compute_score()
        seller = new_test_user(
            self.env,
            login="ra_risk_seller",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
        )
        self.debtor.user_id = seller
        visible = self.env["receivable.partner.score"].with_user(seller).search([])
        self.assertEqual(visible.partner_id, self.debtor)
        self.assertEqual(len(visible.factor_ids), 6)
        portal = new_test_user(self.env, login="ra_risk_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["receivable.partner.score"].with_user(portal).search([])

    def test_reporting_views(self):
        action = self.env.ref("receivable_automation.receivable_partner_score_action")
        self.assertIn("graph", action.view_mode)
        menu = self.env.ref("receivable_automation.menu_receivable_report_scores")
        self.assertEqual(menu.action, action)
