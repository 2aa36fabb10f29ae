import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.urls import url_encode

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request

from .statement import ReceivableStatementPortal

# at most this many of each a debtor's customers may make in an hour
PROMISE_RATE_LIMIT = 5
PLAN_RATE_LIMIT = 3
# no statement offers to pick more invoices at once
MAX_PICKED = 500
MAX_RECORD_ID = 2**31 - 1


class RateLimited(UserError):
    """Too many of an action for a debtor in a while: answered 429, with the message."""


class ReceivablePromisePlanPortal(ReceivableStatementPortal):
    """Promise to pay and ask for a payment plan, from the statement, within the company's
    rules (Receivables settings, *Customer Portal*)."""

    # ------------------------------------------------------------------------------------------
    # The statement: the two actions, the customer's promises and plans
    # ------------------------------------------------------------------------------------------

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        # sudo: the debtor's own promises and plans, for the debtor resolved by the statement
        # sudo: the company's rules and the debtor's bounds, for a public or portal visitor
        Promise = request.env["receivable.promise"].sudo()
        # sudo: the company's rules and the debtor's own plans, for a public or portal visitor
        Plan = request.env["receivable.payment.plan"].sudo()
        Move = request.env["account.move"].sudo()
        plans = Plan._portal_get_live_plans(debtor, company)
        values.update(
            {
                "can_promise": bool(
                    Move.search(Promise._portal_get_invoices_domain(debtor, company), limit=1)
                ),
                "can_ask_plan": not plans.filtered(
                    lambda plan: plan.state in ("requested", "approved")
                )
                and bool(Move.search(Plan._portal_get_invoices_domain(debtor, company), limit=1)),
                "receivable_promises": Promise.search(
                    [
                        ("partner_id", "=", debtor.id),
                        ("company_id", "=", company.id),
                        ("state", "=", "open"),
                    ],
                    order="date asc, id asc",
                ),
                # each with ``instalment_to_pay`` and ``amount_to_pay``: what online payment
                # of an instalment pays
                "receivable_plans": [plan._portal_get_statement_values() for plan in plans],
            }
        )
        return values

    def _get_statement_notices(self):
        notices = super()._get_statement_notices()
        notices.update(
            {
                "promise_made": (
                    _(
                        "Thank you: your promise is noted. These invoices get no reminder until "
                        "the promised date."
                    ),
                    "success",
                ),
                "plan_requested": (
                    _(
                        "Your request is sent. Once we approve it, you will get the plan to sign "
                        "by e-mail, and here."
                    ),
                    "success",
                ),
                "plan_approved": (
                    _("Your payment plan is approved: sign it below to start it."),
                    "success",
                ),
            }
        )
        return notices

    # ------------------------------------------------------------------------------------------
    # Promise to pay
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/promise",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_promise(self, access_token=None, **kwargs):
        debtor, company, link, denied = self._get_promise_plan_access(access_token)
        if denied:
            return denied
        # sudo: the debtor's own invoices and promises, for the debtor resolved above
        Promise = request.env["receivable.promise"].sudo()
        invoices = Promise._portal_get_invoices(debtor, company)
        picked = self._get_promise_plan_picked(debtor, company) & invoices
        if not picked:
            today = fields.Date.context_today(request.env.user)
            picked = invoices.filtered(lambda move: move.invoice_date_due < today) or invoices
        rules = Promise._portal_get_rules(company)
        values = self._prepare_promise_form_values(debtor, company, access_token, invoices, picked)
        amount = Promise._portal_get_bounds(company, picked)[1] if picked else None
        values.update(
            {
                "amount": amount,
                "amount_input": format_amount_input(amount, company.currency_id),
                "date": min(rules["date_min"] + timedelta(days=7), rules["date_max"]),
            }
        )
        return self._statement_response("client_portal.portal_receivable_promise", values)

    @http.route(
        "/my/receivables/promise/confirm",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_promise_confirm(self, access_token=None, amount=None, date=None, **kw):
        debtor, company, link, denied = self._get_promise_plan_access(access_token, post=True)
        if denied:
            return denied
        # sudo: the customer is a public or portal user; what it picked is checked against the
        # debtor resolved above, and the promise is made on that debtor only
        Promise = request.env["receivable.promise"].sudo()
        invoices = Promise._portal_get_invoices(debtor, company)
        picked = self._get_promise_plan_picked(debtor, company)
        amount, date = parse_amount(amount), parse_date(date)
        try:
            Promise._portal_check_promise(company, picked, amount, date, debtor=debtor)
            self._check_promise_plan_rate(debtor, "promise", PROMISE_RATE_LIMIT)
            # nothing of a refused promise is kept
            with request.env.cr.savepoint():
                Promise._portal_create_promise(debtor, company, picked, amount, date, link=link)
        except UserError as error:
            values = self._prepare_promise_form_values(
                debtor, company, access_token, invoices, picked
            )
            values.update({"amount": amount, "date": date})
            values["amount_input"] = format_amount_input(amount, company.currency_id)
            return self._render_promise_plan_error(
                "client_portal.portal_receivable_promise", values, error
            )
        return self._redirect_to_statement(access_token, notice="promise_made")

    def _prepare_promise_form_values(self, debtor, company, access_token, invoices, picked):
        Promise = request.env["receivable.promise"].sudo()
        return {
            "page_name": "receivable_promise",
            "debtor": debtor,
            "company": company,
            "currency": company.currency_id,
            "access_token": access_token,
            "statement_url": self._get_statement_url(access_token),
            "invoices": invoices,
            "picked": picked,
            "today": fields.Date.context_today(request.env.user),
            "rules": Promise._portal_get_rules(company),
            "bounds": Promise._portal_get_bounds(company, picked) if picked else (0.0, 0.0),
        }

    # ------------------------------------------------------------------------------------------
    # Payment plan
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/plan",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_plan(
        self, access_token=None, instalment_count=None, first_date=None, **kwargs
    ):
        """The plan's form; with a number of instalments and a first date, the schedule and
        the fee it would have, to confirm."""
        debtor, company, link, denied = self._get_promise_plan_access(access_token)
        if denied:
            return denied
        # sudo: the debtor's own invoices and plans, for the debtor resolved above; the plan
        # shown is not saved
        Plan = request.env["receivable.payment.plan"].sudo()
        invoices = Plan._portal_get_invoices(debtor, company)
        picked = self._get_promise_plan_picked(debtor, company)
        rules = Plan._portal_get_rules(company)
        count = parse_int(instalment_count)
        first = parse_date(first_date)
        values = self._prepare_plan_request_values(debtor, company, access_token, invoices)
        if instalment_count is None:
            values.update(
                {
                    "picked": picked & invoices or invoices,
                    "count": rules["min_count"],
                    "first_date": min(
                        rules["first_date_min"] + relativedelta(months=1), rules["last_date"]
                    ),
                }
            )
            return self._statement_response("client_portal.portal_receivable_plan", values)
        values.update({"picked": picked, "count": count, "first_date": first})
        try:
            plan, schedule = Plan._portal_new_plan(debtor, company, picked, count, first)
        except UserError as error:
            return self._render_promise_plan_error(
                "client_portal.portal_receivable_plan", values, error
            )
        values.update({"preview": plan, "schedule": schedule})
        return self._statement_response("client_portal.portal_receivable_plan", values)

    @http.route(
        "/my/receivables/plan/confirm",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_plan_confirm(
        self, access_token=None, instalment_count=None, first_date=None, **kwargs
    ):
        debtor, company, link, denied = self._get_promise_plan_access(access_token, post=True)
        if denied:
            return denied
        # sudo: the customer is a public or portal user; what it picked is checked against the
        # debtor resolved above, and the plan is made for that debtor only, within the rules
        Plan = request.env["receivable.payment.plan"].sudo()
        invoices = Plan._portal_get_invoices(debtor, company)
        picked = self._get_promise_plan_picked(debtor, company)
        count = parse_int(instalment_count)
        first = parse_date(first_date)
        try:
            Plan._portal_new_plan(debtor, company, picked, count, first)
            self._check_promise_plan_rate(debtor, "plan", PLAN_RATE_LIMIT)
            # nothing of a refused plan is kept
            with request.env.cr.savepoint():
                plan = Plan._portal_request_plan(debtor, company, picked, count, first, link=link)
        except UserError as error:
            values = self._prepare_plan_request_values(debtor, company, access_token, invoices)
            values.update({"picked": picked, "count": count, "first_date": first})
            return self._render_promise_plan_error(
                "client_portal.portal_receivable_plan", values, error
            )
        notice = "plan_approved" if plan.state == "approved" else "plan_requested"
        return self._redirect_to_statement(access_token, notice=notice)

    def _prepare_plan_request_values(self, debtor, company, access_token, invoices):
        Plan = request.env["receivable.payment.plan"].sudo()
        return {
            "page_name": "receivable_plan",
            "debtor": debtor,
            "company": company,
            "currency": company.currency_id,
            "access_token": access_token,
            "statement_url": self._get_statement_url(access_token),
            "invoices": invoices,
            "today": fields.Date.context_today(request.env.user),
            "rules": Plan._portal_get_rules(company),
            "pending": Plan._portal_get_live_plans(debtor, company).filtered(
                lambda plan: plan.state in ("requested", "approved")
            ),
        }

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _get_promise_plan_access(self, access_token, post=False):
        """(debtor, company, link, None), or (None, None, None, the page to answer) when the
        token or the user gives no access to a statement."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if debtor:
            return debtor, company, link, None
        if access_token:
            Link = request.env["receivable.portal.link"]
            return None, None, None, self._render_link_not_valid(Link._find(access_token))
        if post:
            raise Forbidden()
        path = request.httprequest.path
        return None, None, None, request.redirect(f"/web/login?{url_encode({'redirect': path})}")

    def _get_promise_plan_picked(self, debtor, company):
        """The invoices the customer picked (``invoice_ids``), which must all be the debtor's
        in this company: any other id is not found."""
        raw = request.httprequest.values.getlist("invoice_ids")
        if len(raw) > MAX_PICKED:
            raise NotFound()
        try:
            ids = {int(value) for value in raw}
        except ValueError:
            raise NotFound() from None
        if any(not 0 < move_id <= MAX_RECORD_ID for move_id in ids):
            raise NotFound()
        # sudo: ids sent by the client, searched within the debtor's and company's invoices
        moves = (
            request.env["account.move"]
            .sudo()
            .search(self._statement_moves_domain(debtor, company) + [("id", "in", list(ids))])
        )
        if len(moves) != len(ids):
            raise NotFound()
        return moves

    def _check_promise_plan_rate(self, debtor, kind, limit):
        try:
            request.env["receivable.portal.event"]._check_rate(debtor, kind, limit)
        except UserError as error:
            raise RateLimited(error.args[0]) from None

    def _render_promise_plan_error(self, template, values, error):
        """The form again, with what the customer chose and why it was refused."""
        response = self._statement_response(template, {**values, "error": error.args[0]})
        response.status_code = 429 if isinstance(error, RateLimited) else 400
        return response


def parse_amount(value):
    try:
        amount = float(str(value).replace(",", ".").replace(" ", ""))
    except (TypeError, ValueError):
        return None
    return amount if math.isfinite(amount) else None


def parse_date(value):
    try:
        return fields.Date.to_date(value) or None
    except (TypeError, ValueError):
        return None


def parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def format_amount_input(amount, currency):
    """An amount as a number field holds it (no thousands separator, the currency's
    decimals)."""
    if amount is None:
        return ""
    return f"{amount:.{currency.decimal_places}f}"
