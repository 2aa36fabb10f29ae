from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_portal_link_days = fields.Integer(
        "Statement Links Valid For (days)",
        default=30,
        help="How long the statement link that a reminder carries opens the debtor's "
        "statement without a password.",
    )
    receivable_portal_dispute_days = fields.Integer(
        "Answer Portal Disputes Within (days)",
        default=14,
        help="Deadline of a dispute that a customer opens on its statement, from the day it "
        "opens it.",
    )

    # promise to pay and payment plan from the portal: the company's rules
    receivable_portal_promise_days = fields.Integer(
        "Promise at Most (days ahead)",
        default=30,
        help="A customer may promise to pay on its statement up to this many days from today.",
    )
    receivable_portal_promise_min_percent = fields.Float(
        "Promise at Least (% of the amount due)",
        default=50.0,
        help="A promise made on the statement covers at least this share of what is left to "
        "pay on the invoices it is about.",
    )
    receivable_portal_plan_min_count = fields.Integer("Plan: Fewest Instalments", default=2)
    receivable_portal_plan_max_count = fields.Integer("Plan: Most Instalments", default=6)
    receivable_portal_plan_min_instalment = fields.Monetary(
        "Plan: Smallest Instalment", currency_field="currency_id", default=100.0
    )
    receivable_portal_plan_months = fields.Integer(
        "Plan: Longest Duration (months)",
        default=6,
        help="The last monthly instalment of a plan asked for on the statement falls within "
        "this many months from today.",
    )
    receivable_portal_plan_fee = fields.Monetary(
        "Plan: Fee",
        currency_field="currency_id",
        help="Added to the first instalment of a plan asked for on the statement; the customer "
        "sees it before confirming.",
    )
    receivable_portal_plan_auto_approve = fields.Boolean(
        "Plan: Approve Automatically",
        help="A plan asked for on the statement within these rules is approved at once and "
        "sent to the customer for signature, unless its amount needs a credit manager's "
        "approval; otherwise the debtor's collector approves it.",
    )

    _sql_constraints = [
        (
            "receivable_portal_link_days_positive",
            "CHECK(receivable_portal_link_days > 0)",
            "Statement links must be valid for at least one day.",
        ),
        (
            "receivable_portal_dispute_days_positive",
            "CHECK(receivable_portal_dispute_days > 0)",
            "A dispute opened on the statement must be answered within one day at least.",
        ),
    ]

    @api.constrains(
        "receivable_portal_promise_days",
        "receivable_portal_promise_min_percent",
        "receivable_portal_plan_min_count",
        "receivable_portal_plan_max_count",
        "receivable_portal_plan_min_instalment",
        "receivable_portal_plan_months",
        "receivable_portal_plan_fee",
    )
    def _check_receivable_portal_rules(self):
        for company in self:
            if company.receivable_portal_promise_days < 1:
                raise ValidationError(_("A promise must be allowed at least one day ahead."))
            if not 0 <= company.receivable_portal_promise_min_percent <= 100:
                raise ValidationError(_("The smallest share promised is between 0 and 100%."))
            min_count = company.receivable_portal_plan_min_count
            if not 1 <= min_count <= company.receivable_portal_plan_max_count:
                raise ValidationError(
                    _(
                        "A payment plan has at least one instalment, and the fewest "
                        "instalments cannot be more than the most."
                    )
                )
            if company.receivable_portal_plan_months < 1:
                raise ValidationError(_("A payment plan may last at least one month."))
            if company.receivable_portal_plan_min_instalment < 0 or (
                company.receivable_portal_plan_fee < 0
            ):
                raise ValidationError(
                    _("The smallest instalment and the plan's fee cannot be negative.")
                )
