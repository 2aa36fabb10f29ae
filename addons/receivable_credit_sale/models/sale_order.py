from odoo import _, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    receivable_credit_limit_mode = fields.Selection(
        related="company_id.receivable_credit_limit_mode"
    )

    def action_confirm(self):
        if not self.env.context.get("receivable_credit_override"):
            self._check_receivable_credit_limit()
        return super().action_confirm()

    def _check_receivable_credit_limit(self):
        """Refuse to confirm an order that takes its customer above its credit limit, when the
        company blocks. Orders confirmed by the customer online (portal signature or payment)
        are not held: the customer has already committed or paid."""
        if not self.env.user._is_internal():
            return
        for order in self.filtered(lambda o: o._is_receivable_credit_checked()):
            exposure, limit = order._get_receivable_credit_figures()
            if limit and exposure > limit:
                raise UserError(order._get_receivable_credit_block_message(exposure, limit))

    def _is_receivable_credit_checked(self):
        self.ensure_one()
        company = self.company_id
        return (
            self.state in ("draft", "sent")
            and company.account_use_credit_limit
            and company.receivable_credit_limit_mode == "block"
        )

    def _get_receivable_credit_figures(self):
        """(exposure with this order, credit limit) in the company's currency."""
        self.ensure_one()
        company = self.company_id
        amount = self.currency_id._convert(
            self.amount_total, company.currency_id, company, fields.Date.context_today(self)
        )
        partner = self.partner_id
        exposure = partner._get_receivable_exposure(company, amount=amount)
        return exposure, partner._get_receivable_credit_limit(company)

    def _get_receivable_credit_block_message(self, exposure, limit):
        currency = self.company_id.currency_id
        return _(
            "%(order)s would take %(customer)s to %(exposure)s, above its credit limit of "
            "%(limit)s. A credit manager can confirm it anyway, with a reason.",
            order=self.name,
            customer=self.partner_id.commercial_partner_id.name,
            exposure=currency.format(exposure),
            limit=currency.format(limit),
        )

    def action_receivable_confirm_anyway(self):
        """Open the override wizard: a credit manager confirms above the limit, with a
        reason."""
        self.ensure_one()
        return self.env["receivable.credit.override.wizard"]._open_for(self)

    def _receivable_override_credit_limit(self):
        """Confirm despite the limit (called by the override wizard)."""
        return self.with_context(receivable_credit_override=True).action_confirm()
