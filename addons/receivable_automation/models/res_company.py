from odoo import fields, models
from odoo.tools import str2bool


class ResCompany(models.Model):
    _inherit = "res.company"

    _sql_constraints = [
        (
            "receivable_payment_claim_days_positive",
            "CHECK(receivable_payment_claim_days > 0)",
            "An announced payment holds the reminders for one day at least.",
        ),
    ]

    receivable_policy_id = fields.Many2one(
        "receivable.dunning.policy",
        "Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy of the debtors that have none of their own and no profile with one.",
    )
    receivable_batch_size = fields.Integer(
        "Reminders per Batch",
        default=200,
        help="The daily run commits after each batch of debtors; several workers can share "
        "the batches of one run.",
    )
    receivable_promise_grace_days = fields.Integer(
        "Promise Grace Days",
        default=3,
        help="Days after a promised date before the promise counts as broken.",
    )
    receivable_payment_claim_days = fields.Integer(
        "Announced Payments Held For (days)",
        default=5,
        help="When a customer says it has already paid, its invoices wait this many days for "
        "the payment to be reconciled before reminders resume.",
    )
    receivable_inquiry_days = fields.Integer(
        "Answer Questions Within (business days)",
        default=2,
        help="Due date of a customer's question, in business days from the day it came.",
    )
    receivable_fees_enabled = fields.Boolean(
        "Late-Payment Fees",
        help="Compute late-payment interest and the fixed recovery indemnity on the reminders "
        "of business customers (France / EU).",
    )
    receivable_fee_margin = fields.Float(
        "Points Above the Reference Rate",
        default=10.0,
        help="Late-payment interest = ECB refinancing rate + these points (10 by French law).",
    )
    receivable_fee_indemnity = fields.Monetary(
        "Recovery Indemnity per Invoice",
        currency_field="currency_id",
        default=40.0,
        help="Fixed indemnity for recovery costs, per late invoice, business customers only.",
    )
    receivable_fee_country_ids = fields.Many2many(
        "res.country",
        string="Fees for Customers In",
        help="Leave empty for customers of every country.",
    )
    receivable_plan_approval_amount = fields.Monetary(
        "Payment Plan Approval Above",
        currency_field="currency_id",
        default=5000.0,
        help="Payment plans above this amount must be approved by a credit manager.",
    )
    receivable_plan_grace_days = fields.Integer(
        "Payment Plan Grace Days",
        default=10,
        help="Days after an instalment's date before an unpaid instalment breaks the plan.",
    )

    def _receivable_get_online_payment_companies(self):
        """Those of these companies whose customers can pay an invoice online from the link of a
        reminder: portal payment is on (Odoo's Invoicing setting) and a payment provider of the
        company is enabled or in test mode, published, with an active payment method."""
        # a system parameter, read like Odoo's portal reads it before offering to pay
        setting = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("account_payment.enable_portal_payment")
        )
        if not str2bool(setting or "0"):
            return self.browse()
        # payment providers are readable by administrators only; the collector who sends a
        # reminder learns from them whether each company takes payments online, nothing else
        groups = (
            self.env["payment.provider"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", self.ids),
                    ("state", "in", ("enabled", "test")),
                    ("is_published", "=", True),
                    ("payment_method_ids.active", "=", True),
                ],
                ["company_id"],
            )
        )
        return self.browse([company.id for (company,) in groups])
