from odoo import fields, models


class ReceivableDunningActionLine(models.Model):
    """One invoice item of a reminder, as it stood when the reminder was prepared."""

    _name = "receivable.dunning.action.line"
    _description = "Reminder Item"
    _order = "date_maturity, id"

    action_id = fields.Many2one(
        "receivable.dunning.action", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="action_id.company_id", store=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        "Journal Item",
        required=True,
        ondelete="cascade",
        index=True,
    )
    move_id = fields.Many2one("account.move", "Invoice", required=True, index=True)
    partner_id = fields.Many2one(related="action_id.partner_id", store=True, string="Debtor")
    level_id = fields.Many2one(
        "receivable.dunning.level",
        "Level",
        ondelete="restrict",
        help="The level this item reaches with this reminder.",
    )
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    currency_id = fields.Many2one("res.currency", required=True)
    company_currency_id = fields.Many2one(
        related="action_id.currency_id", string="Company Currency"
    )
    amount_total = fields.Monetary("Amount", currency_field="currency_id")
    amount_residual = fields.Monetary("Residual", currency_field="currency_id")
    amount_residual_company = fields.Monetary(
        "Residual (Company Currency)", currency_field="company_currency_id"
    )
    amount_disputed = fields.Monetary(
        "Disputed", currency_field="currency_id", help="Under dispute, so not reminded."
    )
    amount_disputed_company = fields.Monetary(
        "Disputed (Company Currency)", currency_field="company_currency_id"
    )
    amount_credited = fields.Monetary(
        "Paid by Credits",
        currency_field="company_currency_id",
        help="Taken from the debtor's credit notes and unmatched payments, oldest items first.",
    )
    interest_amount = fields.Monetary(
        "Late Interest", currency_field="company_currency_id", help="Accrued up to the date."
    )
    indemnity_amount = fields.Monetary(
        "Recovery Indemnity", currency_field="company_currency_id", help="Once per invoice."
    )
    date_maturity = fields.Date("Due Date")
    days_late = fields.Integer()
    previous_level_id = fields.Many2one("receivable.dunning.level", "Previous Level")
    previous_reminder_date = fields.Date("Last Reminder")
