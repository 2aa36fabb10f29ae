from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_retention_commercial_years = fields.Integer(
        related="company_id.receivable_retention_commercial_years", readonly=False
    )
    receivable_retention_tax_years = fields.Integer(
        related="company_id.receivable_retention_tax_years", readonly=False
    )
