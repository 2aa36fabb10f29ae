from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ReceivableDisputeLine(models.Model):
    _name = "receivable.dispute.line"
    _description = "Disputed Invoice"

    dispute_id = fields.Many2one(
        "receivable.dispute", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="dispute_id.company_id", store=True)
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Left to Pay")
    amount = fields.Monetary(
        "Disputed Amount",
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="Defaults to what is left to pay on the invoice.",
    )
    previous_category_id = fields.Many2one("receivable.category", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.dispute_id.filtered("receivable_hold_ids")._hold_refresh()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if {"amount", "move_id"} & set(vals):
            self.dispute_id._hold_refresh()
        return result

    @api.depends("move_id")
    def _compute_amount(self):
        for line in self:
            if not line.amount:
                line.amount = line.move_id.amount_residual

    @api.constrains("amount", "move_id")
    def _check_amount(self):
        for line in self:
            if line.currency_id.compare_amounts(line.amount, 0) <= 0:
                raise ValidationError(_("A disputed amount must be positive."))
            if line.currency_id.compare_amounts(line.amount, line.move_id.amount_residual) > 0:
                raise ValidationError(
                    _(
                        "The disputed amount of %(invoice)s cannot exceed what is left to pay "
                        "(%(residual)s).",
                        invoice=line.move_id.name,
                        residual=line.currency_id.format(line.move_id.amount_residual),
                    )
                )
