from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_policy_id = fields.Many2one(
        related="company_id.receivable_policy_id", readonly=False
    )
    receivable_batch_size = fields.Integer(
        related="company_id.receivable_batch_size", readonly=False
    )
    receivable_promise_grace_days = fields.Integer(
        related="company_id.receivable_promise_grace_days", readonly=False
    )
