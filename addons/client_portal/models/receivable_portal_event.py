from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

EVENT_KINDS = [
    ("open", "Opened the statement"),
    ("renew", "Asked for a new link"),
    ("pay", "Started an online payment"),
    ("paid", "Paid online"),
    ("promise", "Promised to pay"),
    ("plan", "Requested a payment plan"),
    ("dispute", "Disputed an invoice"),
    ("paid_claim", "Said it has paid"),
    ("message", "Sent a message"),
    ("contact", "Proposed a payables contact"),
    # archived documents on the portal
    ("archive_download", "Downloaded an archived document"),
]


class ReceivablePortalEvent(models.Model):
    """What a customer did on its statement, and through which link: the reminder, level and
    channel that brought it there (effectiveness), and the record its action created. Also the
    count behind the portal's rate limits."""

    _name = "receivable.portal.event"
    _description = "Portal Activity of a Debtor"
    _order = "create_date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True)
    link_id = fields.Many2one(
        "receivable.portal.link", "Link", index="btree_not_null", ondelete="set null", readonly=True
    )
    action_id = fields.Many2one(related="link_id.action_id", store=True, string="Reminder")
    level_id = fields.Many2one(related="link_id.level_id", store=True)
    channel = fields.Selection(related="link_id.channel", store=True)
    user_id = fields.Many2one(
        "res.users", "Portal User", readonly=True, help="Empty when the customer came by a link."
    )
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    res_model = fields.Char("Record Model", readonly=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)

    @api.model
    def _record(self, debtor, company, kind, link=None, record=None, amount=None, currency=None):
        """Log what the customer did; ``record`` is what its action created in the back
        office."""
        # sudo: written on behalf of a public or portal user, who cannot write it themselves
        return self.sudo().create(
            {
                "partner_id": debtor.id,
                "company_id": company.id,
                "kind": kind,
                "link_id": link and link.id,
                "user_id": False if self.env.user._is_public() else self.env.uid,
                "amount": amount,
                "currency_id": (currency or company.currency_id).id if amount else False,
                "res_model": record and record._name,
                "res_id": record and record.id,
                "ip_address": request.httprequest.remote_addr if request else False,
            }
        )

    @api.model
    def _check_rate(self, debtor, kind, limit, window=timedelta(hours=1)):
        """Refuse a customer's ``kind`` action past ``limit`` of them within ``window``: a
        link in the wrong hands cannot flood the back office."""
        recent = self.sudo().search_count(
            [
                ("partner_id", "=", debtor.id),
                ("kind", "=", kind),
                ("create_date", ">", fields.Datetime.now() - window),
            ],
            limit=limit,
        )
        if recent >= limit:
            raise UserError(_("You have done this several times already: please try again later."))
