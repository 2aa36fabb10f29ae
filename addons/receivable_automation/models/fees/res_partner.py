from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_contract_rate = fields.Float(
        "Contractual Late-Payment Rate (%)",
        digits=(16, 4),
        help="Yearly rate agreed in the contract, instead of the reference rate plus margin "
        "(never less than three times the legal rate).",
        groups="base.group_user",
        tracking=True,
    )

    def _receivable_fees_apply(self, company):
        """Late-payment fees are for business customers, in the company's fee countries."""
        self.ensure_one()
        return (
            company.receivable_fees_enabled
            and self.is_company
            and (
                not company.receivable_fee_country_ids
                or self.country_id in company.receivable_fee_country_ids
            )
        )
