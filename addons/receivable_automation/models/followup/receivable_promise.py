from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .receivable_state_mixin import USER_GROUP


class ReceivablePromise(models.Model):
    """A promise to pay: reminders pause until its date plus a grace period, then the
    payments reconciled meanwhile decide whether it was kept."""

    _name = "receivable.promise"
    _description = "Promise to Pay"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "receivable.state.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, domain="[('is_company', '=', True)]"
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
        help="Leave empty for the debtor's whole balance: its open invoices are taken.",
    )
    amount = fields.Monetary(required=True, currency_field="currency_id", tracking=True)
    date = fields.Date("Promised Date", required=True, tracking=True)
    grace_days = fields.Integer(
        default=lambda self: self.env.company.receivable_promise_grace_days,
        help="Days after the promised date before the promise counts as broken.",
    )
    source = fields.Selection(
        [("phone", "Phone"), ("email", "E-mail"), ("portal", "Portal"), ("other", "Other")],
        required=True,
        default="phone",
    )
    user_id = fields.Many2one(
        "res.users", "Noted By", required=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("partly_kept", "Partly Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    residual_at_promise = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_paid = fields.Monetary(currency_field="currency_id", readonly=True, tracking=True)

    @api.depends("company_id")
    def _compute_currency_id(self):
        for record in self:
            record.currency_id = record._get_currency()

    def _get_currency(self):
        # the form's first onchange computes before the company and its currency are set
        return self.currency_id or (self.company_id or self.env.company).currency_id

    @api.depends("partner_id", "amount", "date")
    def _compute_name(self):
        for promise in self:
            if not (promise.partner_id and promise.date):
                promise.name = _("New Promise to Pay")
                continue
            promise.name = _(
                "%(debtor)s: %(amount)s by %(date)s",
                debtor=promise.partner_id.name,
                amount=promise._get_currency().format(promise.amount or 0.0),
                date=promise.date or "",
            )

    @api.constrains("amount", "date", "move_ids")
    def _check_promise(self):
        today = fields.Date.context_today(self)
        for promise in self.filtered(lambda promise: promise.state == "open"):
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(_("A promised amount must be positive."))
            if promise.date < today:
                raise ValidationError(_("A promise to pay cannot be in the past."))
            residual = sum(promise.move_ids.mapped("amount_residual_signed"))
            if promise.currency_id.compare_amounts(promise.amount, residual) > 0:
                raise ValidationError(
                    _(
                        "The promised amount (%(amount)s) exceeds what is left to pay on the "
                        "invoices (%(residual)s).",
                        amount=promise.currency_id.format(promise.amount),
                        residual=promise.currency_id.format(residual),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("move_ids") or vals["move_ids"] == [(6, 0, [])]:
                # no invoice chosen: the promise is on the debtor's whole open balance
                company = self.env["res.company"].browse(vals.get("company_id")) or (
                    self.env.company
                )
                moves = self._get_open_invoices(vals.get("partner_id"), company)
                vals["move_ids"] = [Command.set(moves.ids)]
        promises = super().create(vals_list)
        for promise in promises:
            promise.residual_at_promise = sum(promise.move_ids.mapped("amount_residual_signed"))
        promises._pause_invoices()
        return promises

    def action_cancel(self):
        self._check_can_cancel()
        self._write_state("cancelled")
        self._resume_invoices()

    def _check_can_cancel(self, as_user=None):
        for promise in self.filtered(lambda promise: promise.state != "open"):
            raise UserError(
                _(
                    "The promise “%(name)s” is already %(state)s: only an open promise can be "
                    "cancelled.",
                    name=promise.name,
                    state=dict(promise._fields["state"]._description_selection(self.env))[
                        promise.state
                    ],
                )
            )
        self._check_user_group(
            as_user,
            USER_GROUP,
            _(
                "%(user)s is not a credit controller and cannot cancel promises to pay.",
                user=(as_user or self.env.user).name,
            ),
        )

    @api.model
    def _cron_check_promises(self):
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "open")]).filtered(
            lambda promise: promise._get_deadline() < today
        )
        due._decide()

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _get_deadline(self):
        self.ensure_one()
        return self.date + relativedelta(days=self.grace_days)

    @api.model
    def _get_open_invoices(self, partner_id, company):
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner_id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ]
        )

    def _prepare_hold_values(self):
        """The promised invoices wait until the promised date, plus the grace days."""
        self.ensure_one()
        return [
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "move_id": move.id,
                "date_until": self._get_deadline(),
            }
            for move in self.move_ids
        ]

    def _pause_invoices(self):
        self._hold_place()
        promised = self.env.ref("receivable_automation.category_pdp")
        for promise in self:
            promise.move_ids.write(
                {
                    "receivable_category_id": promised.id,
                    # the date promised; the grace days are in the promise's hold
                    "receivable_promise_date": promise.date,
                }
            )

    def _decide(self):
        """Kept, partly kept or broken, from what was paid on the invoices since the promise.
        A broken (or partly kept) promise resumes dunning at the next level at once and alerts
        whoever noted it."""
        for promise in self:
            paid = promise.residual_at_promise - sum(
                promise.move_ids.mapped("amount_residual_signed")
            )
            if promise.currency_id.compare_amounts(paid, promise.amount) >= 0:
                state = "kept"
            elif promise.currency_id.compare_amounts(paid, 0) > 0:
                state = "partly_kept"
            else:
                state = "broken"
            promise._write_state(state, {"amount_paid": paid})
            if state != "kept":
                promise._escalate()
        self._resume_invoices()

    def _resume_invoices(self):
        self._hold_release()
        contacted = self.env["receivable.category"]._get_contacted_category(self.company_id)
        promised = self.env.ref("receivable_automation.category_pdp")
        moves = self.move_ids.filtered(lambda move: move.receivable_category_id == promised)
        moves.write({"receivable_category_id": contacted.id, "receivable_promise_date": False})

    def _escalate(self):
        """Next level without waiting for the gap between levels: the promise was the delay."""
        self.move_ids._receivable_accelerate()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Promise not kept: %s", self.name),
            note=_(
                "%(paid)s paid of %(amount)s promised by %(date)s. Dunning resumes at the next "
                "level.",
                paid=self.currency_id.format(self.amount_paid),
                amount=self.currency_id.format(self.amount),
                date=self.date,
            ),
            user_id=self.user_id.id,
        )
