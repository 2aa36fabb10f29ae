from odoo import fields, models
from odoo.tools import SQL

CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("post", "Post"),
    ("handoff", "Hand-off"),
    ("activity", "Activity"),
]


class ReceivableEffectivenessReport(models.Model):
    """Which step works: one row per sent reminder and channel it went out through (the
    e-mail posted, an SMS queued, a letter to print, a letter posted, the hand-off, the
    level's activity), with the amount it reminded and what of it was paid within the
    company's window after the reminder's date."""

    _name = "receivable.effectiveness.report"
    _description = "Reminder Effectiveness Analysis"
    _auto = False
    _order = "date desc, id"
    # fields the query reads: flushed by the ORM before the report is searched
    _depends = {
        "receivable.dunning.action": [
            "state",
            "date",
            "company_id",
            "partner_id",
            "level_id",
            "message_id",
            "letter_state",
            "snailmail_letter_id",
            "handoff_id",
        ],
        "receivable.dunning.action.line": ["action_id", "move_line_id", "amount_residual_company"],
        "receivable.dunning.level": ["policy_id", "activity_type_id"],
        "mail.message": ["model", "res_id", "message_type"],
        "account.partial.reconcile": ["debit_move_id", "max_date", "amount"],
        "res.company": ["currency_id", "receivable_effectiveness_days"],
    }

    action_id = fields.Many2one("receivable.dunning.action", "Reminder", readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    level_id = fields.Many2one("receivable.dunning.level", readonly=True)
    policy_id = fields.Many2one("receivable.dunning.policy", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    window_days = fields.Integer("Window (days)", readonly=True, aggregator="max")
    amount_reminded = fields.Monetary(readonly=True, currency_field="currency_id")
    amount_paid = fields.Monetary(
        "Paid Within the Window",
        readonly=True,
        currency_field="currency_id",
        help="What was paid of the reminded invoices from the reminder's date to the end of "
        "the company's window.",
    )
    share_paid = fields.Float(
        "Paid (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Paid within the window / amount reminded; a group's share is weighted by the "
        "amounts reminded.",
    )

    def _read_group_select(self, aggregate_spec, query):
        # a group's share is its amount paid over its amount reminded, not the mean of shares
        if aggregate_spec == "share_paid:avg":
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "amount_paid", query),
                self._field_to_sql(self._table, "amount_reminded", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @property
    def _table_query(self):
        channels = SQL(", ").join(
            SQL("(%s, %s, %s)", position, code, SQL(flag))
            for position, (code, flag) in enumerate(
                [
                    ("email", "action.message_id IS NOT NULL"),
                    (
                        "sms",
                        """EXISTS (SELECT 1 FROM mail_message message
                                    WHERE message.model = 'receivable.dunning.action'
                                      AND message.res_id = action.id
                                      AND message.message_type = 'sms')""",
                    ),
                    ("letter", "action.letter_state != 'none'"),
                    ("post", "action.snailmail_letter_id IS NOT NULL"),
                    ("handoff", "action.handoff_id IS NOT NULL"),
                    ("activity", "level.activity_type_id IS NOT NULL"),
                ]
            )
        )
        return SQL(
            """
            SELECT action.id * %(channel_count)s + channel.position AS id,
                   action.id AS action_id,
                   action.date,
                   action.company_id,
                   company.currency_id,
                   action.partner_id,
                   action.level_id,
                   level.policy_id,
                   channel.code AS channel,
                   company.receivable_effectiveness_days AS window_days,
                   amounts.reminded AS amount_reminded,
                   amounts.paid AS amount_paid,
                   100.0 * amounts.paid / NULLIF(amounts.reminded, 0) AS share_paid
              FROM receivable_dunning_action action
              JOIN receivable_dunning_level level ON level.id = action.level_id
              JOIN res_company company ON company.id = action.company_id
              JOIN LATERAL (
                   SELECT COALESCE(SUM(line.amount_residual_company), 0) AS reminded,
                          COALESCE(SUM(LEAST(line.amount_residual_company,
                                             COALESCE(paid.amount, 0))), 0) AS paid
                     FROM receivable_dunning_action_line line
                LEFT JOIN LATERAL (
                          SELECT SUM(partial.amount) AS amount
                            FROM account_partial_reconcile partial
                           WHERE partial.debit_move_id = line.move_line_id
                             AND partial.max_date >= action.date
                             AND partial.max_date
                                 <= action.date + company.receivable_effectiveness_days
                          ) paid ON TRUE
                    WHERE line.action_id = action.id
                   ) amounts ON TRUE
              JOIN LATERAL (VALUES %(channels)s) AS channel(position, code, used) ON channel.used
             WHERE action.state = 'sent'
            """,
            channel_count=len(CHANNELS),
            channels=channels,
        )
