from odoo import fields, models


class ReceivablePartnerScoreFactor(models.Model):
    """One factor of a payment score: what was measured, its weight and the points it cost."""

    _name = "receivable.partner.score.factor"
    _description = "Payment Score Factor"
    _order = "score_id, points desc, id"

    score_id = fields.Many2one(
        "receivable.partner.score", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="score_id.partner_id", string="Debtor")
    company_id = fields.Many2one(related="score_id.company_id", store=True, index=True)
    code = fields.Selection(
        [
            ("days_late", "Days Late"),
            ("trend", "Trend of Days Late"),
            ("promises", "Broken Promises"),
            ("disputes", "Disputes"),
            ("level", "Highest Dunning Level"),
            ("returns", "Returned Payments"),
        ],
        "Factor Code",
        required=True,
        readonly=True,
    )
    name = fields.Char("Factor", required=True, readonly=True)
    value = fields.Float("Measured", readonly=True, digits=(16, 1))
    weight = fields.Integer("Weight (%)", readonly=True, help="Points the factor can cost at most.")
    points = fields.Float("Points Lost", readonly=True, digits=(16, 2))
    explanation = fields.Char(readonly=True)
