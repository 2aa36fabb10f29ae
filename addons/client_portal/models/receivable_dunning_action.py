from markupsafe import Markup

from odoo import api, fields, models

# the channels whose message a customer reads, and so carries a statement link
LINK_CHANNELS = {"email": "email", "sms": "sms", "letter": "letter", "post": "letter"}


class ReceivableDunningAction(models.Model):
    _inherit = "receivable.dunning.action"

    portal_link_ids = fields.One2many(
        "receivable.portal.link", "action_id", "Statement Links", readonly=True
    )
    portal_opened_at = fields.Datetime(
        "Statement Opened",
        compute="_compute_portal_opened_at",
        help="When the customer first opened its statement from this reminder.",
    )

    portal_paid_amount = fields.Monetary(
        "Paid Online",
        compute="_compute_portal_paid_amount",
        help="What the customer paid on its statement after coming by this reminder's links.",
    )

    @api.depends("portal_link_ids.first_opened_at")
    def _compute_portal_opened_at(self):
        for action in self:
            opened = action.portal_link_ids.filtered("first_opened_at").mapped("first_opened_at")
            action.portal_opened_at = min(opened, default=False)

    def _compute_portal_paid_amount(self):
        # sudo: the portal's activity log is for credit controllers; a reminder's reader sees
        # only the total paid through its own links
        paid = (
            self.env["receivable.portal.event"]
            .sudo()
            ._read_group(
                [("action_id", "in", self.ids), ("kind", "=", "paid")],
                ["action_id"],
                ["amount:sum"],
            )
        )
        amounts = {action.id: amount for action, amount in paid}
        for action in self:
            action.portal_paid_amount = amounts.get(action.id, 0.0)

    def _send(self):
        self.filtered(lambda action: action.state == "pending")._ensure_portal_links()
        return super()._send()

    def action_print_letter(self):
        self.filtered(
            lambda action: action.state in ("sent", "marked", "to_validate")
        )._ensure_portal_links(["letter"])
        return super().action_print_letter()

    def _ensure_portal_links(self, channels=None):
        """One statement link per reminder and channel it goes through, made in one batch
        before the reminders are rendered."""
        Link = self.env["receivable.portal.link"]
        values = []
        for action in self:
            existing = set(action.portal_link_ids.mapped("channel"))
            wanted = set(channels or []) | {
                LINK_CHANNELS[channel]
                for channel in LINK_CHANNELS
                if channel in action._get_channels() and action._is_channel_applicable(channel)
            }
            values += [
                Link._prepare_values(action.partner_id, action.company_id, channel, action)
                for channel in sorted(wanted - existing)
            ]
        # sudo: the links hold secret tokens that no user reads (see res.partner)
        Link.sudo().create(values)
        self.invalidate_recordset(["portal_link_ids"])

    def _get_statement_url(self, channel):
        """The statement link this reminder carries on ``channel``; before it is sent, the
        statement's address (the link is made when the reminder goes out)."""
        self.ensure_one()
        link = self.sudo().portal_link_ids.filtered(
            lambda link: link.channel == channel and link.state == "valid"
        )[:1]
        if link:
            return link._get_url()
        return f"{self.company_id.get_base_url()}/my/receivables"

    # ------------------------------------------------------------------------------------------
    # The statement link in what the debtor gets (added to any template, customised ones too)
    # ------------------------------------------------------------------------------------------

    def _render_email(self):
        rendered = super()._render_email()
        for action in self.filtered(lambda action: action.id in rendered):
            values = rendered[action.id]
            values["body_html"] = Markup(values["body_html"]) + action._statement_paragraph()
        return rendered

    def _render_sms(self):
        rendered = super()._render_sms()
        for action in self.filtered(lambda action: action.id in rendered):
            env = action._debtor_env()
            rendered[action.id] += "\n" + env._(
                "Your statement: %s", action._get_statement_url("sms")
            )
        return rendered

    def _statement_paragraph(self):
        """The e-mail's invitation to the statement, in the debtor's language."""
        env = self._debtor_env()
        return Markup('<p style="margin: 16px 0;">%s <a href="%s">%s</a></p>') % (
            env._("To see everything you owe us, pay online, promise a date or ask a question:"),
            self._get_statement_url("email"),
            env._("your account statement"),
        )
