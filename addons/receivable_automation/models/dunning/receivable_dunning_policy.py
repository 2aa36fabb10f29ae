from odoo import fields, models


class ReceivableDunningPolicy(models.Model):
    """A dunning workflow: the ordered levels a debtor's overdue invoices go through."""

    _name = "receivable.dunning.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    description = fields.Text(translate=True)
    one_reminder_per_day = fields.Boolean(
        "One Reminder per Day",
        default=True,
        tracking=True,
        help="A debtor whose invoices are due at several levels on the same day gets one "
        "reminder, in the tone of the highest level, each invoice at its own level. Otherwise "
        "it gets one reminder per level.",
    )
    level_ids = fields.One2many("receivable.dunning.level", "policy_id", "Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count")

    def _compute_level_count(self):
        counts = {
            policy.id: count
            for policy, count in self.env["receivable.dunning.level"]._read_group(
                [("policy_id", "in", self.ids)], ["policy_id"], ["__count"]
            )
        }
        for policy in self:
            policy.level_count = counts.get(policy.id, 0)

    def _get_sorted_levels(self):
        """Levels in the order a debtor goes through them."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.days, level.id))
