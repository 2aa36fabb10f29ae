from odoo import api, fields, models


class ReceivablePaymentClaimLine(models.Model):
    _name = "receivable.payment.claim.line"
    _description = "Invoice of an Announced Payment"

    claim_id = fields.Many2one(
        "receivable.payment.claim", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True)
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Left to Pay")
    residual_at_claim = fields.Monetary(
        "Left to Pay When Announced",
        currency_field="currency_id",
        readonly=True,
        help="What a payment reconciled since then is measured against.",
    )
    previous_category_id = fields.Many2one(
        "receivable.category",
        readonly=True,
        help="Given back to the invoice when the claim ends.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            [vals["move_id"] for vals in vals_list if vals.get("move_id")]
        )
        residuals = {move.id: move.amount_residual for move in moves}
        for vals in vals_list:
            vals.setdefault("residual_at_claim", residuals.get(vals.get("move_id"), 0.0))
        return super().create(vals_list)
