from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .receivable_state_mixin import USER_GROUP

OPEN_DISPUTE_STATES = ("new", "in_progress")


class ReceivableDispute(models.Model):
    """A customer disputes (part of) invoices: reminders stop for the disputed amount only,
    until a credit note or a reasoned rejection resolves it."""

    _name = "receivable.dispute"
    _description = "Dispute"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "receivable.state.mixin",
    ]
    _order = "deadline, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, readonly=True, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Debtor",
        required=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    line_ids = fields.One2many("receivable.dispute.line", "dispute_id", "Disputed Invoices")
    amount = fields.Monetary(
        "Disputed Amount", compute="_compute_amount", store=True, currency_field="currency_id"
    )
    reason_id = fields.Many2one("receivable.dispute.reason", required=True, tracking=True)
    description = fields.Html()
    owner_id = fields.Many2one(
        "res.users",
        "Owner",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="The colleague who must resolve it, e.g. the technical service.",
    )
    deadline = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
        ],
        default="new",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    accepted_amount = fields.Monetary(currency_field="currency_id", tracking=True, copy=False)
    credit_note_id = fields.Many2one("account.move", "Credit Note", readonly=True, copy=False)
    rejection_reason = fields.Text(tracking=True, copy=False)

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        for dispute in self:
            dispute.amount = sum(dispute.line_ids.mapped("amount"))

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.is_overdue = dispute.state in OPEN_DISPUTE_STATES and dispute.deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        domain = [
            ("state", "in", OPEN_DISPUTE_STATES),
            ("deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.constrains("line_ids")
    def _check_lines(self):
        for dispute in self:
            if not dispute.line_ids:
                raise ValidationError(_("A dispute is about at least one invoice."))
            if dispute.line_ids.move_id.commercial_partner_id != dispute.partner_id:
                raise ValidationError(_("The disputed invoices must be the debtor's."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("receivable.dispute")
        disputes = super().create(vals_list)
        disputes._hold_place()
        disputes._mark_invoices_disputed()
        disputes._schedule_owner_activity()
        return disputes

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_start(self):
        self._check_can_start()
        self._write_state("in_progress")

    def action_resolve_with_credit_note(self):
        """Accept ``accepted_amount``: a posted credit note, reconciled with the invoices."""
        self._check_can_resolve()
        for dispute in self:
            dispute._check_open()
            amount = dispute.accepted_amount
            if dispute.currency_id.compare_amounts(amount, 0) <= 0:
                raise UserError(_("Enter the accepted amount to credit."))
            if dispute.currency_id.compare_amounts(amount, dispute.amount) > 0:
                raise UserError(
                    _(
                        "The credit note (%(credit)s) cannot exceed the disputed amount "
                        "(%(disputed)s).",
                        credit=dispute.currency_id.format(amount),
                        disputed=dispute.currency_id.format(dispute.amount),
                    )
                )
            dispute.credit_note_id = dispute._create_credit_note(amount)
            dispute._write_state("resolved")
            dispute._release_invoices()
            dispute.message_post(body=_("Resolved by credit note %s.", dispute.credit_note_id.name))

    def action_reject(self):
        """Reject with the reason given, sent to the customer."""
        self._check_can_reject()
        for dispute in self:
            dispute._check_open()
            if not (dispute.rejection_reason or "").strip():
                raise UserError(_("Give the reason of the rejection: it is sent to the customer."))
            dispute._write_state("rejected")
            dispute._release_invoices()
            # the customer's language: the template's ``lang`` is the dunning contact's
            dispute.message_post_with_source(
                "receivable_automation.mail_template_dispute_rejected",
                partner_ids=dispute.partner_id._get_dunning_contacts().ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _check_can_start(self, as_user=None):
        self._check_open()
        self._check_controller(as_user)

    def _check_can_resolve(self, as_user=None):
        self._check_open()
        self._check_controller(as_user)

    def _check_can_reject(self, as_user=None):
        self._check_open()
        self._check_controller(as_user)

    def _check_controller(self, as_user=None):
        self._check_user_group(
            as_user,
            USER_GROUP,
            _(
                "%(user)s is not a credit controller and cannot start, resolve or reject "
                "disputes.",
                user=(as_user or self.env.user).name,
            ),
        )

    def _check_open(self):
        if self.filtered(lambda dispute: dispute.state not in OPEN_DISPUTE_STATES):
            raise UserError(_("This dispute is already closed."))

    def _mark_invoices_disputed(self):
        dispute_category = self.env.ref("receivable_automation.category_lit")
        for line in self.line_ids:
            if line.move_id.receivable_category_id != dispute_category:
                line.previous_category_id = line.move_id.receivable_category_id
        self.line_ids.move_id.receivable_category_id = dispute_category

    def _prepare_hold_values(self):
        """Only the disputed amount of each invoice is held; the rest is still reminded."""
        self.ensure_one()
        if self.state not in OPEN_DISPUTE_STATES:
            return []
        return [
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "move_id": line.move_id.id,
                "amount": line.amount,
            }
            for line in self.line_ids
        ]

    def _release_invoices(self):
        """Reminders resume on what is still due, unless another dispute still holds it."""
        self._hold_release()
        still_disputed = (
            self.env["receivable.dispute.line"]
            .search(
                [
                    ("move_id", "in", self.line_ids.move_id.ids),
                    ("dispute_id.state", "in", OPEN_DISPUTE_STATES),
                ]
            )
            .move_id
        )
        contacted = self.env["receivable.category"]._get_contacted_category(self.company_id)
        for line in self.line_ids.filtered(lambda line: line.move_id not in still_disputed):
            line.move_id.receivable_category_id = line.previous_category_id or contacted

    def _schedule_owner_activity(self):
        for dispute in self:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=dispute.deadline,
                summary=_("Resolve dispute %s", dispute.name),
                user_id=dispute.owner_id.id,
            )

    def _create_credit_note(self, amount):
        """A credit note of ``amount``, in proportion to the disputed invoices' lines (taxes
        included), posted and reconciled with them."""
        self.ensure_one()
        invoices = self.line_ids.move_id
        ratio = amount / sum(invoices.mapped("amount_total"))
        credit_notes = invoices._reverse_moves(
            default_values_list=[
                {"ref": _("Dispute %(name)s: %(invoice)s", name=self.name, invoice=invoice.name)}
                for invoice in invoices
            ]
        )
        for credit_note in credit_notes:
            for line in credit_note.invoice_line_ids:
                line.price_unit = credit_note.currency_id.round(line.price_unit * ratio)
        credit_notes.action_post()
        for invoice, credit_note in zip(invoices, credit_notes, strict=True):
            (invoice.line_ids + credit_note.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            ).reconcile()
        return credit_notes[:1]
