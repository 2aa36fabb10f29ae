from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    _sql_constraints = [
        (
            "receivable_out_of_office_days_positive",
            "CHECK(receivable_out_of_office_days > 0)",
            "The days an out-of-office reply holds reminders must be positive.",
        ),
    ]

    receivable_out_of_office_days = fields.Integer(
        "Out of Office Without Return Date (days)",
        default=3,
        help="An out-of-office reply that gives no return date holds the debtor's reminders "
        "this many days.",
    )
