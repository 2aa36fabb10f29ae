from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    receivable_level_id = fields.Many2one(
        "receivable.dunning.level",
        "Dunning Level",
        copy=False,
        index="btree_not_null",
        help="Last level reminded for this item.",
        groups="base.group_user",
    )
    receivable_last_reminder_date = fields.Date(
        "Last Reminder", copy=False, groups="base.group_user"
    )

    def _get_open_receivable_domain(self):
        """Posted customer items that still have something to pay."""
        return [
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
        ]
