from datetime import timedelta

from odoo import _, api, fields, models

INQUIRY_SOURCES = [
    ("portal", "Portal"),
    ("email", "E-mail"),
    ("phone", "Phone"),
]


class ReceivableInquiry(models.Model):
    """A customer's question awaiting an answer (from the portal, an e-mail, a call).

    The conversation lives in the chatter: the customer's messages, and the answers the
    collector sends with "Send message" (not a note), which mark the question answered; a new
    message of the customer opens it again."""

    _name = "receivable.inquiry"
    _description = "Customer Question"
    _inherit = ["mail.thread", "mail.activity.mixin", "receivable.hold.mixin"]
    _order = "state_sequence, date_due, id desc"
    _check_company_auto = True
    _rec_name = "subject"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Debtor",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', 'in', "
        "('out_invoice', 'out_refund')), ('state', '=', 'posted')]",
    )
    subject = fields.Char(required=True, tracking=True)
    body = fields.Html("Question", sanitize=True, help="The customer's first message, as it came.")
    source = fields.Selection(INQUIRY_SOURCES, required=True, default="phone")
    state = fields.Selection(
        [("to_answer", "To Answer"), ("answered", "Answered"), ("closed", "Closed")],
        default="to_answer",
        required=True,
        tracking=True,
        copy=False,
    )
    # "to answer" first in lists, whatever the language of the labels
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    user_id = fields.Many2one(
        "res.users",
        "Collector",
        tracking=True,
        help="Who answers; defaults to the debtor's collector, else its salesperson.",
    )
    date_due = fields.Date(
        "Answer By",
        tracking=True,
        help="The company's answer time, in business days, from the question's day.",
    )
    answered_at = fields.Datetime("Answered On", readonly=True, copy=False)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"to_answer": 0, "answered": 1, "closed": 2}
        for inquiry in self:
            inquiry.state_sequence = order.get(inquiry.state, 3)

    @api.model
    def _get_date_due(self, company, start=None):
        """``start`` plus the company's answer time in business days (Monday to Friday)."""
        day = start or fields.Date.context_today(self)
        left = company.receivable_inquiry_days or 2
        while left:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not vals.get("date_due"):
                vals["date_due"] = self._get_date_due(company)
            if not vals.get("user_id") and vals.get("partner_id"):
                debtor = self.env["res.partner"].browse(vals["partner_id"])
                vals["user_id"] = debtor._get_receivable_responsible(company).id
        inquiries = super().create(vals_list)
        inquiries._schedule_answer_activity()
        return inquiries

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_close(self):
        """Nothing more to say: the question leaves the list to answer."""
        self.write({"state": "closed"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_reopen(self):
        self.write({"state": "to_answer"})
        self._schedule_answer_activity()

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _prepare_hold_values(self):
        """The holds an inquiry places: while it awaits an answer (when the company wants it)
        and those its e-mail's class asks for (out of office, payment announced)."""
        self.ensure_one()
        return self._prepare_answer_hold_values() + self._prepare_classification_hold_values()

    def _prepare_answer_hold_values(self):
        """Hold values while the question awaits an answer (none by default)."""
        self.ensure_one()
        return []

    def _prepare_classification_hold_values(self):
        """Hold values that the class of the e-mail asks for (none by default)."""
        self.ensure_one()
        return []

    def _receivable_process_incoming(self, msg_dict):
        """Hook called for each e-mail that the receivables mailbox attaches to these
        inquiries (a new one or a reply), once they exist: ``msg_dict`` is what
        ``mail.thread.message_parse`` made of it. Classification and its effects (draft
        promise, dispute, out-of-office...) extend it."""
        return True

    def _schedule_answer_activity(self):
        if self.env.context.get("receivable_automatic_reply"):
            return
        for inquiry in self.filtered(lambda inquiry: inquiry.user_id and not inquiry.activity_ids):
            inquiry.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=inquiry.date_due,
                summary=_("Answer the question of %s", inquiry.partner_id.name),
                note=inquiry.subject,
                user_id=inquiry.user_id.id,
            )

    def _get_customer_messages(self):
        """The conversation the customer sees: its messages and our answers, never notes."""
        self.ensure_one()
        return self.message_ids.filtered(
            lambda message: message.message_type in ("comment", "email")
            and message.subtype_id
            and not message.subtype_id.internal
        ).sorted(lambda message: (message.date, message.id))

    def _is_answer(self, message):
        """A message sent (not a note) by someone of the company answers the customer."""
        return (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and any(not user.share for user in message.author_id.user_ids)
        )

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type not in ("comment", "email") or message.subtype_id.internal:
            return result
        if self._is_answer(message):
            answered = self.filtered(lambda inquiry: inquiry.state == "to_answer")
            answered.write({"state": "answered", "answered_at": fields.Datetime.now()})
            answered.activity_feedback(["mail.mail_activity_data_todo"])
        else:
            self._reopen_on_customer_message(message)
        return result

    def _reopen_on_customer_message(self, message):
        """The customer writes again: the question waits for an answer again."""
        reopened = self.filtered(lambda inquiry: inquiry.state != "to_answer")
        for inquiry in reopened:
            inquiry.write(
                {"state": "to_answer", "date_due": self._get_date_due(inquiry.company_id)}
            )
        reopened._schedule_answer_activity()
        return reopened
