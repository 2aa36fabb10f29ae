from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_score_weight_days_late = fields.Integer(
        related="company_id.receivable_score_weight_days_late", readonly=False
    )
    receivable_score_weight_trend = fields.Integer(
        related="company_id.receivable_score_weight_trend", readonly=False
    )
    receivable_score_weight_promises = fields.Integer(
        related="company_id.receivable_score_weight_promises", readonly=False
    )
    receivable_score_weight_disputes = fields.Integer(
        related="company_id.receivable_score_weight_disputes", readonly=False
    )
    receivable_score_weight_level = fields.Integer(
        related="company_id.receivable_score_weight_level", readonly=False
    )
    receivable_score_weight_returns = fields.Integer(
        related="company_id.receivable_score_weight_returns", readonly=False
    )
    receivable_credit_limit_mode = fields.Selection(
        related="company_id.receivable_credit_limit_mode", readonly=False
    )
