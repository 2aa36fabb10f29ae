from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.kpi.receivable_kpi_snapshot import SNAPSHOT_KPIS
from .common import ReceivableCommon

Q1_FROM, Q1_TO = date(2026, 1, 1), date(2026, 3, 31)  # 90 days


class KpiCommon(ReceivableCommon):
    """Helpers that book invoices, credit notes and payments at fixed dates."""

    @classmethod
    def _sale(cls, partner, amount, invoice_date, days=30, company=None):
        """A posted invoice dated ``invoice_date``, due ``days`` later."""
        return cls._invoice(
            partner, amount, due=invoice_date + timedelta(days=days), company=company
        )

    @classmethod
    def _refund(cls, partner, amount, invoice_date):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    Command.create({"name": "Refund", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _quarter(cls):
        """The worked example of the README: 60,000 owed at the start of Q1 2026, 300,000 of
        sales in the quarter, 120,000 owed at its end of which 100,000 not yet due."""
        old = cls._sale(cls.debtor, 60000, date(2025, 12, 1))  # due 31 Dec 2025
        january = cls._sale(cls.debtor, 100000, date(2026, 1, 10))  # due 9 Feb
        february = cls._sale(cls.debtor, 100000, date(2026, 2, 10))  # due 12 Mar
        cls._sale(cls.debtor, 100000, date(2026, 3, 10))  # due 9 Apr, open
        cls._pay(old, 60000, date(2026, 1, 20))
        cls._pay(january, 100000, date(2026, 2, 20))
        cls._pay(february, 80000, date(2026, 3, 20))  # 20,000 overdue at the end


@tagged("post_install", "-at_install")
class TestKpiFormulas(KpiCommon):
    @property
    def kpi(self):
        return self.env["receivable.kpi"]

    def test_dso_of_a_quarter(self):
        """100,000 owed at the end of a 90-day quarter with 300,000 of credit sales: 30 days."""
        for month in (1, 2, 3):
            invoice = self._sale(self.debtor, 100000, date(2026, month, 5))
            if month < 3:
                self._pay(invoice, 100000, date(2026, month, 25))
        self.assertAlmostEqual(self.kpi._get_dso(self.company, Q1_FROM, Q1_TO), 30.0)

    def test_worked_example_dso_best_possible_dso_add_and_cei(self):
        self._quarter()
        self.assertAlmostEqual(self.kpi._get_credit_sales(self.company, Q1_FROM, Q1_TO), 300000)
        balances = self.kpi._get_receivable_balances(self.company, Q1_TO)
        self.assertAlmostEqual(balances["total"], 120000)
        self.assertAlmostEqual(balances["current"], 100000)
        self.assertAlmostEqual(balances["overdue"], 20000)
        # 120,000 / 300,000 x 90 and 100,000 / 300,000 x 90
        self.assertAlmostEqual(self.kpi._get_dso(self.company, Q1_FROM, Q1_TO), 36.0)
        self.assertAlmostEqual(self.kpi._get_best_possible_dso(self.company, Q1_FROM, Q1_TO), 30.0)
        self.assertAlmostEqual(
            self.kpi._get_average_days_delinquent(self.company, Q1_FROM, Q1_TO), 6.0
        )
        # (60,000 + 300,000 - 120,000) / (60,000 + 300,000 - 100,000) x 100
        self.assertAlmostEqual(
            self.kpi._get_cei(self.company, Q1_FROM, Q1_TO), 240000 / 260000 * 100
        )
        self.assertAlmostEqual(round(self.kpi._get_cei(self.company, Q1_FROM, Q1_TO), 1), 92.3)

    def test_countback_dso(self):
        """120,000 owed on 31 March: March's 100,000 of sales (31 days) and 20,000 of
        February's 100,000 (28 days): 31 + 5.6 = 36.6 days."""
        self._quarter()
        self.assertAlmostEqual(self.kpi._get_countback_dso(self.company, Q1_TO), 36.6)
        # on 15 March, 200,000 were owed (February's invoice was paid on 20 March): the 15 days
        # of March (100,000 of sales) and all of February's 28 days (100,000)
        self.assertAlmostEqual(self.kpi._get_countback_dso(self.company, date(2026, 3, 15)), 43.0)

    def test_receivables_as_of_a_past_date(self):
        """A payment counts from its date: on 31 January the January invoice was still owed,
        though it is paid now."""
        self._quarter()
        balances = self.kpi._get_receivable_balances(self.company, date(2026, 1, 31))
        self.assertAlmostEqual(balances["total"], 100000, "the December invoice paid on 20 Jan")
        self.assertAlmostEqual(balances["current"], 100000, "due on 9 February")
        start = self.kpi._get_receivable_balances(self.company, date(2025, 12, 31))
        self.assertAlmostEqual(start["total"], 60000)
        self.assertAlmostEqual(start["overdue"], 0, "due on 31 December: not late that day")

    def test_credit_notes_reduce_sales_and_receivables(self):
        self._sale(self.debtor, 1000, date(2026, 2, 1))
        self._refund(self.debtor, 200, date(2026, 2, 15))
        self.assertAlmostEqual(self.kpi._get_credit_sales(self.company, Q1_FROM, Q1_TO), 800)
        balances = self.kpi._get_receivable_balances(self.company, Q1_TO)
        self.assertAlmostEqual(balances["total"], 800)
        # the credit note pays the oldest item first: 800 overdue left of 1,000
        self.assertAlmostEqual(balances["overdue"], 800)
        self.assertAlmostEqual(balances["current"], 0)

    def test_a_debtors_credit_does_not_pay_another_debtors_items(self):
        self._sale(self.debtor, 1000, date(2026, 1, 1))
        self._refund(self.other_debtor, 300, date(2026, 1, 5))
        balances = self.kpi._get_receivable_balances(self.company, Q1_TO)
        self.assertAlmostEqual(balances["total"], 700)
        self.assertAlmostEqual(balances["overdue"], 1000, "Agrolait's invoice stays overdue")

    def test_share_overdue_more_than_90_days(self):
        self._sale(self.debtor, 1000, date(2025, 11, 1))  # due 1 Dec 2025: 120 days late
        self._sale(self.debtor, 3000, date(2026, 2, 13))  # due 15 Mar: 16 days late
        self.assertAlmostEqual(self.kpi._get_overdue_90_share(self.company, Q1_TO), 25.0)
        # on 1 March the first invoice was 90 days late, not more
        self.assertAlmostEqual(self.kpi._get_overdue_90_share(self.company, date(2026, 3, 1)), 0)

    def test_average_days_late_weighted_by_amount(self):
        """1,000 paid 10 days late and 3,000 paid 30 days late: 25 days, not 20."""
        small = self._sale(self.debtor, 1000, date(2026, 1, 1))  # due 31 January
        large = self._sale(self.debtor, 3000, date(2026, 1, 1))
        on_time = self._sale(self.other_debtor, 500, date(2026, 1, 1))
        self._pay(small, 1000, date(2026, 2, 10))
        self._pay(large, 3000, date(2026, 3, 2))
        self._pay(on_time, 500, date(2026, 1, 31))
        self.assertAlmostEqual(
            self.kpi._get_weighted_days_late(self.company, Q1_FROM, Q1_TO),
            (1000 * 10 + 3000 * 30) / 4500,
        )
        by_customer = self.kpi._get_days_late_by_customer(self.company, Q1_FROM, Q1_TO)
        self.assertAlmostEqual(by_customer[self.debtor.id], 25.0)
        self.assertAlmostEqual(by_customer[self.other_debtor.id], 0.0)
        # chronic late payers: 10 days late or more on average over 12 months (the setting)
        self.company.receivable_chronic_days = 10
        self.assertEqual(self.kpi._get_chronic_late_payers(self.company, Q1_TO), [self.debtor.id])
        self.company.receivable_chronic_days = 26
        self.assertEqual(self.kpi._get_chronic_late_payers(self.company, Q1_TO), [])

    @freeze_time("2026-01-05")
    def test_promise_kept_rate_counts_and_amounts(self):
        """Decided promises of the quarter: kept 1,000; partly kept 2,000 (1,500 paid); broken
        1,000; kept 1,000 (1,200 paid). Kept: 2 of 4 = 50 %; amount: 3,500 of 5,000 = 70 %."""
        self._sale(self.debtor, 10000, date(2026, 1, 1))
        decided = [
            (date(2026, 1, 20), 1000, "kept", 1000),
            (date(2026, 2, 10), 2000, "partly_kept", 1500),
            (date(2026, 3, 1), 1000, "broken", 0),
            (date(2026, 3, 31), 1000, "kept", 1200),
            (date(2026, 4, 2), 1000, "broken", 0),  # next quarter
        ]
        promises = self.env["receivable.promise"]
        for promised_date, amount, state, paid in decided:
            promise = promises.create(
                {"partner_id": self.debtor.id, "amount": amount, "date": promised_date}
            )
            promise._write_state(state, {"amount_paid": paid})
        promises.create({"partner_id": self.debtor.id, "amount": 500, "date": date(2026, 2, 1)})
        rates = self.kpi._get_promise_kept_rate(self.company, Q1_FROM, Q1_TO)
        self.assertAlmostEqual(rates["count"], 50.0)
        self.assertAlmostEqual(rates["amount"], 70.0)

    def test_no_value_instead_of_dividing_by_zero(self):
        """A company without sales, payments nor promises: the ratios have no value."""
        kpis = self.kpi._compute_kpis(self.company, Q1_FROM, Q1_TO)
        figures = {"period_days", "countback_dso", "credit_sales"} | {
            name for name in SNAPSHOT_KPIS if name.endswith("_ar")
        }
        for name in set(SNAPSHOT_KPIS) - figures:
            self.assertIs(kpis[name], False, name)
        self.assertEqual(kpis["countback_dso"], 0.0, "nothing owed: no day of sales")
        self.assertEqual(kpis["total_ar"], 0.0)

    def test_countback_without_enough_history_has_no_value(self):
        """Receivables that 36 months of sales cannot account for (an opening balance)."""
        opening = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2022, 1, 1),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_receivable"].id,
                            "partner_id": self.debtor.id,
                            "debit": 5000,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_revenue"].id,
                            "credit": 5000,
                        }
                    ),
                ],
            }
        )
        opening.action_post()
        self.assertIs(self.kpi._get_countback_dso(self.company, Q1_TO), False)
        self.assertIs(self.kpi._get_dso(self.company, Q1_FROM, Q1_TO), False, "no sales")

    def test_compute_kpis_matches_the_single_formulas(self):
        self._quarter()
        kpis = self.kpi._compute_kpis(self.company, Q1_FROM, Q1_TO)
        self.assertAlmostEqual(kpis["dso"], 36.0)
        self.assertAlmostEqual(kpis["countback_dso"], 36.6)
        self.assertAlmostEqual(kpis["best_possible_dso"], 30.0)
        self.assertAlmostEqual(kpis["average_days_delinquent"], 6.0)
        self.assertAlmostEqual(kpis["cei"], 240000 / 260000 * 100)
        self.assertAlmostEqual(kpis["beginning_ar"], 60000)
        self.assertEqual(kpis["period_days"], 90)

    def test_another_companys_data_is_never_counted(self):
        self._quarter()
        other = self.setup_other_company(name="Other Co")["company"]
        self._sale(self.debtor, 50000, date(2026, 3, 1), company=other)
        self.assertAlmostEqual(self.kpi._get_dso(self.company, Q1_FROM, Q1_TO), 36.0)
        self.assertAlmostEqual(self.kpi._get_dso(other, Q1_FROM, Q1_TO), 90.0)
        both = self.kpi._get_receivable_balances(self.company | other, Q1_TO)
        self.assertAlmostEqual(both["total"], 170000)


@tagged("post_install", "-at_install")
class TestEffectivenessReport(KpiCommon):
    def _report(self, **domain):
        return self.env["receivable.effectiveness.report"].search(
            [("company_id", "=", self.company.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def test_paid_within_or_after_the_window(self):
        """Two first reminders on 11 January: Agrolait pays on 20 January (within 14 days),
        the other customer on 10 February (after): the level's share is 1,000 of 1,500."""
        paid_soon = self._invoice(self.debtor, 1000)
        paid_late = self._invoice(self.other_debtor, 500)
        self._run(date(2026, 1, 11))
        self._pay(paid_soon, 1000, date(2026, 1, 20))
        self._pay(paid_late, 500, date(2026, 2, 10))

        soon = self._report(partner_id=self.debtor.id)
        self.assertEqual(len(soon), 1, "level 1 goes out by e-mail only")
        self.assertEqual(
            (soon.channel, soon.level_id, soon.date), ("email", self.level_1, date(2026, 1, 11))
        )
        self.assertEqual(
            (soon.amount_reminded, soon.amount_paid, soon.share_paid), (1000, 1000, 100)
        )
        late = self._report(partner_id=self.other_debtor.id)
        self.assertEqual((late.amount_reminded, late.amount_paid, late.share_paid), (500, 0, 0))

        groups = self.env["receivable.effectiveness.report"].read_group(
            [("company_id", "=", self.company.id)],
            ["amount_reminded:sum", "amount_paid:sum", "share_paid:avg"],
            ["level_id", "channel"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["share_paid"], 1000 / 1500 * 100, msg="weighted")

        # a 45-day window counts the later payment too
        self.company.receivable_effectiveness_days = 45
        self.env.invalidate_all()
        late = self._report(partner_id=self.other_debtor.id)
        self.assertEqual((late.amount_paid, late.share_paid), (500, 100))

    def test_window_and_chronic_threshold_from_settings(self):
        """The Receivables settings page sets the effectiveness window and the chronic late
        payers' threshold; a window of zero days is refused."""
        with Form(self.env["res.config.settings"]) as settings:
            self.assertEqual(settings.receivable_effectiveness_days, 14)
            self.assertEqual(settings.receivable_chronic_days, 10)
            settings.receivable_effectiveness_days = 30
            settings.receivable_chronic_days = 20
        self.assertEqual(self.company.receivable_effectiveness_days, 30)
        self.assertEqual(self.company.receivable_chronic_days, 20)
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation), self.cr.savepoint():
            self.company.receivable_effectiveness_days = 0
            self.company.flush_recordset()

    def test_one_row_per_channel_of_the_level(self):
        """The second level goes out by e-mail and SMS: a row for each."""
        self._invoice(self.debtor, 800)
        self._run(date(2026, 1, 11))
        self._run(date(2026, 1, 26))  # 25 days late: the second level
        rows = self._report(partner_id=self.debtor.id, level_id=self.level_2.id)
        self.assertEqual(sorted(rows.mapped("channel")), ["email", "sms"])
        self.assertEqual(rows.level_id, self.level_2)
        self.assertEqual(rows.mapped("amount_reminded"), [800, 800])

    def test_only_the_channels_that_reached_the_debtor(self):
        """The other customer has no mobile: its second reminder went by e-mail only."""
        self._invoice(self.other_debtor, 300)
        self._run(date(2026, 1, 11))
        self._run(date(2026, 1, 26))
        rows = self._report(partner_id=self.other_debtor.id, level_id=self.level_2.id)
        self.assertEqual(rows.mapped("channel"), ["email"])

    def test_access_and_companies(self):
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        report = self.env["receivable.effectiveness.report"]
        self.assertEqual(len(report.with_user(self.collector).search([])), 1)
        with self.assertRaises(AccessError):
            report.with_user(self.salesperson).search([])
        other = self.setup_other_company(name="Other Co")["company"]
        self.collector.company_ids |= other
        self.assertFalse(
            report.with_user(self.collector).with_context(allowed_company_ids=other.ids).search([]),
            "the other company's view shows only its reminders",
        )


@tagged("post_install", "-at_install")
class TestKpiSnapshots(KpiCommon):
    def _snapshots(self, company=None):
        return self.env["receivable.kpi.snapshot"].search(
            [("company_id", "=", (company or self.company).id)]
        )

    def test_snapshot_is_idempotent_and_updates_the_days_row(self):
        self._quarter()
        snapshots = self.env["receivable.kpi.snapshot"]
        first = snapshots._take_snapshots(self.company, [Q1_TO])
        self.assertAlmostEqual(first.total_ar, 120000)
        # 90 days ending 31 March = the quarter
        self.assertAlmostEqual(first.dso, 36.0)
        self.assertAlmostEqual(first.countback_dso, 36.6)
        self.assertAlmostEqual(first.credit_sales, 300000)
        self._sale(self.debtor, 30000, date(2026, 3, 30))
        again = snapshots._take_snapshots(self.company, [Q1_TO])
        self.assertEqual(again, first, "the same row")
        self.assertEqual(len(self._snapshots()), 1)
        self.assertAlmostEqual(again.total_ar, 150000)
        self.assertAlmostEqual(again.dso, 150000 / 330000 * 90)

    def test_a_kpi_without_value_is_stored_empty(self):
        snapshot = self.env["receivable.kpi.snapshot"]._take_snapshots(self.company, [Q1_TO])
        self.env.cr.execute(
            "SELECT dso IS NULL, cei IS NULL, total_ar FROM receivable_kpi_snapshot WHERE id = %s",
            [snapshot.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (True, True, 0))

    def test_daily_cron_records_todays_kpis(self):
        self._quarter()
        with freeze_time("2026-03-31"), self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["receivable.dunning.run"]._cron_run_daily()
            self.env["receivable.dunning.run"]._cron_run_daily()  # rerun the same day
        snapshot = self._snapshots()
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.date, Q1_TO)
        self.assertAlmostEqual(snapshot.dso, 36.0)
        self.assertAlmostEqual(snapshot.cei, 240000 / 260000 * 100)

    def test_backfill_month_ends(self):
        self._quarter()
        self.env["receivable.kpi.snapshot"]._backfill(self.company, months=3, at_date=Q1_TO)
        self.assertEqual(
            self._snapshots().sorted("date").mapped("date"),
            [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28), Q1_TO],
        )

    def test_access(self):
        self.env["receivable.kpi.snapshot"]._take_snapshots(self.company, [Q1_TO])
        snapshots = self.env["receivable.kpi.snapshot"]
        self.assertEqual(len(snapshots.with_user(self.collector).search([])), 1)
        with self.assertRaises(AccessError):
            snapshots.with_user(self.salesperson).search([])
        with self.assertRaises(AccessError):
            snapshots.with_user(self.collector)._take_snapshots(self.company, [Q1_TO])
        other = self.setup_other_company(name="Other Co")["company"]
        snapshots._take_snapshots(other, [Q1_TO])
        self.assertEqual(
            snapshots.with_user(self.collector).search([]).company_id,
            self.company,
            "the collector's company only",
        )
