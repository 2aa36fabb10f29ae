from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_portal_link_days = fields.Integer(
        related="company_id.receivable_portal_link_days", readonly=False
    )
    receivable_portal_dispute_days = fields.Integer(
        related="company_id.receivable_portal_dispute_days", readonly=False
    )
    receivable_portal_promise_days = fields.Integer(
        related="company_id.receivable_portal_promise_days", readonly=False
    )
    receivable_portal_promise_min_percent = fields.Float(
        related="company_id.receivable_portal_promise_min_percent", readonly=False
    )
    receivable_portal_plan_min_count = fields.Integer(
        related="company_id.receivable_portal_plan_min_count", readonly=False
    )
    receivable_portal_plan_max_count = fields.Integer(
        related="company_id.receivable_portal_plan_max_count", readonly=False
    )
    receivable_portal_plan_min_instalment = fields.Monetary(
        related="company_id.receivable_portal_plan_min_instalment", readonly=False
    )
    receivable_portal_plan_months = fields.Integer(
        related="company_id.receivable_portal_plan_months", readonly=False
    )
    receivable_portal_plan_fee = fields.Monetary(
        related="company_id.receivable_portal_plan_fee", readonly=False
    )
    receivable_portal_plan_auto_approve = fields.Boolean(
        related="company_id.receivable_portal_plan_auto_approve", readonly=False
    )
