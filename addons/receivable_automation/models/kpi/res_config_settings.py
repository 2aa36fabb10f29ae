from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_effectiveness_days = fields.Integer(
        related="company_id.receivable_effectiveness_days", readonly=False
    )
    receivable_chronic_days = fields.Integer(
        related="company_id.receivable_chronic_days", readonly=False
    )
