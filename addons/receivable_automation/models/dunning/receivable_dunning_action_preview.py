import logging

from markupsafe import Markup

from odoo import _, fields, models

_logger = logging.getLogger(__name__)

WAITING_STATES = ("preview", "pending", "to_validate", "failed")


class ReceivableDunningAction(models.Model):
    """See before you send: a reminder that waits shows who will get it, through which channel,
    and the e-mail, SMS and letter exactly as the debtor will receive them. A sent reminder
    shows what went out."""

    _inherit = "receivable.dunning.action"

    preview_recipients = fields.Html("Who Gets It", compute="_compute_preview", sanitize_style=True)
    preview_email_subject = fields.Char("E-mail Subject", compute="_compute_preview")
    preview_email_body = fields.Html("E-mail", compute="_compute_preview", sanitize_style=True)
    preview_sms_body = fields.Text("SMS", compute="_compute_preview")
    preview_has_letter = fields.Boolean(compute="_compute_preview")

    def _compute_preview(self):
        waiting = self.filtered(lambda action: action.state in WAITING_STATES)
        rendered = waiting._render_preview()
        for action in self:
            email = rendered.get("email", {}).get(action.id) or {}
            if not email and action.message_id:
                email = {"subject": action.message_id.subject, "body_html": action.message_id.body}
            action.preview_email_subject = email.get("subject") or False
            action.preview_email_body = email.get("body_html") or False
            action.preview_sms_body = rendered.get("sms", {}).get(action.id) or False
            action.preview_has_letter = any(
                action._is_channel_applicable(channel) for channel in ("letter", "post")
            )
            action.preview_recipients = action._describe_recipients()

    def _render_preview(self):
        """{channel: {reminder id: content}} for the e-mail and SMS, rendered as ``_send`` will.
        A template that cannot be rendered is said in the preview instead of crashing the form:
        the collector sees it before the run does."""
        rendered = {}
        for channel, label, render in (
            ("email", _("e-mail"), self._render_email),
            ("sms", _("SMS"), self._render_sms),
        ):
            try:
                rendered[channel] = render()
            except Exception as error:  # any template error is shown, not raised
                _logger.info("Preview of reminders %s failed: %s", self.ids, error)
                problem = _(
                    "The %(channel)s cannot be rendered: %(error)s", channel=label, error=error
                )
                rendered[channel] = {
                    action.id: {"subject": problem, "body_html": problem}
                    if channel == "email"
                    else problem
                    for action in self
                }
        return rendered

    def _describe_recipients(self):
        """One line per channel of the level: who it reaches, or why it reaches no one."""
        self.ensure_one()
        if self.state not in WAITING_STATES:
            lines = [
                (
                    self.channels or _("nothing sent"),
                    ", ".join(self.recipient_ids.mapped("display_name")),
                    "",
                )
            ]
        else:
            lines = [
                self._describe_channel_recipients(channel)
                for channel in self._get_channels()
                if self._is_channel_applicable(channel)
            ]
        if not lines:
            return Markup("<p>%s</p>") % _("The level of this reminder sends nothing.")
        return Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li><strong>%s</strong>: %s</li>") % (label, who)
            if who
            else Markup('<li class="text-danger"><strong>%s</strong>: %s</li>') % (label, problem)
            for label, who, problem in lines
        )

    def _describe_channel_recipients(self, channel):
        """(channel label, who it reaches, why it reaches no one) for a channel of the level."""
        if channel == "email":
            to = self._get_email_recipients()
            who = ", ".join(f"{contact.name} <{contact.email_normalized}>" for contact in to)
            if to and self.level_id.copy_salesperson and self.salesperson_id:
                who += _(" (copy to %s)", self.salesperson_id.name)
            return _("E-mail"), who, self._get_unreachable_sentence("email")
        if channel == "sms":
            to = self._get_sms_recipient()
            who = f"{to.name} ({to.mobile or to.phone})" if to else ""
            return _("SMS"), who, self._get_unreachable_sentence("sms")
        if channel in ("letter", "post"):
            address_lines = self.partner_id._display_address(without_company=True).splitlines()
            address = ", ".join(line.strip() for line in address_lines if line.strip())
            label = _("Letter to print") if channel == "letter" else _("Letter by post")
            return label, f"{self.partner_id.name}, {address}", ""
        if channel == "handoff":
            lawyer = self.level_id.handoff_partner_id
            return _("Hand-off"), f"{lawyer.name} <{lawyer.email or ''}>", ""
        return channel, channel, ""

    def action_preview_letter(self):
        """The letter as it will be printed or posted, without recording it as printed."""
        self.ensure_one()
        return self.env.ref("receivable_automation.action_report_dunning_letter").report_action(
            self
        )
