import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import consteq, email_normalize

from .receivable_portal_link import TOKEN_PATTERN

# how long the new address has to confirm
PROPOSAL_VALIDITY = timedelta(days=3)


class ReceivableContactProposal(models.Model):
    """Who should receive the reminders, as a customer proposes it on its statement.

    Nothing changes until the new address confirms by the link e-mailed to it (and only to it):
    then the contact becomes a dunning contact of the debtor, and the debtor's chatter says so.
    An unconfirmed proposal expires and changes nothing."""

    _name = "receivable.contact.proposal"
    _description = "Payables Contact Proposed by a Customer"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    name = fields.Char("Contact Name", required=True, readonly=True)
    email = fields.Char(required=True, readonly=True)
    mobile = fields.Char(readonly=True)
    # the secret of the confirmation link: readable by administrators only
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(24),
    )
    expires_at = fields.Datetime(
        "Expires",
        required=True,
        readonly=True,
        default=lambda self: fields.Datetime.now() + PROPOSAL_VALIDITY,
    )
    confirmed_at = fields.Datetime("Confirmed", readonly=True, copy=False)
    contact_id = fields.Many2one("res.partner", "Contact Applied", readonly=True, copy=False)
    proposed_by_id = fields.Many2one(
        "res.partner",
        "Proposed By",
        readonly=True,
        help="The logged-in contact that proposed it; the debtor itself for a statement link.",
    )
    link_id = fields.Many2one("receivable.portal.link", "Link", readonly=True, ondelete="set null")
    state = fields.Selection(
        [
            ("pending", "Waiting for Confirmation"),
            ("confirmed", "Confirmed"),
            ("expired", "Expired"),
        ],
        compute="_compute_state",
    )

    _sql_constraints = [("token_unique", "UNIQUE(token)", "A confirmation token is unique.")]

    @api.depends("expires_at", "confirmed_at")
    def _compute_state(self):
        now = fields.Datetime.now()
        for proposal in self:
            if proposal.confirmed_at:
                proposal.state = "confirmed"
            elif proposal.expires_at <= now:
                proposal.state = "expired"
            else:
                proposal.state = "pending"

    @api.model
    def _find_pending(self, token):
        """The proposal waiting for ``token``'s confirmation, or an empty recordset: any bad,
        used or expired token gives the same answer."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.browse()
        # sudo: whoever opens the confirmation e-mail is a public user; the token is its right
        proposal = self.sudo().search([("token", "=", token)], limit=1)
        if not proposal or not consteq(proposal.token, token) or proposal.state != "pending":
            return self.browse()
        return proposal

    def _get_confirm_url(self):
        self.ensure_one()
        # sudo: the token is readable by administrators only; the link goes to the new address
        return (
            f"{self.company_id.get_base_url()}/my/receivables/contact/confirm/{self.sudo().token}"
        )

    def _send_confirmation(self):
        """E-mail the new address, and only it, the link that applies the proposal."""
        template = self.env.ref("client_portal.mail_template_contact_confirmation")
        for proposal in self:
            # sudo: the proposal is made by a public or portal user; the mail goes to the
            # address it proposes, whose owner must confirm
            template.sudo().with_context(confirm_url=proposal._get_confirm_url()).send_mail(
                proposal.id,
                email_values={
                    "email_to": proposal.email,
                    "recipient_ids": [],
                    "email_from": (
                        proposal.company_id.email_formatted
                        or proposal.company_id.partner_id.email_formatted
                    ),
                },
                email_layout_xmlid="mail.mail_notification_light",
            )
            proposal.partner_id.message_post(
                body=_(
                    "Payables contact proposed from the portal: %(name)s, %(email)s%(mobile)s. "
                    "Nothing changes until %(email)s confirms.",
                    name=proposal.name,
                    email=proposal.email,
                    mobile=", " + proposal.mobile if proposal.mobile else "",
                ),
                author_id=proposal.proposed_by_id.id or proposal.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )

    def _apply(self):
        """The new address confirmed: it becomes a dunning contact of the debtor (the contact
        with that address if there is one, else a new contact)."""
        self.ensure_one()
        debtor = self.partner_id
        email = email_normalize(self.email)
        contact = debtor.child_ids.filtered(
            lambda child: child.email_normalized and child.email_normalized == email
        )[:1]
        values = {"name": self.name, "receivable_dunning_contact": True}
        if self.mobile:
            values["mobile"] = self.mobile
        if contact:
            contact.write(values)
        else:
            contact = self.env["res.partner"].create(
                {**values, "parent_id": debtor.id, "type": "contact", "email": self.email}
            )
        self.write({"confirmed_at": fields.Datetime.now(), "contact_id": contact.id})
        debtor.message_post(
            body=_(
                "%(name)s (%(email)s) confirmed by e-mail and now receives the reminders, as "
                "proposed from the portal.",
                name=contact.name,
                email=contact.email,
            ),
            author_id=contact.id,
            subtype_xmlid="mail.mt_note",
        )
        return contact
