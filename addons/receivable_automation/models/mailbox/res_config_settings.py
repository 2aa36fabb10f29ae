from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_out_of_office_days = fields.Integer(
        related="company_id.receivable_out_of_office_days", readonly=False
    )
