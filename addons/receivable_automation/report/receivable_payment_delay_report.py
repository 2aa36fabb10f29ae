from odoo import fields, models
from odoo.tools import SQL


class ReceivablePaymentDelayReport(models.Model):
    """How late each customer pays: paid invoices with the days between due date and the
    last payment reconciled on them."""

    _name = "receivable.payment.delay.report"
    _description = "Payment Delays Analysis"
    _auto = False
    _order = "payment_date desc, id"
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
            "balance",
        ],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
        "account.account": ["account_type"],
    }

    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    payment_date = fields.Date(readonly=True)
    days_late = fields.Integer("Days Late (Average)", readonly=True, aggregator="avg")
    is_late = fields.Boolean("Paid Late", readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT aml.id,
                   aml.move_id,
                   aml.partner_id,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   aml.date_maturity,
                   paid.payment_date,
                   GREATEST(paid.payment_date - aml.date_maturity, 0) AS days_late,
                   paid.payment_date > aml.date_maturity AS is_late,
                   aml.balance AS amount
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN LATERAL (
                   SELECT MAX(partial.max_date) AS payment_date
                     FROM account_partial_reconcile partial
                    WHERE partial.debit_move_id = aml.id
                   ) paid ON paid.payment_date IS NOT NULL
             WHERE aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND aml.reconciled
               AND aml.balance > 0
               AND aml.date_maturity IS NOT NULL
            """
        )
