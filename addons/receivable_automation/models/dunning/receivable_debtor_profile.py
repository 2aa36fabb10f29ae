from odoo import fields, models


class ReceivableDebtorProfile(models.Model):
    """A group of debtors that share a dunning policy (e.g. key accounts, public sector)."""

    _name = "receivable.debtor.profile"
    _description = "Debtor Profile"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    policy_id = fields.Many2one(
        "receivable.dunning.policy",
        "Dunning Policy",
        check_company=True,
        help="Policy of the debtors with this profile, unless the debtor has its own.",
    )
    partner_ids = fields.One2many("res.partner", "receivable_profile_id", "Debtors")
