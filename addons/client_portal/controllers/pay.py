from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.urls import url_encode

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount

from .statement import OPEN_PAYMENT_STATES, ReceivableStatementPortal

# payments a debtor's customers may start in an hour
PAY_RATE_LIMIT = 10
# no statement offers to pick more invoices at once
MAX_PICKED = 500
MAX_RECORD_ID = 2**31 - 1
OPEN_DISPUTE_STATES = ("new", "in_progress")
# what the customer pays: picked or overdue invoices, a plan's instalment, a dispute's rest
PAY_KINDS = ("invoices", "overdue", "plan", "dispute")


class ReceivablePayPortal(ReceivableStatementPortal, PortalAccount):
    """Pay from the statement, in one transaction of Odoo's ``payment``: the invoices the
    customer picks, all the overdue ones, the next instalment of a running plan or what is
    not disputed on a disputed invoice. Every amount is computed here, never taken from the
    browser; account_payment reconciles the done transaction's payment with its invoices."""

    # ------------------------------------------------------------------------------------------
    # The statement: checkboxes and buttons
    # ------------------------------------------------------------------------------------------

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        payable = moves.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.payment_state in OPEN_PAYMENT_STATES
            and not move.currency_id.is_zero(move.amount_residual)
        )
        # sudo: the link's token is readable by administrators only; it is this visitor's own
        access_token = link and link.sudo().token
        values.update(
            {
                "payable_move_ids": set(payable.ids),
                # sudo: the debtor's own invoices, for the debtor resolved by the statement
                "can_pay_overdue": bool(
                    request.env["account.move"]
                    .sudo()
                    .search(self._pay_get_payable_domain(debtor, company, overdue=True), limit=1)
                ),
                "receivable_pay_url": lambda **params: self._pay_url(access_token, **params),
            }
        )
        return values

    def _get_statement_notices(self):
        notices = super()._get_statement_notices()
        notices["paid"] = (
            _(
                "Thank you for your payment. The invoices show as paid as soon as the payment "
                "is confirmed."
            ),
            "success",
        )
        return notices

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/pay",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_pay(
        self, access_token=None, overdue=None, plan_id=None, dispute_id=None, **kwargs
    ):
        """What is paid, and Odoo's payment form for it."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor:
            if access_token:
                Link = request.env["receivable.portal.link"]
                return self._render_link_not_valid(Link._find(access_token))
            raise Forbidden()
        if overdue:
            kind, key = "overdue", "all"
        elif plan_id:
            kind, key = "plan", plan_id
        elif dispute_id:
            kind, key = "dispute", dispute_id
        else:
            kind = "invoices"
            key = ",".join(request.httprequest.args.getlist("invoice_ids"))
        values = {
            "page_name": "receivable_pay",
            "debtor": debtor,
            "company": company,
            "access_token": access_token,
            "statement_url": self._get_statement_url(access_token),
        }
        try:
            target = self._pay_get_target(debtor, company, kind, key)
        except UserError as error:
            response = self._statement_response(
                "client_portal.portal_receivable_pay", {**values, "error": error.args[0]}
            )
            response.status_code = 400
            return response
        values.update(target)
        values.update(
            self._get_common_page_view_values(
                invoices_data={
                    "partner": debtor,
                    "company": company,
                    "total_amount": target["amount"],
                    "currency": target["currency"],
                    "amount_residual": target["amount"],
                    "landing_route": self._pay_landing_route(access_token),
                    "transaction_route": f"/my/receivables/pay/transaction/{kind}/{target['key']}",
                },
                access_token=access_token,
            )
        )
        # what Odoo's payment form shows; the transaction route computes it again
        values["amount"] = target["amount"]
        return self._statement_response("client_portal.portal_receivable_pay", values)

    @http.route(
        "/my/receivables/pay/transaction/<string:kind>/<string:key>",
        type="json",
        auth="public",
        sitemap=False,
    )
    def portal_receivable_pay_transaction(self, kind, key, access_token=None, **kwargs):
        """Called by Odoo's payment form: one draft transaction for all the invoices paid, of
        the amount computed here (the form's amount is ignored)."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor:
            raise Forbidden()
        target = self._pay_get_target(debtor, company, kind, key)
        request.env["receivable.portal.event"]._check_rate(debtor, "pay", PAY_RATE_LIMIT)
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "amount": target["amount"],
                "currency_id": target["currency"].id,
                "partner_id": self._pay_get_partner(debtor).id,
                # a payment, never a card check that would pay nothing
                "is_validation": False,
                "landing_route": self._pay_landing_route(access_token),
            }
        )
        tx_sudo = self._create_transaction(
            custom_create_values={"invoice_ids": [Command.set(target["invoices"].ids)]},
            **kwargs,
        )
        request.env["receivable.portal.event"]._record(
            debtor,
            company,
            "pay",
            link=link,
            record=tx_sudo,
            amount=target["amount"],
            currency=target["currency"],
        )
        return tx_sudo._get_processing_values()

    # ------------------------------------------------------------------------------------------
    # What is paid
    # ------------------------------------------------------------------------------------------

    def _pay_get_payable_domain(self, debtor, company, overdue=False):
        domain = self._statement_moves_domain(debtor, company) + [
            ("move_type", "=", "out_invoice"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
        ]
        if overdue:
            domain.append(("invoice_date_due", "<", fields.Date.context_today(request.env.user)))
        return domain

    def _pay_get_target(self, debtor, company, kind, key):
        """{invoices, amount, currency, key, kind, plan, dispute} of a payment, all checked
        against the debtor and company: an id that is not theirs is not found; nothing to pay
        or several currencies raise UserError with the customer's words."""
        if kind not in PAY_KINDS:
            raise NotFound()
        # sudo: the customer may be a public user holding a link; every search below is
        # pinned to the debtor and company resolved from its access
        Move = request.env["account.move"].sudo()
        plan = request.env["receivable.payment.plan"].sudo()
        dispute = request.env["receivable.dispute"].sudo()
        amount = None
        if kind == "invoices":
            ids = parse_ids(key)
            if not ids:
                raise UserError(_("Tick the invoices to pay first."))
            picked = Move.search(
                self._statement_moves_domain(debtor, company) + [("id", "in", list(ids))]
            )
            if len(picked) != len(ids):
                raise NotFound()
            invoices = picked.filtered_domain(self._pay_get_payable_domain(debtor, company))
            key = ",".join(str(move_id) for move_id in sorted(ids))
        elif kind == "overdue":
            invoices = Move.search(
                self._pay_get_payable_domain(debtor, company, overdue=True),
                order="invoice_date_due asc, id asc",
            )
            key = "all"
        elif kind == "plan":
            plan = plan.search(
                [
                    ("id", "=", parse_id(key)),
                    ("partner_id", "=", debtor.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                ]
            )
            if not plan:
                raise NotFound()
            invoices = plan.move_ids.filtered_domain(self._pay_get_payable_domain(debtor, company))
            amount = plan._portal_get_statement_values()["amount_to_pay"]
            key = str(plan.id)
        else:
            dispute = dispute.search(
                [
                    ("id", "=", parse_id(key)),
                    ("partner_id", "=", debtor.id),
                    ("company_id", "=", company.id),
                    ("state", "in", OPEN_DISPUTE_STATES),
                ]
            )
            if not dispute:
                raise NotFound()
            invoices = dispute.line_ids.move_id.filtered_domain(
                self._pay_get_payable_domain(debtor, company)
            )
            key = str(dispute.id)
        if len(invoices.currency_id) > 1:
            raise UserError(
                _(
                    "These invoices are in different currencies (%s): please pay them in one "
                    "payment per currency.",
                    ", ".join(invoices.currency_id.mapped("name")),
                )
            )
        undisputed = self._pay_get_undisputed_amounts(invoices)
        due = sum(undisputed.values())
        amount = due if amount is None else min(amount, due)
        currency = invoices.currency_id
        if not invoices or currency.is_zero(amount):
            raise UserError(
                _("Nothing is left to pay here: what is still open is under review (disputed).")
                if invoices
                else _("Nothing is left to pay on these invoices.")
            )
        return {
            "kind": kind,
            "key": key,
            "invoices": invoices.sorted(lambda move: (move.invoice_date_due, move.id)),
            "undisputed": undisputed,
            "amount": currency.round(amount),
            "currency": currency,
            "plan": plan,
            "dispute": dispute,
        }

    def _pay_get_undisputed_amounts(self, invoices):
        """{invoice id: what is left to pay on it, less what is under an open dispute}."""
        if not invoices:
            return {}
        # sudo: amounts of the debtor's own disputes, for invoices already pinned to it
        disputed = dict(
            request.env["receivable.dispute.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id", "in", invoices.ids),
                    ("dispute_id.state", "in", OPEN_DISPUTE_STATES),
                ],
                ["move_id"],
                ["amount:sum"],
            )
        )
        return {
            move.id: max(move.amount_residual - disputed.get(move, 0.0), 0.0) for move in invoices
        }

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _pay_get_partner(self, debtor):
        """Who pays: the logged-in customer (its saved cards), else the debtor itself, never
        the public user."""
        user = request.env.user
        return debtor if user._is_public() else user.partner_id

    def _pay_landing_route(self, access_token):
        """Where Odoo's payment status page sends the customer back."""
        return self._get_statement_url(access_token, notice="paid")

    def _pay_url(self, access_token, **params):
        params = {key: value for key, value in params.items() if value}
        if access_token:
            params["access_token"] = access_token
        return "/my/receivables/pay?" + url_encode(params)


def parse_id(value):
    try:
        record_id = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < record_id <= MAX_RECORD_ID:
        raise NotFound()
    return record_id


def parse_ids(value):
    """Ids of a comma-separated list; anything else is not found."""
    raw = [part for part in (value or "").split(",") if part.strip()]
    if len(raw) > MAX_PICKED:
        raise NotFound()
    return {parse_id(part) for part in raw}
