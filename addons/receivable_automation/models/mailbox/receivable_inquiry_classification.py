import re

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.tools import email_normalize, html2plaintext

from .mailbox_text import body_text, extract_amounts, extract_dates, normalize
from .receivable_inquiry_rule import INQUIRY_KINDS

# Classes whose inquiry needs no answer: closed as soon as their effects apply.
CLOSING_KINDS = ("out_of_office", "bounce")
# Classes that place a short hold owned by the inquiry.
HOLDING_KINDS = ("out_of_office", "paid")
# A few frequent words of each language, to tell which rules apply.
LANGUAGE_WORDS = {
    "fr": {"le", "la", "les", "des", "nous", "vous", "est", "pour", "une", "votre", "avec", "je"},
    "en": {"the", "we", "you", "is", "for", "your", "will", "with", "of", "to", "and", "our"},
}
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EXCERPT_SIZE = 2000


class ReceivableInquiry(models.Model):
    """Classification of the e-mails the receivables mailbox attaches to an inquiry, by local
    rules, and the effects of each class (drafts to confirm, holds, bounces...)."""

    _inherit = "receivable.inquiry"

    kind = fields.Selection(
        INQUIRY_KINDS,
        "Class",
        tracking=True,
        copy=False,
        help="What the customer's last e-mail is about. Correct it if the rules got it wrong: "
        "the correction is kept beside the rule and the effects of the new class apply.",
    )
    kind_rule_id = fields.Many2one(
        "receivable.inquiry.rule",
        "Matched Rule",
        readonly=True,
        copy=False,
        ondelete="set null",
        context={"active_test": False},
    )
    kind_text = fields.Text("Text Classified", readonly=True, copy=False)
    kind_message_id = fields.Char("Classified E-mail", readonly=True, copy=False)
    kind_pending = fields.Boolean(
        "Effects Pending",
        readonly=True,
        copy=False,
        help="The effects of the class wait until the question has a debtor.",
    )
    kind_hold_until = fields.Date("Held Until", readonly=True, copy=False)
    currency_id = fields.Many2one(related="company_id.currency_id")
    promise_date = fields.Date(
        "Date Mentioned",
        copy=False,
        help="The date promised, or the date of the payment announced, found in the e-mail.",
    )
    promise_amount = fields.Monetary("Amount Mentioned", currency_field="currency_id", copy=False)
    return_date = fields.Date("Back On", copy=False, help="Return date of an out-of-office reply.")
    bounce_email = fields.Char("Bounced Address", readonly=True, copy=False)
    bounce_action_id = fields.Many2one(
        "receivable.dunning.action", "Bounced Reminder", readonly=True, copy=False
    )
    promise_id = fields.Many2one("receivable.promise", readonly=True, copy=False)
    dispute_id = fields.Many2one("receivable.dispute", readonly=True, copy=False)
    payment_claim_id = fields.Many2one(
        "receivable.payment.claim", "Announced Payment", readonly=True, copy=False
    )
    kind_example_ids = fields.One2many(
        "receivable.inquiry.example", "inquiry_id", "Class Corrections", readonly=True
    )

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        inquiries = super().create(vals_list)
        if not self.env.context.get("receivable_classifying"):
            # a class chosen by hand (a call, a letter) has its effects at once
            chosen = inquiries.filtered("kind")
            chosen.with_context(receivable_classifying=True).kind_pending = True
            chosen._receivable_apply_classification()
        return inquiries

    def write(self, vals):
        corrected = self.browse()
        if "kind" in vals and not self.env.context.get("receivable_classifying"):
            corrected = self.filtered(lambda inquiry: inquiry.kind != vals["kind"])
            corrected._store_kind_corrections(vals["kind"])
        result = super().write(vals)
        if corrected:
            corrected._apply_kind_correction(vals["kind"])
        if vals.get("partner_id"):
            # an inquiry out of triage: the effects of its class wait no more
            self._receivable_apply_classification()
        return result

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_create_promise(self):
        """The promise the e-mail announces, prefilled: nothing is held until the collector
        checks and saves it (an e-mail alone never confirms a promise)."""
        self.ensure_one()
        context = {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
            "default_source": "email",
            "receivable_inquiry_id": self.id,
        }
        if self.promise_amount:
            context["default_amount"] = self.promise_amount
        if self.promise_date:
            context["default_date"] = fields.Date.to_string(self.promise_date)
        if self.move_id:
            context["default_move_ids"] = [Command.set(self.move_id.ids)]
        return self._get_draft_action("receivable.promise", _("Promise to Confirm"), context)

    def action_create_dispute(self):
        """The dispute the e-mail announces, prefilled: opened only when the collector saves."""
        self.ensure_one()
        moves = self.move_id or self._get_open_invoices()
        context = {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
            "default_description": self._get_kind_description(),
            "default_line_ids": [Command.create({"move_id": move.id}) for move in moves[:1]],
            "receivable_inquiry_id": self.id,
        }
        return self._get_draft_action("receivable.dispute", _("Dispute to Open"), context)

    def action_create_payment_claim(self):
        """The payment announced, prefilled with the invoices it seems to pay."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        moves = self._get_paid_hint_moves() or self.move_id
        context = {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_company_id": self.company_id.id,
            "default_source": "email",
            "default_payment_date": fields.Date.to_string(
                self.promise_date if self.promise_date and self.promise_date <= today else today
            ),
            "default_line_ids": [Command.create({"move_id": move.id}) for move in moves],
            "receivable_inquiry_id": self.id,
        }
        if self.promise_amount:
            context["default_amount"] = self.promise_amount
        return self._get_draft_action(
            "receivable.payment.claim", _("Announced Payment to Check"), context
        )

    def _get_draft_action(self, model, name, context):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    # ------------------------------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------------------------------

    def _receivable_process_incoming(self, msg_dict):
        result = super()._receivable_process_incoming(msg_dict)
        for inquiry in self:
            inquiry._classify_email(msg_dict)
        self._receivable_apply_classification()
        return result

    def _reopen_on_customer_message(self, message):
        # The gateway posts an e-mail after the mailbox has classified it: an automatic reply
        # closed by its class stays closed (never answered).
        automatic = self.filtered(
            lambda inquiry: inquiry.kind in CLOSING_KINDS
            and inquiry.kind_message_id
            and inquiry.kind_message_id == message.message_id
        )
        return super(ReceivableInquiry, self - automatic)._reopen_on_customer_message(message)

    @api.model
    def _receivable_is_automatic_reply(self, msg_dict):
        """True for an e-mail that must never be answered (out-of-office, bounce): whoever
        sends acknowledgements checks it first, so that two robots never talk in a loop."""
        company = self.env.company
        kind, _rule = self._get_email_kind(msg_dict, company)
        return kind in CLOSING_KINDS

    def _classify_email(self, msg_dict):
        """Class and extracted values of one incoming e-mail, once per e-mail."""
        self.ensure_one()
        message_id = msg_dict.get("message_id")
        if message_id and message_id == self.kind_message_id:
            return
        kind, rule = self._get_email_kind(msg_dict, self.company_id)
        text = self._get_email_texts(msg_dict)["raw_body"]
        values = {
            "kind": kind,
            "kind_rule_id": rule.id,
            "kind_text": text[:EXCERPT_SIZE],
            "kind_message_id": message_id,
            "kind_pending": True,
            "kind_hold_until": False,
            "bounce_email": False,
            "bounce_action_id": False,
            **self._extract_kind_values(kind, f"{msg_dict.get('subject') or ''}\n{text}"),
        }
        if kind == "bounce":
            values.update(self._extract_bounce_values(msg_dict, text))
        self.with_context(receivable_classifying=True).write(values)

    @api.model
    def _get_email_kind(self, msg_dict, company):
        """(class, rule that matched) of an e-mail as ``message_parse`` gives it."""
        texts = self._get_email_texts(msg_dict)
        rule = self.env["receivable.inquiry.rule"]._find_rule(
            texts, self._guess_language(texts), company
        )
        if msg_dict.get("is_bounce") and rule.kind != "bounce":
            # Odoo's own detection (bounce alias, mailer-daemon, delivery report) wins
            return "bounce", rule.browse()
        return rule.kind or "other", rule

    @api.model
    def _get_email_texts(self, msg_dict):
        headers = dict(msg_dict.get("receivable_headers") or {})
        headers["from"] = msg_dict.get("email_from") or ""
        raw_body = body_text(msg_dict.get("body"))
        return {
            "subject": normalize(msg_dict.get("subject")),
            "body": normalize(raw_body),
            "headers": normalize("\n".join(f"{name}: {value}" for name, value in headers.items())),
            "raw_body": raw_body,
        }

    @api.model
    def _guess_language(self, texts):
        """'fr' or 'en' when the frequent words of one clearly win, else False."""
        words = re.findall(r"[a-z']+", f"{texts['subject']} {texts['body']}")
        scores = {
            language: sum(word in common for word in words)
            for language, common in LANGUAGE_WORDS.items()
        }
        if scores["fr"] > 2 * scores["en"]:
            return "fr"
        if scores["en"] > 2 * scores["fr"]:
            return "en"
        return False

    def _extract_kind_values(self, kind, text):
        """Dates and amounts the class needs; empty when not found (the collector fills)."""
        today = fields.Date.context_today(self)
        dates = extract_dates(text, today)
        amounts = extract_amounts(text)
        coming = [day for day in dates if day >= today]
        values = {"promise_date": False, "promise_amount": False, "return_date": False}
        if kind == "promise":
            values.update(promise_date=coming[0] if coming else False)
            values.update(promise_amount=amounts[0] if amounts else False)
        elif kind == "paid":
            past = [day for day in dates if day <= today]
            values.update(promise_date=past[0] if past else False)
            values.update(promise_amount=amounts[0] if amounts else False)
        elif kind == "out_of_office":
            # "absent du 2 au 13 mars": the return is the last date given
            values["return_date"] = max(coming) if coming else False
        return values

    def _extract_bounce_values(self, msg_dict, text):
        """The address that bounced and the reminder it was, as the report tells them."""
        action = self.env["receivable.dunning.action"]
        bounced_message = msg_dict.get("bounced_message")
        if bounced_message and bounced_message.model == action._name:
            action = action.browse(bounced_message.res_id).exists()
        email = msg_dict.get("bounced_email") or self._find_bounced_email(msg_dict, text)
        return {"bounce_email": email or False, "bounce_action_id": action.id}

    def _find_bounced_email(self, msg_dict, text):
        """The first address of the report that is one of our contacts (not the sender's)."""
        sender = email_normalize(msg_dict.get("email_from") or "")
        found = [email_normalize(email) for email in EMAIL_RE.findall(text or "")]
        found = [email for email in found if email and email != sender]
        if not found:
            return False
        known = set(
            self.env["res.partner"]
            .search([("email_normalized", "in", found)])
            .mapped("email_normalized")
        )
        return next((email for email in found if email in known), False)

    # ------------------------------------------------------------------------------------------
    # Effects
    # ------------------------------------------------------------------------------------------

    def _receivable_apply_classification(self):
        """Apply the effects of the class, once per e-mail, to the inquiries that have their
        debtor (an inquiry in triage waits: call it again when its debtor is set)."""
        for inquiry in self.filtered(lambda inquiry: inquiry.kind_pending and inquiry.partner_id):
            inquiry.with_context(receivable_classifying=True).kind_pending = False
            effect = getattr(inquiry, f"_apply_kind_{inquiry.kind or 'other'}", None)
            if effect:
                effect()
            inquiry._hold_refresh()
        return True

    def _apply_kind_promise(self):
        self._message_log(
            body=_(
                "The customer announces a payment of %(amount)s on %(date)s. Check it and "
                "confirm it with “Create Promise”: an e-mail alone never confirms a promise.",
                amount=self._format_kind_amount(),
                date=self.promise_date or _("an unknown date"),
            )
        )

    def _apply_kind_dispute(self):
        self._message_log(
            body=_("The customer disputes. Check it and open the dispute with “Open Dispute”.")
        )

    def _apply_kind_paid(self):
        days = self.company_id.receivable_payment_claim_days or 5
        self._write_kind_hold(fields.Date.context_today(self) + relativedelta(days=days))
        moves = self._get_paid_hint_moves()
        if moves:
            hint = _(
                "Open invoices for this amount: %s.",
                ", ".join(move.name for move in moves),
            )
        else:
            hint = _("No open invoice has a residual of this amount.")
        self._message_log(
            body=_(
                "The customer says it has paid %(amount)s: reminders are held until %(date)s. "
                "%(hint)s Record it with “Announce Payment” once checked.",
                amount=self._format_kind_amount(),
                date=self.kind_hold_until,
                hint=hint,
            )
        )

    def _apply_kind_out_of_office(self):
        today = fields.Date.context_today(self)
        if self.return_date:
            until = self.return_date + relativedelta(days=1)
        else:
            until = today + relativedelta(days=self.company_id.receivable_out_of_office_days or 3)
        self._write_kind_hold(until)
        self.action_close()
        self._message_log(
            body=_(
                "Out-of-office reply: closed without an answer; reminders are held until %s.",
                until,
            )
        )

    def _apply_kind_bounce(self):
        email = self.bounce_email
        contacts = self.env["res.partner"]
        if email:
            contacts = contacts.search([("email_normalized", "=", email)])
            contacts._message_receive_bounce(email, contacts)
        action = self.bounce_action_id or self._find_bounced_reminder(contacts)
        if action:
            action._receivable_mark_bounced(email)
            self.with_context(receivable_classifying=True).bounce_action_id = action
        self.action_close()
        self._message_log(
            body=_(
                "Delivery failure for %(email)s: contact flagged, reminder %(reminder)s marked "
                "failed. Closed without an answer.",
                email=email or _("an unknown address"),
                reminder=action.name or _("not found"),
            )
        )

    def _apply_kind_correction(self, kind):
        """A collector changed the class: the effects of the new one apply, the holds of the
        old one end; a question closed as a robot's reply opens again."""
        reopen = self.filtered(
            lambda inquiry: inquiry.state == "closed" and kind not in CLOSING_KINDS
        )
        self.with_context(receivable_classifying=True).write(
            {"kind_pending": True, "kind_hold_until": False}
        )
        reopen.action_reopen()
        self._receivable_apply_classification()

    def _store_kind_corrections(self, kind):
        self.env["receivable.inquiry.example"].create(
            [
                {
                    "inquiry_id": inquiry.id,
                    "rule_id": inquiry.kind_rule_id.id,
                    "excerpt": inquiry.kind_text or html2plaintext(inquiry.body or ""),
                    "kind_from": inquiry.kind,
                    "kind_to": kind,
                }
                for inquiry in self.filtered("kind")
                if kind
            ]
        )

    def _write_kind_hold(self, until):
        self.with_context(receivable_classifying=True).kind_hold_until = until

    def _prepare_classification_hold_values(self):
        """Out of office: the debtor's reminders wait until the return date; payment
        announced: a few days, on the invoice of the question or the whole debtor."""
        values = super()._prepare_classification_hold_values()
        today = fields.Date.context_today(self)
        if not (
            self.kind in HOLDING_KINDS
            and self.partner_id
            and self.kind_hold_until
            and self.kind_hold_until >= today
        ):
            return values
        hold = {
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "date_until": self.kind_hold_until,
        }
        if self.kind == "paid" and self.move_id:
            hold["move_id"] = self.move_id.id
        return [*values, hold]

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _get_open_invoices(self):
        self.ensure_one()
        return self.env["receivable.promise"]._get_open_invoices(
            self.partner_id.commercial_partner_id.id, self.company_id
        )

    def _get_paid_hint_moves(self):
        """Open invoices whose residual is the amount the customer says it paid."""
        self.ensure_one()
        if not (self.partner_id and self.promise_amount):
            return self.env["account.move"]
        return self._get_open_invoices().filtered(
            lambda move: not move.currency_id.compare_amounts(
                move.amount_residual, self.promise_amount
            )
        )

    def _find_bounced_reminder(self, contacts):
        """The last reminder sent to the address that bounced."""
        if not contacts:
            return self.env["receivable.dunning.action"]
        return self.env["receivable.dunning.action"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "sent"),
                ("message_id", "!=", False),
                ("recipient_ids", "in", contacts.ids),
            ],
            order="sent_date desc, id desc",
            limit=1,
        )

    def _format_kind_amount(self):
        if not self.promise_amount:
            return _("an unknown amount")
        return self.currency_id.format(self.promise_amount)

    def _get_kind_description(self):
        text = self.kind_text or html2plaintext(self.body or "")
        return Markup("<p>%s</p>") % text
