from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_alias_name = fields.Char(
        "Receivables Mailbox",
        related="company_id.receivable_alias_id.alias_name",
        readonly=False,
    )
    receivable_alias_domain_id = fields.Many2one(
        related="company_id.receivable_alias_id.alias_domain_id",
        string="Receivables Mailbox Domain",
        readonly=False,
    )
    receivable_inquiry_hold = fields.Boolean(
        related="company_id.receivable_inquiry_hold", readonly=False
    )

    receivable_out_of_office_days = fields.Integer(
        related="company_id.receivable_out_of_office_days", readonly=False
    )
