import logging
import threading
from collections import defaultdict

from psycopg2.errors import SerializationFailure, UniqueViolation

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class ReceivableDunningRun(models.Model):
    """A dunning run for one company and one date: plans the reminders due that day, then
    sends them in batches. Safe to repeat, to resume after a crash and to share between
    workers: reminders are unique per debtor, level and date, and a batch is taken with
    ``FOR UPDATE SKIP LOCKED``.
    """

    _name = "receivable.dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Previewed"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    action_ids = fields.One2many("receivable.dunning.action", "run_id", "Reminders")
    action_count = fields.Integer(compute="_compute_counts")
    to_validate_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = _("Run of %(date)s", date=run.date)

    def _compute_counts(self):
        counts = defaultdict(int)
        for run, state, count in self.env["receivable.dunning.action"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        ):
            counts[run.id, state] = count
        for run in self:
            run.action_count = sum(
                count for (run_id, _state), count in counts.items() if run_id == run.id
            )
            run.to_validate_count = counts[run.id, "to_validate"]
            run.sent_count = counts[run.id, "sent"]
            run.failed_count = counts[run.id, "failed"]

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_preview(self):
        """Compute the reminders of the run's date without sending anything."""
        for run in self:
            run._clear_preview()
            run._create_actions(preview=True)
            run.state = "preview"
        return True

    def action_run(self):
        """Plan the reminders due on the run's date and send those that need no validation."""
        for run in self:
            run._clear_preview()
            run._commit_if_allowed()  # the run is kept; planning starts a fresh snapshot
            run._create_actions_once_per_date()
            run._commit_if_allowed()
            run._dispatch_sending()
            run.state = "done"
        return True

    def action_open_actions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_dunning_action_action"
        )
        action["domain"] = [("run_id", "in", self.ids)]
        action["context"] = {"search_default_group_by_level": 1}
        return action

    def action_open_items_by_level(self):
        """The items due on the run's date, at the level each one is due for next, grouped
        by policy and level: the run's own preview, so exactly what it would send."""
        self.ensure_one()
        if self.state == "draft":
            self.action_preview()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_dunning_action_line_action_by_level"
        )
        action["domain"] = [("action_id", "in", self.action_ids.ids)]
        action["name"] = _("Due on %(date)s by Level", date=self.date)
        return action

    @api.model
    def action_open_items_due_today(self):
        """Open Items by Level for today, in the current company."""
        today = fields.Date.context_today(self)
        run = self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("date", "=", today),
                ("state", "in", ("draft", "preview")),
            ],
            limit=1,
        ) or self.create({"date": today, "company_id": self.env.company.id})
        run.action_preview()
        return run.action_open_items_by_level()

    @api.model
    def _cron_run_daily(self):
        """Daily entry point: one run per company that has dunning policies."""
        companies = self.env["receivable.dunning.policy"].search([]).company_id
        today = fields.Date.context_today(self)
        for company in companies:
            run = self.with_company(company).create({"date": today, "company_id": company.id})
            run.with_context(
                receivable_auto_commit=True, receivable_send_in_background=True
            ).action_run()

    # ------------------------------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------------------------------

    def _clear_preview(self):
        """A run replaces the previews of its company and date, its own and earlier ones."""
        self.check_access("write")
        # sudo: a preview is a throw-away computation, not a reminder; a collector who may run
        # this company's dunning may recompute it, without the right to delete reminders
        self.env["receivable.dunning.action"].sudo().search(
            [
                ("company_id", "in", self.company_id.ids),
                ("date", "in", self.mapped("date")),
                ("state", "=", "preview"),
            ]
        ).unlink()

    def _create_actions_once_per_date(self):
        """Plan the reminders, letting a concurrent worker's plan win.

        The unique index refuses a second reminder for a debtor, level and date. When another
        worker planned the same ones meanwhile, Odoo's REPEATABLE READ transaction cannot see
        them: start a new transaction, which sees them and plans only what is left. A run in a
        user's transaction cannot restart it and asks to try again.
        """
        for _attempt in range(3):
            try:
                with self.env.cr.savepoint():
                    return self._create_actions(preview=False)
            except (UniqueViolation, SerializationFailure):
                if not self._can_commit():
                    raise UserError(
                        _("Another run is planning reminders for this date. Try again.")
                    ) from None
                _logger.info("Run %s: reminders planned concurrently, planning again", self.id)
                self.env.cr.rollback()
                self.env.invalidate_all()
        raise UserError(_("Reminders could not be planned: too many concurrent runs."))

    def _create_actions(self, preview):
        """Plan the reminders due on the run's date and return those this worker created."""
        self.ensure_one()
        plans = self._plan_actions()
        actions = self._insert_actions(plans, preview)
        plans_by_key = {(debtor_id, level.id): items for debtor_id, level, items in plans}
        self._add_fees(actions, plans_by_key)
        self._insert_action_lines(
            actions,
            [
                self._prepare_action_line_values(action, item)
                for action in actions
                for item in plans_by_key[action.partner_id.id, action.level_id.id]
            ],
        )
        return actions

    def _plan_actions(self):
        """[(debtor id, level, items)]: the reminders due on the run's date. Each item is due
        at its own level (``item["level"]``); a policy with one reminder per day groups a
        debtor's items of every level in one reminder at the highest, otherwise there is one
        reminder per debtor and level."""
        items = self._deduct_credits(self._deduct_held_amounts(self._get_due_items()))
        levels = self._get_levels_by_debtor({item["debtor_id"] for item in items})
        level_days = self._get_level_days({item["level_id"] for item in items} - {None})
        already_planned = self._get_planned_keys()
        debtors_planned = {debtor_id for debtor_id, _level_id in already_planned}
        groups = defaultdict(list)
        for item in items:
            debtor_levels = levels.get(item["debtor_id"])
            if not debtor_levels:
                continue
            item["level"] = level = self._get_next_level(item, debtor_levels, level_days)
            if not level:
                continue
            if level.policy_id.one_reminder_per_day:
                if item["debtor_id"] not in debtors_planned:
                    groups[item["debtor_id"], None].append(item)
            elif (item["debtor_id"], level.id) not in already_planned:
                groups[item["debtor_id"], level].append(item)
        plans = []
        currency = self.company_id.currency_id
        for (debtor_id, level), group_items in groups.items():
            level = level or max(
                (item["level"] for item in group_items), key=lambda lvl: (lvl.days, lvl.id)
            )
            total = sum(item["amount_residual"] for item in group_items)
            if currency.compare_amounts(total, level.min_overdue_amount) >= 0:
                plans.append((debtor_id, level, group_items))
        return plans

    def _deduct_held_amounts(self, items):
        """Only what is not held is reminded: an amount held on an invoice (a dispute) is taken
        from the invoice's items, earliest due first, in the invoice's currency. An invoice in
        the dispute category without an amount held is not reminded at all."""
        left_held = {}
        remindable = []
        for item in items:
            if item["category_effect"] == "dispute" and not item["held_amount"]:
                continue
            held = left_held.setdefault(item["move_id"], item["held_amount"])
            residual = item["amount_residual_currency"]
            taken = min(held, residual)
            left_held[item["move_id"]] = held - taken
            # company-currency amounts follow the item's own rate
            rate = item["amount_residual"] / residual if residual else 1.0
            item["amount_disputed"] = taken
            item["amount_disputed_company"] = self.company_id.currency_id.round(taken * rate)
            if taken:
                item["amount_residual_currency"] = residual - taken
                item["amount_residual"] = item["amount_residual"] - item["amount_disputed_company"]
            if item["amount_residual_currency"] > 0:
                remindable.append(item)
        return remindable

    def _deduct_credits(self, items):
        """What the debtor has to its credit (open credit notes, payments and advances not yet
        matched with an invoice) pays its oldest items first: a covered item is not claimed, a
        partly covered one only for the rest. A debtor whose credits cover everything due gets
        no reminder."""
        debtor_credits = self._get_debtor_credits({item["debtor_id"] for item in items})
        credit_totals = dict(debtor_credits)
        currency = self.company_id.currency_id
        claimed = []
        for item in items:  # by debtor, oldest first
            item["amount_credited"] = 0.0
            item["debtor_credit"] = credit_totals.get(item["debtor_id"], 0.0)
            credit = debtor_credits.get(item["debtor_id"], 0.0)
            if currency.compare_amounts(credit, 0) > 0:
                residual = item["amount_residual"]
                taken = min(credit, residual)
                debtor_credits[item["debtor_id"]] = credit - taken
                item["amount_credited"] = taken
                item["amount_residual"] = currency.round(residual - taken)
                item["amount_residual_currency"] *= item["amount_residual"] / residual
            if currency.compare_amounts(item["amount_residual"], 0) > 0:
                claimed.append(item)
        return claimed

    def _get_debtor_credits(self, debtor_ids):
        """{debtor id: amount to its credit in the company's currency}, from its unmatched
        credit items in the company's receivable accounts."""
        if not debtor_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, -SUM(aml.amount_residual)
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled
                   AND aml.amount_residual < 0
                   AND partner.commercial_partner_id = ANY(%(debtor_ids)s)
              GROUP BY partner.commercial_partner_id
                """,
                company_id=self.company_id.id,
                debtor_ids=list(debtor_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _insert_actions(self, plans, preview):
        """Insert the planned reminders in one query. ``ON CONFLICT DO NOTHING`` on the unique
        index lets a concurrent worker's reminders win without an error, even in Odoo's
        REPEATABLE READ transactions where that worker's rows are not visible yet."""
        if not plans:
            return self.env["receivable.dunning.action"]
        partners = self.env["res.partner"].browse([debtor_id for debtor_id, _level, _i in plans])
        names = {partner.id: partner.name for partner in partners}
        columns = defaultdict(list)
        for debtor_id, level, _items in plans:
            columns["partner"].append(debtor_id)
            columns["level"].append(level.id)
            columns["days"].append(level.days)
            columns["policy"].append(level.policy_id.id)
            columns["state"].append(self._get_new_action_state(level, preview))
            columns["name"].append(f"{level.name} - {names[debtor_id]} ({self.date})")
            columns["credit"].append(_items[0]["debtor_credit"])
        self.env["receivable.dunning.action"].flush_model()
        defaults = self._get_action_insert_defaults()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO receivable_dunning_action
                       (run_id, date, company_id, partner_id, level_id, level_days, policy_id,
                        state, name, debtor_credit, create_uid, create_date, write_uid,
                        write_date %(columns)s)
                SELECT %(run)s, %(date)s, %(company)s, plan.partner_id, plan.level_id,
                       plan.level_days, plan.policy_id, plan.state, plan.name, plan.credit,
                       %(uid)s, %(now)s, %(uid)s, %(now)s %(values)s
                  FROM unnest(%(partners)s::int[], %(levels)s::int[], %(days)s::int[],
                              %(policies)s::int[], %(states)s::varchar[], %(names)s::varchar[],
                              %(credits)s::numeric[])
                       AS plan(partner_id, level_id, level_days, policy_id, state, name, credit)
                    ON CONFLICT (company_id, partner_id, level_id, date) WHERE state != 'preview'
                    DO NOTHING
             RETURNING id
                """,
                columns=SQL("").join(SQL(", %s", SQL.identifier(name)) for name in defaults),
                values=SQL("").join(SQL(", %s", value) for value in defaults.values()),
                run=self.id,
                date=self.date,
                company=self.company_id.id,
                uid=self.env.uid,
                now=self.env.cr.now(),
                partners=columns["partner"],
                levels=columns["level"],
                days=columns["days"],
                policies=columns["policy"],
                states=columns["state"],
                names=columns["name"],
                credits=columns["credit"],
            ),
            # a conflict with another worker is expected and handled by the caller
            log_exceptions=False,
        )
        action_ids = [row[0] for row in self.env.cr.fetchall()]
        if len(action_ids) < len(plans):
            _logger.info(
                "Run %s: %s reminders were planned by another worker",
                self.id,
                len(plans) - len(action_ids),
            )
        self.invalidate_recordset(["action_ids"])
        return self.env["receivable.dunning.action"].browse(action_ids)

    def _insert_action_lines(self, actions, values_list):
        """Insert the reminders' invoice lines in one query (``create()`` of 10,000 lines costs
        seconds of field conversions), their stored related fields filled from the reminder,
        then let the reminders' totals recompute as after ``create()``."""
        Line = self.env["receivable.dunning.action.line"]
        if not values_list:
            return Line
        Line.flush_model()
        names = list(values_list[0])
        level_ids = {values["level_id"] for values in values_list} - {False, None}
        policies = {
            level.id: level.policy_id.id
            for level in self.env["receivable.dunning.level"].browse(level_ids)
        }
        values_list = [
            dict(values, policy_id=policies.get(values["level_id"])) for values in values_list
        ]
        names.append("policy_id")
        filled = {*names, "company_id", "partner_id"}
        defaults = self._get_insert_defaults(Line, filled)
        arrays = SQL(", ").join(
            SQL(
                "%s::%s[]",
                [values[name] for values in values_list],
                SQL(Line._fields[name].column_type[1].split("(")[0]),
            )
            for name in names
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO receivable_dunning_action_line
                       (%(columns)s, company_id, partner_id, create_uid, create_date, write_uid,
                        write_date %(default_columns)s)
                SELECT %(row_columns)s, action.company_id, action.partner_id,
                       %(uid)s, %(now)s, %(uid)s, %(now)s %(default_values)s
                  FROM unnest(%(arrays)s) AS item(%(columns)s)
                  JOIN receivable_dunning_action action ON action.id = item.action_id
             RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
                row_columns=SQL(", ").join(SQL.identifier("item", name) for name in names),
                default_columns=SQL("").join(
                    SQL(", %s", SQL.identifier(name)) for name in defaults
                ),
                default_values=SQL("").join(SQL(", %s", value) for value in defaults.values()),
                arrays=arrays,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        lines = Line.browse(row[0] for row in self.env.cr.fetchall())
        actions.invalidate_recordset(["line_ids"])
        self.env["account.move"].invalidate_model(["receivable_action_line_ids"])
        actions.modified(["line_ids"])
        return lines

    def _get_action_insert_defaults(self):
        """{column: value} for the reminders' stored fields that the INSERT does not fill: their
        default values, so that a field another add-on adds gets its default, as with create().
        """
        Action = self.env["receivable.dunning.action"]
        filled = {
            "id",
            "run_id",
            "date",
            "company_id",
            "partner_id",
            "level_id",
            "level_days",
            "policy_id",
            "state",
            "name",
            "debtor_credit",
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
        }
        return self._get_insert_defaults(Action, filled)

    @api.model
    def _get_insert_defaults(self, model, filled):
        """{column: default value} of ``model``'s stored fields not in ``filled``."""
        filled = set(filled) | {"id", "create_uid", "create_date", "write_uid", "write_date"}
        names = [
            name
            for name, field in model._fields.items()
            if field.store and field.column_type and name not in filled and not field.compute
        ]
        defaults = model.default_get(names)
        return {
            name: model._fields[name].convert_to_column_insert(value, model, defaults)
            for name, value in defaults.items()
        }

    def _add_fees(self, actions, plans_by_key):
        """Late-payment interest per item and the recovery indemnity once per invoice, for
        debtors to whom fees apply (business customers of the company's fee countries)."""
        if not self.company_id.receivable_fees_enabled:
            return
        Rate = self.env["receivable.interest.rate"]
        rates = Rate._get_rates(self.company_id, self.date)
        moves = self.env["account.move"]
        for action in actions:
            debtor = action.partner_id
            if not debtor._receivable_fees_apply(self.company_id):
                continue
            indemnified = set()
            for item in plans_by_key[debtor.id, action.level_id.id]:
                move = moves.browse(item["move_id"])
                if move.receivable_fees_waived:
                    continue
                item["interest_amount"] = Rate._get_interest(
                    item["amount_residual"],
                    item["date_maturity"],
                    self.date,
                    self.company_id,
                    debtor.receivable_contract_rate,
                    rates=rates,
                )
                late = item["date_maturity"] < self.date
                if late and move.id not in indemnified:
                    item["indemnity_amount"] = self.company_id.receivable_fee_indemnity
                    indemnified.add(move.id)

    def _get_new_action_state(self, level, preview):
        if preview:
            return "preview"
        return "to_validate" if level.validation_mode == "manual" else "pending"

    def _prepare_action_line_values(self, action, item):
        return {
            "action_id": action.id,
            "level_id": item["level"].id,
            "move_line_id": item["id"],
            "move_id": item["move_id"],
            "currency_id": item["currency_id"],
            "amount_total": item["amount_currency"],
            "amount_residual": item["amount_residual_currency"],
            "amount_residual_company": item["amount_residual"],
            "amount_disputed": item["amount_disputed"],
            "amount_disputed_company": item["amount_disputed_company"],
            "amount_credited": item["amount_credited"],
            "interest_amount": item.get("interest_amount", 0.0),
            "indemnity_amount": item.get("indemnity_amount", 0.0),
            "date_maturity": item["date_maturity"],
            "days_late": (self.date - item["date_maturity"]).days,
            "previous_level_id": item["level_id"],
            "previous_reminder_date": item["last_reminder_date"],
        }

    def _get_next_level(self, item, debtor_levels, level_days):
        """The level this item is due for on the run's date, if any.

        Items climb one level at a time: the next level after the last one reminded, once the
        item is late enough for it and the gap between the two levels has passed since the
        last reminder (an old invoice gets the first reminder first, not the formal notice).
        Courtesy levels (negative days) only apply to items not yet due.
        """
        extra_days, levels = debtor_levels
        current_days = level_days.get(item["level_id"])
        days_late = (self.date - item["date_maturity"]).days
        next_levels = [
            level
            for level in levels
            if (current_days is None or level.days > current_days)
            # a courtesy level (before the due date) is pointless once the item is late
            and (level.days >= 0 or days_late <= 0)
        ]
        if not next_levels:
            return None
        level = next_levels[0]
        if days_late < level.days + extra_days:
            return None
        last_date = item["last_reminder_date"]
        if current_days is not None and last_date:
            if (self.date - last_date).days < level.days - current_days:
                return None
        return level

    def _get_due_items(self):
        """Open receivable items of the company that may need a reminder, in one query."""
        self.ensure_one()
        self.env.flush_all()
        min_days = min(
            self.env["receivable.dunning.level"]
            .search([("company_id", "=", self.company_id.id)])
            .mapped("days"),
            default=None,
        )
        if min_days is None:
            return []
        cutoff = fields.Date.subtract(self.date, days=min_days)
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE %s ORDER BY debtor.id, aml.date_maturity, aml.id",
                self._due_items_select(),
                self._due_items_from(),
                self._due_items_where(cutoff),
            )
        )
        return self.env.cr.dictfetchall()

    # The due-items query in parts that other add-ons extend (like account.invoice.report).

    def _due_items_select(self):
        return SQL(
            """
            aml.id, aml.move_id, debtor.id AS debtor_id, aml.currency_id,
            aml.amount_currency, aml.amount_residual, aml.amount_residual_currency,
            aml.date_maturity, aml.receivable_level_id AS level_id,
            aml.receivable_last_reminder_date AS last_reminder_date,
            category.dunning_effect AS category_effect,
            COALESCE(held.amount, 0) AS held_amount
            """
        )

    def _due_items_from(self):
        return SQL(
            """
            account_move_line aml
            JOIN account_account account ON account.id = aml.account_id
            JOIN account_move move ON move.id = aml.move_id
            JOIN res_partner partner ON partner.id = aml.partner_id
            JOIN res_partner debtor ON debtor.id = partner.commercial_partner_id
       LEFT JOIN receivable_category category ON category.id = move.receivable_category_id
       LEFT JOIN (
                 SELECT hold.move_id, SUM(hold.amount) AS amount
                   FROM receivable_dunning_hold hold
                  WHERE %(in_effect)s AND hold.amount IS NOT NULL
               GROUP BY hold.move_id
                 ) held ON held.move_id = aml.move_id
            """,
            in_effect=self._hold_in_effect_sql(),
        )

    def _due_items_where(self, cutoff):
        return SQL(
            """
            aml.company_id = %(company_id)s
            AND aml.parent_state = 'posted'
            AND account.account_type = 'asset_receivable'
            AND NOT aml.reconciled
            AND aml.amount_residual > 0
            AND aml.date_maturity <= %(cutoff)s
            AND (category.id IS NULL
                 OR category.dunning_effect IN ('chase', 'dispute')
                 OR (category.dunning_effect = 'pause_until_date'
                     AND move.receivable_promise_date < %(date)s))
            AND NOT EXISTS (
                SELECT 1
                  FROM receivable_dunning_hold hold
                 WHERE %(in_effect)s
                   AND hold.amount IS NULL
                   AND hold.partner_id = debtor.id
                   AND (hold.move_id IS NULL OR hold.move_id = aml.move_id))
            AND NOT EXISTS (
                SELECT 1
                  FROM receivable_dunning_action_line action_line
                  JOIN receivable_dunning_action action ON action.id = action_line.action_id
                 WHERE action_line.move_line_id = aml.id
                   AND action.state IN %(open_states)s)
            """,
            company_id=self.company_id.id,
            date=self.date,
            cutoff=cutoff,
            in_effect=self._hold_in_effect_sql(),
            open_states=tuple(self.env["receivable.dunning.action"]._get_open_states()),
        )

    def _hold_in_effect_sql(self):
        """Holds (aliased ``hold``) of the run's company in effect on the run's date."""
        return SQL(
            """
            hold.state = 'active'
            AND hold.company_id = %(company_id)s
            AND (hold.date_from IS NULL OR hold.date_from <= %(date)s)
            AND (hold.date_until IS NULL OR hold.date_until >= %(date)s)
            """,
            company_id=self.company_id.id,
            date=self.date,
        )

    def _get_levels_by_debtor(self, debtor_ids):
        """{debtor id: (extra days, levels in order)} for debtors that have a policy."""
        debtors = self.env["res.partner"].with_company(self.company_id).browse(debtor_ids)
        levels_by_policy = {}
        result = {}
        for debtor in debtors:
            policy = (
                debtor.receivable_policy_id
                or debtor.receivable_profile_id.policy_id
                or self.company_id.receivable_policy_id
            )
            if not policy or policy.company_id != self.company_id:
                continue
            if policy not in levels_by_policy:
                levels_by_policy[policy] = policy._get_sorted_levels()
            result[debtor.id] = (debtor.receivable_extra_days, levels_by_policy[policy])
        return result

    def _get_level_days(self, level_ids):
        levels = self.env["receivable.dunning.level"].browse(level_ids).exists()
        return {level.id: level.days for level in levels}

    def _get_planned_keys(self):
        """(debtor, level) pairs that already have a reminder on the run's date."""
        planned = self.env["receivable.dunning.action"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date", "=", self.date),
                ("state", "!=", "preview"),
            ],
            ["partner_id", "level_id"],
        )
        return {(partner.id, level.id) for partner, level in planned}

    # ------------------------------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------------------------------

    def _dispatch_sending(self):
        """The daily cron hands the sending over to workers that share it; a run started by
        hand (or in a test) sends in its own transaction, as the user waits for it."""
        if self.env.context.get("receivable_send_in_background"):
            self._hand_over_sending()
        else:
            self._send_pending_actions()

    def _hand_over_sending(self):
        """Wake the "send reminders" scheduled actions (the queue_job add-on enqueues jobs
        instead). Without an active one, the run sends its reminders itself."""
        if not self.env["receivable.dunning.sender"]._trigger_senders():
            self._send_pending_actions()

    def _send_pending_actions(self):
        """Send the pending reminders of the company up to the run's date, batch by batch.

        Each batch is taken with a row lock that other workers skip; a batch either sends
        all its reminders (queued e-mails and SMS included) or, on a crash, none of them.
        Reminders left pending by an interrupted run are sent by the next one.
        """
        self.ensure_one()
        batch_size = self.company_id.receivable_batch_size or 200
        Action = self.env["receivable.dunning.action"]
        done, seen = 0, []
        while batch_ids := self._lock_pending_batch(batch_size, seen):
            seen.extend(batch_ids)
            with self.env.cr.savepoint():
                Action.browse(batch_ids)._send()
            done += len(batch_ids)
            remaining = self._count_pending()
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            _logger.info("Run %s: %s reminders processed, %s left", self.id, done, remaining)
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()  # a long run keeps its memory flat
        return done

    def _pending_domain_sql(self):
        return SQL(
            "company_id = %s AND state = 'pending' AND date <= %s",
            self.company_id.id,
            self.date,
        )

    def _lock_pending_batch(self, batch_size, seen):
        query = SQL(
            """
            SELECT id FROM receivable_dunning_action
             WHERE %s AND id != ALL(%s)
          ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            self._pending_domain_sql(),
            seen,
            batch_size,
        )
        Sender = self.env["receivable.dunning.sender"]
        return [row[0] for row in Sender._fetch_locked(query, self._can_commit())]

    def _count_pending(self):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM receivable_dunning_action WHERE %s",
                self._pending_domain_sql(),
            )
        )
        return self.env.cr.fetchone()[0]

    def _can_commit(self):
        """Commit between batches only when the cron asked for it, and never in tests."""
        return bool(self.env.context.get("receivable_auto_commit")) and (
            self._can_commit_outside_tests()
        )

    @api.model
    def _can_commit_outside_tests(self):
        return not getattr(threading.current_thread(), "testing", False)

    def _commit_if_allowed(self):
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_reminders(self):
        if self.action_ids.filtered(lambda action: action.state in ("sent", "marked")):
            raise UserError(_("A run that sent reminders cannot be deleted."))
