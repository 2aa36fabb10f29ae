from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    _sql_constraints = [
        (
            "receivable_share_days_positive",
            "CHECK(receivable_share_days > 0)",
            "A share link is valid for one day at least.",
        ),
    ]

    receivable_share_days = fields.Integer(
        "Share Links Valid For (days)",
        default=14,
        help="Default validity of a link that shares documents with a customer or a third "
        "party.",
    )
