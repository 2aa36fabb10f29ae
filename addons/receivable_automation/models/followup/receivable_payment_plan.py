import base64
import logging

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .receivable_state_mixin import MANAGER_GROUP, USER_GROUP

REMINDER_INTERVAL_DAYS = 7  # at most one reminder per instalment in this many days
EDITABLE_STATES = ("draft", "requested")
# what the approval was given for: frozen once the plan leaves negotiation
NEGOTIATED_FIELDS = ("company_id", "partner_id", "move_ids", "fee_amount")

_logger = logging.getLogger(__name__)


class ReceivablePaymentPlan(models.Model):
    """Instalments agreed with a debtor over some of its open invoices: the invoices leave
    dunning while the plan runs, each instalment is chased on its own, and a missed instalment
    returns the whole balance to dunning at once."""

    _name = "receivable.payment.plan"
    _description = "Payment Plan"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "receivable.state.mixin",
        "esign.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _state_protected_fields = ("state", "approved_by_id")

    def _default_first_date(self):
        return fields.Date.context_today(self) + relativedelta(months=1)

    name = fields.Char(required=True, copy=False, readonly=True, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Debtor",
        required=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'),"
        " ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
        help="The debtor's open invoices by default.",
    )
    fee_move_id = fields.Many2one(
        "account.move",
        "Fee Invoice",
        readonly=True,
        copy=False,
        help="Invoice of the plan's fee, created when the plan starts.",
    )
    amount_disputed = fields.Monetary(
        "Under Dispute",
        compute="_compute_amount_disputed",
        currency_field="currency_id",
        help="Held by open disputes on these invoices: left out until the disputes are settled.",
    )
    amount_total = fields.Monetary(
        "Amount Due",
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        help="What is left to pay on the invoices, fixed once the plan is approved.",
    )
    fee_amount = fields.Monetary("Fee", currency_field="currency_id", tracking=True)
    amount_plan = fields.Monetary(
        "Plan Total", compute="_compute_amount_plan", currency_field="currency_id"
    )
    instalment_count = fields.Integer("Number of Instalments", default=3)
    interval_number = fields.Integer("Every", default=1)
    interval_type = fields.Selection(
        [("weeks", "Weeks"), ("months", "Months")], default="months", required=True
    )
    first_date = fields.Date("First Instalment", default=_default_first_date)
    min_instalment = fields.Monetary("Minimum Instalment", currency_field="currency_id")
    instalment_ids = fields.One2many(
        "receivable.payment.plan.instalment", "plan_id", "Instalments", copy=True
    )
    amount_paid = fields.Monetary(
        "Paid", compute="_compute_amount_paid", currency_field="currency_id"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users", "Responsible", required=True, default=lambda self: self.env.user
    )
    approved_by_id = fields.Many2one(
        "res.users",
        "Approved By",
        readonly=True,
        copy=False,
        tracking=True,
        help="Whoever approved the plan; above the company's approval amount, a credit manager.",
    )
    residual_at_activation = fields.Monetary(
        currency_field="currency_id", readonly=True, copy=False
    )
    date_activated = fields.Date("Started On", readonly=True, copy=False)
    needs_manager_approval = fields.Boolean(compute="_compute_needs_manager_approval")

    @api.depends("company_id")
    def _compute_currency_id(self):
        for record in self:
            record.currency_id = record._get_currency()

    def _get_currency(self):
        # the form's first onchange computes before the company and its currency are set
        return self.currency_id or (self.company_id or self.env.company).currency_id

    @api.depends("partner_id", "company_id")
    def _compute_move_ids(self):
        for plan in self:
            if not plan.partner_id:
                plan.move_ids = False
            elif plan.state in EDITABLE_STATES:
                plan.move_ids = plan._get_open_invoices()
            else:
                plan.move_ids = plan.move_ids

    @api.depends("move_ids")
    def _compute_amount_disputed(self):
        for plan in self:
            plan.amount_disputed = plan.move_ids._receivable_get_held_amount()

    @api.depends("move_ids")
    def _compute_amount_total(self):
        for plan in self:
            # frozen once the plan leaves negotiation: payments must not move the target
            if plan.state in EDITABLE_STATES or not plan.amount_total:
                # a disputed amount is not the customer's to schedule until it is settled
                plan.amount_total = (
                    sum(plan.move_ids.mapped("amount_residual_signed"))
                    - plan.move_ids._receivable_get_held_amount()
                )
            else:
                plan.amount_total = plan.amount_total

    @api.depends("amount_total", "fee_amount")
    def _compute_amount_plan(self):
        for plan in self:
            plan.amount_plan = plan.amount_total + plan.fee_amount

    @api.depends("instalment_ids.amount_paid")
    def _compute_amount_paid(self):
        for plan in self:
            plan.amount_paid = sum(plan.instalment_ids.mapped("amount_paid"))

    @api.depends("amount_total", "company_id.receivable_plan_approval_amount")
    def _compute_needs_manager_approval(self):
        for plan in self:
            plan.needs_manager_approval = (
                plan._get_currency().compare_amounts(
                    plan.amount_total, plan.company_id.receivable_plan_approval_amount
                )
                > 0
            )

    @api.constrains("state", "instalment_ids", "amount_total", "fee_amount")
    def _check_instalments(self):
        for plan in self.filtered(lambda plan: plan.state in ("approved", "active")):
            plan._check_schedule()

    @api.constrains("move_ids", "partner_id")
    def _check_move_ids(self):
        for plan in self:
            if plan.move_ids.commercial_partner_id - plan.partner_id.commercial_partner_id:
                raise ValidationError(_("The invoices of a payment plan must be the debtor's."))

    @api.constrains("fee_amount", "min_instalment", "instalment_count", "interval_number")
    def _check_rules(self):
        for plan in self:
            if plan.currency_id.compare_amounts(plan.fee_amount, 0) < 0:
                raise ValidationError(_("The fee of a payment plan cannot be negative."))
            if plan.currency_id.compare_amounts(plan.min_instalment, 0) < 0:
                raise ValidationError(_("The minimum instalment cannot be negative."))
            if plan.instalment_count < 1 or plan.interval_number < 1:
                raise ValidationError(
                    _("A payment plan has at least one instalment, at least one week apart.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("receivable.payment.plan")
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in NEGOTIATED_FIELDS):
            for plan in self.filtered(lambda plan: plan.state not in EDITABLE_STATES):
                raise UserError(
                    _(
                        "Payment plan %s is no longer in negotiation: reset it to draft to change "
                        "its debtor, invoices or fee.",
                        plan.name,
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_compute_instalments(self):
        """Equal instalments from the rules, the fee on the first, the cents on the last."""
        self._check_can_compute_instalments()
        for plan in self:
            plan.instalment_ids = [Command.clear()] + [
                Command.create(values) for values in plan._prepare_instalment_values()
            ]
        return True

    def action_request(self):
        self._check_can_request()
        self._write_state("requested")

    def action_approve(self):
        self._check_can_approve()
        for plan in self:
            plan._check_schedule()
        self._write_state("approved", {"approved_by_id": self.env.user.id})
        for plan in self:
            plan.message_post(body=_("Payment plan approved by %s.", self.env.user.name))

    def action_activate(self):
        """Start the plan: its invoices leave dunning, payments now go to the instalments."""
        self._check_can_activate()
        for plan in self:
            if not plan.instalment_ids:
                raise UserError(_("Compute or enter the instalments of %s first.", plan.name))
            plan._create_fee_invoice()
            plan_moves = plan._get_plan_moves()
            plan._write_state(
                "active",
                {
                    "date_activated": fields.Date.context_today(plan),
                    "residual_at_activation": sum(plan_moves.mapped("amount_residual_signed")),
                },
            )
            plan._hold_place()
            plan.instalment_ids.write({"amount_paid": 0.0, "state": "pending"})
        return True

    def action_cancel(self):
        self._check_can_cancel()
        active = self.filtered(lambda plan: plan.state == "active")
        self._write_state("cancelled")
        active._release_invoices()

    def action_draft(self):
        self._check_can_draft()
        self._write_state("draft", {"approved_by_id": False})

    def action_send_for_signature(self):
        """A signature request for the plan's PDF: the debtor's contact, then the user."""
        self.ensure_one()
        self._check_can_send_for_signature()
        request = self.env["esign.request"].create(self._prepare_esign_request_values())
        self.message_post(body=_("Sent for signature: %s.", request.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "esign.request",
            "res_id": request.id,
            "view_mode": "form",
        }

    def action_open_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self._get_plan_moves().ids)],
        }

    @api.model
    def _cron_check_payment_plans(self):
        self._check_payment_plans(fields.Date.context_today(self))

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _get_open_invoices(self):
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ]
        )

    def _get_plan_moves(self):
        return self.move_ids | self.fee_move_id

    def _prepare_hold_values(self):
        """The plan's invoices (and its fees invoice) leave dunning while it runs."""
        self.ensure_one()
        return [
            {
                "company_id": self.company_id.id,
                "partner_id": move.commercial_partner_id.id,
                "move_id": move.id,
            }
            for move in self._get_plan_moves()
        ]

    def _check_state(self, states):
        for plan in self:
            if plan.state not in states:
                raise UserError(
                    _(
                        "Payment plan %(name)s is %(state)s: this cannot be done now.",
                        name=plan.name,
                        state=dict(plan._fields["state"]._description_selection(plan.env))[
                            plan.state
                        ],
                    )
                )

    # ------------------------------------------------------------------------------------------
    # Who may do what: each action checks its caller and the plan's state first
    # ------------------------------------------------------------------------------------------

    def _check_can_compute_instalments(self, as_user=None):
        self._check_state(EDITABLE_STATES)
        self._check_controller(as_user)

    def _check_can_request(self, as_user=None):
        self._check_state(("draft",))
        self._check_controller(as_user)

    def _check_can_approve(self, as_user=None):
        """A credit controller approves up to the company's approval amount, a credit manager
        above."""
        self._check_state(EDITABLE_STATES)
        self._check_controller(as_user)
        self._check_approval_rights(as_user)

    def _check_can_activate(self, as_user=None):
        """A credit controller starts a plan approved by someone who could approve it."""
        self._check_state(("approved",))
        self._check_controller(as_user)
        for plan in self.filtered("needs_manager_approval"):
            approver = plan.approved_by_id
            if not approver:
                # approved before approvers were recorded: the user's own right is needed
                plan._check_approval_rights(as_user)
            elif not approver.has_group(MANAGER_GROUP):
                raise AccessError(
                    _(
                        "Payment plan %(name)s was approved by %(approver)s, who is not a "
                        "credit manager: above %(limit)s, a credit manager must approve it "
                        "before it starts.",
                        name=plan.name,
                        approver=approver.name,
                        limit=plan.currency_id.format(
                            plan.company_id.receivable_plan_approval_amount
                        ),
                    )
                )

    def _check_can_cancel(self, as_user=None):
        self._check_state(("draft", "requested", "approved", "active"))
        self._check_controller(as_user)

    def _check_can_draft(self, as_user=None):
        self._check_state(("requested", "approved", "cancelled"))
        self._check_controller(as_user)

    def _check_can_send_for_signature(self, as_user=None):
        """Signing starts the plan: whoever sends it must be allowed to start it."""
        self._check_can_activate(as_user)

    def _check_controller(self, as_user=None):
        self._check_user_group(
            as_user,
            USER_GROUP,
            _(
                "%(user)s is not a credit controller and cannot change the status of payment "
                "plans.",
                user=(as_user or self.env.user).name,
            ),
        )

    def _check_approval_rights(self, as_user=None):
        if as_user is None and self.env.su:
            return
        if (as_user or self.env.user).has_group(MANAGER_GROUP):
            return
        for plan in self.filtered("needs_manager_approval"):
            raise AccessError(
                _(
                    "Payment plan %(name)s is for %(amount)s: above %(limit)s, only a credit "
                    "manager can approve it.",
                    name=plan.name,
                    amount=plan.currency_id.format(plan.amount_total),
                    limit=plan.currency_id.format(plan.company_id.receivable_plan_approval_amount),
                )
            )

    def _check_schedule(self):
        """The instalments pay exactly the plan's total, later and later, each positive."""
        self.ensure_one()
        currency = self.currency_id
        instalments = self.instalment_ids.sorted(lambda inst: (inst.sequence, inst.id))
        if not instalments:
            raise ValidationError(_("Payment plan %s has no instalments.", self.name))
        if any(currency.compare_amounts(amount, 0) <= 0 for amount in instalments.mapped("amount")):
            raise ValidationError(_("Each instalment must be a positive amount."))
        dates = instalments.mapped("date")
        if not all(dates) or any(
            earlier >= later for earlier, later in zip(dates, dates[1:], strict=False)
        ):
            raise ValidationError(_("Each instalment needs a date, later than the one before."))
        total = sum(instalments.mapped("amount"))
        if currency.compare_amounts(total, self.amount_plan) != 0:
            raise ValidationError(
                _(
                    "The instalments (%(instalments)s) do not add up to the plan's total "
                    "(%(total)s).",
                    instalments=currency.format(total),
                    total=currency.format(self.amount_plan),
                )
            )

    def _get_instalment_dates(self):
        self.ensure_one()
        if not self.first_date:
            raise UserError(_("Give the date of the first instalment."))
        step = (
            relativedelta(weeks=self.interval_number)
            if self.interval_type == "weeks"
            else relativedelta(months=self.interval_number)
        )
        return [self.first_date + step * index for index in range(self.instalment_count)]

    def _prepare_instalment_values(self):
        self.ensure_one()
        currency = self.currency_id
        count = self.instalment_count
        if count < 1:
            raise UserError(_("A payment plan has at least one instalment."))
        if currency.compare_amounts(self.amount_total, 0) <= 0:
            raise UserError(_("There is nothing left to pay on the chosen invoices."))
        base = currency.round(self.amount_total / count)
        amounts = [base] * (count - 1) + [currency.round(self.amount_total - base * (count - 1))]
        amounts[0] = currency.round(amounts[0] + self.fee_amount)
        smallest = min(amounts)
        if self.min_instalment and currency.compare_amounts(smallest, self.min_instalment) < 0:
            raise UserError(
                _(
                    "With %(count)s instalments, an instalment would be %(amount)s, below the "
                    "minimum of %(minimum)s: choose fewer instalments.",
                    count=count,
                    amount=currency.format(smallest),
                    minimum=currency.format(self.min_instalment),
                )
            )
        return [
            {"sequence": index * 10, "date": date, "amount": amount}
            for index, (date, amount) in enumerate(
                zip(self._get_instalment_dates(), amounts, strict=True), start=1
            )
        ]

    def _create_fee_invoice(self):
        """The fee is invoiced when the plan starts, due with the first instalment."""
        self.ensure_one()
        if self.currency_id.is_zero(self.fee_amount) or self.fee_move_id:
            return
        first = self.instalment_ids.sorted(lambda inst: (inst.date, inst.sequence))[:1]
        fee_move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_date_due": first.date,
                    "ref": self.name,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": _("Payment plan fee (%s)", self.name),
                                "price_unit": self.fee_amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        fee_move.action_post()
        self.fee_move_id = fee_move

    def _allocate_payments(self, date):
        """What was paid on the invoices since the plan started, to the instalments in order."""
        for plan in self:
            paid = plan.residual_at_activation - sum(
                plan._get_plan_moves().mapped("amount_residual_signed")
            )
            left = max(paid, 0.0)
            for instalment in plan.instalment_ids.sorted(lambda inst: (inst.date, inst.sequence)):
                allocated = plan.currency_id.round(min(left, instalment.amount))
                left -= allocated
                if plan.currency_id.compare_amounts(allocated, instalment.amount) >= 0:
                    state = "paid"
                elif instalment.date < date:
                    state = "late"
                else:
                    state = "pending"
                if instalment.amount_paid != allocated or instalment.state != state:
                    instalment.write({"amount_paid": allocated, "state": state})

    def _check_payment_plans(self, date):
        """Daily: allocate payments, complete paid plans, chase late instalments, break plans
        whose instalment is still unpaid after the grace period."""
        plans = self.search([("state", "=", "active")])
        plans._allocate_payments(date)
        for plan in plans:
            unpaid = plan.instalment_ids.filtered(lambda inst: inst.state != "paid")
            if not unpaid:
                plan._complete()
                continue
            grace = plan.company_id.receivable_plan_grace_days
            missed = unpaid.filtered(
                lambda inst, grace=grace: inst.date + relativedelta(days=grace) < date
            )
            if missed:
                plan._break(missed.sorted("date")[0])
                continue
            unpaid.filtered(
                lambda inst: inst.date < date
                and (
                    not inst.last_reminder_date
                    or (date - inst.last_reminder_date).days >= REMINDER_INTERVAL_DAYS
                )
            )._send_reminder(date)

    def _complete(self):
        for plan in self:
            plan._write_state("completed")
            plan.message_post(body=_("All instalments are paid: the plan is completed."))
        self._release_invoices()

    def _break(self, instalment):
        """Acceleration: the whole balance is due again and dunning resumes at the next level
        at once; the customer is told and the plan's responsible gets an activity."""
        self.ensure_one()
        self._write_state("broken")
        self._release_invoices()
        self._accelerate()
        balance = self._get_balance()
        # in the customer's language; it names the first late instalment, i.e. ``instalment``
        self.message_post_with_source(
            "receivable_automation.mail_template_payment_plan_broken",
            partner_ids=self.partner_id._get_dunning_contacts().ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Payment plan broken: %s", self.name),
            note=_(
                "%(balance)s is due again; dunning resumes at the next level.",
                balance=self.currency_id.format(balance),
            ),
            user_id=self.user_id.id,
        )

    def _get_balance(self):
        """What is left to pay on the plan's invoices (its fee included), company currency."""
        self.ensure_one()
        return sum(self._get_plan_moves().mapped("amount_residual_signed"))

    def _get_missed_instalment(self):
        """The first late instalment: the one whose non-payment breaks the plan."""
        self.ensure_one()
        return self.instalment_ids.filtered(lambda inst: inst.state == "late").sorted(
            lambda inst: (inst.date, inst.sequence)
        )[:1]

    def _release_invoices(self):
        """The plan's invoices go back to dunning, unless something else still holds them."""
        self._hold_release()

    def _accelerate(self):
        """Next level without waiting for the gap between levels: the plan was the delay."""
        self._get_plan_moves()._receivable_accelerate()

    # ------------------------------------------------------------------------------------------
    # Electronic signature
    # ------------------------------------------------------------------------------------------

    def _prepare_esign_request_values(self):
        self.ensure_one()
        # the PDF even in test mode, where Odoo renders reports as HTML unless told otherwise
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "receivable_automation.action_report_receivable_payment_plan", self.ids
            )
        )
        customer = self.partner_id._get_dunning_contacts()[:1]
        return {
            "subject": _("Payment plan %s", self.name),
            "company_id": self.company_id.id,
            "res_model": self._name,
            "res_id": self.id,
            "original_pdf": base64.b64encode(pdf),
            "original_filename": f"{self.name.replace('/', '-')}.pdf",
            "signer_ids": [
                Command.create({"sequence": 1, "role": "customer", "partner_id": customer.id}),
                Command.create(
                    {"sequence": 2, "role": "company", "partner_id": self.env.user.partner_id.id}
                ),
            ],
        }

    def _esign_on_completed(self, request):
        """Called by esign when everyone signed: the approved plan starts, on behalf of whoever
        created the request (not its editable "Sender"), if they may start it; otherwise the
        plan's responsible is asked to check it and start it by hand."""
        sender = request.create_uid
        # sudo: the last signer may be the customer, through the public signing page; the
        # plan starts as the request's creator, whose right to start it is checked first
        plans = self.with_user(sender).sudo().filtered(lambda plan: plan.state == "approved")
        for plan in plans:
            try:
                plan._check_can_activate(sender)
            except UserError as error:
                _logger.warning("Signed payment plan %s not started: %s", plan.name, error)
                plan._esign_refuse_activation(request, error)
                continue
            plan.action_activate()
            plan.message_post(body=_("Signed (%s): the payment plan is active.", request.name))

    def _esign_refuse_activation(self, request, error):
        self.ensure_one()
        self.message_post(
            body=_(
                "Signed (%(request)s), but the plan was not started: %(reason)s",
                request=request.name,
                reason=error.args[0],
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Signed payment plan to check: %s", self.name),
            user_id=self.user_id.id,
        )
