from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_share_days = fields.Integer(
        related="company_id.receivable_share_days", readonly=False
    )
