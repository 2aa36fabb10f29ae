from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .dunning.receivable_dunning_sender import DEFAULT_SENDERS, MAX_SENDERS, SENDERS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_policy_id = fields.Many2one(
        related="company_id.receivable_policy_id", readonly=False
    )
    receivable_batch_size = fields.Integer(
        related="company_id.receivable_batch_size", readonly=False
    )
    receivable_parallel_senders = fields.Integer(
        "Parallel Senders",
        config_parameter=SENDERS_PARAM,
        default=DEFAULT_SENDERS,
        help="Scheduled actions that send the reminders planned by the daily run, each in a "
        "cron worker of its own: at most as many as the cron workers of all the servers.",
    )
    receivable_promise_grace_days = fields.Integer(
        related="company_id.receivable_promise_grace_days", readonly=False
    )
    receivable_payment_claim_days = fields.Integer(
        related="company_id.receivable_payment_claim_days", readonly=False
    )
    receivable_inquiry_days = fields.Integer(
        related="company_id.receivable_inquiry_days", readonly=False
    )
    receivable_fees_enabled = fields.Boolean(
        related="company_id.receivable_fees_enabled", readonly=False
    )
    receivable_fee_margin = fields.Float(related="company_id.receivable_fee_margin", readonly=False)
    receivable_fee_indemnity = fields.Monetary(
        related="company_id.receivable_fee_indemnity", readonly=False
    )
    receivable_fee_country_ids = fields.Many2many(
        related="company_id.receivable_fee_country_ids", readonly=False
    )
    receivable_plan_approval_amount = fields.Monetary(
        related="company_id.receivable_plan_approval_amount", readonly=False
    )
    receivable_plan_grace_days = fields.Integer(
        related="company_id.receivable_plan_grace_days", readonly=False
    )
    receivable_online_payment = fields.Boolean(
        "Debtors Can Pay Online",
        compute="_compute_receivable_online_payment",
        help="A payment provider of the company is ready: the links of the reminders offer to "
        "pay each invoice online.",
    )

    @api.constrains("receivable_parallel_senders")
    def _check_receivable_parallel_senders(self):
        for settings in self:
            if not 1 <= settings.receivable_parallel_senders <= MAX_SENDERS:
                raise ValidationError(_("Parallel senders must be between 1 and %s.", MAX_SENDERS))

    @api.depends("company_id")
    def _compute_receivable_online_payment(self):
        for settings in self:
            settings.receivable_online_payment = bool(
                settings.company_id._receivable_get_online_payment_companies()
            )

    def set_values(self):
        res = super().set_values()
        self.env["receivable.dunning.sender"]._sync_sender_crons()
        return res
