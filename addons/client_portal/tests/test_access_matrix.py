"""The portal's access matrix: every route of client_portal x every kind of visitor.

A visitor without a right to the debtor's statement (another debtor's portal user, the public,
an expired or revoked link, another debtor's link, the debtor's own link with another debtor's
ids, amounts out of the rules) reads nothing of it and writes nothing; a contact of the debtor
company reads and acts. The table of routes, ``ROUTES``, is the one place to extend: a route of
the add-on missing from it fails ``test_every_portal_route_is_in_the_matrix``.
"""

import base64
import io
import json
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from unittest.mock import patch

from freezegun import freeze_time
from PIL import Image

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .test_statement import TODAY, StatementCase

VISITORS = (
    "public",  # no session, no link
    "expired",  # the debtor's link, expired
    "revoked",  # the debtor's link, revoked by a credit controller
    "other_user",  # another debtor's portal user, with the debtor's ids
    "other_token",  # another debtor's valid link, with the debtor's ids
    "guessed_ids",  # the debtor's own link, with another debtor's ids
    "tampered",  # the debtor's own link, amounts and counts out of the rules
    "contact",  # a contact of the debtor company, logged in: the positive case
)
# visitors who must get no 200 nor create anything at all
ANONYMOUS = ("public", "expired", "revoked")
HTTP_VALUES = {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (test)"}
# what the models a portal action creates are; none may be created for, or changed on, a
# debtor by someone without access to its statement
WATCHED_MODELS = (
    "receivable.promise",
    "receivable.dispute",
    "receivable.payment.plan",
    "receivable.payment.claim",
    "receivable.inquiry",
    "receivable.contact.proposal",
    "payment.transaction",
    "mail.mail",
)
DENIED = (400, 403, 404, 429)
# the errors a JSON route may answer with (Odoo answers JSON-RPC errors with a 200)
JSON_DENIED = (
    "werkzeug.exceptions.Forbidden",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.BadRequest",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
)


@dataclass(frozen=True)
class PortalRoute:
    """A route of the portal and how to call it. ``url``, ``params`` and ``tampered`` take the
    ids of the debtor the visitor targets (``SimpleNamespace``: invoice, plan, dispute,
    inquiry, path_token)."""

    rule: str  # as in the routing map
    method: str  # GET, POST or JSON
    url: Callable
    params: Callable = lambda ids: {}
    # variants of ``params`` with amounts/counts out of the rules (the debtor's own link)
    tampered: Callable | None = None
    # the route shows or acts on the visitor's own account, whoever it is (no id to pass)
    own_scope: bool = False
    # a token in the path (the link's, or a proposal's), not an access_token parameter
    path_token: str | None = None
    # the visitors for whom the route is meant to work
    works_for: tuple = ("contact",)


def _invoice_url(suffix):
    return lambda ids: f"/my/receivables/invoice/{ids.invoice}/{suffix}"


ROUTES = (
    PortalRoute("/my/receivables", "GET", lambda ids: "/my/receivables", own_scope=True),
    PortalRoute(
        "/my/receivables/page/<int:page>",
        "GET",
        lambda ids: "/my/receivables/page/1",
        lambda ids: {"filterby": "all"},
        own_scope=True,
    ),
    PortalRoute(
        "/r/<string:token>",
        "GET",
        lambda ids: f"/r/{ids.path_token}",
        path_token="link",
        # a link opens the statement of its own debtor
        works_for=("contact", "other_token"),
    ),
    PortalRoute(
        "/r/<string:token>/renew",
        "POST",
        lambda ids: f"/r/{ids.path_token}/renew",
        path_token="link",
        # an expired link asks for a new one, sent to the debtor's contacts on file
        works_for=("expired",),
    ),
    PortalRoute(
        "/my/receivables/contact/confirm/<string:token>",
        "GET",
        lambda ids: f"/my/receivables/contact/confirm/{ids.path_token}",
        path_token="proposal",
    ),
    PortalRoute(
        "/my/receivables/contact/confirm/<string:token>",
        "POST",
        lambda ids: f"/my/receivables/contact/confirm/{ids.path_token}",
        path_token="proposal",
    ),
    PortalRoute(
        "/my/receivables/statement.pdf",
        "GET",
        lambda ids: "/my/receivables/statement.pdf",
        lambda ids: {"date_from": "2026-01-01", "date_to": "2026-02-28"},
        own_scope=True,
    ),
    PortalRoute(
        "/my/receivables/invoices.zip",
        "GET",
        lambda ids: "/my/receivables/invoices.zip",
        lambda ids: {"ids": str(ids.invoice)},
    ),
    PortalRoute(
        "/my/receivables/signed/<int:request_id>",
        "GET",
        lambda ids: f"/my/receivables/signed/{ids.signed_request}",
    ),
    PortalRoute(
        "/my/receivables/shared/<int:attachment_id>",
        "GET",
        lambda ids: f"/my/receivables/shared/{ids.shared_document}",
    ),
    PortalRoute("/my/receivables/invoice/<int:move_id>/dispute", "GET", _invoice_url("dispute")),
    PortalRoute(
        "/my/receivables/invoice/<int:move_id>/dispute",
        "POST",
        _invoice_url("dispute"),
        lambda ids: {"reason_id": ids.reason, "amount": "100", "description": "Wrong price"},
        tampered=lambda ids: [
            {"reason_id": ids.reason, "amount": amount, "description": "Wrong price"}
            for amount in ("1000000", "-100", "0", "nan", "1e400")
        ],
    ),
    PortalRoute("/my/receivables/invoice/<int:move_id>/paid", "GET", _invoice_url("paid")),
    PortalRoute(
        "/my/receivables/invoice/<int:move_id>/paid",
        "POST",
        _invoice_url("paid"),
        lambda ids: {"amount": "1000", "payment_date": "2026-02-27", "bank_reference": "TRF 1"},
        tampered=lambda ids: [
            {"amount": amount, "payment_date": "2026-02-27", "bank_reference": "TRF 1"}
            for amount in ("1000000", "-1000", "nan")
        ]
        + [{"amount": "1000", "payment_date": "2031-01-01", "bank_reference": "TRF 1"}],
    ),
    PortalRoute(
        "/my/receivables/question",
        "GET",
        lambda ids: "/my/receivables/question",
        lambda ids: {"move_id": ids.invoice},
    ),
    PortalRoute(
        "/my/receivables/question",
        "POST",
        lambda ids: "/my/receivables/question",
        lambda ids: {"move_id": ids.invoice, "body": "Why this fee?"},
    ),
    PortalRoute(  # a reply to one of the debtor's questions
        "/my/receivables/question",
        "POST",
        lambda ids: "/my/receivables/question",
        lambda ids: {"inquiry_id": ids.inquiry, "body": "And the other one?"},
    ),
    PortalRoute(
        "/my/receivables/contact", "GET", lambda ids: "/my/receivables/contact", own_scope=True
    ),
    PortalRoute(
        "/my/receivables/contact",
        "POST",
        lambda ids: "/my/receivables/contact",
        lambda ids: {"name": "Paul Payables", "email": "paul@example.com"},
        own_scope=True,
    ),
    PortalRoute(
        "/my/receivables/pay",
        "GET",
        lambda ids: "/my/receivables/pay",
        lambda ids: {"invoice_ids": ids.invoice},
    ),
    PortalRoute(
        "/my/receivables/pay",
        "GET",
        lambda ids: "/my/receivables/pay",
        lambda ids: {"plan_id": ids.plan},
    ),
    PortalRoute(
        "/my/receivables/pay",
        "GET",
        lambda ids: "/my/receivables/pay",
        lambda ids: {"dispute_id": ids.dispute},
    ),
    PortalRoute(
        "/my/receivables/pay",
        "GET",
        lambda ids: "/my/receivables/pay",
        lambda ids: {"overdue": 1},
        own_scope=True,
    ),
    PortalRoute(
        "/my/receivables/pay/transaction/<string:kind>/<string:key>",
        "JSON",
        lambda ids: f"/my/receivables/pay/transaction/invoices/{ids.invoice}",
        lambda ids: {"amount": ids.invoice_residual},
        # the amount sent is ignored: the transaction is of what the server computes
        tampered=lambda ids: [{"amount": 0.01}, {"amount": -5.0}],
    ),
    PortalRoute(
        "/my/receivables/pay/transaction/<string:kind>/<string:key>",
        "JSON",
        lambda ids: f"/my/receivables/pay/transaction/plan/{ids.plan}",
        lambda ids: {"amount": 1.0},
    ),
    PortalRoute(
        "/my/receivables/promise",
        "GET",
        lambda ids: "/my/receivables/promise",
        lambda ids: {"invoice_ids": ids.invoice},
    ),
    PortalRoute(
        "/my/receivables/promise/confirm",
        "POST",
        lambda ids: "/my/receivables/promise/confirm",
        lambda ids: {"invoice_ids": ids.invoice, "amount": "1000", "date": "2026-03-10"},
        tampered=lambda ids: [
            {"invoice_ids": ids.invoice, "amount": amount, "date": day}
            for amount, day in (
                ("1000000", "2026-03-10"),
                ("1", "2026-03-10"),  # under the minimum share
                ("-1000", "2026-03-10"),
                ("nan", "2026-03-10"),
                ("1000", "2027-03-10"),  # after the latest date
                ("1000", "2026-02-01"),  # in the past
            )
        ],
    ),
    PortalRoute(
        "/my/receivables/plan",
        "GET",
        lambda ids: "/my/receivables/plan",
        lambda ids: {"invoice_ids": ids.invoice, "instalment_count": 2, "first_date": "2026-03-15"},
    ),
    PortalRoute(
        "/my/receivables/plan/confirm",
        "POST",
        lambda ids: "/my/receivables/plan/confirm",
        lambda ids: {"invoice_ids": ids.invoice, "instalment_count": 2, "first_date": "2026-03-15"},
        tampered=lambda ids: [
            {"invoice_ids": ids.invoice, "instalment_count": count, "first_date": day}
            for count, day in (
                ("99", "2026-03-15"),
                ("0", "2026-03-15"),
                ("-2", "2026-03-15"),
                ("2", "2031-03-15"),
                ("2", "2026-01-15"),
            )
        ],
    ),
    # archived documents
    PortalRoute(
        "/my/receivables/archive", "GET", lambda ids: "/my/receivables/archive", own_scope=True
    ),
    PortalRoute(
        "/my/receivables/archive/page/<int:page>",
        "GET",
        lambda ids: "/my/receivables/archive/page/1",
        lambda ids: {"filterby": "invoice"},
        own_scope=True,
    ),
    PortalRoute(
        "/my/receivables/archive/<int:archive_id>/download",
        "GET",
        lambda ids: f"/my/receivables/archive/{ids.archive}/download",
    ),
)


class _RollBack(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAccessMatrix(StatementCase):
    """Every portal route, for every kind of visitor: nothing of a debtor is read or written
    without access to its statement; its contacts do see and act."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["receivable.dispute.reason"].search([], limit=1)
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            cls.pdf = base64.b64encode(pdf_file.read())
        # what each debtor has that a visitor could aim at: an open invoice, an active plan,
        # an open dispute, a question, a proposed contact
        cls.targets = {
            partner: cls._make_targets(partner) for partner in (cls.debtor, cls.other_debtor)
        }
        cls.targets[cls.debtor].invoice = cls.overdue.id
        cls.targets[cls.debtor].invoice_residual = cls.overdue.amount_residual
        cls.targets[cls.other_debtor].invoice = cls.other_invoice.id
        cls.targets[cls.other_debtor].invoice_residual = cls.other_invoice.amount_residual

    @classmethod
    def _make_targets(cls, partner):
        planned = cls._invoice(partner, 400, due=date(2026, 1, 10))
        disputed = cls._invoice(partner, 600, due=date(2026, 1, 20))
        plan = (
            cls.env["receivable.payment.plan"]
            .with_user(cls.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "move_ids": [fields.Command.set(planned.ids)],
                    "instalment_count": 2,
                    "interval_number": 1,
                    "interval_type": "months",
                    "first_date": date(2026, 3, 10),
                }
            )
        )
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        dispute = cls.env["receivable.dispute"].create(
            {
                "company_id": cls.company.id,
                "partner_id": partner.id,
                "reason_id": cls.reason.id,
                "deadline": date(2026, 3, 15),
                "line_ids": [fields.Command.create({"move_id": disputed.id, "amount": 200})],
            }
        )
        inquiry = cls.env["receivable.inquiry"].create(
            {
                "company_id": cls.company.id,
                "partner_id": partner.id,
                "subject": "A question",
                "source": "portal",
            }
        )
        # sudo: proposals are made by the portal only (no group creates them)
        proposal = (
            cls.env["receivable.contact.proposal"]
            .sudo()
            .create(
                {
                    "company_id": cls.company.id,
                    "partner_id": partner.id,
                    "name": "Pat Pending",
                    "email": "pat@example.com",
                }
            )
        )
        shared_document = cls.env["ir.attachment"].create(
            {
                "name": "Shared terms.pdf",
                "raw": b"%PDF-1.4 terms",
                "res_model": "res.partner",
                "res_id": partner.id,
                "receivable_shared": True,
                "company_id": cls.company.id,
            }
        )
        # archived documents: the planned invoice as archived
        invoice_copy = cls.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "raw": b"%PDF-1.4 archived",
                "res_model": "account.move",
                "res_id": planned.id,
                "mimetype": "application/pdf",
            }
        )
        archive = cls.env["receivable.archive"]._archive_attachments(
            invoice_copy, cls.env.ref("receivable_automation.document_type_invoice")
        )
        return SimpleNamespace(
            archive=archive.id,
            shared_document=shared_document.id,
            plan=plan.id,
            dispute=dispute.id,
            inquiry=inquiry.id,
            proposal_token=proposal.token,
            reason=cls.reason.id,
        )

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _setup_links(self):
        """Links made at the frozen date: valid, expired and revoked ones of the debtor, a
        valid one of the other debtor."""
        _url, self.token = self._link()
        _url, self.expired_token = self._link()
        _url, self.revoked_token = self._link()
        _url, self.other_token = self._link(self.other_debtor)
        Link = self.env["receivable.portal.link"].sudo()
        Link.search([("token", "=", self.expired_token)]).expires_at = fields.Datetime.now() - (
            timedelta(days=1)
        )
        Link.search([("token", "=", self.revoked_token)]).revoked_at = fields.Datetime.now()
        self.contact_user = new_test_user(
            self.env,
            login="ra_matrix_contact",
            password="ra_matrix_contact_pw",
            groups="base.group_portal",
            name="Carl Colleague",
            email="carl@agrolait.example.com",
            company_id=self.company.id,
        )
        self.contact_user.partner_id.parent_id = self.debtor
        for partner, contact in (
            (self.debtor, self.contact),
            (self.other_debtor, self.other_portal_user.partner_id),
        ):
            contact.mobile = contact.mobile or "+32 470 65 43 21"
            self.targets[partner].signed_request = self._signed_request(contact).id

    def _signed_request(self, partner):
        """A document signed by ``partner`` (as in test_signatures)."""
        # sudo: set-up as a sender would; the test user of the accounting base is no sender
        esign_request = (
            self.env["esign.request"]
            .sudo()
            .with_company(self.company)
            .create(
                {
                    "subject": "Contract",
                    "user_id": self.collector.id,
                    "company_id": self.company.id,
                    "original_pdf": self.pdf,
                    "original_filename": "contract.pdf",
                    "signer_ids": [(0, 0, {"role": "customer", "partner_id": partner.id})],
                }
            )
        )
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        signer = esign_request.signer_ids
        with (
            patch.object(type(self.env["esign.signer"]), "_generate_code", lambda s: "246810"),
            self.mockSMSGateway(sms_allow_unlink=True),
            self.mock_mail_gateway(),
        ):
            esign_request.action_send()
            signer._send_code(http=HTTP_VALUES)
            signer._sign("246810", png, "draw", http=HTTP_VALUES)
        self.assertEqual(esign_request.state, "completed")
        return esign_request

    def _visitor(self, visitor, route):
        """(target debtor, access_token, victim) of a visitor, after logging it in or out;
        the victim is the debtor whose data must not leak."""
        logins = {
            "other_user": ("ra_other_portal", "ra_other_portal_pw"),
            "contact": ("ra_matrix_contact", "ra_matrix_contact_pw"),
        }
        self.authenticate(*logins.get(visitor, (None, None)))
        tokens = {
            "expired": self.expired_token,
            "revoked": self.revoked_token,
            "other_token": self.other_token,
            "guessed_ids": self.token,
            "tampered": self.token,
        }
        token = tokens.get(visitor)
        victim = self.other_debtor if visitor == "guessed_ids" else self.debtor
        target = SimpleNamespace(**vars(self.targets[victim]))
        target.path_token = self._path_token(route, visitor, target)
        return target, token, victim

    def _path_token(self, route, visitor, target):
        """The token a visitor puts in the path of a route that has one."""
        if route.path_token == "proposal":
            # only the contact holds the e-mailed confirmation token
            return target.proposal_token if visitor == "contact" else self.token[::-1]
        return {
            "expired": self.expired_token,
            "revoked": self.revoked_token,
            "other_token": self.other_token,
            "contact": self.token,
        }.get(visitor, self.token[:-2] + ("AA" if self.token[-2:] != "AA" else "BB"))

    def _request(self, route, target, token, params):
        url = route.url(target)
        with mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http"):
            if route.method == "JSON":
                params = {**self._payment_params(), **params, "access_token": token}
                return self.url_open(
                    url,
                    data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                    headers={"Content-Type": "application/json"},
                )
            if token and not route.path_token:
                params = {**params, "access_token": token}
            if route.method == "POST":
                return self.url_open(
                    url, data={"csrf_token": self._csrf(), **params}, allow_redirects=False
                )
            query = "&".join(f"{key}={value}" for key, value in params.items())
            return self.url_open(url + ("?" + query if query else ""), allow_redirects=False)

    def _payment_params(self):
        return {
            "provider_id": self.payment_provider.id,
            "payment_method_id": self.payment_provider.payment_method_ids[:1].id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/somewhere/else",
            "is_validation": False,
        }

    def _snapshot(self):
        """{model: {id: values}} of the watched models."""
        snapshot = {}
        for model in WATCHED_MODELS:
            Model = self.env[model].sudo().with_context(active_test=False)
            names = [
                name
                for name, field in Model._fields.items()
                if field.store
                and field.type not in ("binary", "one2many")
                and name not in ("write_date", "write_uid", "__last_update")
            ]
            self.env.invalidate_all()
            snapshot[model] = {row["id"]: row for row in Model.search([]).read(names)}
        return snapshot

    def _belongs_to(self, record, victim):
        partners = self.env["res.partner"]
        for name in ("partner_id", "recipient_ids"):
            if name in record._fields:
                partners |= record[name]
        if "invoice_ids" in record._fields:
            partners |= record.invoice_ids.commercial_partner_id
        if record._name == "mail.mail":
            emails = " ".join(filter(None, [record.email_to or "", record.email_cc or ""]))
            if any(email in emails for email in (victim | victim.child_ids).mapped("email")):
                return True
        return victim in partners.commercial_partner_id

    def _victim_markers(self, victim):
        moves = self.env["account.move"].search(
            [("commercial_partner_id", "=", victim.id), ("state", "=", "posted")]
        )
        return [victim.name, *moves.mapped("name")]

    @contextmanager
    def _rolled_back(self):
        """Each cell of the matrix starts from the same data."""
        try:
            with self.env.cr.savepoint():
                yield
                raise _RollBack()
        except _RollBack:
            pass
        self.env.invalidate_all()

    # ------------------------------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------------------------------

    def _check_cell(self, route, visitor, params):
        target, token, victim = self._visitor(visitor, route)
        before = self._snapshot()
        response = self._request(route, target, token, params)
        self.env.invalidate_all()
        after = self._snapshot()
        body = response.content.decode("utf-8", "replace")
        self.assertNotEqual(response.status_code, 500, body[:2000])
        self.assertNotIn("invalid CSRF token", body, "the form must be refused for access")
        if route.method == "JSON":
            result = response.json()
            outcome = "error" if "error" in result else "done"
            if outcome == "error":
                self.assertIn(result["error"]["data"]["name"], JSON_DENIED, result["error"])
        else:
            status = response.status_code
            location = response.headers.get("Location", "")
            to_login = 300 <= status < 400 and "/web/login" in location
            outcome = "error" if status in DENIED or to_login else "done"
            self.assertIn(status, (200, 301, 302, 303, *DENIED), body[:2000])

        works = visitor in route.works_for
        if route.own_scope and visitor in ("other_user", "other_token", "guessed_ids"):
            works = None  # its own account: may work, must show nothing of the victim
        if route.tampered and visitor == "tampered" and route.method == "JSON":
            works = True  # the amount is ignored, checked below
        if works:
            self.assertEqual(outcome, "done", body[:2000])
            if 300 <= response.status_code < 400:
                self.assertNotIn("/web/login", response.headers.get("Location", ""))
        elif works is False:
            self.assertEqual(outcome, "error", body[:2000])
        if visitor not in ("contact", "tampered"):  # the debtor's own data for these two
            for marker in self._victim_markers(victim):
                self.assertNotIn(marker, body, f"{marker} shown to {visitor}")
        self._check_writes(route, visitor, victim, before, after, works)
        if route.method == "JSON" and outcome == "done":
            transaction = (
                self.env["payment.transaction"]
                .sudo()
                .search([("reference", "=", result["result"]["reference"])])
            )
            invoices = transaction.invoice_ids
            self.assertEqual(invoices.commercial_partner_id, self.debtor)
            if "invoices/" in route.url(target):
                self.assertAlmostEqual(transaction.amount, sum(invoices.mapped("amount_residual")))

    def _check_writes(self, route, visitor, victim, before, after, works):
        for model in WATCHED_MODELS:
            changed = [
                record_id
                for record_id, values in before[model].items()
                if after[model].get(record_id) != values
            ]
            new = self.env[model].sudo().browse(sorted(set(after[model]) - set(before[model])))
            if visitor in route.works_for:
                continue
            if works and route.method == "JSON":
                new = new.filtered(lambda record: record._name != "payment.transaction")
            self.assertFalse(changed, f"{model} {changed} changed by {visitor}")
            if visitor in ANONYMOUS or visitor == "tampered":
                self.assertFalse(new, f"{model} created by {visitor}")
            for record in new:
                self.assertFalse(
                    self._belongs_to(record, victim), f"{record} of {victim.name} by {visitor}"
                )

    # ------------------------------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------------------------------

    def test_every_portal_route_is_in_the_matrix(self):
        """A new route of the add-on fails here until it is added to ROUTES."""
        routes = set()
        # the routing map reads the installed modules of the thread's database
        with patch.object(threading.current_thread(), "dbname", self.env.cr.dbname, create=True):
            rules = list(self.env["ir.http"].routing_map().iter_rules())
        for rule in rules:
            endpoint = getattr(rule.endpoint, "original_endpoint", rule.endpoint)
            if not endpoint.__module__.startswith("odoo.addons.client_portal."):
                continue
            if rule.endpoint.routing["type"] == "json":
                methods = {"JSON"}
            else:
                methods = set(rule.methods or ("GET",)) - {"HEAD", "OPTIONS"}
            routes |= {(rule.rule, method) for method in methods}
        self.assertTrue(routes, "the routing map lists the portal's routes")
        in_table = {(route.rule, route.method) for route in ROUTES}
        self.assertEqual(routes - in_table, set(), "routes missing from ROUTES")
        self.assertEqual(in_table - routes, set(), "ROUTES lists routes that do not exist")

    @freeze_time(TODAY)
    def test_access_matrix(self):
        """Each route x each visitor: the contact sees and acts; nobody else reads or writes
        anything of the debtor, never a server error."""
        self._setup_links()
        for route in ROUTES:
            for visitor in VISITORS:
                if visitor == "tampered":
                    if not route.tampered:
                        continue
                    variants = route.tampered(self.targets[self.debtor])
                else:
                    variants = [route.params(self._target_ids(visitor))]
                for params in variants:
                    with (
                        self.subTest(
                            route=f"{route.method} {route.url(self._target_ids(visitor))}",
                            visitor=visitor,
                            params=params,
                        ),
                        self._rolled_back(),
                    ):
                        self._check_cell(route, visitor, params)

    def _target_ids(self, visitor):
        victim = self.other_debtor if visitor == "guessed_ids" else self.debtor
        target = SimpleNamespace(**vars(self.targets[victim]))
        target.path_token = "token"
        return target
