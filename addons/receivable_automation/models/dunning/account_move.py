from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    receivable_category_id = fields.Many2one(
        "receivable.category",
        "Receivable Category",
        tracking=True,
        index="btree_not_null",
        copy=False,
        default=lambda self: self._default_receivable_category(),
        groups="base.group_user",
    )
    receivable_category_effect = fields.Selection(
        related="receivable_category_id.dunning_effect", groups="base.group_user"
    )
    receivable_promise_date = fields.Date(
        "Promise Date",
        tracking=True,
        copy=False,
        help="Date the customer promised to pay.",
        groups="base.group_user",
    )
    receivable_hold_ids = fields.Many2many(
        "receivable.dunning.hold",
        string="Dunning Holds",
        compute="_compute_receivable_hold_ids",
        help="Active holds on this invoice or on its whole debtor.",
        groups="base.group_user",
    )
    receivable_action_line_ids = fields.One2many(
        "receivable.dunning.action.line",
        "move_id",
        "Reminders",
        domain=[("action_id.state", "!=", "preview")],  # a preview is not history
        groups="base.group_user",
    )

    @api.model
    def _default_receivable_category(self):
        move_type = self.env.context.get("default_move_type")
        if move_type in ("out_invoice", "out_receipt"):
            return self.env["receivable.category"]._get_default_category()
        return False

    @api.constrains("receivable_category_id", "receivable_promise_date")
    def _check_receivable_promise_date(self):
        for move in self:
            if move.receivable_category_effect == "pause_until_date" and not (
                move.receivable_promise_date
            ):
                raise ValidationError(
                    _(
                        "Invoice %(invoice)s is in category “%(category)s”: give the date the "
                        "customer promised to pay.",
                        invoice=move.display_name,
                        category=move.receivable_category_id.display_name,
                    )
                )

    def _compute_receivable_hold_ids(self):
        holds = self.env["receivable.dunning.hold"].search(
            [
                ("state", "=", "active"),
                ("partner_id", "in", self.commercial_partner_id.ids),
                "|",
                ("move_id", "=", False),
                ("move_id", "in", self.ids),
            ]
        )
        for move in self:
            move.receivable_hold_ids = holds.filtered(
                lambda hold, move=move: hold.partner_id == move.commercial_partner_id
                and hold.company_id == move.company_id
                and (not hold.move_id or hold.move_id == move)
            )

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        uncategorized = moves.filtered(
            lambda move: move.move_type in ("out_invoice", "out_receipt")
            and not move.receivable_category_id
        )
        for company, company_moves in uncategorized.grouped("company_id").items():
            default = self.env["receivable.category"]._get_default_category(company)
            if default:
                company_moves.receivable_category_id = default
        return moves

    def write(self, vals):
        categorized = self.browse()
        if vals.get("receivable_category_id"):
            categorized = self.filtered(
                lambda move: move.receivable_category_id.id != vals["receivable_category_id"]
            )
        result = super().write(vals)
        if categorized:
            categorized._schedule_category_activity()
        return result

    def _schedule_category_activity(self):
        """Plan the next step that the new category asks for, for the debtor's collector."""
        for move in self:
            category = move.receivable_category_id
            if not category.next_activity_type_id:
                continue
            debtor = move.commercial_partner_id
            user = debtor.receivable_collector_id or debtor.user_id or self.env.user
            move.activity_schedule(
                activity_type_id=category.next_activity_type_id.id,
                date_deadline=fields.Date.add(
                    fields.Date.context_today(self), days=category.next_activity_days
                ),
                summary=category.display_name,
                user_id=user.id,
            )

    def _receivable_accelerate(self):
        """The next dunning level as soon as it is due, without the usual gap since the last
        reminder: a broken promise or plan was the delay."""
        items = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if not items:
            return
        self.env["account.move.line"].flush_model(["receivable_last_reminder_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET receivable_last_reminder_date = NULL"
                " WHERE id = ANY(%s)",
                items.ids,
            )
        )
        items.invalidate_recordset(["receivable_last_reminder_date"])

    def _portal_ensure_tokens(self):
        """Give the invoices their portal access token in one query (payment links)."""
        missing = self.filtered(lambda move: not move.access_token)
        if not missing:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::text"
                " WHERE id IN %s AND access_token IS NULL",
                tuple(missing.ids),
            )
        )
        missing.invalidate_recordset(["access_token"])

    def _get_receivable_payment_url(self):
        """Absolute link of the invoice's portal page, with its access token, in the language
        of its debtor: the link that reminders carry, where the invoice can be paid online.

        The language is the URL's prefix (``/fr/my/invoices/...``), which Odoo's frontend
        routing serves in that language even without the website add-on, whatever language
        the visitor's browser had before. A language that is not active gets no prefix.
        """
        self.ensure_one()
        url = self.get_portal_url()
        lang = self.env["res.lang"]._get_data(code=self.commercial_partner_id.lang or "")
        if lang.url_code:
            url = f"/{lang.url_code}{url}"
        return self.get_base_url() + url

    def _receivable_get_held_amount(self):
        """What holds on an amount (open disputes) keep out of these invoices, in the
        company's currency at each invoice's own rate."""
        holds = self.env["receivable.dunning.hold"].search(
            [("move_id", "in", self.ids), ("amount", "!=", False), ("is_effective", "=", True)]
        )
        total = 0.0
        for move, move_holds in holds.grouped("move_id").items():
            rate = move.amount_residual_signed / move.amount_residual if move.amount_residual else 1
            total += min(sum(move_holds.mapped("amount")), move.amount_residual) * rate
        return total

    def action_receivable_hold(self):
        """Hold the reminders of this invoice, with a reason and an end date."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Hold Reminders"),
            "res_model": "receivable.dunning.hold",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_move_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_receivable_categorize(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Categorize"),
            "res_model": "receivable.categorize.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }
