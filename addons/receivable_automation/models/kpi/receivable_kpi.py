from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_compare, format_amount

KPI_PERIOD_DAYS = 90  # the dashboard's and the snapshots' period: 90 days ending on the date
COUNTBACK_MAX_MONTHS = 36  # how far back the count-back method looks for sales
CHRONIC_MONTHS = 12  # chronic late payers: invoices paid over the last 12 months
PROMISES_DUE_DAYS = 7  # the dashboard's promises due: promised dates up to a week ahead
DASHBOARD_LIST_SIZE = 5  # debtors and snapshots shown in the dashboard's cards
USER_GROUP = "receivable_automation.group_receivable_user"


class ReceivableKpi(models.AbstractModel):
    """Collection KPIs of one or several companies, computed in SQL from the journal items.

    Every amount is in company currency, taxes included (as the receivables themselves), and
    taken "as of" a date: a receivable at the end of day ``d`` is a posted receivable journal
    item dated ``d`` or earlier, less what was reconciled with it by partial reconciliations
    dated ``d`` or earlier. The formulas are in the README ("Collection KPIs and dashboard"),
    each with its source. A ratio whose denominator is zero has no value (False).
    """

    _name = "receivable.kpi"
    _description = "Collection KPIs"

    # ------------------------------------------------------------------------------------------
    # Building blocks: one SQL query each
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_receivable_balances(self, companies, at_date):
        """What the customers owed at the end of ``at_date``: {"total", "current", "overdue",
        "overdue_90"}.

        ``total`` nets the customers' credits (credit notes, unmatched payments). Like the
        dunning run, a debtor's credits pay its oldest items first: they reduce what it owes
        overdue before what is not yet due. ``current`` is the rest (not due yet: due date on
        or after ``at_date``), ``overdue_90`` what is overdue by more than 90 days.

        A line's residual on the date is its residual now plus what partial reconciliations
        dated after the date took from it: only the open lines and those reconciled since are
        read, not the whole history.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH later AS (
                    -- what was reconciled after the date: not settled yet on that day
                    SELECT line_id, SUM(amount) AS amount
                      FROM (SELECT partial.debit_move_id AS line_id, partial.amount
                              FROM account_partial_reconcile partial
                             WHERE partial.max_date > %(date)s
                               AND partial.company_id IN %(company_ids)s
                         UNION ALL
                            SELECT partial.credit_move_id, -partial.amount
                              FROM account_partial_reconcile partial
                             WHERE partial.max_date > %(date)s
                               AND partial.company_id IN %(company_ids)s) moves
                  GROUP BY line_id
                ), item AS (
                    -- residual on the date = residual now + what was reconciled since
                    SELECT partner.commercial_partner_id AS debtor_id,
                           COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                           aml.amount_residual + COALESCE(later.amount, 0) AS residual
                      FROM account_move_line aml
                      JOIN account_account account ON account.id = aml.account_id
                 LEFT JOIN later ON later.line_id = aml.id
                 LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                     WHERE aml.company_id IN %(company_ids)s
                       AND aml.parent_state = 'posted'
                       AND account.account_type = 'asset_receivable'
                       AND aml.date <= %(date)s
                       AND (NOT aml.reconciled OR later.line_id IS NOT NULL)
                ), debtor AS (
                    SELECT SUM(residual) AS total,
                           COALESCE(SUM(residual) FILTER (
                               WHERE residual > 0 AND date_maturity < %(date)s), 0) AS overdue,
                           COALESCE(SUM(residual) FILTER (
                               WHERE residual > 0 AND date_maturity < %(date_90)s), 0)
                               AS overdue_90,
                           COALESCE(-SUM(residual) FILTER (WHERE residual < 0), 0) AS credits
                      FROM item
                  GROUP BY debtor_id
                )
                SELECT COALESCE(SUM(total), 0),
                       COALESCE(SUM(GREATEST(overdue - credits, 0)), 0),
                       COALESCE(SUM(GREATEST(overdue_90 - credits, 0)), 0)
                  FROM debtor
                """,
                date=at_date,
                date_90=at_date - timedelta(days=90),
                company_ids=tuple(companies.ids),
            )
        )
        total, overdue, overdue_90 = self.env.cr.fetchone()
        return {
            "total": total,
            "current": total - overdue,
            "overdue": overdue,
            "overdue_90": overdue_90,
        }

    @api.model
    def _get_credit_sales_by_date(self, companies, date_from, date_to):
        """{date: credit sales of that day}: the receivable amounts (taxes included) of the
        posted customer invoices, less those of the credit notes, by accounting date."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.date, SUM(aml.balance)
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.company_id IN %(company_ids)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                   AND aml.date BETWEEN %(date_from)s AND %(date_to)s
              GROUP BY aml.date
                """,
                company_ids=tuple(companies.ids),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _get_credit_sales(self, companies, date_from, date_to):
        """Credit sales of the period (see ``_get_credit_sales_by_date``)."""
        return sum(self._get_credit_sales_by_date(companies, date_from, date_to).values())

    @api.model
    def _get_days_late_sums(self, companies, date_from, date_to, by_customer=False):
        """Invoices paid in the period, as the Average Days Late report counts them (paid =
        reconciled, on the date of the last payment reconciled with it; days late = that
        date - due date, 0 if on time): [(customer or None, company or None,
        sum(amount x days late), sum(amount))]. Reads only the invoices with a reconciliation
        dated in the period."""
        self.env.flush_all()
        group = (
            SQL("partner.commercial_partner_id, aml.company_id")
            if by_customer
            else SQL("NULL::int, NULL::int")
        )
        self.env.cr.execute(
            SQL(
                """
                WITH paid AS (
                    SELECT partial.debit_move_id AS line_id,
                           MAX(partial.max_date) AS payment_date
                      FROM account_partial_reconcile partial
                     WHERE partial.debit_move_id IN (
                               SELECT recent.debit_move_id
                                 FROM account_partial_reconcile recent
                                WHERE recent.max_date BETWEEN %(date_from)s AND %(date_to)s
                                  AND recent.company_id IN %(company_ids)s)
                  GROUP BY partial.debit_move_id
                    HAVING MAX(partial.max_date) BETWEEN %(date_from)s AND %(date_to)s
                )
                SELECT %(group)s,
                       SUM(aml.balance * GREATEST(paid.payment_date - aml.date_maturity, 0)),
                       SUM(aml.balance)
                  FROM paid
                  JOIN account_move_line aml ON aml.id = paid.line_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id IN %(company_ids)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND aml.reconciled
                   AND aml.balance > 0
                   AND aml.date_maturity IS NOT NULL
                 GROUP BY 1, 2
                """,
                group=group,
                company_ids=tuple(companies.ids),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _get_promise_sums(self, companies, date_from, date_to):
        """Promises decided (kept, partly kept or broken) whose promised date is in the period:
        (decided, kept, amount promised, amount paid up to the amount promised)."""
        self.env["receivable.promise"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(*),
                       COUNT(*) FILTER (WHERE state = 'kept'),
                       COALESCE(SUM(amount), 0),
                       COALESCE(SUM(LEAST(GREATEST(amount_paid, 0), amount)), 0)
                  FROM receivable_promise
                 WHERE company_id IN %(company_ids)s
                   AND state IN ('kept', 'partly_kept', 'broken')
                   AND date BETWEEN %(date_from)s AND %(date_to)s
                """,
                company_ids=tuple(companies.ids),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self.env.cr.fetchone()

    # ------------------------------------------------------------------------------------------
    # Formulas (pure: figures in, KPI out)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _ratio(self, numerator, denominator, factor=1.0):
        """numerator / denominator x factor, False when the denominator is not positive."""
        if float_compare(denominator, 0.0, precision_digits=6) <= 0:
            return False
        return numerator / denominator * factor

    @api.model
    def _formula_dso(self, receivables, credit_sales, days):
        """Days sales outstanding: receivables / credit sales of the period x its days."""
        return self._ratio(receivables, credit_sales, days)

    @api.model
    def _formula_countback_dso(self, receivables, sales_by_date, date_to):
        """Count-back DSO: the days of sales, walking back month by month from ``date_to``,
        that the receivables stand for. Each whole month whose sales the receivables still
        exceed counts all its days; the month where they run out counts its share of days.
        False when 36 months of sales do not account for the receivables."""
        if float_compare(receivables, 0.0, precision_digits=6) <= 0:
            return 0.0
        sales_by_month = defaultdict(float)
        for day, amount in sales_by_date.items():
            sales_by_month[day.replace(day=1)] += amount
        remaining, days, month_end = receivables, 0.0, date_to
        for _index in range(COUNTBACK_MAX_MONTHS):
            month_start = month_end.replace(day=1)
            month_days = (month_end - month_start).days + 1
            sales = sales_by_month[month_start]
            if sales > 0 and float_compare(remaining, sales, precision_digits=6) <= 0:
                return days + remaining / sales * month_days
            days += month_days
            remaining -= max(sales, 0.0)
            month_end = month_start - timedelta(days=1)
        return False

    @api.model
    def _formula_cei(self, beginning, credit_sales, ending, ending_current):
        """Collection effectiveness index (%): what was collected of what could be collected,
        (beginning + sales - ending) / (beginning + sales - ending current) x 100."""
        collectible = beginning + credit_sales - ending_current
        return self._ratio(beginning + credit_sales - ending, collectible, 100.0)

    # ------------------------------------------------------------------------------------------
    # KPIs of (companies, date_from, date_to)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _period_days(self, date_from, date_to):
        return (date_to - date_from).days + 1

    @api.model
    def _get_dso(self, companies, date_from, date_to, receivables="total"):
        """DSO = receivables at the end of the period / credit sales of the period x days;
        ``receivables`` names which (see ``_get_receivable_balances``)."""
        balance = self._get_receivable_balances(companies, date_to)[receivables]
        sales = self._get_credit_sales(companies, date_from, date_to)
        return self._formula_dso(balance, sales, self._period_days(date_from, date_to))

    @api.model
    def _get_countback_dso(self, companies, date_to):
        """Count-back DSO at ``date_to`` (see ``_formula_countback_dso``)."""
        receivables = self._get_receivable_balances(companies, date_to)["total"]
        date_from = date_to.replace(day=1) - relativedelta(months=COUNTBACK_MAX_MONTHS - 1)
        sales_by_date = self._get_credit_sales_by_date(companies, date_from, date_to)
        return self._formula_countback_dso(receivables, sales_by_date, date_to)

    @api.model
    def _get_best_possible_dso(self, companies, date_from, date_to):
        """Best possible DSO = receivables not yet due at the end / credit sales x days."""
        return self._get_dso(companies, date_from, date_to, receivables="current")

    @api.model
    def _get_average_days_delinquent(self, companies, date_from, date_to):
        """Average days delinquent = DSO - best possible DSO."""
        kpis = self._compute_kpis(companies, date_from, date_to)
        return kpis["average_days_delinquent"]

    @api.model
    def _get_cei(self, companies, date_from, date_to):
        """Collection effectiveness index of the period, in % (see ``_formula_cei``)."""
        beginning = self._get_receivable_balances(companies, date_from - timedelta(days=1))
        ending = self._get_receivable_balances(companies, date_to)
        sales = self._get_credit_sales(companies, date_from, date_to)
        return self._formula_cei(beginning["total"], sales, ending["total"], ending["current"])

    @api.model
    def _get_promise_kept_rate(self, companies, date_from, date_to):
        """Promises kept, in % of the promises decided in the period (promised date in the
        period): {"count": kept / decided (a partly kept promise is not kept), "amount":
        amount paid (up to the amount promised) / amount promised}."""
        decided, kept, promised, paid = self._get_promise_sums(companies, date_from, date_to)
        return {
            "count": self._ratio(kept, decided, 100.0),
            "amount": self._ratio(paid, promised, 100.0),
        }

    @api.model
    def _get_weighted_days_late(self, companies, date_from, date_to):
        """Average days late of the invoices paid in the period, weighted by their amounts:
        sum(amount x days late) / sum(amount)."""
        rows = self._get_days_late_sums(companies, date_from, date_to)
        return self._ratio(rows[0][2], rows[0][3]) if rows else False

    @api.model
    def _get_days_late_by_customer(self, companies, date_from, date_to):
        """{commercial partner id: its weighted average days late} over the period."""
        result = defaultdict(lambda: [0.0, 0.0])
        for partner_id, _company_id, weighted, amount in self._get_days_late_sums(
            companies, date_from, date_to, by_customer=True
        ):
            result[partner_id][0] += weighted
            result[partner_id][1] += amount
        return {
            partner_id: self._ratio(weighted, amount)
            for partner_id, (weighted, amount) in result.items()
            if self._ratio(weighted, amount) is not False
        }

    @api.model
    def _get_chronic_late_payers(self, companies, at_date):
        """Commercial partners whose invoices paid in the 12 months up to ``at_date`` were paid
        late by their company's threshold or more on average, weighted by amount."""
        date_from = at_date - relativedelta(months=CHRONIC_MONTHS) + timedelta(days=1)
        rows = self._get_days_late_sums(companies, date_from, at_date, by_customer=True)
        thresholds = {company.id: company.receivable_chronic_days for company in companies}
        return sorted(
            {
                partner_id
                for partner_id, company_id, weighted, amount in rows
                if (average := self._ratio(weighted, amount)) is not False
                and average >= thresholds[company_id]
            }
        )

    @api.model
    def _get_overdue_90_share(self, companies, at_date):
        """Share (%) of the receivables overdue by more than 90 days at ``at_date``."""
        balances = self._get_receivable_balances(companies, at_date)
        return self._ratio(balances["overdue_90"], balances["total"], 100.0)

    @api.model
    def _compute_kpis(self, companies, date_from, date_to):
        """Every KPI of the period at once, from five queries."""
        days = self._period_days(date_from, date_to)
        ending = self._get_receivable_balances(companies, date_to)
        beginning = self._get_receivable_balances(companies, date_from - timedelta(days=1))
        countback_from = date_to.replace(day=1) - relativedelta(months=COUNTBACK_MAX_MONTHS - 1)
        sales_by_date = self._get_credit_sales_by_date(
            companies, min(date_from, countback_from), date_to
        )
        sales = sum(amount for day, amount in sales_by_date.items() if day >= date_from)
        dso = self._formula_dso(ending["total"], sales, days)
        best_dso = self._formula_dso(ending["current"], sales, days)
        promises = self._get_promise_kept_rate(companies, date_from, date_to)
        return {
            "date_from": date_from,
            "date_to": date_to,
            "period_days": days,
            "total_ar": ending["total"],
            "current_ar": ending["current"],
            "overdue_ar": ending["overdue"],
            "overdue_90_ar": ending["overdue_90"],
            "beginning_ar": beginning["total"],
            "credit_sales": sales,
            "dso": dso,
            "countback_dso": self._formula_countback_dso(ending["total"], sales_by_date, date_to),
            "best_possible_dso": best_dso,
            "average_days_delinquent": dso - best_dso
            if dso is not False and best_dso is not False
            else False,
            "cei": self._formula_cei(beginning["total"], sales, ending["total"], ending["current"]),
            "promise_kept_rate": promises["count"],
            "promise_kept_amount_rate": promises["amount"],
            "days_late_weighted": self._get_weighted_days_late(companies, date_from, date_to),
            "overdue_90_share": self._ratio(ending["overdue_90"], ending["total"], 100.0),
        }

    # ------------------------------------------------------------------------------------------
    # Dashboard
    # ------------------------------------------------------------------------------------------

    @api.model
    def _check_dashboard_access(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only credit controllers see the receivables dashboard."))

    @api.model
    def get_dashboard_data(self):
        """Everything the receivables dashboard shows, for the user's current companies, in
        one call: the KPIs of the last 90 days and the figures of each card."""
        self._check_dashboard_access()
        companies = self.env.companies
        today = fields.Date.context_today(self)
        kpis = self._compute_kpis(companies, today - timedelta(days=KPI_PERIOD_DAYS - 1), today)
        currency = self.env.company.currency_id
        amounts = ("total_ar", "current_ar", "overdue_ar", "overdue_90_ar", "credit_sales")
        return {
            "date_from": fields.Date.to_string(kpis["date_from"]),
            "date_to": fields.Date.to_string(kpis["date_to"]),
            "kpis": {
                key: value
                for key, value in kpis.items()
                if key not in ("date_from", "date_to") and key not in amounts
            },
            "amounts": {key: format_amount(self.env, kpis[key], currency) for key in amounts},
            "categories": self._get_dashboard_groups(companies, "category_id", currency),
            "aging": self._get_dashboard_groups(companies, "aging_bucket", currency),
            "trend": self._get_dashboard_trend(companies),
            "largest": self._get_dashboard_largest(companies, currency),
            "counts": self._get_dashboard_counts(companies, today),
        }

    @api.model
    def _get_dashboard_groups(self, companies, groupby, currency):
        """Outstanding amounts of the open items by ``groupby``: [{"label", "amount"}]."""
        groups = self.env["receivable.item.report"]._read_group(
            [("company_id", "in", companies.ids)],
            [groupby],
            ["amount_residual:sum"],
        )
        field = self.env["receivable.item.report"]._fields[groupby]
        labels = dict(field._description_selection(self.env)) if field.type == "selection" else {}
        return [
            {
                "label": labels.get(key, key) if labels else (key.display_name or _("None")),
                "amount": format_amount(self.env, amount, currency),
            }
            for key, amount in groups
        ]

    @api.model
    def _get_dashboard_trend(self, companies):
        """The latest snapshots of the current company, oldest first: [{"date", "dso",
        "cei"}], a KPI without value as None (the ORM would read it as 0.0)."""
        snapshots = self.env["receivable.kpi.snapshot"]
        snapshots.check_access("read")
        snapshots.flush_model()
        company = self.env.company if self.env.company in companies else companies[:1]
        self.env.cr.execute(
            SQL(
                """
                SELECT date, dso, cei
                  FROM receivable_kpi_snapshot
                 WHERE company_id = %s
              ORDER BY date DESC
                 LIMIT %s
                """,
                company.id,
                DASHBOARD_LIST_SIZE + 2,
            )
        )
        return [
            {"date": fields.Date.to_string(day), "dso": dso, "cei": cei}
            for day, dso, cei in reversed(self.env.cr.fetchall())
        ]

    @api.model
    def _get_dashboard_largest(self, companies, currency):
        debtors = self.env["receivable.debtor"].search_fetch(
            [("company_id", "in", companies.ids)],
            ["partner_id", "total_due"],
            order="total_due desc, id",
            limit=DASHBOARD_LIST_SIZE,
        )
        return [
            {
                "name": debtor.partner_id.display_name,
                "amount": format_amount(self.env, debtor.total_due, currency),
            }
            for debtor in debtors
        ]

    @api.model
    def _get_dashboard_counts(self, companies, today):
        return {
            "chronic": len(self._get_chronic_late_payers(companies, today)),
            "inquiries": self.env["receivable.inquiry"].search_count(
                self._get_inquiries_domain(companies)
            ),
            "promises_due": self.env["receivable.promise"].search_count(
                self._get_promises_due_domain(companies, today)
            ),
            "plans_at_risk": self.env["receivable.payment.plan"].search_count(
                self._get_plans_at_risk_domain(companies, today)
            ),
        }

    @api.model
    def _get_inquiries_domain(self, companies):
        return [("company_id", "in", companies.ids), ("state", "=", "to_answer")]

    @api.model
    def _get_promises_due_domain(self, companies, today):
        """Open promises whose date is past or within a week."""
        return [
            ("company_id", "in", companies.ids),
            ("state", "=", "open"),
            ("date", "<=", today + timedelta(days=PROMISES_DUE_DAYS)),
        ]

    @api.model
    def _get_plans_at_risk_domain(self, companies, today):
        """Active plans with an instalment past its due date and not fully paid: the plan
        breaks if it stays unpaid beyond the company's grace days."""
        return [
            ("company_id", "in", companies.ids),
            ("state", "=", "active"),
            ("instalment_ids", "any", [("date", "<", today), ("state", "!=", "paid")]),
        ]

    @api.model
    def action_open_chronic_late_payers(self):
        """The paid invoices of the last 12 months of the chronic late payers, by customer."""
        self._check_dashboard_access()
        today = fields.Date.context_today(self)
        partner_ids = self._get_chronic_late_payers(self.env.companies, today)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_payment_delay_report_action"
        )
        action.update(
            {
                "name": _("Chronic Late Payers"),
                "domain": [
                    ("partner_id", "child_of", partner_ids),
                    ("payment_date", ">", today - relativedelta(months=CHRONIC_MONTHS)),
                ],
                "context": {"group_by": ["partner_id"]},
            }
        )
        return action
