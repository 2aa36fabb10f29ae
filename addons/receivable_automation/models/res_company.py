from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
