from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    _sql_constraints = [
        (
            "receivable_effectiveness_days_positive",
            "CHECK(receivable_effectiveness_days > 0)",
            "A reminder's effectiveness is measured over one day at least.",
        ),
    ]

    receivable_effectiveness_days = fields.Integer(
        "Reminder Effectiveness Window (days)",
        default=14,
        help="A reminded amount counts as paid thanks to the reminder when it is paid within "
        "these days after the reminder's date.",
    )
    receivable_chronic_days = fields.Integer(
        "Chronic Late Payer Above (days)",
        default=10,
        help="A customer whose invoices paid in the last 12 months were paid this many days "
        "late or more on average (weighted by amount) is a chronic late payer.",
    )
