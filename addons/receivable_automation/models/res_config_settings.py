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
    receivable_fees_enabled = fields.Boolean(
        related="company_id.receivable_fees_enabled", readonly=False
    )
    receivable_fee_margin = fields.Float(related="company_id.receivable_fee_margin", readonly=False)
    receivable_fee_indemnity = fields.Monetary(
        related="company_id.receivable_fee_indemnity", readonly=False
    )
    receivable_fee_country_ids = fields.Many2many(
        related="company_id.receivable_fee_country_ids", readonly=False
    )
    receivable_plan_approval_amount = fields.Monetary(
        related="company_id.receivable_plan_approval_amount", readonly=False
    )
    receivable_plan_grace_days = fields.Integer(
        related="company_id.receivable_plan_grace_days", readonly=False
    )
