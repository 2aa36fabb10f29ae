from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    receivable_fees_waived = fields.Boolean(
        "Fees Waived", tracking=True, copy=False, help="Set by a credit manager."
    )
    receivable_fees_waiver_reason = fields.Char("Waiver Reason", tracking=True, copy=False)
    receivable_fees_move_id = fields.Many2one(
        "account.move", "Fees Invoice", copy=False, readonly=True, index="btree_not_null"
    )

    @api.constrains("receivable_fees_waived", "receivable_fees_waiver_reason")
    def _check_receivable_fees_waiver_reason(self):
        for move in self:
            if move.receivable_fees_waived and not move.receivable_fees_waiver_reason:
                raise ValidationError(
                    _("Say why the late-payment fees of %s are waived.", move.display_name)
                )

    def write(self, vals):
        if "receivable_fees_waived" in vals and not self.env.user.has_group(
            "receivable_automation.group_receivable_manager"
        ):
            raise AccessError(_("Only a credit manager can waive late-payment fees."))
        return super().write(vals)

    def _receivable_fees(self, date):
        """(interest, indemnity) due on this invoice on ``date``, in the company's currency."""
        self.ensure_one()
        debtor = self.commercial_partner_id
        if self.receivable_fees_waived or not debtor._receivable_fees_apply(self.company_id):
            return 0.0, 0.0
        items = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
            and line.date_maturity
            and line.date_maturity < date
            and not line.reconciled
        )
        Rate = self.env["receivable.interest.rate"]
        rates = Rate._get_rates(self.company_id, date)
        interest = sum(
            Rate._get_interest(
                line.amount_residual,
                line.date_maturity,
                date,
                self.company_id,
                debtor.receivable_contract_rate,
                rates=rates,
            )
            for line in items
        )
        indemnity = self.company_id.receivable_fee_indemnity if items else 0.0
        return interest, indemnity
