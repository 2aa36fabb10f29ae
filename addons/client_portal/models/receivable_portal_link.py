import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import consteq

CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("renewal", "New link on request"),
]
# what secrets.token_urlsafe makes; anything else is not a token
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class ReceivablePortalLink(models.Model):
    """A link to a debtor's statement that works without a password: what a reminder carries.

    One per reminder and channel, so that opening it (and what follows) is counted for the level
    and channel that brought the customer. It expires, and a credit controller can revoke all
    the links of a debtor at once."""

    _name = "receivable.portal.link"
    _description = "Statement Link"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    # the secret of the link: readable by administrators only, compared in constant time
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(16),
    )
    action_id = fields.Many2one(
        "receivable.dunning.action",
        "Reminder",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
    )
    level_id = fields.Many2one(related="action_id.level_id", store=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    expires_at = fields.Datetime("Expires", required=True, readonly=True)
    revoked_at = fields.Datetime("Revoked", readonly=True)
    revoked_by_id = fields.Many2one("res.users", readonly=True)
    first_opened_at = fields.Datetime("First Opened", readonly=True)
    last_opened_at = fields.Datetime("Last Opened", readonly=True)
    open_count = fields.Integer("Opened", readonly=True)
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
    )

    _sql_constraints = [("token_unique", "UNIQUE(token)", "A link's token is unique.")]

    @api.depends("expires_at", "revoked_at")
    def _compute_state(self):
        now = fields.Datetime.now()
        for link in self:
            if link.revoked_at:
                link.state = "revoked"
            elif link.expires_at and link.expires_at <= now:
                link.state = "expired"
            else:
                link.state = "valid"

    @api.depends("partner_id", "channel", "create_date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for link in self:
            link.display_name = _(
                "%(debtor)s by %(channel)s",
                debtor=link.partner_id.name,
                channel=channels.get(link.channel, ""),
            )

    @api.model
    def _prepare_values(self, partner, company, channel, action=False):
        days = company.receivable_portal_link_days or 30
        return {
            "partner_id": partner.commercial_partner_id.id,
            "company_id": company.id,
            "channel": channel,
            "action_id": action and action.id,
            "expires_at": fields.Datetime.now() + timedelta(days=days),
        }

    def _get_url(self):
        """The short address the customer gets, opening its statement in its language."""
        self.ensure_one()
        return f"{self.company_id.get_base_url()}/r/{self.sudo().token}"

    @api.model
    def _find_valid(self, token):
        """The valid link behind ``token``, or an empty recordset. Any bad, expired or revoked
        token gives the same answer."""
        link = self._find(token)
        return link if link.state == "valid" else self.browse()

    @api.model
    def _find(self, token):
        """The link behind ``token``, whatever its state (to offer a new one when expired)."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.browse()
        # sudo: the customer holding the link is a public user; the token is its only right
        link = self.sudo().search([("token", "=", token)], limit=1)
        if not link or not consteq(link.token, token):
            return self.browse()
        return link

    def _record_opened(self):
        now = fields.Datetime.now()
        for link in self:
            link.write(
                {
                    "first_opened_at": link.first_opened_at or now,
                    "last_opened_at": now,
                    "open_count": link.open_count + 1,
                }
            )
