"""18.0.1.1.0: the exclusion fields of debtors and invoices become dunning holds.

Open disputes, promises, payment plans and hand-offs place their own holds; an exclusion that
none of them explains becomes a manual hold with its reason and end date.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

OWNERS = {
    "receivable.dispute": [("state", "in", ("new", "in_progress"))],
    "receivable.promise": [("state", "=", "open")],
    "receivable.payment.plan": [("state", "=", "active")],
    "receivable.handoff": [("state", "in", ("handed_over", "in_recovery"))],
}


def migrate(cr, version):
    migrate_exclusions(api.Environment(cr, SUPERUSER_ID, {}))


def migrate_exclusions(env):
    cr = env.cr
    Hold = env["receivable.dunning.hold"]
    for model, domain in OWNERS.items():
        owners = env[model].with_context(active_test=False).search(domain)
        owners.filtered(lambda owner: not owner._get_active_holds())._hold_place()
    held_moves = Hold.search([("state", "=", "active"), ("res_model", "!=", False)]).move_id
    handed_over = Hold.search(
        [("state", "=", "active"), ("res_model", "=", "receivable.handoff")]
    ).partner_id
    values = []
    if column_exists(cr, "account_move", "receivable_excluded"):
        cr.execute(
            SQL(
                """
                SELECT move.id, move.company_id, partner.commercial_partner_id,
                       move.receivable_exclusion_reason, move.receivable_excluded_until
                  FROM account_move move
                  JOIN res_partner partner ON partner.id = move.partner_id
                 WHERE move.receivable_excluded IS TRUE AND NOT move.id = ANY(%s)
                """,
                held_moves.ids,
            )
        )
        values += [
            {
                "move_id": move_id,
                "company_id": company_id,
                "partner_id": debtor_id,
                "reason": reason or "Excluded from dunning",
                "date_until": until,
            }
            for move_id, company_id, debtor_id, reason, until in cr.fetchall()
        ]
    if column_exists(cr, "res_partner", "receivable_excluded"):
        companies = env["receivable.dunning.policy"].search([]).company_id or env.company
        cr.execute(
            SQL(
                """
                SELECT id, receivable_exclusion_reason, receivable_excluded_until
                  FROM res_partner
                 WHERE receivable_excluded IS TRUE AND NOT id = ANY(%s)
                   AND id = commercial_partner_id
                """,
                handed_over.ids,
            )
        )
        values += [
            {
                "company_id": company.id,
                "partner_id": debtor_id,
                "reason": reason or "Excluded from dunning",
                "date_until": until,
            }
            for debtor_id, reason, until in cr.fetchall()
            for company in companies
        ]
    Hold.create(values)
    _logger.info("%s exclusions from dunning became manual holds", len(values))
