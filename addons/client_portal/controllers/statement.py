from datetime import timedelta

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import _, fields, http
from odoo.http import request
from odoo.tools import format_date

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
# a statement shows what a customer owes: never cached, never framed, and its address (which
# may hold the link's token) never sent to other sites
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}
CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")
OPEN_PAYMENT_STATES = ("not_paid", "partial")
# how often a debtor may ask for a new link
RENEWAL_INTERVAL = timedelta(minutes=10)


class ReceivableStatementPortal(CustomerPortal):
    """The debtor's account statement on the portal, for its logged-in users (any contact of
    the company) and for whoever holds a valid statement link from a reminder."""

    # ------------------------------------------------------------------------------------------
    # Who is asking
    # ------------------------------------------------------------------------------------------

    def _get_statement_debtor(self, access_token=None):
        """(debtor, company, link) the statement is about, from the link's token or the logged-in
        user; (None, None, None) when neither gives access."""
        if access_token:
            link = request.env["receivable.portal.link"]._find_valid(access_token)
            if not link:
                return None, None, None
            return link.partner_id, link.company_id, link
        user = request.env.user
        if user._is_public():
            return None, None, None
        return user.partner_id.commercial_partner_id, user.company_id, None

    def _statement_moves_domain(self, debtor, company):
        return [
            ("commercial_partner_id", "=", debtor.id),
            ("company_id", "=", company.id),
            ("move_type", "in", CUSTOMER_MOVE_TYPES),
            ("state", "=", "posted"),
        ]

    def _get_followed_up_moves(self, debtor, company):
        """(invoices under an open dispute, invoices in an approved or active plan)."""
        # sudo: the debtor's own disputes and plans, read to sort its invoices
        disputed = (
            request.env["receivable.dispute.line"]
            .sudo()
            .search(
                [
                    ("dispute_id.partner_id", "=", debtor.id),
                    ("dispute_id.company_id", "=", company.id),
                    ("dispute_id.state", "in", ("new", "in_progress")),
                ]
            )
            .move_id
        )
        planned = (
            request.env["receivable.payment.plan"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", debtor.id),
                    ("company_id", "=", company.id),
                    ("state", "in", ("approved", "active")),
                ]
            )
            .move_ids
        )
        return disputed, planned

    def _get_statement_filters(self, disputed, planned):
        today = fields.Date.context_today(request.env.user)
        is_open = [("payment_state", "in", OPEN_PAYMENT_STATES)]
        return {
            "open": {"label": _("To pay"), "domain": is_open},
            "overdue": {
                "label": _("Overdue"),
                "domain": is_open + [("invoice_date_due", "<", today)],
            },
            "paid": {
                "label": _("Paid"),
                "domain": [("payment_state", "in", ("paid", "in_payment", "reversed"))],
            },
            "disputed": {"label": _("Disputed"), "domain": [("id", "in", disputed.ids)]},
            "plan": {"label": _("In a payment plan"), "domain": [("id", "in", planned.ids)]},
            "all": {"label": _("All"), "domain": []},
        }

    def _get_statement_sortings(self):
        return {
            "due": {"label": _("Due date"), "order": "invoice_date_due asc, id asc"},
            "date": {"label": _("Invoice date"), "order": "invoice_date desc, id desc"},
            "amount": {"label": _("Amount"), "order": "amount_residual desc, id desc"},
            "name": {"label": _("Number"), "order": "name desc"},
        }

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    @http.route("/r/<string:token>", type="http", auth="public", website=True, sitemap=False)
    def receivable_short_link(self, token, **kwargs):
        """What a reminder carries: opens the statement in the debtor's language."""
        Link = request.env["receivable.portal.link"]
        link = Link._find_valid(token)
        if not link:
            return self._render_link_not_valid(Link._find(token))
        link._record_opened()
        request.env["receivable.portal.event"]._record(
            link.partner_id, link.company_id, "open", link=link
        )
        url = f"/my/receivables?access_token={token}"
        lang = link.partner_id.lang
        if lang and lang in request.env["res.lang"]._get_frontend():
            url = request.env["ir.http"]._url_for(url, lang_code=lang)
        return request.redirect(url, local=True)

    @http.route(
        "/r/<string:token>/renew",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def receivable_renew_link(self, token, **kwargs):
        """An expired link asks for a new one: it goes to the debtor's dunning contacts by
        e-mail, never to an address typed on the page, at most once per interval."""
        link = request.env["receivable.portal.link"]._find(token)
        if not link or link.state != "expired":
            raise NotFound()
        sent_to = link.partner_id._send_receivable_renewed_link(link.company_id, RENEWAL_INTERVAL)
        values = {"sent_to": sent_to, "page_name": "receivable_link"}
        return self._statement_response("client_portal.portal_link_renewed", values)

    @http.route(
        ["/my/receivables", "/my/receivables/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_my_receivables(
        self, page=1, access_token=None, filterby="open", sortby="due", **kwargs
    ):
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor:
            if access_token:
                return self._render_link_not_valid(
                    request.env["receivable.portal.link"]._find(access_token)
                )
            return request.redirect("/web/login?redirect=/my/receivables")
        disputed, planned = self._get_followed_up_moves(debtor, company)
        filters = self._get_statement_filters(disputed, planned)
        sortings = self._get_statement_sortings()
        filterby = filterby if filterby in filters else "open"
        sortby = sortby if sortby in sortings else "due"
        # sudo: a link's holder is a public user and a contact of the debtor sees the whole
        # company's invoices (Odoo's portal rule shows its own only); every domain is pinned
        # to the debtor and company resolved above
        Move = request.env["account.move"].sudo()
        domain = self._statement_moves_domain(debtor, company) + filters[filterby]["domain"]
        keep = {"filterby": filterby, "sortby": sortby}
        if access_token:
            keep["access_token"] = access_token
        pager = portal_pager(
            url="/my/receivables",
            url_args=keep,
            total=Move.search_count(domain),
            page=page,
            step=PAGE_SIZE,
        )
        moves = Move.search(
            domain, order=sortings[sortby]["order"], limit=PAGE_SIZE, offset=pager["offset"]
        )
        moves._portal_ensure_tokens()
        fees = self._get_move_fees(moves)
        values = {
            "page_name": "receivables",
            "debtor": debtor,
            "company": company,
            "access_token": access_token,
            # sudo: the figures of the resolved debtor only (its receivable lines)
            "summary": debtor.sudo()._receivable_statement_summary(company),
            "moves": moves,
            "statuses": self._get_move_statuses(moves, disputed, planned),
            "fees": fees,
            "fees_apply": bool(fees),
            "today": fields.Date.context_today(request.env.user),
            "pager": pager,
            "filterby": filterby,
            "sortby": sortby,
            "searchbar_filters": filters,
            "searchbar_sortings": sortings,
            "default_url": "/my/receivables",
            "keep": keep,
        }
        values.update(self._prepare_statement_values(debtor, company, link, moves))
        notice = self._get_statement_notices().get(kwargs.get("notice"))
        if notice:
            values["notice"] = notice
        return self._statement_response("client_portal.portal_my_receivables", values)

    def _prepare_statement_values(self, debtor, company, link, moves):
        """Hook: more values for the statement page (an action's rules, say)."""
        return {}

    def _get_statement_notices(self):
        """{code: (sentence, alert colour)} that an action may show on the statement it
        redirects to (``?notice=code``): the page never shows a text taken from the URL."""
        return {"renewed": (_("A new link is on its way to your mailbox."), "info")}

    def _get_statement_url(self, access_token=None, **params):
        """The statement's address with ``params``, keeping a link holder's access."""
        query = {key: value for key, value in params.items() if value}
        if access_token:
            query["access_token"] = access_token
        return "/my/receivables" + (f"?{url_encode(query)}" if query else "")

    def _get_access_query(self, link):
        """What the links of an action page carry to keep a link holder's access."""
        if not link:
            return ""
        # sudo: the token of the link the customer holds already
        return "?" + url_encode({"access_token": link.sudo().token})

    def _redirect_to_statement(self, access_token=None, notice=None, **params):
        """Back to the statement after an action, with the same access."""
        query = {key: value for key, value in params.items() if value}
        if access_token:
            query["access_token"] = access_token
        if notice:
            query["notice"] = notice
        return request.redirect("/my/receivables?" + url_encode(query), local=True)

    # ------------------------------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------------------------------

    def _get_move_statuses(self, moves, disputed, planned):
        """{invoice id: (words for the customer, badge colour)}: never internal codes."""
        today = fields.Date.context_today(request.env.user)
        statuses = {}
        for move in moves:
            if move.move_type == "out_refund":
                status = (_("Credit note"), "info")
            elif move.payment_state in ("paid", "in_payment", "reversed"):
                status = (_("Paid"), "success")
            elif move in disputed:
                status = (_("Under review (disputed)"), "warning")
            elif move in planned:
                status = (_("In your payment plan"), "info")
            elif move.receivable_promise_date and move.receivable_promise_date >= today:
                status = (
                    _(
                        "Payment promised for %s",
                        format_date(request.env, move.receivable_promise_date),
                    ),
                    "info",
                )
            elif move.invoice_date_due and move.invoice_date_due < today:
                days = (today - move.invoice_date_due).days
                status = (_("Overdue by %s days", days), "danger")
            elif move.payment_state == "partial":
                status = (_("Partly paid"), "secondary")
            else:
                status = (_("To pay"), "secondary")
            statuses[move.id] = status
        return statuses

    def _get_move_fees(self, moves):
        """{invoice id: (interest, indemnity)} for the late invoices that bear fees today."""
        today = fields.Date.context_today(request.env.user)
        fees = {}
        for move in moves.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.payment_state in OPEN_PAYMENT_STATES
            and move.invoice_date_due
            and move.invoice_date_due < today
        ):
            interest, indemnity = move._receivable_fees(today)
            if interest or indemnity:
                fees[move.id] = (interest, indemnity)
        return fees

    def _render_link_not_valid(self, link):
        """The same page for any link that does not open the statement; an expired one may ask
        for a new link."""
        values = {
            "page_name": "receivable_link",
            "expired_token": link.sudo().token if link and link.state == "expired" else False,
        }
        response = self._statement_response("client_portal.portal_link_not_valid", values)
        response.status_code = 403 if link else 404
        return response

    def _statement_response(self, template, values):
        response = request.render(template, values)
        response.headers.update(PAGE_HEADERS)
        return response
