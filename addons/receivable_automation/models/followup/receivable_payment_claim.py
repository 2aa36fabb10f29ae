from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .receivable_state_mixin import USER_GROUP

CLAIM_SOURCES = [
    ("portal", "Portal"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("other", "Other"),
]


class ReceivablePaymentClaim(models.Model):
    """A customer says it has already paid (amount, date, bank reference, proof).

    Its invoices wait in category RDE, held for a few days while the payment is looked for:
    a payment reconciled by then ends the claim as matched; none by then ends it as expired,
    reminders resume and the collector is alerted."""

    _name = "receivable.payment.claim"
    _description = "Payment Announced by a Customer"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "receivable.state.mixin",
    ]
    _order = "date_until desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
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
    line_ids = fields.One2many("receivable.payment.claim.line", "claim_id", "Invoices")
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    amount = fields.Monetary(
        "Amount Paid",
        required=True,
        currency_field="currency_id",
        tracking=True,
        help="What the customer says it paid, in the invoices' currency.",
    )
    payment_date = fields.Date("Paid On", required=True, tracking=True)
    bank_reference = fields.Char(tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Proof",
        help="Transfer confirmation, bank statement... as the customer sent it.",
    )
    source = fields.Selection(CLAIM_SOURCES, required=True, default="other")
    user_id = fields.Many2one(
        "res.users",
        "Collector",
        tracking=True,
        help="Who looks for the payment; defaults to the debtor's collector, else its "
        "salesperson.",
    )
    date_until = fields.Date(
        "Held Until",
        required=True,
        default=lambda self: self._default_date_until(self.env.company),
        tracking=True,
        help="Reminders of the invoices wait until this date; without a matching payment by "
        "then, they resume.",
    )
    state = fields.Selection(
        [("open", "Being Checked"), ("matched", "Received"), ("expired", "Not Received")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    amount_received = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="Paid on the invoices between the claim and its end.",
    )

    @api.model
    def _default_date_until(self, company):
        days = company.receivable_payment_claim_days or 5
        return fields.Date.context_today(self) + relativedelta(days=days)

    @api.depends("line_ids.move_id.currency_id", "company_id")
    def _compute_currency_id(self):
        for claim in self:
            claim.currency_id = (
                claim.line_ids.move_id.currency_id[:1]
                or (claim.company_id or self.env.company).currency_id
            )

    @api.depends("partner_id", "amount", "payment_date")
    def _compute_name(self):
        for claim in self:
            if not (claim.partner_id and claim.payment_date):
                claim.name = _("New Announced Payment")
                continue
            claim.name = _(
                "%(debtor)s: %(amount)s paid on %(date)s",
                debtor=claim.partner_id.name,
                amount=claim.currency_id.format(claim.amount or 0.0),
                date=claim.payment_date,
            )

    @api.constrains("amount", "payment_date", "line_ids")
    def _check_claim(self):
        today = fields.Date.context_today(self)
        for claim in self.filtered(lambda claim: claim.state == "open"):
            moves = claim.line_ids.move_id
            if not moves:
                raise ValidationError(_("An announced payment is about at least one invoice."))
            if moves.commercial_partner_id != claim.partner_id:
                raise ValidationError(
                    _("The invoices of an announced payment must be the debtor's.")
                )
            if len(moves.currency_id) > 1:
                raise ValidationError(_("The invoices of an announced payment share one currency."))
            if claim.currency_id.compare_amounts(claim.amount, 0) <= 0:
                raise ValidationError(_("The amount paid must be positive."))
            if claim.payment_date > today:
                raise ValidationError(_("A payment already made cannot be dated in the future."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not vals.get("date_until"):
                vals["date_until"] = self._default_date_until(company)
            if not vals.get("user_id") and vals.get("partner_id"):
                debtor = self.env["res.partner"].browse(vals["partner_id"])
                vals["user_id"] = debtor._get_receivable_responsible(company).id
        claims = super().create(vals_list)
        claims._hold_place()
        claims._mark_invoices_paid()
        claims._schedule_check_activity()
        return claims

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_check_payment(self):
        """Look for the payment now instead of waiting for tonight's check."""
        self._check_can_end()
        self._check_payments()

    def action_not_received(self):
        """The collector found no such payment: reminders resume at once."""
        self._check_can_end()
        self._expire()

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _check_can_end(self, as_user=None):
        if self.filtered(lambda claim: claim.state != "open"):
            raise UserError(_("This announced payment is already settled."))
        self._check_user_group(
            as_user,
            USER_GROUP,
            _(
                "%(user)s is not a credit controller and cannot settle announced payments.",
                user=(as_user or self.env.user).name,
            ),
        )

    @api.model
    def _cron_check_claims(self):
        self.search([("state", "=", "open")])._check_payments()

    def _check_payments(self):
        """Matched when the invoices received the amount announced (or are paid); expired when
        the hold's date has passed without it."""
        today = fields.Date.context_today(self)
        matched = self.browse()
        for claim in self.filtered(lambda claim: claim.state == "open"):
            received = claim._get_amount_received()
            paid_off = all(
                move.currency_id.is_zero(move.amount_residual) for move in claim.line_ids.move_id
            )
            if paid_off or claim.currency_id.compare_amounts(received, claim.amount) >= 0:
                claim._write_state("matched", {"amount_received": received})
                matched |= claim
            elif claim.date_until < today:
                claim._expire()
        matched._end_hold()
        for claim in matched:
            claim.activity_feedback(["mail.mail_activity_data_todo"])
            claim.message_post(
                body=_(
                    "Payment received: %s paid on the invoices. Reminders are no longer held.",
                    claim.currency_id.format(claim.amount_received),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _get_amount_received(self):
        self.ensure_one()
        return sum(line.residual_at_claim - line.move_id.amount_residual for line in self.line_ids)

    def _expire(self):
        for claim in self:
            claim._write_state("expired", {"amount_received": claim._get_amount_received()})
        self._end_hold()
        self._alert_not_received()

    def _prepare_hold_values(self):
        """Every invoice of the claim waits, whole, until the date the payment should show."""
        self.ensure_one()
        if self.state != "open":
            return []
        return [
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "move_id": line.move_id.id,
                "date_until": self.date_until,
            }
            for line in self.line_ids
        ]

    def _mark_invoices_paid(self):
        already_paid = self.env.ref("receivable_automation.category_rde")
        for line in self.line_ids:
            if line.move_id.receivable_category_id != already_paid:
                line.previous_category_id = line.move_id.receivable_category_id
        self.line_ids.move_id.receivable_category_id = already_paid

    def _end_hold(self):
        """Release the holds and give back their category to the invoices still in RDE that
        no other open claim keeps there."""
        self._hold_release()
        already_paid = self.env.ref("receivable_automation.category_rde")
        still_claimed = (
            self.env["receivable.payment.claim.line"]
            .search(
                [
                    ("move_id", "in", self.line_ids.move_id.ids),
                    ("claim_id.state", "=", "open"),
                    ("claim_id", "not in", self.ids),
                ]
            )
            .move_id
        )
        contacted = {
            company: self.env["receivable.category"]._get_contacted_category(company)
            for company in self.company_id
        }
        for line in self.line_ids:
            move = line.move_id
            if move.receivable_category_id != already_paid or move in still_claimed:
                continue
            move.receivable_category_id = (
                line.previous_category_id or contacted[line.claim_id.company_id]
            )

    def _schedule_check_activity(self):
        for claim in self.filtered("user_id"):
            claim.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=_("Find the payment announced by %s", claim.partner_id.name),
                note=_(
                    "%(amount)s paid on %(date)s, bank reference %(reference)s. Reconcile it "
                    "by %(until)s; after that date reminders resume.",
                    amount=claim.currency_id.format(claim.amount),
                    date=claim.payment_date,
                    reference=claim.bank_reference or _("none given"),
                    until=claim.date_until,
                ),
                user_id=claim.user_id.id,
            )

    def _alert_not_received(self):
        for claim in self:
            claim.activity_unlink(["mail.mail_activity_data_todo"])
            note = _(
                "No payment of %(amount)s was reconciled on %(invoices)s by %(until)s (received "
                "meanwhile: %(received)s). Reminders resume.",
                amount=claim.currency_id.format(claim.amount),
                invoices=", ".join(claim.line_ids.move_id.mapped("name")),
                until=claim.date_until,
                received=claim.currency_id.format(claim.amount_received),
            )
            if claim.user_id:
                claim.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Announced payment not received: %s", claim.partner_id.name),
                    note=note,
                    user_id=claim.user_id.id,
                )
            claim.message_post(body=note, subtype_xmlid="mail.mt_note")
            claim.partner_id.message_post(
                body=_("Announced payment not received: %s", note), subtype_xmlid="mail.mt_note"
            )
