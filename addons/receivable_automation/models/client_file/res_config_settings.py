from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_upload_link_days = fields.Integer(
        related="company_id.receivable_upload_link_days", readonly=False
    )
