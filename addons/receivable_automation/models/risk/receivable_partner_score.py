from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

# A measure at or above these counts as the worst: all the factor's weight is lost.
DAYS_LATE_FULL = 60  # average days late
TREND_FULL = 30  # days later in the last 3 months than in the 9 before
PROMISES_FULL = 3  # broken promises
DISPUTES_FULL = 4  # disputes opened, plus one per dispute rejected (lost by the customer)
RETURNS_FULL = 2  # customer payments reversed

BANDS = [("good", "Good"), ("watch", "Watch"), ("risky", "Risky"), ("critical", "Critical")]
# lowest score of each band, best band first
BAND_FLOORS = (("good", 80), ("watch", 60), ("risky", 40), ("critical", 0))


class ReceivablePartnerScore(models.Model):
    """How well a debtor pays in one company: 100 minus the points lost on each factor,
    computed nightly from the company's invoices, payments, promises, disputes and reminders."""

    _name = "receivable.partner.score"
    _description = "Payment Score"
    _order = "score, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "A debtor has one payment score per company.",
        ),
    ]

    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    score = fields.Integer(readonly=True, aggregator="avg")
    band = fields.Selection(BANDS, compute="_compute_band", store=True)
    date = fields.Date("Computed On", readonly=True)
    factor_ids = fields.One2many(
        "receivable.partner.score.factor", "score_id", "Factors", readonly=True
    )

    @api.depends("score")
    def _compute_band(self):
        for record in self:
            record.band = next(band for band, floor in BAND_FLOORS if record.score >= floor)

    # ------------------------------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_compute_scores(self):
        """Nightly: score the active debtors of every company of the cron's user (OdooBot has
        them all), then apply the profile rules."""
        for company in self.env.user.company_ids:
            scores = self.with_company(company)._compute_scores(company)
            self.env["receivable.profile.rule"].with_company(company)._apply_rules(scores)

    @api.model
    def _compute_scores(self, company, partners=None):
        """Score ``partners`` (commercial entities; default: every debtor with receivable
        activity in the last 12 months) in ``company``: a fixed number of queries whatever the
        number of debtors. Returns the scores."""
        today = fields.Date.context_today(self)
        period = {
            "today": today,
            "start": today - relativedelta(months=12),
            "recent": today - relativedelta(months=3),
        }
        partner_filter = (
            SQL("partner.commercial_partner_id = ANY(%s)", partners.ids)
            if partners is not None
            else SQL("TRUE")
        )
        self.env.flush_all()
        debtor_ids = self._read_active_debtors(company, period, partner_filter)
        if partners is not None:
            debtor_ids |= set(partners.ids)
        measures = self._read_measures(company, period, partner_filter)
        return self._save_scores(company, today, debtor_ids, measures)

    def _read_measures(self, company, period, partner_filter):
        """{factor code: {debtor id: (fraction of the weight lost, measured value,
        explanation)}}: one query per factor over all the debtors."""
        days_late_rows = self._read_days_late(company, period, partner_filter)
        return {
            "days_late": self._measure_days_late(days_late_rows),
            "trend": self._measure_trend(days_late_rows),
            "promises": self._measure_promises(company, period, partner_filter),
            "disputes": self._measure_disputes(company, period, partner_filter),
            "level": self._measure_level(company, period, partner_filter),
            "returns": self._measure_returns(company, period, partner_filter),
        }

    def _read_active_debtors(self, company, period, partner_filter):
        """Debtors with a receivable entry in the last 12 months or an item still open."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT partner.commercial_partner_id
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND (aml.date >= %(start)s OR (NOT aml.reconciled AND aml.amount_residual != 0))
                   AND %(filter)s
                """,
                company=company.id,
                start=period["start"],
                filter=partner_filter,
            )
        )
        return {partner_id for (partner_id,) in rows}

    def _read_days_late(self, company, period, partner_filter):
        """Amount-weighted average days late over 12 months: invoices paid in the period
        (days from due date to the last payment, weighted by their amount) and invoices still
        overdue today (days overdue so far, weighted by what is left to pay). Also gives the
        averages of the last 3 months and of the 9 before, for the trend: rows of
        (debtor id, average, recent average, earlier average)."""
        return self.env.execute_query(
            SQL(
                """
                WITH items AS (
                    SELECT partner.commercial_partner_id AS debtor_id,
                           CASE WHEN aml.reconciled
                                THEN GREATEST(paid.payment_date - aml.date_maturity, 0)
                                ELSE %(today)s - aml.date_maturity END AS days,
                           CASE WHEN aml.reconciled THEN aml.balance
                                ELSE aml.amount_residual END AS weight,
                           CASE WHEN aml.reconciled THEN paid.payment_date
                                ELSE %(today)s END AS on_date
                      FROM account_move_line aml
                      JOIN account_move move ON move.id = aml.move_id
                      JOIN account_account account ON account.id = aml.account_id
                      JOIN res_partner partner ON partner.id = aml.partner_id
                      LEFT JOIN LATERAL (
                           SELECT MAX(partial.max_date) AS payment_date
                             FROM account_partial_reconcile partial
                            WHERE partial.debit_move_id = aml.id
                      ) paid ON TRUE
                     WHERE aml.company_id = %(company)s
                       AND aml.parent_state = 'posted'
                       AND account.account_type = 'asset_receivable'
                       AND move.move_type IN ('out_invoice', 'out_receipt')
                       AND aml.balance > 0
                       AND aml.date_maturity IS NOT NULL
                       AND %(filter)s
                       AND (
                           (aml.reconciled AND paid.payment_date BETWEEN %(start)s AND %(today)s)
                           OR (NOT aml.reconciled AND aml.amount_residual > 0
                               AND aml.date_maturity < %(today)s)
                       )
                )
                SELECT debtor_id,
                       (SUM(days * weight) / NULLIF(SUM(weight), 0))::float,
                       (SUM(days * weight) FILTER (WHERE on_date > %(recent)s)
                           / NULLIF(SUM(weight) FILTER (WHERE on_date > %(recent)s), 0))::float,
                       (SUM(days * weight) FILTER (WHERE on_date <= %(recent)s)
                           / NULLIF(SUM(weight) FILTER (WHERE on_date <= %(recent)s), 0))::float
                  FROM items
                 GROUP BY debtor_id
                """,
                company=company.id,
                filter=partner_filter,
                **period,
            )
        )

    def _measure_days_late(self, rows):
        return {
            debtor_id: (
                min(average / DAYS_LATE_FULL, 1.0),
                round(average, 1),
                _("Pays %s days late on average (weighted by amount, 12 months)", round(average)),
            )
            for debtor_id, average, _recent, _before in rows
            if average is not None
        }

    def _measure_trend(self, rows):
        """Days late of the last 3 months minus those of the 9 before; only a worsening loses
        points, and a debtor needs items in both periods."""
        result = {}
        for debtor_id, _average, recent, before in rows:
            if recent is None or before is None:
                continue
            change = recent - before
            result[debtor_id] = (
                min(max(change / TREND_FULL, 0.0), 1.0),
                round(change, 1),
                _(
                    "%(recent)s days late in the last 3 months, %(before)s in the 9 before",
                    recent=round(recent),
                    before=round(before),
                ),
            )
        return result

    def _measure_promises(self, company, period, partner_filter):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, COUNT(*)
                  FROM receivable_promise promise
                  JOIN res_partner partner ON partner.id = promise.partner_id
                 WHERE promise.company_id = %(company)s
                   AND promise.state = 'broken'
                   AND promise.date >= %(start)s
                   AND %(filter)s
                 GROUP BY partner.commercial_partner_id
                """,
                company=company.id,
                start=period["start"],
                filter=partner_filter,
            )
        )
        return self._count_fractions(
            rows, PROMISES_FULL, lambda count: _("%s broken promises in 12 months", count)
        )

    def _measure_disputes(self, company, period, partner_filter):
        """Disputes opened in 12 months; a rejected one (the customer was wrong) counts twice."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE dispute.state = 'rejected')
                  FROM receivable_dispute dispute
                  JOIN res_partner partner ON partner.id = dispute.partner_id
                 WHERE dispute.company_id = %(company)s
                   AND dispute.create_date >= %(start)s
                   AND %(filter)s
                 GROUP BY partner.commercial_partner_id
                """,
                company=company.id,
                start=period["start"],
                filter=partner_filter,
            )
        )
        return {
            debtor_id: (
                min((opened + rejected) / DISPUTES_FULL, 1.0),
                opened,
                _(
                    "%(opened)s disputes opened in 12 months, %(rejected)s rejected",
                    opened=opened,
                    rejected=rejected,
                ),
            )
            for debtor_id, opened, rejected in rows
        }

    def _measure_level(self, company, period, partner_filter):
        """Highest level reached by a reminder sent in 12 months: its rank in its policy over
        the number of levels of the policy."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH ranked AS (
                    SELECT id,
                           name,
                           ROW_NUMBER() OVER (PARTITION BY policy_id ORDER BY days, id) AS rank,
                           COUNT(*) OVER (PARTITION BY policy_id) AS total
                      FROM receivable_dunning_level
                )
                SELECT DISTINCT ON (partner.commercial_partner_id)
                       partner.commercial_partner_id, ranked.rank, ranked.total,
                       COALESCE(ranked.name->>%(lang)s, ranked.name->>'en_US')
                  FROM receivable_dunning_action action
                  JOIN ranked ON ranked.id = action.level_id
                  JOIN res_partner partner ON partner.id = action.partner_id
                 WHERE action.company_id = %(company)s
                   AND action.state IN ('sent', 'marked')
                   AND action.date >= %(start)s
                   AND %(filter)s
                 ORDER BY partner.commercial_partner_id,
                          ranked.rank::float / ranked.total DESC
                """,
                company=company.id,
                start=period["start"],
                filter=partner_filter,
                lang=self.env.lang or "en_US",
            )
        )
        return {
            debtor_id: (
                rank / total,
                rank,
                _(
                    "Reached level %(level)s (%(rank)s of %(total)s) in 12 months",
                    level=name,
                    rank=rank,
                    total=total,
                ),
            )
            for debtor_id, rank, total, name in rows
        }

    def _measure_returns(self, company, period, partner_filter):
        """Returned payments: customer payments whose journal entry was reversed in 12 months
        (a bank return or a rejected cheque is recorded in Odoo by reversing the payment)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, COUNT(DISTINCT payment.id)
                  FROM account_move reversal
                  JOIN account_payment payment ON payment.move_id = reversal.reversed_entry_id
                  JOIN res_partner partner ON partner.id = payment.partner_id
                 WHERE reversal.company_id = %(company)s
                   AND reversal.state = 'posted'
                   AND reversal.date >= %(start)s
                   AND payment.payment_type = 'inbound'
                   AND payment.partner_type = 'customer'
                   AND %(filter)s
                 GROUP BY partner.commercial_partner_id
                """,
                company=company.id,
                start=period["start"],
                filter=partner_filter,
            )
        )
        return self._count_fractions(
            rows,
            RETURNS_FULL,
            lambda count: _("%s payments returned or reversed in 12 months", count),
        )

    def _count_fractions(self, rows, full, explain):
        """Measures of (debtor id, count) rows: the fraction of the weight lost reaches 1 at
        ``full``; ``explain(count)`` says what was counted."""
        return {
            debtor_id: (min(count / full, 1.0), count, explain(count)) for debtor_id, count in rows
        }

    def _save_scores(self, company, today, debtor_ids, measures):
        """Write the scores and their factor lines of ``debtor_ids`` in a few batched queries."""
        weights = company._get_receivable_score_weights()
        factor_names = dict(self.env["receivable.partner.score.factor"]._fields["code"].selection)
        # scores are results of the computation: a credit controller who recomputes one cannot
        # edit scores (read-only for users)
        Score = self.sudo()
        existing = Score.search(
            [("company_id", "=", company.id), ("partner_id", "in", list(debtor_ids))]
        )
        by_debtor = {score.partner_id.id: score for score in existing}
        missing = [debtor_id for debtor_id in debtor_ids if debtor_id not in by_debtor]
        created = Score.create(
            [{"partner_id": debtor_id, "company_id": company.id} for debtor_id in missing]
        )
        by_debtor.update({score.partner_id.id: score for score in created})
        existing.factor_ids.unlink()
        factor_vals = []
        totals = {}
        for debtor_id, score in by_debtor.items():
            for code, weight in weights.items():
                fraction, value, explanation = measures[code].get(debtor_id, (0.0, 0, False))
                points = round(weight * fraction, 2)
                totals[debtor_id] = totals.get(debtor_id, 0.0) + points
                factor_vals.append(
                    {
                        "score_id": score.id,
                        "code": code,
                        "name": factor_names[code],
                        "value": value,
                        "weight": weight,
                        "points": points,
                        "explanation": explanation or _("Nothing to note"),
                    }
                )
        self.env["receivable.partner.score.factor"].sudo().create(factor_vals)
        Score._write_totals(by_debtor, totals, today)
        return self.browse([score.id for score in by_debtor.values()])

    def _write_totals(self, by_debtor, totals, today):
        """score = 100 - points lost, clamped to 0-100; one write per distinct score."""
        groups = {}
        for debtor_id, score in by_debtor.items():
            value = min(max(round(100 - totals.get(debtor_id, 0.0)), 0), 100)
            groups.setdefault(value, self.browse())
            groups[value] |= score
        for value, scores in groups.items():
            scores.write({"score": value, "date": today})

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id.action_open_receivable_file()
