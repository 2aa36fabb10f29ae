from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    receivable_credit_limit_mode = fields.Selection(
        related="company_id.receivable_credit_limit_mode"
    )

    def _post(self, soft=True):
        if not self.env.context.get("receivable_credit_override"):
            self._check_receivable_credit_limit()
        return super()._post(soft)

    def _check_receivable_credit_limit(self):
        """Refuse to post a customer invoice that takes its customer above its credit limit,
        when the company blocks."""
        posted_before = defaultdict(float)  # invoices of the same customer posted together
        for move in self.filtered(lambda m: m._is_receivable_credit_checked()):
            key = (move.company_id, move.commercial_partner_id)
            exposure, limit = move._get_receivable_credit_figures(posted_before[key])
            if limit and exposure > limit:
                raise UserError(move._get_receivable_credit_block_message(exposure, limit))
            posted_before[key] += abs(move.amount_total_signed)

    def _is_receivable_credit_checked(self):
        self.ensure_one()
        company = self.company_id
        return (
            self.move_type == "out_invoice"
            and company.account_use_credit_limit
            and company.receivable_credit_limit_mode == "block"
        )

    def _get_receivable_credit_figures(self, posted_before=0.0):
        """(exposure with this invoice, credit limit) in the company's currency;
        ``posted_before``: invoices of the customer posted in the same batch, before this one."""
        self.ensure_one()
        partner = self.partner_id
        exposure = partner._get_receivable_exposure(
            self.company_id,
            amount=abs(self.amount_total_signed) + posted_before,
            exclude_amount=self._get_partner_credit_warning_exclude_amount(),
        )
        return exposure, partner._get_receivable_credit_limit(self.company_id)

    def _get_receivable_credit_block_message(self, exposure, limit):
        currency = self.company_id.currency_id
        return _(
            "%(invoice)s would take %(customer)s to %(exposure)s, above its credit limit of "
            "%(limit)s. A credit manager can post it anyway, with a reason.",
            invoice=self.display_name,
            customer=self.commercial_partner_id.name,
            exposure=currency.format(exposure),
            limit=currency.format(limit),
        )

    def action_receivable_post_anyway(self):
        """Open the override wizard: a credit manager posts above the limit, with a reason."""
        self.ensure_one()
        return self.env["receivable.credit.override.wizard"]._open_for(self)

    def _receivable_override_credit_limit(self):
        """Validate despite the limit (called by the override wizard)."""
        return self.with_context(receivable_credit_override=True).action_post()
