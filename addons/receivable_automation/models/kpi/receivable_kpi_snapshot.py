from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .receivable_kpi import KPI_PERIOD_DAYS

# KPI columns of a snapshot, as ``receivable.kpi._compute_kpis`` names them
SNAPSHOT_KPIS = (
    "period_days",
    "total_ar",
    "current_ar",
    "overdue_ar",
    "overdue_90_ar",
    "credit_sales",
    "dso",
    "countback_dso",
    "best_possible_dso",
    "average_days_delinquent",
    "cei",
    "promise_kept_rate",
    "promise_kept_amount_rate",
    "days_late_weighted",
    "overdue_90_share",
)


class ReceivableKpiSnapshot(models.Model):
    """A company's collection KPIs on a date, over the 90 days ending that day: the points of
    the KPI trend. Recorded by the daily run; a rerun the same day updates the day's row."""

    _name = "receivable.kpi.snapshot"
    _description = "Collection KPI Snapshot"
    _order = "date desc, company_id"
    _rec_name = "date"

    _sql_constraints = [
        (
            "company_date_uniq",
            "UNIQUE(company_id, date)",
            "A company has one KPI snapshot per date.",
        ),
    ]

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    period_days = fields.Integer("Period (days)", readonly=True, aggregator="max")
    total_ar = fields.Monetary("Receivables", readonly=True, aggregator="avg")
    current_ar = fields.Monetary("Not Yet Due", readonly=True, aggregator="avg")
    overdue_ar = fields.Monetary("Overdue", readonly=True, aggregator="avg")
    overdue_90_ar = fields.Monetary("Overdue > 90 Days", readonly=True, aggregator="avg")
    credit_sales = fields.Monetary(
        readonly=True, aggregator="avg", help="Invoices less credit notes of the period."
    )
    dso = fields.Float("DSO", digits=(16, 1), readonly=True, aggregator="avg")
    countback_dso = fields.Float(
        "DSO (Count-Back)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    best_possible_dso = fields.Float(
        "Best Possible DSO", digits=(16, 1), readonly=True, aggregator="avg"
    )
    average_days_delinquent = fields.Float(digits=(16, 1), readonly=True, aggregator="avg")
    cei = fields.Float("CEI (%)", digits=(16, 1), readonly=True, aggregator="avg")
    promise_kept_rate = fields.Float(
        "Promises Kept (%)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    promise_kept_amount_rate = fields.Float(
        "Promised Amount Paid (%)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    days_late_weighted = fields.Float(
        "Average Days Late", digits=(16, 1), readonly=True, aggregator="avg"
    )
    overdue_90_share = fields.Float(
        "Overdue > 90 Days (%)", digits=(16, 1), readonly=True, aggregator="avg"
    )

    @api.model
    def _take_snapshots(self, companies, dates):
        """Record the KPIs of ``companies`` on each of ``dates``, replacing the rows already
        recorded for those companies and dates. A KPI without value is stored empty (NULL),
        so that the trend's averages skip it."""
        self.check_access("create")
        kpi = self.env["receivable.kpi"]
        rows = [
            (company, day, kpi._compute_kpis(company, day - timedelta(KPI_PERIOD_DAYS - 1), day))
            for company in companies
            for day in dates
        ]
        if not rows:
            return self.browse()
        columns = SQL(", ").join(SQL.identifier(name) for name in SNAPSHOT_KPIS)
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in SNAPSHOT_KPIS
        )
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, (now() at time zone 'UTC'), (now() at time zone 'UTC'), %s)",
                company.id,
                day,
                self.env.uid,
                self.env.uid,
                SQL(", ").join(
                    None if kpis[name] is False else kpis[name] for name in SNAPSHOT_KPIS
                ),
            )
            for company, day, kpis in rows
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO receivable_kpi_snapshot
                       (company_id, date, create_uid, write_uid, create_date, write_date, %s)
                VALUES %s
                    ON CONFLICT (company_id, date) DO UPDATE
                   SET write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date, %s
             RETURNING id
                """,
                columns,
                values,
                updates,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model()
        return self.browse(ids)

    @api.model
    def _cron_take_snapshots(self):
        """Today's snapshot of each company that has dunning policies (as the daily run)."""
        [[companies]] = self.env["receivable.dunning.policy"]._read_group(
            [], aggregates=["company_id:recordset"]
        )
        today = fields.Date.context_today(self)
        return self._take_snapshots(companies, [today])

    @api.model
    def _backfill(self, companies, months=6, at_date=None):
        """Snapshots at the last ``months`` month ends before ``at_date`` (today by default)
        and at ``at_date``: a trend from the first day, e.g. for a new installation."""
        at_date = at_date or fields.Date.context_today(self)
        month_ends = [
            at_date.replace(day=1) - relativedelta(months=index) - timedelta(days=1)
            for index in range(months - 1, -1, -1)
        ]
        return self._take_snapshots(companies, [*month_ends, at_date])
