import logging

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .receivable_promise import (
    INVOICE_ORDER,
    _get_open_invoices_domain,
    get_portal_responsible,
    post_portal_note,
)

_logger = logging.getLogger(__name__)

# plans under way: their invoices are no longer the customer's to promise or to plan again
LIVE_PLAN_STATES = ("requested", "approved", "active")
# a plan waiting for the company or for the customer's signature: one at a time
PENDING_PLAN_STATES = ("requested", "approved")


class ReceivablePaymentPlan(models.Model):
    _inherit = "receivable.payment.plan"

    portal_requested = fields.Boolean(
        "Asked for on the Portal",
        readonly=True,
        copy=False,
        help="The customer asked for this plan on its statement. Once approved, it goes to the "
        "customer for signature at once; the customer's signature starts it.",
    )

    def action_approve(self):
        result = super().action_approve()
        self.filtered("portal_requested")._portal_send_for_signature()
        return result

    def _prepare_esign_request_values(self):
        values = super()._prepare_esign_request_values()
        if self.portal_requested:
            # the company agreed to the plan when it approved it (who and when are on the
            # plan): the customer's signature is the one that starts it
            values["signer_ids"] = [
                command for command in values["signer_ids"] if command[2]["role"] == "customer"
            ]
        return values

    # ------------------------------------------------------------------------------------------
    # The portal: a plan the customer asks for on its statement, within the company's rules.
    # Called in sudo by the portal's controller, on the debtor and company it resolved.
    # ------------------------------------------------------------------------------------------

    @api.model
    def _portal_get_live_plans(self, debtor, company):
        return self.search(
            [
                ("partner_id", "=", debtor.id),
                ("company_id", "=", company.id),
                ("state", "in", LIVE_PLAN_STATES),
            ]
        )

    @api.model
    def _portal_get_invoices_domain(self, debtor, company):
        """The debtor's open invoices that its customer may spread over a plan: not in a plan
        under way already."""
        planned = self._portal_get_live_plans(debtor, company).move_ids
        return _get_open_invoices_domain(debtor, company, planned)

    @api.model
    def _portal_get_invoices(self, debtor, company):
        """Those invoices, oldest due first."""
        return self.env["account.move"].search(
            self._portal_get_invoices_domain(debtor, company), order=INVOICE_ORDER
        )

    @api.model
    def _portal_get_rules(self, company):
        today = fields.Date.context_today(self)
        last_date = today + relativedelta(months=company.receivable_portal_plan_months)
        return {
            "min_count": company.receivable_portal_plan_min_count,
            "max_count": company.receivable_portal_plan_max_count,
            "min_instalment": company.receivable_portal_plan_min_instalment,
            "months": company.receivable_portal_plan_months,
            "fee": company.receivable_portal_plan_fee,
            "first_date_min": today,
            "last_date": last_date,
            "auto_approve": company.receivable_portal_plan_auto_approve,
        }

    @api.model
    def _portal_prepare_plan_values(self, debtor, company, moves, count, first_date):
        rules = self._portal_get_rules(company)
        responsible = get_portal_responsible(debtor, company)
        return {
            "partner_id": debtor.id,
            "company_id": company.id,
            "move_ids": [Command.set(moves.ids)],
            "instalment_count": count,
            "interval_number": 1,
            "interval_type": "months",
            "first_date": first_date,
            "min_instalment": rules["min_instalment"],
            "fee_amount": rules["fee"],
            # no one of the company made it: the debtor's handler answers for it
            "user_id": (responsible or self.env.ref("base.user_root")).id,
            "portal_requested": True,
        }

    @api.model
    def _portal_new_plan(self, debtor, company, moves, count, first_date):
        """(plan, instalment values): the plan the customer asks for, not saved, with the
        schedule it would have; what the customer sees before confirming. Raise a
        ``UserError`` telling the customer which rule it breaks."""
        rules = self._portal_get_rules(company)
        pending = self._portal_get_live_plans(debtor, company).filtered(
            lambda plan: plan.state in PENDING_PLAN_STATES
        )
        if pending:
            raise UserError(
                _(
                    "Your request for payment plan %s is under way: it must be settled before "
                    "you ask for another one.",
                    pending[0].name,
                )
            )
        if not moves:
            raise UserError(_("Choose the invoices to spread over the plan."))
        self.env["receivable.promise"]._portal_check_still_open(
            moves, self._portal_get_invoices(debtor, company)
        )
        if not count or not rules["min_count"] <= count <= rules["max_count"]:
            raise UserError(
                _(
                    "Choose between %(min)s and %(max)s instalments.",
                    min=rules["min_count"],
                    max=rules["max_count"],
                )
            )
        if not first_date or not rules["first_date_min"] <= first_date <= rules["last_date"]:
            raise UserError(
                _(
                    "Choose a first instalment between %(first)s and %(last)s.",
                    first=format_date(self.env, rules["first_date_min"]),
                    last=format_date(self.env, rules["last_date"]),
                )
            )
        values = self._portal_prepare_plan_values(debtor, company, moves, count, first_date)
        plan = self.with_company(company).new(values)
        schedule = plan._prepare_instalment_values()
        if schedule[-1]["date"] > rules["last_date"]:
            raise UserError(
                _(
                    "A plan ends by %(last)s at the latest (%(months)s months): choose fewer "
                    "instalments or an earlier first date.",
                    last=format_date(self.env, rules["last_date"]),
                    months=rules["months"],
                )
            )
        return plan, schedule

    @api.model
    def _portal_request_plan(self, debtor, company, moves, count, first_date, link=None):
        """The plan the customer confirmed, *Requested*: its collector approves it, or the
        company's rules do at once when they say so. The debtor's chatter tells it and its
        collector gets an activity."""
        plan, _schedule = self._portal_new_plan(debtor, company, moves, count, first_date)
        values = self._portal_prepare_plan_values(debtor, company, moves, count, first_date)
        plan = self.with_company(company).with_context(mail_create_nolog=True).create(values)
        # the company's rules, checked above, stand for a credit controller's hand in
        # computing and requesting the plan the customer asked for
        plan.action_compute_instalments()
        plan.action_request()
        summary = _(
            "Payment plan %(plan)s asked for on the portal: %(count)s monthly instalments from "
            "%(date)s, %(total)s in all (fee %(fee)s), for %(invoices)s.",
            plan=plan.name,
            count=count,
            date=format_date(self.env, first_date),
            total=plan.currency_id.format(plan.amount_plan),
            fee=plan.currency_id.format(plan.fee_amount),
            invoices=", ".join(plan.move_ids.mapped("name")),
        )
        post_portal_note(debtor, summary)
        post_portal_note(plan, summary)
        auto = self._portal_get_rules(company)["auto_approve"] and not plan.needs_manager_approval
        if auto:
            plan._portal_auto_approve()
        responsible = get_portal_responsible(debtor, company)
        if responsible:
            plan.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=(
                    _("Payment plan approved on the portal: follow its signature")
                    if auto
                    else _("Payment plan asked for on the portal: approve or cancel it")
                ),
                note=summary,
                user_id=responsible.id,
            )
        self.env["receivable.portal.event"]._record(
            debtor, company, "plan", link=link, record=plan, amount=plan.amount_plan
        )
        return plan

    def _portal_auto_approve(self):
        """Approved by the company's rules: the customer asked within them, and no credit
        manager's approval is needed."""
        for plan in self:
            plan._check_schedule()
        self._write_state("approved")
        for plan in self:
            plan.message_post(
                body=_("Approved automatically: asked for on the portal within the rules.")
            )
        self._portal_send_for_signature()

    def _portal_send_for_signature(self):
        """An approved plan the customer asked for goes to it for signature at once, sent by
        whoever approved it (the plan's responsible when the rules did): the user whose right
        to start the plan is checked when the customer has signed. A plan that cannot be sent
        (no e-mail or mobile for the customer's contact, say) stays approved, and its
        responsible is asked to send it by hand."""
        for plan in self:
            sender = self.env.user if self.env.user._is_internal() else plan.user_id
            # sudo: approving the plan is what sends it, whatever the approver's eSign rights;
            # the request is made as the sender (see above)
            plan_sudo = plan.with_user(sender).sudo()
            try:
                with self.env.cr.savepoint():
                    # approved again (after going back to draft): only the latest can be signed
                    plan_sudo.env["esign.request"].search(
                        [
                            ("res_model", "=", plan._name),
                            ("res_id", "=", plan.id),
                            ("state", "in", ("draft", "sent")),
                        ]
                    ).action_cancel()
                    esign_request = plan_sudo.env["esign.request"].create(
                        {**plan_sudo._prepare_esign_request_values(), "user_id": sender.id}
                    )
                    esign_request.action_send()
            except UserError as error:
                _logger.info("Payment plan %s not sent for signature: %s", plan.name, error)
                plan._portal_signature_not_sent(error)
                continue
            plan.message_post(body=_("Sent to the customer for signature: %s.", esign_request.name))

    def _portal_signature_not_sent(self, error):
        self.ensure_one()
        message = _(
            "The plan could not be sent to the customer for signature: %s Send it by hand "
            "(Send for Signature) once this is fixed.",
            error.args[0],
        )
        self.message_post(body=message)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Send payment plan %s for signature", self.name),
            note=message,
            user_id=self.user_id.id,
        )

    # ------------------------------------------------------------------------------------------
    # The statement: a plan as its customer sees it
    # ------------------------------------------------------------------------------------------

    def _portal_get_signer(self):
        """The customer's signature this plan waits for: the signer whose link the statement
        shows, or nothing."""
        self.ensure_one()
        requests = self.env["esign.request"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("state", "=", "sent")],
            order="id desc",
        )
        return requests.signer_ids.filtered(
            lambda signer: signer.role == "customer" and signer.state == "sent"
        )[:1]

    def _portal_get_schedule(self):
        """[{instalment, amount, paid, left, status}], as the customer sees its plan now:
        what was paid on the plan's invoices since it started goes to the earliest
        instalments, as the daily check allocates it."""
        self.ensure_one()
        currency = self.currency_id
        today = fields.Date.context_today(self)
        left = 0.0
        if self.state == "active":
            left = max(self.residual_at_activation - self._get_balance(), 0.0)
        rows = []
        for instalment in self.instalment_ids.sorted(lambda inst: (inst.date, inst.sequence)):
            paid = currency.round(min(left, instalment.amount))
            left -= paid
            if currency.compare_amounts(paid, instalment.amount) >= 0:
                status = (_("Paid"), "success")
            elif self.state == "active" and instalment.date < today:
                status = (_("Late"), "danger")
            elif not currency.is_zero(paid):
                status = (_("Partly paid"), "info")
            else:
                status = (_("To pay"), "secondary")
            rows.append(
                {
                    "instalment": instalment,
                    "amount": instalment.amount,
                    "paid": paid,
                    "left": currency.round(instalment.amount - paid),
                    "status": status,
                }
            )
        return rows

    def _portal_get_statement_values(self):
        """What the statement shows of this plan. ``instalment_to_pay`` and ``amount_to_pay``
        (the first instalment not fully paid of a running plan, and what is left of it) are
        what online payment offers to pay."""
        self.ensure_one()
        schedule = self._portal_get_schedule()
        signer = self._portal_get_signer() if self.state == "approved" else self.env["esign.signer"]
        if self.state == "requested":
            status = (_("Waiting for our approval"), "warning")
        elif self.state == "approved" and signer:
            status = (_("Approved: sign it to start it"), "info")
        elif self.state == "approved":
            status = (_("Approved: the document to sign is on its way"), "info")
        else:
            status = (_("Running"), "success")
        Instalment = self.env["receivable.payment.plan.instalment"]
        to_pay = next((row for row in schedule if self.state == "active" and row["left"] > 0), None)
        return {
            "plan": self,
            "status": status,
            "schedule": schedule,
            "paid": sum(row["paid"] for row in schedule),
            # relative: the statement and the signing page are on the same server
            "sign_url": signer and signer._get_sign_url().removeprefix(signer.get_base_url()),
            "instalment_to_pay": to_pay["instalment"] if to_pay else Instalment,
            "amount_to_pay": to_pay["left"] if to_pay else 0.0,
        }
