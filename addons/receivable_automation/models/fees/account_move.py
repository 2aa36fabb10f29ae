from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..followup.receivable_state_mixin import MANAGER_GROUP

WAIVER_FIELDS = ("receivable_fees_waived", "receivable_fees_waiver_reason")


class AccountMove(models.Model):
    _inherit = "account.move"

    receivable_fees_waived = fields.Boolean(
        "Fees Waived",
        tracking=True,
        copy=False,
        help="Set by a credit manager.",
        groups="base.group_user",
    )
    receivable_fees_waiver_reason = fields.Char(
        "Waiver Reason", tracking=True, copy=False, groups="base.group_user"
    )
    receivable_fees_move_id = fields.Many2one(
        "account.move",
        "Fees Invoice",
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups="base.group_user",
    )

    @api.constrains("receivable_fees_waived", "receivable_fees_waiver_reason")
    def _check_receivable_fees_waiver_reason(self):
        for move in self:
            if move.receivable_fees_waived and not move.receivable_fees_waiver_reason:
                raise ValidationError(
                    _("Say why the late-payment fees of %s are waived.", move.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        # after the defaults: a waiver may come from the context as well as from the values
        if any(moves.mapped("receivable_fees_waived")):
            moves._check_receivable_fees_waiver_access()
        return moves

    def write(self, vals):
        if any(name in vals for name in WAIVER_FIELDS):
            self._check_receivable_fees_waiver_access()
        return super().write(vals)

    def _check_receivable_fees_waiver_access(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(_("Only a credit manager can waive late-payment fees."))

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
