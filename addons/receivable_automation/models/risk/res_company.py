from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The factors of the payment score, with the company field that holds each one's weight.
SCORE_WEIGHT_FIELDS = {
    "days_late": "receivable_score_weight_days_late",
    "trend": "receivable_score_weight_trend",
    "promises": "receivable_score_weight_promises",
    "disputes": "receivable_score_weight_disputes",
    "level": "receivable_score_weight_level",
    "returns": "receivable_score_weight_returns",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_score_weight_days_late = fields.Integer(
        "Weight: Days Late",
        default=35,
        help="Points a debtor loses at most for its amount-weighted average days late.",
    )
    receivable_score_weight_trend = fields.Integer(
        "Weight: Trend",
        default=10,
        help="Points a debtor loses at most when it pays later in the last 3 months than in "
        "the 9 before.",
    )
    receivable_score_weight_promises = fields.Integer(
        "Weight: Broken Promises", default=20, help="Points lost at most for broken promises."
    )
    receivable_score_weight_disputes = fields.Integer(
        "Weight: Disputes", default=10, help="Points lost at most for disputes opened or lost."
    )
    receivable_score_weight_level = fields.Integer(
        "Weight: Dunning Level",
        default=15,
        help="Points lost at most for the highest dunning level reached.",
    )
    receivable_score_weight_returns = fields.Integer(
        "Weight: Returned Payments",
        default=10,
        help="Points lost at most for customer payments reversed (e.g. bank returns).",
    )
    receivable_credit_limit_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block")],
        "Above the Credit Limit",
        default="warn",
        required=True,
        help="Warn: Odoo's banner on the invoice. Block: posting an invoice that takes the "
        "customer above its credit limit is refused unless a credit manager overrides it.",
    )

    @api.constrains(*SCORE_WEIGHT_FIELDS.values())
    def _check_receivable_score_weights(self):
        for company in self:
            weights = [company[name] for name in SCORE_WEIGHT_FIELDS.values()]
            if any(weight < 0 for weight in weights):
                raise ValidationError(_("The weights of the payment score cannot be negative."))
            if sum(weights) > 100:
                raise ValidationError(
                    _(
                        "The weights of the payment score add up to %s: they cannot exceed 100.",
                        sum(weights),
                    )
                )

    def _get_receivable_score_weights(self):
        """{factor code: weight} of this company's payment score."""
        self.ensure_one()
        return {code: self[name] for code, name in SCORE_WEIGHT_FIELDS.items()}
