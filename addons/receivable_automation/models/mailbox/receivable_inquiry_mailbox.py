from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# a subject longer than this is cut on the question (the e-mail itself keeps it whole)
SUBJECT_LIMIT = 250


class ReceivableInquiry(models.Model):
    """The receivables mailbox: e-mails to the company's alias become questions, matched to
    their debtor (or left in triage when nobody can tell), and replies to reminders and
    invoices come back to the debtor's questions.

    How replies reach a question: reminders carry the mailbox as reply-to. Odoo routes a reply
    to a message of another model sent to an alias as a new e-mail for that alias, so the reply
    creates a question here (``message_new``) and the reminder it answers is found from its
    References. A reply that reaches the reminder or invoice itself (sent to the catchall, or
    to a template's own reply-to) stays there and feeds the question of that reminder or
    invoice (``_receivable_intake_reply``, called from their ``message_update``). Either way the
    reminder or invoice gets a note linking to the question."""

    _inherit = "receivable.inquiry"

    # e-mails nobody can attribute wait in triage without a debtor (see _check_partner_id)
    partner_id = fields.Many2one(required=False)
    email_from = fields.Char(
        "Sender",
        readonly=True,
        help="The sender's address as the e-mail states it. Not verified: anyone can write any "
        "sender address, so it never confirms a promise or closes a dispute by itself.",
    )
    match_note = fields.Char(
        "Matched By",
        readonly=True,
        tracking=True,
        help="How the mailbox recognised the debtor, or why it could not.",
    )
    candidate_partner_ids = fields.Many2many(
        "res.partner",
        "receivable_inquiry_candidate_rel",
        "inquiry_id",
        "partner_id",
        string="Possible Debtors",
        readonly=True,
        help="The debtors this e-mail could be about, when the mailbox could not choose.",
    )
    dunning_action_id = fields.Many2one(
        "receivable.dunning.action",
        "Reply to Reminder",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )

    @api.constrains("partner_id", "source")
    def _check_partner_id(self):
        for inquiry in self:
            if not inquiry.partner_id and inquiry.source != "email":
                raise ValidationError(
                    _("Say which debtor asks the question “%s”.", inquiry.subject)
                )

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        inquiries = super().create(vals_list)
        inquiries._hold_place()
        return inquiries

    def write(self, vals):
        assigned = self.browse()
        if vals.get("partner_id"):
            assigned = self.filtered(lambda inquiry: not inquiry.partner_id)
        result = super().write(vals)
        if {"state", "partner_id", "company_id"} & set(vals):
            closed = self.filtered(lambda inquiry: inquiry.state == "closed")
            closed._hold_release()
            (self - closed)._hold_refresh()
        if assigned:
            assigned._receivable_debtor_assigned()
        return result

    # ------------------------------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to the receivables mailbox: a question of the debtor it is about."""
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")).exists()
        company = company or self.env.company
        match = self.env["receivable.mailbox.match"]._match(company, msg_dict)
        values.update(self._prepare_mailbox_values(company, msg_dict, match))
        # an automatic reply is never answered: no answer activity for the collector
        automatic = self._receivable_is_automatic_reply(msg_dict)
        inquiry = super(
            ReceivableInquiry, self.with_context(receivable_automatic_reply=automatic)
        ).message_new(msg_dict, custom_values=values)
        if match.get("record"):
            inquiry._receivable_link_replied_record(match["record"])
        inquiry._receivable_process_incoming(msg_dict)
        return inquiry

    def message_update(self, msg_dict, update_vals=None):
        """The customer writes again in the thread of its question."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        self._receivable_process_incoming(msg_dict)
        return result

    @api.model
    def _prepare_mailbox_values(self, company, msg_dict, match):
        subject = " ".join((msg_dict.get("subject") or "").split())[:SUBJECT_LIMIT]
        record = match.get("record")
        return {
            "company_id": company.id,
            "source": "email",
            "subject": subject or _("(no subject)"),
            "body": msg_dict.get("body") or False,
            "email_from": msg_dict.get("email_from") or False,
            "partner_id": match["partner"].id,
            "candidate_partner_ids": [fields.Command.set(match["candidates"].ids)],
            "match_note": match["note"],
            "move_id": match.get("move") and match["move"].id,
            "dunning_action_id": record.id
            if record and record._name == "receivable.dunning.action"
            else False,
        }

    @api.model
    def _receivable_intake_reply(self, record, msg_dict):
        """A reply that reached a reminder or customer invoice (``record``) itself: it feeds
        the open question about that record, or opens one."""
        company = record.company_id
        found = self.env["receivable.mailbox.match"]._match_reply_record(company, record)
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not found or any(not user.share for user in author.user_ids):
            # a colleague's e-mail on the thread is no customer question
            return self.browse()
        inquiry = self._get_open_reply_inquiry(record)
        if not inquiry:
            match = {**found, "candidates": self.env["res.partner"], "partner": found["partners"]}
            inquiry = self.create(self._prepare_mailbox_values(company, msg_dict, match))
            inquiry._receivable_link_replied_record(record)
        inquiry.message_post(
            body=msg_dict.get("body") or "",
            subject=msg_dict.get("subject"),
            author_id=msg_dict.get("author_id"),
            email_from=msg_dict.get("email_from"),
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            attachments=msg_dict.get("attachments") or [],
        )
        inquiry._receivable_process_incoming(msg_dict)
        return inquiry

    @api.model
    def _get_open_reply_inquiry(self, record):
        if record._name == "receivable.dunning.action":
            domain = [("dunning_action_id", "=", record.id)]
        else:
            domain = [("move_id", "=", record.id), ("dunning_action_id", "=", False)]
        return self.search(
            [*domain, ("source", "=", "email"), ("state", "!=", "closed")], order="id desc", limit=1
        )

    def _receivable_link_replied_record(self, record):
        """Say on the reminder or invoice that its customer answered, with a link."""
        self.ensure_one()
        record.message_post(
            body=_("The customer answered: %s", self._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )

    def _message_get_suggested_recipients(self):
        # the answer goes back to who wrote, at the address the e-mail states
        recipients = super()._message_get_suggested_recipients()
        if self.email_from:
            self._message_add_suggested_recipient(
                recipients, email=self.email_from, reason=_("Sender")
            )
        return recipients

    def _notify_get_reply_to(self, default=None):
        # answers to a question come back to the receivables mailbox, hence to the question
        reply_tos = super()._notify_get_reply_to(default=default)
        return self.env["res.company"]._receivable_mailbox_reply_to(self, reply_tos)

    # ------------------------------------------------------------------------------------------
    # Triage and holds
    # ------------------------------------------------------------------------------------------

    def _receivable_debtor_assigned(self):
        """A collector said which debtor an e-mail from triage is about."""
        for inquiry in self:
            vals = {
                "match_note": _("assigned by %s", self.env.user.name),
                "candidate_partner_ids": [fields.Command.clear()],
            }
            if not inquiry.user_id:
                vals["user_id"] = inquiry.partner_id._get_receivable_responsible(
                    inquiry.company_id
                ).id
            inquiry.write(vals)
        self.filtered(lambda inquiry: inquiry.state == "to_answer")._schedule_answer_activity()

    def _prepare_answer_hold_values(self):
        """While the question waits for an answer, the debtor gets no reminder, if the company
        wants it so."""
        values = super()._prepare_answer_hold_values()
        if (
            self.state == "to_answer"
            and self.partner_id
            and self.company_id.receivable_inquiry_hold
        ):
            values.append({"partner_id": self.partner_id.id, "company_id": self.company_id.id})
        return values
