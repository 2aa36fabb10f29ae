import logging
from contextlib import nullcontext

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from ...tools.amount_format import amount_formatter
from ..handoff.receivable_handoff import OPEN_HANDOFF_STATES

_logger = logging.getLogger(__name__)

# Reminders that still hold their invoices: no new reminder is planned for those invoices.
OPEN_STATES = ("pending", "to_validate", "failed")
# mail.message values that ``_render_email`` computes for a whole batch of reminders
MESSAGE_BATCH_VALUES = ("reply_to", "record_name", "record_alias_domain_id", "record_company_id")


class ReceivableDunningAction(models.Model):
    """A reminder: one debtor, one level, one date, grouping that debtor's due invoices."""

    _name = "receivable.dunning.action"
    _description = "Reminder"
    _inherit = ["mail.thread"]
    _order = "date desc, level_days, partner_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    run_id = fields.Many2one("receivable.dunning.run", "Run", ondelete="cascade", index=True)
    date = fields.Date(required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Debtor", required=True, index=True)
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    level_id = fields.Many2one(
        "receivable.dunning.level", required=True, ondelete="restrict", index=True
    )
    level_days = fields.Integer(related="level_id.days", store=True)
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    state = fields.Selection(
        [
            ("preview", "Preview"),
            ("pending", "To Send"),
            ("to_validate", "To Validate"),
            ("sent", "Sent"),
            ("marked", "Marked as Reminded"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    line_ids = fields.One2many("receivable.dunning.action.line", "action_id", "Invoices")
    amount_residual = fields.Monetary(
        "Amount Due",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_disputed = fields.Monetary(
        "Under Dispute", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_credited = fields.Monetary(
        "Paid by Credits",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="The debtor's credit notes and unmatched payments, deducted from what is claimed.",
    )
    debtor_credit = fields.Monetary(
        "Debtor's Credit",
        currency_field="currency_id",
        readonly=True,
        help="What the debtor had to its credit when the reminder was prepared.",
    )
    credit_note = fields.Char(
        compute="_compute_credit_note",
        help="Sentence for the reminder saying which credits were deducted, in the debtor's "
        "language.",
    )
    amount_fees = fields.Monetary(
        "Late-Payment Fees",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="Late-payment interest and recovery indemnities, in addition to the amount due.",
    )
    fees_note = fields.Char(
        compute="_compute_fees_note",
        help="Sentence for the reminder about the late-payment fees, in the debtor's language.",
    )
    dispute_note = fields.Char(
        compute="_compute_dispute_note",
        help="Sentence for the reminder saying which amount is under dispute, in the debtor's "
        "language.",
    )
    online_payment = fields.Boolean(
        "Pay Online",
        compute="_compute_online_payment",
        help="The company takes payments online: the reminder's links offer to pay each invoice; "
        "otherwise they only show it.",
    )
    max_days_late = fields.Integer("Days Late", compute="_compute_amounts", store=True)
    invoice_count = fields.Integer(compute="_compute_amounts", store=True)
    recipient_ids = fields.Many2many("res.partner", string="Recipients", readonly=True)
    channels = fields.Char(readonly=True, help="Channels the reminder went out through.")
    message_id = fields.Many2one("mail.message", "E-mail Message", readonly=True)
    letter_state = fields.Selection(
        [("none", "No Letter"), ("to_print", "To Print"), ("printed", "Printed")],
        default="none",
        required=True,
    )
    snailmail_letter_id = fields.Many2one("snailmail.letter", readonly=True)
    error_message = fields.Text(readonly=True)
    handoff_id = fields.Many2one(
        "receivable.handoff", "Hand-off", readonly=True, index="btree_not_null"
    )

    sent_date = fields.Datetime(readonly=True)
    sent_by_id = fields.Many2one("res.users", "Sent By", readonly=True)

    def init(self):
        # The guarantee behind "never two reminders for the same debtor, level and date", for
        # repeated runs and concurrent workers alike; previews are not reminders.
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS receivable_dunning_action_once_uniq
                    ON receivable_dunning_action (company_id, partner_id, level_id, date)
                 WHERE state != 'preview'
                """
            )
        )

    @api.model
    def _get_open_states(self):
        """States of a reminder that still holds its items: no new reminder for them."""
        return list(OPEN_STATES)

    @api.depends("partner_id", "level_id", "date")
    def _compute_name(self):
        for action in self:
            action.name = f"{action.level_id.name} - {action.partner_id.name} ({action.date})"

    @api.depends(
        "line_ids.amount_residual_company",
        "line_ids.amount_disputed_company",
        "line_ids.amount_credited",
        "line_ids.days_late",
        "line_ids.interest_amount",
        "line_ids.indemnity_amount",
    )
    def _compute_amounts(self):
        for action in self:
            action.amount_residual = sum(action.line_ids.mapped("amount_residual_company"))
            action.amount_disputed = sum(action.line_ids.mapped("amount_disputed_company"))
            action.amount_credited = sum(action.line_ids.mapped("amount_credited"))
            action.amount_fees = sum(action.line_ids.mapped("interest_amount")) + sum(
                action.line_ids.mapped("indemnity_amount")
            )
            action.max_days_late = max(action.line_ids.mapped("days_late"), default=0)
            action.invoice_count = len(action.line_ids.move_id)

    @api.depends("amount_credited", "partner_id.lang")
    def _compute_credit_note(self):
        for action in self:
            env, amount = action._debtor_env(), action._debtor_amount
            action.credit_note = (
                env._(
                    "Your credit notes and payments not yet matched with an invoice "
                    "(%(amount)s) have been deducted from the oldest invoices: only what "
                    "remains is claimed.",
                    amount=amount(env, action.amount_credited),
                )
                if action.amount_credited
                else False
            )

    @api.depends("amount_disputed", "partner_id.lang")
    def _compute_dispute_note(self):
        for action in self:
            env, amount = action._debtor_env(), action._debtor_amount
            action.dispute_note = (
                env._(
                    "%(amount)s of these invoices are under dispute: they are not claimed here "
                    "until the dispute is settled.",
                    amount=amount(env, action.amount_disputed),
                )
                if action.amount_disputed
                else False
            )

    @api.depends("amount_fees", "partner_id.lang")
    def _compute_fees_note(self):
        for action in self:
            env, amount = action._debtor_env(), action._debtor_amount
            action.fees_note = (
                env._(
                    "Late-payment interest of %(interest)s and a fixed recovery indemnity of "
                    "%(indemnity)s are also due, as the law provides for late payments between "
                    "businesses.",
                    interest=amount(env, sum(action.line_ids.mapped("interest_amount"))),
                    indemnity=amount(env, sum(action.line_ids.mapped("indemnity_amount"))),
                )
                if action.amount_fees
                else False
            )

    @api.depends("company_id")
    def _compute_online_payment(self):
        paying = self.company_id._receivable_get_online_payment_companies()
        for action in self:
            action.online_payment = action.company_id in paying

    def _debtor_env(self):
        """The environment in the debtor's language, for the sentences a reminder says."""
        self.ensure_one()
        return self.with_context(lang=self.partner_id.lang).env

    def _debtor_amount(self, env, amount):
        return format_amount(env, amount, self.currency_id)

    def action_invoice_fees(self):
        """Invoice the late-payment fees of these reminders' invoices, one invoice per
        debtor; an invoice's fees are invoiced once."""
        fee_moves = self.env["account.move"]
        for debtor, actions in self.grouped("partner_id").items():
            lines = actions.line_ids.filtered(
                lambda line: (line.interest_amount or line.indemnity_amount)
                and not line.move_id.receivable_fees_move_id
                and not line.move_id.receivable_fees_waived
            )
            if not lines:
                continue
            fee_move = self.env["account.move"].create(
                actions[:1]._prepare_fees_invoice_values(debtor, lines)
            )
            fee_move.action_post()
            lines.move_id.receivable_fees_move_id = fee_move
            fee_moves |= fee_move
        if not fee_moves:
            raise UserError(_("No late-payment fees to invoice on these reminders."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": _("Late-Payment Fees"),
            "view_mode": "list,form",
            "domain": [("id", "in", fee_moves.ids)],
        }

    def _prepare_fees_invoice_values(self, debtor, lines):
        interest = self.env.ref("receivable_automation.product_late_payment_interest")
        indemnity = self.env.ref("receivable_automation.product_recovery_indemnity")
        invoice_lines = []
        for line in lines:
            for product, amount in (
                (interest, line.interest_amount),
                (indemnity, line.indemnity_amount),
            ):
                if amount:
                    invoice_lines.append(
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "name": f"{product.name} - {line.move_id.name}",
                                "price_unit": amount,
                                "tax_ids": [fields.Command.clear()],
                            }
                        )
                    )
        return {
            "move_type": "out_invoice",
            "partner_id": debtor.id,
            "company_id": self.company_id.id,
            "invoice_origin": ", ".join(lines.move_id.mapped("name")),
            "invoice_line_ids": invoice_lines,
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(action.state in ("sent", "marked") for action in self):
            raise UserError(_("A reminder that was sent is evidence: cancel it, don't delete it."))

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_validate(self):
        """Send the reminders a collector has checked."""
        to_send = self._filter_in_states(("to_validate", "failed"), _("validated"))
        to_send.write({"state": "pending", "error_message": False})
        to_send._send()
        return True

    def action_mark_reminded(self):
        """Raise the level of the invoices without sending anything (reminded by other means)."""
        actions = self._filter_in_states(("to_validate", "pending", "failed"), _("marked"))
        actions.write(
            {
                "state": "marked",
                "sent_date": fields.Datetime.now(),
                "sent_by_id": self.env.uid,
            }
        )
        actions._mark_items_reminded()
        for action in actions:
            action.partner_id.message_post(
                body=_(
                    "%(level)s marked as reminded without sending, for %(amount)s.",
                    level=action.level_id.name,
                    amount=format_amount(self.env, action.amount_residual, action.currency_id),
                ),
            )
        return True

    def action_cancel(self):
        self._filter_in_states(("to_validate", "pending", "failed"), _("cancelled")).write(
            {"state": "cancelled"}
        )
        return True

    def action_print_letter(self):
        """One PDF with the letters of all selected reminders."""
        actions = self.filtered(lambda action: action.state in ("sent", "marked", "to_validate"))
        if not actions:
            raise UserError(_("Select reminders that were sent or are to validate."))
        actions.filtered(lambda action: action.letter_state == "to_print").letter_state = "printed"
        return self.env.ref("receivable_automation.action_report_dunning_letter").report_action(
            actions
        )

    def _filter_in_states(self, states, verb):
        actions = self.filtered(lambda action: action.state in states)
        if not actions:
            raise UserError(
                _(
                    "Only reminders in state %(states)s can be %(verb)s.",
                    states=", ".join(
                        dict(self._fields["state"]._description_selection(self.env))[state]
                        for state in states
                    ),
                    verb=verb,
                )
            )
        return actions

    # ------------------------------------------------------------------------------------------
    # Sending
    #
    # A reminder goes out through channels. A channel is a code (``_get_channels``) and methods
    # named after it, so that an add-on adds one (portal, WhatsApp, ...) without copying code:
    # - ``_is_channel_applicable(channel)``: does this reminder's level ask for it;
    # - ``_render_<channel>()`` (optional): renders the content of a batch of reminders at once;
    # - ``_send_by_<channel>(rendered)``: sends one reminder through it.
    # ------------------------------------------------------------------------------------------

    def _send(self):
        """Send pending reminders: e-mails and SMS are queued, letters prepared, activities
        planned. One debtor's failure is recorded on its reminder and does not stop the others.
        """
        actions = self.filtered(lambda action: action.state == "pending")
        if not actions:
            return
        actions.line_ids.move_id._portal_ensure_tokens()
        try:
            rendered = actions._render_channels()
        except Exception as error:
            _logger.exception("Rendering reminders failed")
            actions.write({"state": "failed", "error_message": str(error)})
            return
        actions._with_reminder_context()._queue_emails(rendered.get("email", {}))
        # read in one query what _send_one replaces, not once per reminder
        actions.mapped("recipient_ids")
        to_log = self.browse()
        for action in actions:
            action_rendered = {
                channel: by_action.get(action.id) for channel, by_action in rendered.items()
            }
            # a savepoint flushes (four queries per reminder): only for reminders whose
            # sending writes more than their own fields
            isolation = (
                nullcontext()
                if action._sends_in_memory(action_rendered)
                else self.env.cr.savepoint()
            )
            try:
                with isolation:
                    logged = action._send_one(action_rendered)
                if not logged:
                    to_log |= action
            except Exception as error:
                _logger.warning("Reminder %s failed: %s", action.id, error)
                action.write({"state": "failed", "error_message": str(error)})
                action._discard_queued_email(action_rendered.get("email"))
        sent = actions.filtered(lambda action: action.state == "sent")
        (to_log & sent)._log_sent_on_debtor()
        sent._subscribe_collectors()
        sent._mark_items_reminded()

    def _sends_in_memory(self, rendered):
        """Whether sending this reminder (``_send_one``) writes nothing but its own fields, last:
        its only channel is an e-mail already queued with its batch (``_queue_emails``), and
        its level plans no activity. A failure then leaves nothing to roll back but the queued
        e-mail, which ``_send`` discards."""
        self.ensure_one()
        channels = [
            channel for channel in self._get_channels() if self._is_channel_applicable(channel)
        ]
        return (
            channels == ["email"]
            and not self.level_id.activity_type_id
            and bool((rendered.get("email") or {}).get("message"))
        )

    @api.model
    def _get_channels(self):
        """Codes of the channels a reminder can go out through, in sending order.

        To add a channel, extend this list and define ``_send_by_<code>`` (and, when the level
        has no ``send_<code>`` switch, extend ``_is_channel_applicable``; to render the content
        of all the reminders of a batch at once, ``_render_<code>``).
        """
        return ["email", "sms", "letter", "post", "handoff"]

    def _is_channel_applicable(self, channel):
        """Whether this reminder's level asks for ``channel``: its ``send_<channel>`` switch,
        its lawyer or agency for the hand-off."""
        self.ensure_one()
        if channel == "handoff":
            return bool(self.level_id.handoff_partner_id)
        field_name = f"send_{channel}"
        return field_name in self.level_id._fields and bool(self.level_id[field_name])

    def _render_channels(self):
        """{channel: {reminder id: rendered content}} for the channels that render in batch
        (those with a ``_render_<channel>`` method)."""
        rendered = {}
        for channel in self._get_channels():
            render = getattr(self, f"_render_{channel}", None)
            if render is not None:
                rendered[channel] = render()
        return rendered

    def _render_email(self):
        """Rendered e-mails by reminder id, each in its debtor's language, with the message
        values Odoo would otherwise look up per reminder (reply-to, alias domain, company)."""
        rendered = self._render_per_template(
            "email",
            "mail_template_id",
            lambda template, ids: template._generate_template(
                ids, ("subject", "body_html", "email_from", "reply_to")
            ),
        )
        actions = self.browse(list(rendered))
        if not actions:
            return rendered
        # sudo: the reply-to address and alias domain come from the mail configuration, as
        # message_post() itself reads them
        actions_sudo = actions.sudo()
        domains = actions_sudo._mail_get_alias_domains(default_company=self.env.company)
        companies = actions_sudo._mail_get_companies(default=self.env.company)
        for email_from, group in actions.grouped(
            lambda action: rendered[action.id].get("email_from")
            or action.company_id.email_formatted
        ).items():
            reply_tos = group.sudo()._notify_get_reply_to(default=email_from)
            for action in group:
                values = rendered[action.id]
                values["reply_to"] = values.get("reply_to") or reply_tos[action.id]
                values["record_name"] = action.display_name
                values["record_alias_domain_id"] = domains[action.id].id
                values["record_company_id"] = companies[action.id].id
        return rendered

    def _render_sms(self):
        """Rendered SMS bodies by reminder id, each in its debtor's language."""
        return self._render_per_template(
            "sms",
            "sms_template_id",
            lambda template, ids: template._render_field("body", ids, compute_lang=True),
        )

    def _render_per_template(self, channel, template_field, render):
        """Render each template once for all the reminders that go through ``channel``."""
        rendered = {}
        actions = self.filtered(lambda action: action._is_channel_applicable(channel))
        for template, template_actions in actions.grouped(
            lambda action: action.level_id[template_field]
        ).items():
            # compiled once per language for the whole batch (see mail.render.mixin)
            template = template.with_context(receivable_render_compiled=True)
            rendered.update(render(template, template_actions.ids))
        return rendered

    def _send_one(self, rendered):
        """Send this reminder through each channel its level asks for, then record it as sent.

        ``rendered`` is {channel: this reminder's content from ``_render_<channel>``}. A channel
        that cannot reach the debtor is skipped and said on the debtor; if none could, the
        reminder fails. Returns whether the note on the debtor is already written (a hand-off
        dossier lists it); otherwise ``_send`` writes the notes of the batch in one go.
        """
        self.ensure_one()
        labels, problems, recipients = [], [], self.env["res.partner"]
        for channel in self._get_channels():
            if not self._is_channel_applicable(channel):
                continue
            result = getattr(self, f"_send_by_{channel}")(rendered.get(channel))
            if result.get("problem"):
                problems.append(result["problem"])
                continue
            labels.append(result["label"])
            recipients |= result.get("recipients") or self.env["res.partner"]
        if problems and not labels:
            raise UserError(_("Nothing could be sent: %s.", "; ".join(problems)))
        if problems:
            self.partner_id.message_post(
                body=_(
                    "%(level)s: not sent by every channel: %(problems)s.",
                    level=self.level_id.name,
                    problems="; ".join(problems),
                )
            )
        self._schedule_level_activity()
        self.write(
            {
                "state": "sent",
                "channels": ", ".join(labels),
                "recipient_ids": [fields.Command.set(recipients.ids)],
                "sent_date": fields.Datetime.now(),
                "sent_by_id": self.env.uid,
            }
        )
        if self.handoff_id and not self.handoff_id.dossier_zip_id:
            # built once this reminder is sent and noted, so that the dossier lists it too
            self._log_sent_on_debtor()
            self.handoff_id._build_dossier()
            self.handoff_id._send_dossier()
            return True
        return False

    # Each ``_send_by_<channel>(rendered)`` sends this reminder through its channel and returns
    # {"label": channel as listed in ``channels``, "recipients": res.partner reached (optional)},
    # or {"problem": why the debtor cannot be reached this way}, having then done nothing. Any
    # exception fails the whole reminder (nothing of it is kept).

    def _send_by_email(self, values):
        if values and values.get("message"):
            # queued with its batch, to the recipients found then (``_queue_emails``)
            self.message_id = values["message"]
            return {"label": _("e-mail"), "recipients": values["recipients"]}
        to = self._get_email_recipients()
        if not to:
            return {"problem": self._get_unreachable_sentence("email")}
        self._post_email(to, values)
        return {"label": _("e-mail"), "recipients": to}

    def _send_by_sms(self, body):
        to = self._get_sms_recipient()
        if not to:
            return {"problem": self._get_unreachable_sentence("sms")}
        self._post_sms(to, body)
        return {"label": _("SMS"), "recipients": to}

    def _get_email_recipients(self):
        """The debtor's dunning contacts that have an e-mail address."""
        self.ensure_one()
        return self.partner_id._get_dunning_contacts().filtered("email_normalized")

    def _get_sms_recipient(self):
        """The first of the debtor's dunning contacts with a phone number."""
        self.ensure_one()
        contacts = self.partner_id._get_dunning_contacts()
        return contacts.filtered(lambda contact: contact.mobile or contact.phone)[:1]

    def _get_unreachable_sentence(self, channel):
        names = ", ".join(self.partner_id._get_dunning_contacts().mapped("name"))
        if channel == "email":
            return _("no e-mail address for %s", names)
        return _("no mobile number for %s", names)

    def _send_by_letter(self, _rendered):
        self.letter_state = "to_print"
        return {"label": _("letter")}

    def _send_by_post(self, _rendered):
        if not self.env["snailmail.letter"]._is_valid_address(self.partner_id):
            return {"problem": _("the postal address of %s is incomplete", self.partner_id.name)}
        self._create_snailmail_letter()
        return {"label": _("post")}

    def _send_by_handoff(self, _rendered):
        lawyer = self.level_id.handoff_partner_id
        self._hand_off(lawyer)
        return {"label": _("hand-off to %s", lawyer.name)}

    def _hand_off(self, lawyer):
        """Hand the debtor's file over to ``lawyer``, or keep its open hand-off."""
        self.ensure_one()
        Handoff = self.env["receivable.handoff"]
        handoff = Handoff.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", OPEN_HANDOFF_STATES),
            ],
            limit=1,
        )
        if not handoff:
            handoff = Handoff.with_context(receivable_handoff_defer_dossier=True).create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "lawyer_id": lawyer.id,
                    "date": self.date,
                    "action_id": self.id,
                    "user_id": (self.partner_id.receivable_collector_id or self.env.user).id,
                }
            )
        self.handoff_id = handoff
        return handoff

    def _post_email(self, recipients, values):
        """Queue the e-mail through the reminder's chatter, where it stays as the record.

        It holds the invoices' payment links (their access tokens): posted on the reminder, it
        is readable by those who may read reminders (and by its recipients) only; the debtor's
        chatter gets a note without them (``_log_sent_on_debtor``). A run queues the e-mails of
        a whole batch at once instead (``_queue_emails``), with the same values.
        """
        self.message_id = self._with_reminder_context().message_post(
            **self._prepare_email_post_values(recipients, values)
        )

    def _prepare_email_post_values(self, recipients, values):
        """``message_post`` arguments of this reminder's e-mail to ``recipients``."""
        self.ensure_one()
        partner_ids = recipients.ids
        if self.level_id.copy_salesperson and self.salesperson_id:
            partner_ids.append(self.salesperson_id.partner_id.id)
        # values prepared for the whole batch by ``_render_email`` (record_name, reply-to...)
        extra = {key: values[key] for key in MESSAGE_BATCH_VALUES if key in values}
        return {
            "body": Markup(values["body_html"]),  # rendered from a trusted template
            "subject": values["subject"],
            "email_from": values.get("email_from") or self.company_id.email_formatted,
            **extra,
            "author_id": self.company_id.partner_id.id,
            "partner_ids": partner_ids,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "email_layout_xmlid": "mail.mail_notification_light",
        }

    def _post_sms(self, recipient, body):
        number = recipient.mobile or recipient.phone
        self._with_reminder_context()._message_sms(
            body,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: recipient._phone_format(number=number) or number},
            put_in_queue=True,
        )

    def _with_reminder_context(self):
        # queued, not sent inline; the user who sends does not become a follower; only the
        # given recipients are notified (``_notify_get_recipients``)
        return self.with_context(
            mail_notify_force_send=False, mail_create_nosubscribe=True, receivable_reminder=True
        )

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        # A reminder goes to its recipients (the dunning contacts, the salesperson's copy), not
        # to the followers of the reminder.
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if not self.env.context.get("receivable_reminder"):
            return recipients
        partner_ids = (msg_vals or {}).get("partner_ids") or message.partner_ids.ids
        return [recipient for recipient in recipients if recipient["id"] in partner_ids]

    def _log_sent_on_debtor(self):
        """Note on the debtor's chatter, as its history, which reminder went to whom: without
        its content, which stays on the reminder. One note per reminder, written in batch."""
        notes = []
        money = amount_formatter(self.env)
        for action in self.filtered("channels"):
            values = {
                "reminder": action._get_html_link(title=action.level_id.name),
                "channels": action.channels,
                "recipients": ", ".join(action.recipient_ids.mapped("name")),
                "amount": money(action.amount_residual, action.currency_id),
            }
            if action.recipient_ids:
                body = _(
                    "%(reminder)s sent (%(channels)s) to %(recipients)s for %(amount)s.", **values
                )
            else:
                body = _("%(reminder)s sent (%(channels)s) for %(amount)s.", **values)
            notes.append((action.partner_id.id, body))
        # one batch per round: a debtor with two reminders gets two notes
        while notes:
            bodies, left = {}, []
            for partner_id, body in notes:
                if partner_id in bodies:
                    left.append((partner_id, body))
                else:
                    bodies[partner_id] = body
            self.env["res.partner"].browse(list(bodies))._message_log_batch(bodies=bodies)
            notes = left

    def _subscribe_collectors(self):
        """The debtor's collector follows its e-mailed reminders: the debtor's replies to a
        reminder land on it."""

        def collector_of(action):
            return action.partner_id.with_company(action.company_id).receivable_collector_id

        for collector, actions in self.filtered("message_id").grouped(collector_of).items():
            if collector:
                actions.message_subscribe(partner_ids=collector.partner_id.ids)

    def _create_snailmail_letter(self):
        report = self.env.ref("receivable_automation.action_report_dunning_letter")
        # The letter is rendered by snailmail's queue when it is posted, not now.
        self.snailmail_letter_id = self.env["snailmail.letter"].create(
            {
                "model": self._name,
                "res_id": self.id,
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "report_template": report.id,
            }
        )

    def _schedule_level_activity(self):
        level = self.level_id
        if not level.activity_type_id:
            return
        debtor = self.partner_id
        user = {
            "salesperson": debtor.user_id or debtor.receivable_collector_id,
            "collector": debtor.receivable_collector_id or debtor.user_id,
            "user": level.activity_user_id,
        }[level.activity_assignee]
        debtor.activity_schedule(
            activity_type_id=level.activity_type_id.id,
            summary=level.activity_summary or level.name,
            note=_(
                "%(level)s: %(amount)s due on %(count)s invoice(s).",
                level=level.name,
                amount=format_amount(self.env, self.amount_residual, self.currency_id),
                count=self.invoice_count,
            ),
            date_deadline=fields.Date.add(self.date, days=level.activity_delay_days),
            user_id=(user or self.env.user).id,
        )

    def _mark_items_reminded(self):
        """Move the invoices of these reminders to their level and log it on each invoice."""
        self._write_items_level()
        contacted = self._move_contacted_invoices()
        money = amount_formatter(self.env)
        # translated once: ten thousand notes in a run of a thousand reminders
        note = _(
            "%(level)s (%(channels)s) on %(date)s: %(residual)s of this invoice due "
            "since %(due)s, within %(total)s reminded to %(debtor)s."
        )
        category_note = _("Category: %s.")
        not_sent = _("marked without sending")
        bodies = {}
        for action in self:
            total = money(action.amount_residual, action.currency_id)
            for line in action.line_ids:
                body = note % {
                    "level": (line.level_id or action.level_id).name,
                    "channels": action.channels or not_sent,
                    "date": action.date,
                    "residual": money(line.amount_residual, line.currency_id),
                    "due": line.date_maturity,
                    "total": total,
                    "debtor": action.partner_id.name,
                }
                if line.move_id in contacted:
                    body += " " + category_note % line.move_id.receivable_category_id.display_name
                bodies[line.move_id.id] = body
        self.line_ids.move_id._message_log_batch(bodies=bodies)

    def _write_items_level(self):
        # One UPDATE per level and date: account.move.line's write() runs accounting checks
        # (lock dates, taxes) per line that these two dunning fields don't need.
        MoveLine = self.env["account.move.line"]
        MoveLine.flush_model(["receivable_level_id", "receivable_last_reminder_date"])
        # each item moves to its own level: one reminder may group items of several levels
        for (level, date), lines in self.line_ids.grouped(
            lambda line: (line.level_id or line.action_id.level_id, line.action_id.date)
        ).items():
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move_line
                       SET receivable_level_id = %s, receivable_last_reminder_date = %s
                     WHERE id = ANY(%s)
                    """,
                    level.id,
                    date,
                    lines.move_line_id.ids,
                )
            )
        self.line_ids.move_line_id.invalidate_recordset(
            ["receivable_level_id", "receivable_last_reminder_date"]
        )

    def _move_contacted_invoices(self):
        """Invoices still in the default category (not contacted) move to the "contacted" one.
        Returns them; their reminder's log line says so, rather than a tracking message each."""
        Category = self.env["receivable.category"]
        moved = self.env["account.move"]
        for company, actions in self.grouped("company_id").items():
            default = Category._get_default_category(company)
            contacted = Category._get_contacted_category(company)
            if not (default and contacted):
                continue
            moves = actions.line_ids.move_id.filtered(
                lambda move, default=default: move.receivable_category_id == default
            )
            # skip_invoice_sync: no accounting line changes, no need to re-sync taxes per move
            moves.with_context(mail_notrack=True, skip_invoice_sync=True).write(
                {"receivable_category_id": contacted.id}
            )
            moved |= moves
        return moved
