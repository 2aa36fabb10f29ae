from odoo import fields, models


class ReceivableDisputeReason(models.Model):
    _name = "receivable.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
