from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_portal_link_days = fields.Integer(
        "Statement Links Valid For (days)",
        default=30,
        help="How long the statement link that a reminder carries opens the debtor's "
        "statement without a password.",
    )

    _sql_constraints = [
        (
            "receivable_portal_link_days_positive",
            "CHECK(receivable_portal_link_days > 0)",
            "Statement links must be valid for at least one day.",
        )
    ]
