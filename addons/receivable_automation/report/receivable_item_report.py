from odoo import fields, models
from odoo.tools import SQL

AGING_BUCKETS = [
    ("0_not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("2_60", "31-60 Days"),
    ("3_90", "61-90 Days"),
    ("4_120", "91-120 Days"),
    ("5_older", "Over 120 Days"),
]


class ReceivableItemReport(models.Model):
    """Open customer items with their category, level and age (aging, outstanding by
    category, per-level lists)."""

    _name = "receivable.item.report"
    _description = "Open Receivables Analysis"
    _auto = False
    _order = "date_maturity, id"
    # fields the query reads: flushed by the ORM before the report is searched
    _depends = {
        "account.move.line": [
            "move_id",
            "partner_id",
            "company_id",
            "company_currency_id",
            "account_id",
            "date_maturity",
            "parent_state",
            "reconciled",
            "amount_residual",
            "receivable_level_id",
            "receivable_last_reminder_date",
        ],
        "account.move": ["invoice_user_id", "receivable_category_id"],
        "res.partner": ["commercial_partner_id"],
        "account.account": ["account_type"],
    }

    move_line_id = fields.Many2one("account.move.line", "Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    salesperson_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    category_id = fields.Many2one("receivable.category", "Category", readonly=True)
    level_id = fields.Many2one("receivable.dunning.level", "Level", readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    last_reminder_date = fields.Date("Last Reminder", readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="avg")
    aging_bucket = fields.Selection(AGING_BUCKETS, "Age", readonly=True)
    amount_residual = fields.Monetary("Outstanding", readonly=True, currency_field="currency_id")
    amount_overdue = fields.Monetary("Overdue", readonly=True, currency_field="currency_id")
    amount_credited = fields.Monetary(
        "Paid by Credits",
        readonly=True,
        currency_field="currency_id",
        help="The debtor's credit notes and unmatched payments, counted on its oldest items.",
    )

    @property
    def _table_query(self):
        # A debtor's credits (credit notes, unmatched payments) pay its oldest items first, as
        # in the dunning run: each item shows what is left once they are counted.
        return SQL(
            """
            WITH credit AS (
                SELECT aml.company_id, partner.commercial_partner_id AS debtor_id,
                       -SUM(aml.amount_residual) AS amount
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled
                   AND aml.amount_residual < 0
              GROUP BY aml.company_id, partner.commercial_partner_id
            ), item AS (
                SELECT aml.id, aml.move_id, aml.company_id, aml.company_currency_id,
                       aml.date_maturity, aml.amount_residual, aml.receivable_level_id,
                       aml.receivable_last_reminder_date,
                       partner.commercial_partner_id AS debtor_id,
                       SUM(aml.amount_residual) OVER (
                           PARTITION BY aml.company_id, partner.commercial_partner_id
                           ORDER BY aml.date_maturity, aml.id
                       ) - aml.amount_residual AS amount_before
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled
                   AND aml.amount_residual > 0
            ), netted AS (
                SELECT item.*,
                       LEAST(item.amount_residual,
                             GREATEST(COALESCE(credit.amount, 0) - item.amount_before, 0))
                           AS amount_credited
                  FROM item
             LEFT JOIN credit ON credit.company_id = item.company_id
                             AND credit.debtor_id = item.debtor_id
            )
            SELECT netted.id,
                   netted.id AS move_line_id,
                   netted.move_id,
                   netted.debtor_id AS partner_id,
                   move.invoice_user_id AS salesperson_id,
                   netted.company_id,
                   netted.company_currency_id AS currency_id,
                   move.receivable_category_id AS category_id,
                   netted.receivable_level_id AS level_id,
                   netted.date_maturity,
                   netted.receivable_last_reminder_date AS last_reminder_date,
                   GREATEST(CURRENT_DATE - netted.date_maturity, 0) AS days_late,
                   CASE
                       WHEN netted.date_maturity >= CURRENT_DATE THEN '0_not_due'
                       WHEN CURRENT_DATE - netted.date_maturity <= 30 THEN '1_30'
                       WHEN CURRENT_DATE - netted.date_maturity <= 60 THEN '2_60'
                       WHEN CURRENT_DATE - netted.date_maturity <= 90 THEN '3_90'
                       WHEN CURRENT_DATE - netted.date_maturity <= 120 THEN '4_120'
                       ELSE '5_older'
                   END AS aging_bucket,
                   netted.amount_credited,
                   netted.amount_residual - netted.amount_credited AS amount_residual,
                   CASE WHEN netted.date_maturity < CURRENT_DATE
                        THEN netted.amount_residual - netted.amount_credited ELSE 0 END
                       AS amount_overdue
              FROM netted
              JOIN account_move move ON move.id = netted.move_id
             WHERE netted.amount_residual > netted.amount_credited
            """
        )
