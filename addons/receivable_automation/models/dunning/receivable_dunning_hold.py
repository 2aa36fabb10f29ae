from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Fields of a hold that its owner decides; nobody else may change them.
OWNED_FIELDS = {
    "company_id",
    "partner_id",
    "move_id",
    "amount",
    "date_from",
    "date_until",
    "reason",
    "res_model",
    "res_id",
    "state",
    "released_date",
    "released_by_id",
}


class ReceivableDunningHold(models.Model):
    """Why reminders are held: for a debtor, or one of its invoices, or an amount of one.

    A hold is owned by the record that decided it (a dispute, a promise, a payment plan, a
    hand-off, later the portal and the mailbox) and released by that record only; a hold
    without an owner is a collector's manual exclusion. Besides the categories, an active hold
    is the only thing that stops a reminder.
    """

    _name = "receivable.dunning.hold"
    _description = "Dunning Hold"
    _order = "state, date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Debtor",
        required=True,
        index=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('state', '=', 'posted'),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt'))]",
        help="Empty: every invoice of the debtor.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    amount = fields.Monetary(
        "Amount Held",
        currency_field="currency_id",
        help="In the invoice's currency. Empty: the whole amount due.",
    )
    date_from = fields.Date("From", help="Empty: at once.")
    date_until = fields.Date("Until", help="Empty: until released.")
    reason = fields.Char(translate=True, help="Shown to collectors; required without an owner.")
    res_model = fields.Char("Owner Model", readonly=True, index=True)
    res_id = fields.Many2oneReference("Owner ID", model_field="res_model", readonly=True)
    owner_ref = fields.Reference(
        selection="_selection_owner_model", string="Decided By", compute="_compute_owner_ref"
    )
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")],
        default="active",
        required=True,
        readonly=True,
        index=True,
    )
    is_effective = fields.Boolean(
        "In Effect", compute="_compute_is_effective", search="_search_is_effective"
    )
    released_date = fields.Datetime(readonly=True)
    released_by_id = fields.Many2one("res.users", "Released By", readonly=True)

    def init(self):
        # The daily run looks the active holds of a debtor up for every candidate item.
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS receivable_dunning_hold_active_idx
                    ON receivable_dunning_hold (company_id, partner_id, move_id)
                 WHERE state = 'active'
                """
            )
        )

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------

    @api.model
    def _selection_owner_model(self):
        # sudo: only the names of models, to label the owner of a hold; ir.model is not
        # readable by every credit controller
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends_context("lang")
    @api.depends("reason", "res_model", "res_id", "move_id", "amount")
    def _compute_display_name(self):
        for hold in self:
            what = hold.move_id.name or hold.partner_id.display_name
            if hold.amount:
                what = _(
                    "%(amount)s of %(what)s", amount=hold.currency_id.format(hold.amount), what=what
                )
            hold.display_name = f"{hold.name} ({what})"

    @api.depends_context("lang")
    @api.depends("reason", "res_model", "res_id")
    def _compute_name(self):
        for hold in self:
            owner = hold._get_owner()
            if owner:
                hold.name = _(
                    "%(model)s %(owner)s",
                    model=self.env["ir.model"]._get(hold.res_model).name,
                    owner=owner.display_name,
                )
            else:
                hold.name = hold.reason or _("Manual hold")

    @api.depends("res_model", "res_id")
    def _compute_owner_ref(self):
        for hold in self:
            owner = hold._get_owner()
            hold.owner_ref = f"{owner._name},{owner.id}" if owner else False

    @api.depends("move_id.currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for hold in self:
            hold.currency_id = hold.move_id.currency_id or hold.company_id.currency_id

    @api.depends("state", "date_from", "date_until")
    def _compute_is_effective(self):
        today = fields.Date.context_today(self)
        for hold in self:
            hold.is_effective = (
                hold.state == "active"
                and (not hold.date_from or hold.date_from <= today)
                and (not hold.date_until or hold.date_until >= today)
            )

    def _search_is_effective(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "active"),
            "|",
            ("date_from", "=", False),
            ("date_from", "<=", today),
            "|",
            ("date_until", "=", False),
            ("date_until", ">=", today),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.constrains("partner_id", "move_id", "amount", "date_from", "date_until", "reason")
    def _check_hold(self):
        for hold in self:
            if hold.partner_id != hold.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A hold is on the debtor %s itself, not on one of its contacts.",
                        hold.partner_id.commercial_partner_id.display_name,
                    )
                )
            if hold.move_id and hold.move_id.commercial_partner_id != hold.partner_id:
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s is not %(debtor)s's.",
                        invoice=hold.move_id.display_name,
                        debtor=hold.partner_id.display_name,
                    )
                )
            if hold.amount and not hold.move_id:
                raise ValidationError(_("An amount can only be held on one invoice."))
            if hold.amount and hold.currency_id.compare_amounts(hold.amount, 0) < 0:
                raise ValidationError(_("The amount held cannot be negative."))
            if hold.date_from and hold.date_until and hold.date_until < hold.date_from:
                raise ValidationError(_("A hold cannot end before it starts."))
            if not hold.res_model and not (hold.reason or "").strip():
                raise ValidationError(
                    _("Say why the reminders to %s are held.", hold.partner_id.display_name)
                )

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("res_model") or vals.get("res_id"):
                self._check_owner_call(vals.get("res_model"), vals.get("res_id"))
        holds = super().create(vals_list)
        self._invalidate_invoice_holds()
        for debtor, debtor_holds in holds.grouped("partner_id").items():
            debtor.message_post(
                body=_("Reminders held: %s.", ", ".join(debtor_holds.mapped("display_name"))),
                subtype_xmlid="mail.mt_note",
            )
        return holds

    def write(self, vals):
        touched = OWNED_FIELDS & set(vals)
        if touched:
            for hold in self.filtered("res_model"):
                hold._check_owner_call(hold.res_model, hold.res_id)
            if "res_model" in vals or "res_id" in vals:
                self._check_owner_call(vals.get("res_model"), vals.get("res_id"))
        result = super().write(vals)
        self._invalidate_invoice_holds()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_owned(self):
        for hold in self.filtered("res_model"):
            hold._check_owner_call(hold.res_model, hold.res_id)

    def _invalidate_invoice_holds(self):
        # account.move's list of holds is computed from the holds of its debtor
        self.env["account.move"].invalidate_model(["receivable_hold_ids"])

    def _check_owner_call(self, res_model, res_id):
        """Only the owner record changes its holds: it passes itself in the context (a
        recordset, which no RPC call can forge)."""
        owner = self.env.context.get("receivable_hold_owner")
        if not (
            isinstance(owner, models.BaseModel) and owner._name == res_model and res_id in owner.ids
        ):
            raise AccessError(
                _(
                    "This hold was placed by %(owner)s and only ends with it.",
                    owner=self._describe_owner(res_model, res_id),
                )
            )

    @api.model
    def _describe_owner(self, res_model, res_id):
        if res_model in self.env and res_id:
            record = self.env[res_model].browse(res_id).exists()
            if record:
                return record.display_name
        return res_model or _("another record")

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_release(self):
        """End manual holds; a hold placed by a dispute, promise, plan or hand-off ends with
        that record."""
        owned = self.filtered("res_model")
        if owned:
            raise UserError(
                _(
                    "%(hold)s ends with %(owner)s: close or cancel it there.",
                    hold=owned[0].name,
                    owner=owned[0]._describe_owner(owned[0].res_model, owned[0].res_id),
                )
            )
        self.filtered(lambda hold: hold.state == "active")._release()
        return True

    def action_open_owner(self):
        self.ensure_one()
        owner = self._get_owner()
        if not owner:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": owner._name,
            "res_id": owner.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _get_owner(self):
        self.ensure_one()
        if not (self.res_model and self.res_id) or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def _release(self):
        self.write(
            {
                "state": "released",
                "released_date": fields.Datetime.now(),
                "released_by_id": self.env.uid,
            }
        )
        for debtor, holds in self.grouped("partner_id").items():
            debtor.message_post(
                body=_("Reminders no longer held: %s.", ", ".join(holds.mapped("display_name"))),
                subtype_xmlid="mail.mt_note",
            )
