from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.followup.receivable_dispute import OPEN_DISPUTE_STATES


class ReceivableDebtor(models.Model):
    """The collector's worklist: one row per debtor and company that owes something, with
    what it owes (net of its credits), how late, where it stands in its dunning policy, when
    the run will remind it next, and what a collector agreed with it (promise, plan, dispute,
    hold). One SQL query, so every column sorts, filters and groups."""

    _name = "receivable.debtor"
    _description = "Debtor"
    _auto = False
    _order = "overdue_amount desc, total_due desc, id"
    _rec_name = "partner_id"
    # fields the query reads: flushed by the ORM before the worklist is searched (the netted
    # items of receivable.item.report bring their own dependencies)
    _depends = {
        "receivable.item.report": [],
        "account.move.line": ["amount_residual_currency"],
        "account.move": ["receivable_category_id", "receivable_promise_date"],
        "res.partner": [
            "user_id",
            "receivable_collector_id",
            "receivable_policy_id",
            "receivable_profile_id",
            "receivable_extra_days",
        ],
        "res.company": ["currency_id", "receivable_policy_id"],
        "receivable.debtor.profile": ["policy_id"],
        "receivable.dunning.policy": ["company_id"],
        "receivable.dunning.level": ["policy_id", "days", "company_id"],
        "receivable.category": ["dunning_effect"],
        "receivable.dunning.hold": [
            "state",
            "company_id",
            "partner_id",
            "move_id",
            "amount",
            "date_from",
            "date_until",
        ],
        "receivable.dunning.action": ["state", "date", "company_id", "partner_id"],
        "receivable.dunning.action.line": ["action_id", "move_line_id"],
        "receivable.promise": ["state", "company_id", "partner_id"],
        "receivable.payment.plan": ["state", "company_id", "partner_id"],
        "receivable.dispute": ["state", "company_id", "partner_id"],
    }

    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    profile_id = fields.Many2one("receivable.debtor.profile", "Debtor Profile", readonly=True)
    policy_id = fields.Many2one(
        "receivable.dunning.policy",
        "Applied Policy",
        readonly=True,
        help="The debtor's own policy, else its profile's, else the company's default.",
    )
    total_due = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="What the debtor owes: its open invoices less its open credit notes and "
        "unmatched payments.",
    )
    overdue_amount = fields.Monetary(
        "Overdue",
        readonly=True,
        currency_field="currency_id",
        help="What is past its due date, once the debtor's credits have paid its oldest items, "
        "as the dunning run counts it.",
    )
    item_count = fields.Integer("Open Items", readonly=True)
    max_days_late = fields.Integer("Days Late", readonly=True, aggregator="max")
    level_id = fields.Many2one(
        "receivable.dunning.level",
        readonly=True,
        help="Highest level reached by the debtor's open items.",
    )
    next_reminder_date = fields.Date(
        "Next Reminder",
        readonly=True,
        help="When the run reminds the debtor next: the earliest date at which one of its open "
        "items is due for its next level (due date + the level's days + the debtor's extra "
        "days), after its promise date or hold has ended. Today when that date has passed. "
        "Items in a reminder waiting to be sent are not counted.",
    )
    next_level_id = fields.Many2one(
        "receivable.dunning.level", readonly=True, help="The level of that reminder."
    )
    waiting_reminder_date = fields.Date(
        "Reminder Waiting",
        readonly=True,
        help="Date of a reminder already prepared that is still to send, to validate or failed.",
    )
    has_promise = fields.Boolean("Promise", readonly=True, help="An open promise to pay.")
    has_plan = fields.Boolean("Payment Plan", readonly=True, help="An active payment plan.")
    has_dispute = fields.Boolean("Disputed", readonly=True, help="An open dispute.")
    on_hold = fields.Boolean(
        readonly=True,
        help="Reminders to the whole debtor are held today (a manual hold, a hand-off...).",
    )
    category_id = fields.Many2one(
        "receivable.category",
        "Main Category",
        readonly=True,
        help="The category of the largest part of what the debtor owes.",
    )
    category_ids = fields.Many2many(
        "receivable.category",
        string="Categories",
        compute="_compute_category_ids",
        search="_search_category_ids",
        help="Categories of the debtor's open items.",
    )

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------

    def _compute_category_ids(self):
        groups = self.env["receivable.item.report"]._read_group(
            [("partner_id", "in", self.partner_id.ids), ("category_id", "!=", False)],
            ["partner_id", "company_id", "category_id"],
        )
        categories = {}
        for partner, company, category in groups:
            categories.setdefault((partner.id, company.id), []).append(category.id)
        for debtor in self:
            key = (debtor.partner_id.id, debtor.company_id.id)
            debtor.category_ids = [(6, 0, categories.get(key, []))]

    def _search_category_ids(self, operator, value):
        """Debtors with an open item in the categories searched (per company)."""
        if operator not in ("in", "=", "ilike", "child_of", "not in", "!=", "not ilike"):
            raise UserError(_("Operation not supported"))
        negative = operator in ("not in", "!=", "not ilike")
        positive = {"not in": "in", "!=": "=", "not ilike": "ilike"}.get(operator, operator)
        groups = self.env["receivable.item.report"]._read_group(
            [("category_id", positive, value)], ["company_id"], ["partner_id:array_agg"]
        )
        domain = [("id", "=", False)]
        for company, partner_ids in groups:
            domain = [
                "|",
                *domain,
                "&",
                ("company_id", "=", company.id),
                ("partner_id", "in", list(set(partner_ids))),
            ]
        return ["!", *domain] if negative else domain

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_open_receivable_file(self):
        """A row opens the debtor's client file."""
        self.ensure_one()
        return self.partner_id.action_open_receivable_file()

    # ------------------------------------------------------------------------------------------
    # Query
    # ------------------------------------------------------------------------------------------

    @api.model
    def _read_debtor_figures(self, debtors, company):
        """{debtor id: (overdue, next reminder date, reminder waiting date)} of these debtors
        in this company, the worklist's figures computed for them only (the client file shows
        them)."""
        debtor_ids = [debtor_id for debtor_id in debtors._origin.ids if debtor_id]
        if not debtor_ids:
            return {}
        query = self._get_query(fields.Date.context_today(self), debtor_ids, company.id)
        # the fields the query reads are flushed first, as when the worklist is searched
        flush = [SQL(to_flush=field) for field in self._table_sql.to_flush]
        # No access check on the worklist: the same figures are the debtor's own fields, which
        # whoever reads the debtor sees (its overdue amount, its next reminder).
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, overdue_amount, next_reminder_date, waiting_reminder_date
                  FROM (%s) debtor
                """,
                SQL().join([query, *flush]),
            )
        )
        return {partner_id: tuple(figures) for partner_id, *figures in rows}

    @property
    def _table_query(self):
        # "Today" is the user's date (the lists' date filters use it too), not the server's.
        return self._get_query(fields.Date.context_today(self))

    @api.model
    def _get_query(self, today, debtor_ids=None, company_id=None):
        """The worklist's query, for every debtor or only for some of one company.

        One pass over the open items, grouped once by debtor and company: nothing is computed
        per debtor row (a join between aggregates would be recomputed per row when PostgreSQL
        underestimates them). The rare flags come from small grouped subqueries.
        """
        open_states = tuple(self.env["receivable.dunning.action"]._get_open_states())
        return SQL(
            """
            SELECT %(select)s
              FROM (
                    SELECT %(group_select)s
                      FROM (%(item_due)s) item
                  GROUP BY item.debtor_id, item.company_id, item.currency_id, item.user_id,
                           item.collector_id, item.profile_id, item.policy_id
                   ) owed
         LEFT JOIN (
                    SELECT partner_id, company_id, MIN(date) AS date
                      FROM receivable_dunning_action
                     WHERE state IN %(open_states)s
                  GROUP BY partner_id, company_id
                   ) waiting ON waiting.partner_id = owed.debtor_id
                            AND waiting.company_id = owed.company_id
         LEFT JOIN (
                    SELECT DISTINCT partner_id, company_id
                      FROM receivable_promise
                     WHERE state = 'open'
                   ) promise ON promise.partner_id = owed.debtor_id
                            AND promise.company_id = owed.company_id
         LEFT JOIN (
                    SELECT DISTINCT partner_id, company_id
                      FROM receivable_payment_plan
                     WHERE state = 'active'
                   ) plan ON plan.partner_id = owed.debtor_id
                         AND plan.company_id = owed.company_id
         LEFT JOIN (
                    SELECT DISTINCT partner_id, company_id
                      FROM receivable_dispute
                     WHERE state IN %(dispute_states)s
                   ) dispute ON dispute.partner_id = owed.debtor_id
                            AND dispute.company_id = owed.company_id
         LEFT JOIN (
                    -- a hold on the whole debtor, not on some of its invoices
                    SELECT DISTINCT hold.partner_id, hold.company_id
                      FROM receivable_dunning_hold hold
                     WHERE %(in_effect)s AND hold.move_id IS NULL
                   ) hold ON hold.partner_id = owed.debtor_id
                         AND hold.company_id = owed.company_id
            """,
            select=self._query_select(),
            group_select=self._query_group_select(today),
            item_due=self._query_item_due(today, debtor_ids, company_id),
            open_states=open_states,
            dispute_states=OPEN_DISPUTE_STATES,
            in_effect=self._query_hold_in_effect(today),
        )

    @api.model
    def _query_item_due(self, today, debtor_ids=None, company_id=None):
        """Each open item still owed, with its debtor's settings and when the run reminds it
        next (``due_date``, empty when it does not).

        Items are those of receivable.item.report: what the debtor's credits (credit notes,
        unmatched payments) leave due once they have paid its oldest items, as in the run.

        The policy is the debtor's own, else its profile's, else the company's default, as
        ``res.partner._get_dunning_policy`` and the run choose it. An item is due for the
        first level of that policy above its current one, on the date the run's
        ``_get_next_level`` accepts it (due date + level days + the debtor's extra days, and
        the gap since its last reminder), not before the promise date of its category nor the
        end of a hold on it, and today when that date has passed.

        Items are left out as the run leaves them out (``_due_items_where`` and
        ``_deduct_held_amounts``): a category that stops or pauses until paid, a dispute
        category without an amount held, an amount held that covers the item, a hold without
        an end date, and the items of a reminder still waiting to be sent.
        """
        in_effect = self._query_hold_in_effect(today)
        return SQL(
            """
            SELECT item.*,
                   company.currency_id,
                   partner.user_id,
                   collector.id AS collector_id,
                   partner.receivable_profile_id AS profile_id,
                   policy.id AS policy_id,
                   current_level.days AS level_days,
                   next_level.id AS next_level_id,
                   next_level.days AS next_level_days,
                   CASE WHEN next_level.id IS NOT NULL
                         AND (category.id IS NULL
                              OR category.dunning_effect IN ('chase', 'dispute')
                              OR (category.dunning_effect = 'pause_until_date'
                                  AND move.receivable_promise_date IS NOT NULL))
                         AND NOT COALESCE(debtor_held.until_released, FALSE)
                         AND NOT COALESCE(invoice_held.until_released, FALSE)
                         AND (COALESCE(category.dunning_effect, 'chase') != 'dispute'
                              OR COALESCE(held_amount.amount, 0) > 0)
                         -- an amount held pays the invoice's earliest items first
                         AND COALESCE(held_amount.amount, 0) < item.move_residual_so_far
                         AND NOT EXISTS (
                             SELECT 1
                               FROM receivable_dunning_action_line action_line
                               JOIN receivable_dunning_action action
                                 ON action.id = action_line.action_id
                              WHERE action_line.move_line_id = item.move_line_id
                                AND action.state IN %(open_states)s)
                        THEN GREATEST(
                            item.date_maturity + next_level.days
                                + COALESCE(partner.receivable_extra_days, 0),
                            item.last_reminder_date + (next_level.days - current_level.days),
                            CASE WHEN category.dunning_effect = 'pause_until_date'
                                 THEN move.receivable_promise_date + 1 END,
                            debtor_held.date_until + 1,
                            invoice_held.date_until + 1,
                            %(today)s)
                   END AS due_date
              FROM (
                    SELECT report.move_line_id, report.move_id, report.partner_id AS debtor_id,
                           report.company_id, report.category_id, report.level_id,
                           report.date_maturity, report.last_reminder_date,
                           report.amount_residual,
                           SUM(aml.amount_residual_currency) OVER (
                               PARTITION BY report.move_id
                               ORDER BY report.date_maturity, report.move_line_id
                           ) AS move_residual_so_far,
                           SUM(report.amount_residual) OVER (
                               PARTITION BY report.partner_id, report.company_id,
                                            report.category_id
                           ) AS category_total
                      FROM %(items)s report
                      JOIN account_move_line aml ON aml.id = report.move_line_id
                     WHERE %(only)s
                   ) item
              JOIN res_partner partner ON partner.id = item.debtor_id
              JOIN res_company company ON company.id = item.company_id
              JOIN account_move move ON move.id = item.move_id
         LEFT JOIN res_users collector
                ON collector.id = (partner.receivable_collector_id
                                   ->> item.company_id::text)::int
         LEFT JOIN receivable_debtor_profile profile
                ON profile.id = partner.receivable_profile_id
         LEFT JOIN receivable_dunning_policy policy
                ON policy.id = COALESCE(
                       (partner.receivable_policy_id ->> item.company_id::text)::int,
                       profile.policy_id,
                       company.receivable_policy_id)
               -- the run ignores a policy of another company
               AND policy.company_id = item.company_id
         LEFT JOIN receivable_category category ON category.id = move.receivable_category_id
         LEFT JOIN receivable_dunning_level current_level ON current_level.id = item.level_id
         LEFT JOIN (%(level_steps)s) step
                ON step.policy_id = policy.id
               AND step.from_level_id = COALESCE(item.level_id, 0)
         LEFT JOIN receivable_dunning_level next_level
                ON next_level.id = CASE
                       -- a courtesy level (before the due date) is pointless once it is late
                       WHEN step.first_days >= 0
                         OR (step.first_days + COALESCE(partner.receivable_extra_days, 0) <= 0
                             AND item.date_maturity >= %(today)s)
                       THEN step.first_id
                       ELSE step.first_late_id
                   END
         LEFT JOIN (
                    SELECT hold.partner_id, hold.company_id,
                           BOOL_OR(hold.date_until IS NULL) AS until_released,
                           MAX(hold.date_until) AS date_until
                      FROM receivable_dunning_hold hold
                     WHERE %(in_effect)s AND hold.move_id IS NULL
                  GROUP BY hold.partner_id, hold.company_id
                   ) debtor_held ON debtor_held.partner_id = item.debtor_id
                                AND debtor_held.company_id = item.company_id
         LEFT JOIN (
                    SELECT hold.move_id,
                           BOOL_OR(hold.date_until IS NULL) AS until_released,
                           MAX(hold.date_until) AS date_until
                      FROM receivable_dunning_hold hold
                     WHERE %(in_effect)s AND hold.move_id IS NOT NULL AND hold.amount IS NULL
                  GROUP BY hold.move_id
                   ) invoice_held ON invoice_held.move_id = item.move_id
         LEFT JOIN (
                    SELECT hold.move_id, SUM(hold.amount) AS amount
                      FROM receivable_dunning_hold hold
                     WHERE %(in_effect)s AND hold.amount IS NOT NULL
                  GROUP BY hold.move_id
                   ) held_amount ON held_amount.move_id = item.move_id
            """,
            items=self.env["receivable.item.report"]._table_sql,
            level_steps=self._query_level_steps(),
            only=SQL(
                "report.partner_id = ANY(%s) AND report.company_id = %s", debtor_ids, company_id
            )
            if debtor_ids
            else SQL("TRUE"),
            today=today,
            in_effect=in_effect,
            open_states=tuple(self.env["receivable.dunning.action"]._get_open_states()),
        )

    @api.model
    def _query_level_steps(self):
        """For each policy and level an item may be at (0: none yet), the policy's first level
        above it, and its first level above it that is not a courtesy one (negative days):
        a few rows per level, which the items join instead of looking their next level up
        one by one."""
        return SQL(
            """
            SELECT policy.id AS policy_id,
                   from_level.id AS from_level_id,
                   (ARRAY_AGG(level.id ORDER BY level.days, level.id))[1] AS first_id,
                   MIN(level.days) AS first_days,
                   (ARRAY_AGG(level.id ORDER BY level.days, level.id)
                        FILTER (WHERE level.days >= 0))[1] AS first_late_id
              FROM receivable_dunning_policy policy
              JOIN (
                    SELECT id, days, company_id FROM receivable_dunning_level
                     UNION ALL
                    SELECT 0, NULL, NULL
                   ) from_level ON from_level.company_id = policy.company_id
                                OR from_level.id = 0
              JOIN receivable_dunning_level level
                ON level.policy_id = policy.id
               AND (from_level.days IS NULL OR level.days > from_level.days)
          GROUP BY policy.id, from_level.id
            """
        )

    @api.model
    def _query_hold_in_effect(self, today):
        """Holds (aliased ``hold``) in effect today, of any company (callers match it)."""
        return SQL(
            """
            hold.state = 'active'
            AND (hold.date_from IS NULL OR hold.date_from <= %(today)s)
            AND (hold.date_until IS NULL OR hold.date_until >= %(today)s)
            """,
            today=today,
        )

    @api.model
    def _query_group_select(self, today):
        """Per debtor and company: its amounts, highest level, next reminder, main category."""
        return SQL(
            """
            MIN(item.move_line_id) AS id,
            item.debtor_id, item.company_id, item.currency_id, item.user_id,
            item.collector_id, item.profile_id, item.policy_id,
            SUM(item.amount_residual) AS total_due,
            COALESCE(SUM(item.amount_residual) FILTER (WHERE item.date_maturity < %(today)s), 0)
                AS overdue_amount,
            COUNT(*) AS item_count,
            MAX(GREATEST(%(today)s - item.date_maturity, 0)) AS max_days_late,
            (ARRAY_AGG(item.level_id ORDER BY item.level_days DESC, item.level_id DESC)
                 FILTER (WHERE item.level_days IS NOT NULL))[1] AS level_id,
            MIN(item.due_date) AS next_reminder_date,
            (ARRAY_AGG(item.next_level_id
                       ORDER BY item.due_date, item.next_level_days DESC, item.next_level_id)
                 FILTER (WHERE item.due_date IS NOT NULL))[1] AS next_level_id,
            (ARRAY_AGG(item.category_id ORDER BY item.category_total DESC, item.category_id)
                 FILTER (WHERE item.category_id IS NOT NULL))[1] AS category_id
            """,
            today=today,
        )

    @api.model
    def _query_select(self):
        return SQL(
            """
            owed.id,
            owed.debtor_id AS partner_id,
            owed.company_id,
            owed.currency_id,
            owed.user_id,
            owed.collector_id,
            owed.profile_id,
            owed.policy_id,
            owed.total_due,
            owed.overdue_amount,
            owed.item_count,
            owed.max_days_late,
            owed.level_id,
            owed.next_reminder_date,
            owed.next_level_id,
            waiting.date AS waiting_reminder_date,
            promise.partner_id IS NOT NULL AS has_promise,
            plan.partner_id IS NOT NULL AS has_plan,
            dispute.partner_id IS NOT NULL AS has_dispute,
            hold.partner_id IS NOT NULL AS on_hold,
            owed.category_id
            """
        )
