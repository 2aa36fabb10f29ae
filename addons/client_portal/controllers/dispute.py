import math
from datetime import timedelta
from urllib.parse import quote

from werkzeug.exceptions import Forbidden, NotFound

from odoo import Command, _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.receivable_automation.models.followup.receivable_dispute import (
    OPEN_DISPUTE_STATES,
)

from .statement import OPEN_PAYMENT_STATES, ReceivableStatementPortal

# what a customer may attach to a dispute or a proof of payment, checked on the bytes:
# {mimetype: file name extensions}
UPLOAD_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
MAX_UPLOADS = 5
MAX_UPLOAD_MB = 10
MAX_DESCRIPTION = 5000
MAX_BANK_REFERENCE = 140
# a payment "already made" older than this is a question for a person, not a form
MAX_PAYMENT_AGE = timedelta(days=365)
# per debtor and hour
DISPUTE_RATE = 5
PAID_CLAIM_RATE = 5
# disputes and announced payments closed since then still show on the statement
FOLLOWUP_SHOWN_DAYS = 90


class ReceivableDisputePortal(ReceivableStatementPortal):
    """Dispute an invoice or part of it, or say it is already paid, from the statement."""

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/invoice/<int:move_id>/dispute",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_dispute(self, move_id, access_token=None, **kwargs):
        debtor, company, _link, denied = self._get_portal_action_debtor(access_token)
        if denied:
            return denied
        move_sudo = self._get_portal_open_invoice(debtor, company, move_id)
        return self._render_dispute_form(move_sudo, access_token)

    @http.route(
        "/my/receivables/invoice/<int:move_id>/dispute",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_dispute_submit(self, move_id, access_token=None, **post):
        debtor, company, link, denied = self._get_portal_action_debtor(access_token)
        if denied:
            return denied
        move_sudo = self._get_portal_open_invoice(debtor, company, move_id)
        try:
            request.env["receivable.portal.event"]._check_rate(debtor, "dispute", DISPUTE_RATE)
        except UserError as error:
            return self._render_dispute_form(move_sudo, access_token, error, post, status=429)
        try:
            values = self._parse_dispute_form(move_sudo, post)
            uploads = self._read_portal_uploads()
            # all or nothing: the form shows the error and nothing half-made stays behind
            with request.env.cr.savepoint():
                self._create_portal_dispute(debtor, company, link, move_sudo, values, uploads)
        except (UserError, ValidationError) as error:
            return self._render_dispute_form(move_sudo, access_token, error, post, status=400)
        return self._redirect_to_statement(access_token, notice="dispute_sent")

    @http.route(
        "/my/receivables/invoice/<int:move_id>/paid",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_paid_claim(self, move_id, access_token=None, **kwargs):
        debtor, company, _link, denied = self._get_portal_action_debtor(access_token)
        if denied:
            return denied
        move_sudo = self._get_portal_open_invoice(debtor, company, move_id)
        return self._render_paid_claim_form(move_sudo, access_token)

    @http.route(
        "/my/receivables/invoice/<int:move_id>/paid",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_paid_claim_submit(self, move_id, access_token=None, **post):
        debtor, company, link, denied = self._get_portal_action_debtor(access_token)
        if denied:
            return denied
        move_sudo = self._get_portal_open_invoice(debtor, company, move_id)
        try:
            request.env["receivable.portal.event"]._check_rate(
                debtor, "paid_claim", PAID_CLAIM_RATE
            )
        except UserError as error:
            return self._render_paid_claim_form(move_sudo, access_token, error, post, status=429)
        try:
            values = self._parse_paid_claim_form(move_sudo, post)
            uploads = self._read_portal_uploads()
            # all or nothing: the form shows the error and nothing half-made stays behind
            with request.env.cr.savepoint():
                self._create_portal_paid_claim(debtor, company, link, move_sudo, values, uploads)
        except (UserError, ValidationError) as error:
            return self._render_paid_claim_form(move_sudo, access_token, error, post, status=400)
        return self._redirect_to_statement(access_token, notice="paid_claim_sent")

    # ------------------------------------------------------------------------------------------
    # The statement
    # ------------------------------------------------------------------------------------------

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        invoices = moves.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.payment_state in OPEN_PAYMENT_STATES
        )
        disputed = self._get_disputed_amounts(invoices)
        disputes, claims = self._get_portal_followups(debtor, company)
        credit_notes = disputes.credit_note_id
        credit_notes._portal_ensure_tokens()
        values.update(
            {
                "disputable_amounts": {
                    move.id: move.amount_residual - disputed.get(move.id, 0.0)
                    for move in invoices
                    if move.currency_id.compare_amounts(
                        move.amount_residual, disputed.get(move.id, 0.0)
                    )
                    > 0
                },
                "claimable_move_ids": set((invoices - self._get_claimed_moves(invoices)).ids),
                "action_query": self._get_access_query(link),
                "portal_disputes": disputes,
                "portal_claims": claims,
                "followup_statuses": self._get_followup_statuses([*disputes, *claims]),
                "dispute_rests": self._get_dispute_rests(disputes),
            }
        )
        return values

    def _get_statement_notices(self):
        notices = super()._get_statement_notices()
        notices.update(
            {
                "dispute_sent": (
                    _(
                        "Thank you: your dispute was sent. We stop reminding you of the "
                        "disputed amount while we review it; the rest can be paid as usual."
                    ),
                    "success",
                ),
                "paid_claim_sent": (
                    _(
                        "Thank you: we are looking for your payment. No reminder for this "
                        "invoice meanwhile."
                    ),
                    "success",
                ),
            }
        )
        return notices

    def _get_move_statuses(self, moves, disputed, planned):
        statuses = super()._get_move_statuses(moves, disputed, planned)
        open_moves = moves.filtered(lambda move: move.payment_state in OPEN_PAYMENT_STATES)
        for move in self._get_claimed_moves(open_moves):
            statuses[move.id] = (_("Payment announced, being checked"), "info")
        return statuses

    def _get_portal_followups(self, debtor, company):
        """(disputes, announced payments) of the debtor to show: open ones and those closed
        lately, with the back office's answer."""
        since = fields.Datetime.now() - timedelta(days=FOLLOWUP_SHOWN_DAYS)

        def domain(open_states):
            return [
                ("partner_id", "=", debtor.id),
                ("company_id", "=", company.id),
                "|",
                ("state", "in", open_states),
                ("write_date", ">=", since),
            ]

        # sudo: the debtor's own disputes and announced payments, read for its statement; the
        # domains are pinned to the debtor and company resolved from the customer's access
        # sudo: the resolved debtor's own disputes and claims (``domain`` pins it), read for
        # a public link holder or a portal contact
        disputes = (
            request.env["receivable.dispute"]
            .sudo()
            .search(domain(OPEN_DISPUTE_STATES), order="create_date desc, id desc", limit=10)
        )
        claims = (
            request.env["receivable.payment.claim"]
            .sudo()
            .search(domain(("open",)), order="create_date desc, id desc", limit=10)
        )
        return disputes, claims

    def _get_dispute_rests(self, disputes):
        """{dispute id: (what is still due on its invoices besides the disputed amount,
        currency)} for open disputes on invoices of one currency."""
        rests = {}
        for dispute in disputes.filtered(lambda dispute: dispute.state in OPEN_DISPUTE_STATES):
            currency = dispute.line_ids.move_id.currency_id
            if len(currency) != 1:
                continue
            rest = sum(
                max(line.move_id.amount_residual - line.amount, 0.0) for line in dispute.line_ids
            )
            if not currency.is_zero(rest):
                rests[dispute.id] = (rest, currency)
        return rests

    def _get_followup_statuses(self, records):
        """{(model, id): (words for the customer, badge colour)} of disputes and announced
        payments."""
        words = {
            ("receivable.dispute", "new"): (_("Received, under review"), "warning"),
            ("receivable.dispute", "in_progress"): (_("Being reviewed"), "warning"),
            ("receivable.dispute", "resolved"): (_("Accepted"), "success"),
            ("receivable.dispute", "rejected"): (_("Not accepted"), "secondary"),
            ("receivable.payment.claim", "open"): (_("Being checked"), "info"),
            ("receivable.payment.claim", "matched"): (_("Payment received"), "success"),
            ("receivable.payment.claim", "expired"): (_("Payment not found"), "danger"),
        }
        return {
            (record._name, record.id): words[(record._name, record.state)] for record in records
        }

    # ------------------------------------------------------------------------------------------
    # Who is asking, about which invoice
    # ------------------------------------------------------------------------------------------

    def _get_portal_action_debtor(self, access_token):
        """(debtor, company, link, None), or (None, None, None, the response to send) when
        neither a valid link nor a logged-in customer gives access."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if debtor:
            return debtor, company, link, None
        if access_token:
            found = request.env["receivable.portal.link"]._find(access_token)
            return None, None, None, self._render_link_not_valid(found)
        if request.httprequest.method == "GET":
            target = quote(request.httprequest.full_path, safe="")
            return None, None, None, request.redirect(f"/web/login?redirect={target}")
        raise Forbidden()

    def _get_portal_open_invoice(self, debtor, company, move_id):
        """The debtor's open invoice ``move_id``; any other id is not found."""
        # sudo: the customer may be a public user holding a link; the domain pins the invoice
        # to the debtor and company resolved from that access
        move_sudo = (
            request.env["account.move"]
            .sudo()
            .search(
                self._statement_moves_domain(debtor, company)
                + [
                    ("id", "=", move_id),
                    ("move_type", "=", "out_invoice"),
                    ("payment_state", "in", OPEN_PAYMENT_STATES),
                ],
                limit=1,
            )
        )
        if not move_sudo:
            raise NotFound()
        return move_sudo

    def _get_disputed_amounts(self, moves):
        """{invoice id: amount under an open dispute}."""
        if not moves:
            return {}
        # sudo: amounts of the debtor's own disputes, for invoices already pinned to it
        groups = (
            request.env["receivable.dispute.line"]
            .sudo()
            ._read_group(
                [("move_id", "in", moves.ids), ("dispute_id.state", "in", OPEN_DISPUTE_STATES)],
                ["move_id"],
                ["amount:sum"],
            )
        )
        return {move.id: amount for move, amount in groups}

    def _get_claimed_moves(self, moves):
        """Those of ``moves`` whose announced payment is being checked."""
        if not moves:
            return moves
        # sudo: the debtor's own announced payments, for invoices already pinned to it
        return (
            request.env["receivable.payment.claim.line"]
            .sudo()
            .search([("move_id", "in", moves.ids), ("claim_id.state", "=", "open")])
            .move_id
        )

    # ------------------------------------------------------------------------------------------
    # The forms
    # ------------------------------------------------------------------------------------------

    def _prepare_form_values(self, move_sudo, access_token, error, post):
        statement_url = self._get_statement_url(access_token)
        currency = move_sudo.currency_id
        return {
            "page_name": "receivables",
            "move": move_sudo,
            "currency": currency,
            "access_token": access_token,
            "statement_url": statement_url,
            "error": error.args[0] if error else False,
            "form": post or {},
            "today": fields.Date.context_today(request.env.user),
            "amount_step": currency.rounding,
            "format_amount": lambda amount: f"{amount:.{currency.decimal_places}f}",
        }

    def _render_dispute_form(self, move_sudo, access_token, error=None, post=None, status=200):
        values = self._prepare_form_values(move_sudo, access_token, error, post)
        disputed = self._get_disputed_amounts(move_sudo).get(move_sudo.id, 0.0)
        values.update(
            {
                "max_amount": max(move_sudo.amount_residual - disputed, 0.0),
                "disputed_amount": disputed,
                # sudo: the back office's list of reasons, read to offer them
                "reasons": request.env["receivable.dispute.reason"].sudo().search([]),
            }
        )
        response = self._statement_response("client_portal.portal_receivable_dispute_form", values)
        response.status_code = status
        return response

    def _render_paid_claim_form(self, move_sudo, access_token, error=None, post=None, status=200):
        values = self._prepare_form_values(move_sudo, access_token, error, post)
        values.update(
            {
                "already_claimed": bool(self._get_claimed_moves(move_sudo)),
                "min_date": values["today"] - MAX_PAYMENT_AGE,
            }
        )
        response = self._statement_response("client_portal.portal_receivable_paid_form", values)
        response.status_code = status
        return response

    def _parse_amount(self, move_sudo, value, maximum):
        currency = move_sudo.currency_id
        try:
            amount = float(value)
        except (TypeError, ValueError):
            raise UserError(_("Enter an amount, like 150.00.")) from None
        if not math.isfinite(amount):
            raise UserError(_("Enter an amount, like 150.00."))
        amount = currency.round(amount)
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(_("The amount must be more than zero."))
        if currency.compare_amounts(amount, maximum) > 0:
            raise UserError(_("The amount cannot be more than %s.", currency.format(maximum)))
        return amount

    def _parse_dispute_form(self, move_sudo, post):
        disputed = self._get_disputed_amounts(move_sudo).get(move_sudo.id, 0.0)
        maximum = move_sudo.amount_residual - disputed
        if move_sudo.currency_id.compare_amounts(maximum, 0) <= 0:
            raise UserError(_("All that is left to pay on this invoice is already under review."))
        # sudo: the back office's list of reasons; only an active one is accepted
        reason = (
            request.env["receivable.dispute.reason"]
            .sudo()
            .search([("id", "=", _to_int(post.get("reason_id")))], limit=1)
        )
        if not reason:
            raise UserError(_("Choose the reason of your dispute."))
        description = (post.get("description") or "").strip()
        if not description:
            raise UserError(_("Tell us what is wrong with this invoice."))
        if len(description) > MAX_DESCRIPTION:
            raise UserError(_("Please keep your description under %s characters.", MAX_DESCRIPTION))
        return {
            "amount": self._parse_amount(move_sudo, post.get("amount"), maximum),
            "reason": reason,
            "description": description,
        }

    def _parse_paid_claim_form(self, move_sudo, post):
        if self._get_claimed_moves(move_sudo):
            raise UserError(_("We are already checking a payment you announced for this invoice."))
        today = fields.Date.context_today(request.env.user)
        try:
            payment_date = fields.Date.to_date(post.get("payment_date") or None)
        except ValueError:
            payment_date = None
        if not payment_date:
            raise UserError(_("Enter the date of your payment."))
        if payment_date > today:
            raise UserError(_("The date of a payment already made cannot be in the future."))
        if payment_date < today - MAX_PAYMENT_AGE:
            raise UserError(_("For a payment made over a year ago, please write to us."))
        reference = (post.get("bank_reference") or "").strip()
        if not reference:
            raise UserError(_("Enter the reference of your transfer, as on your bank statement."))
        if len(reference) > MAX_BANK_REFERENCE:
            raise UserError(_("The reference is too long."))
        return {
            "amount": self._parse_amount(move_sudo, post.get("amount"), move_sudo.amount_residual),
            "payment_date": payment_date,
            "bank_reference": reference,
        }

    def _read_portal_uploads(self, field_name="attachments"):
        """[(file name, bytes, mimetype)] of the files sent, checked by their content."""
        files = [
            upload for upload in request.httprequest.files.getlist(field_name) if upload.filename
        ]
        if len(files) > MAX_UPLOADS:
            raise UserError(_("Attach at most %s files.", MAX_UPLOADS))
        uploads = []
        for upload in files:
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:100]
            data = upload.read(MAX_UPLOAD_MB * 1024 * 1024 + 1)
            if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
                raise UserError(
                    _("%(file)s is larger than %(size)s MB.", file=name, size=MAX_UPLOAD_MB)
                )
            mimetype = guess_mimetype(data, default="application/octet-stream") if data else ""
            if mimetype not in UPLOAD_TYPES:
                raise UserError(_("%s is not a PDF, PNG or JPEG file.", name))
            # the name says what the content is, whatever name the file came with
            if not name.lower().endswith(UPLOAD_TYPES[mimetype]):
                name = f"{name or 'document'}{UPLOAD_TYPES[mimetype][0]}"
            uploads.append((name, data, mimetype))
        return uploads

    # ------------------------------------------------------------------------------------------
    # What lands in the back office
    # ------------------------------------------------------------------------------------------

    def _get_back_office_env(self, debtor, company):
        """A superuser environment in the language of the debtor's collector: the records and
        notes written for the back office read in its language, not the customer's."""
        # sudo: the customer (a public user holding a link, or a portal user) cannot create
        # the engine's records; every value written is pinned to the debtor and company
        # resolved from its access, and the amounts are checked above
        env = request.env(su=True)
        collector = debtor.with_env(env).with_company(company).receivable_collector_id
        lang = collector.lang or company.with_env(env).partner_id.lang or env.lang
        return env(context=dict(env.context, lang=lang, allowed_company_ids=[company.id]))

    def _get_portal_author(self, debtor):
        """Who the chatter shows as author: the logged-in customer, else the debtor."""
        user = request.env.user
        return debtor if user._is_public() else user.partner_id

    def _get_portal_dispute_owner(self, debtor, company, env):
        """Collector, else salesperson, else a credit manager of the company."""
        owner = debtor.with_env(env)._get_receivable_responsible(company)
        if not owner:
            managers = env.ref("receivable_automation.group_receivable_manager")
            owner = env["res.users"].search(
                [
                    ("groups_id", "in", managers.id),
                    ("company_ids", "in", company.id),
                    ("share", "=", False),
                ],
                order="id",
                limit=1,
            )
        return owner or env.ref("base.user_root")

    def _create_portal_dispute(self, debtor, company, link, move_sudo, values, uploads):
        env = self._get_back_office_env(debtor, company)
        move = move_sudo.with_env(env)
        author = self._get_portal_author(debtor)
        days = company.with_env(env).receivable_portal_dispute_days or 14
        dispute = env["receivable.dispute"].create(
            {
                "company_id": company.id,
                "partner_id": debtor.id,
                "reason_id": values["reason"].id,
                "description": plaintext2html(values["description"]),
                "owner_id": self._get_portal_dispute_owner(debtor, company, env).id,
                "deadline": fields.Date.context_today(request.env.user) + timedelta(days=days),
                "line_ids": [Command.create({"move_id": move.id, "amount": values["amount"]})],
            }
        )
        dispute.message_post(
            body=env._("Opened by the customer from the portal."),
            attachments=[(name, data) for name, data, _mimetype in uploads],
            author_id=author.id,
            subtype_xmlid="mail.mt_note",
        )
        debtor.with_env(env).message_post(
            body=env._(
                "Dispute %(dispute)s opened from the portal: %(amount)s of %(invoice)s "
                "(%(reason)s).",
                dispute=dispute.name,
                amount=move.currency_id.format(values["amount"]),
                invoice=move.name,
                reason=dispute.reason_id.name,
            ),
            author_id=author.id,
            subtype_xmlid="mail.mt_note",
        )
        request.env["receivable.portal.event"]._record(
            debtor,
            company,
            "dispute",
            link=link,
            record=dispute,
            amount=values["amount"],
            currency=move.currency_id,
        )
        return dispute

    def _create_portal_paid_claim(self, debtor, company, link, move_sudo, values, uploads):
        env = self._get_back_office_env(debtor, company)
        move = move_sudo.with_env(env)
        author = self._get_portal_author(debtor)
        claim = env["receivable.payment.claim"].create(
            {
                "company_id": company.id,
                "partner_id": debtor.id,
                "amount": values["amount"],
                "payment_date": values["payment_date"],
                "bank_reference": values["bank_reference"],
                "source": "portal",
                "line_ids": [Command.create({"move_id": move.id})],
            }
        )
        message = claim.message_post(
            body=env._("Announced by the customer from the portal."),
            attachments=[(name, data) for name, data, _mimetype in uploads],
            author_id=author.id,
            subtype_xmlid="mail.mt_note",
        )
        if message.attachment_ids:
            claim.attachment_ids = [Command.set(message.attachment_ids.ids)]
        debtor.with_env(env).message_post(
            body=env._(
                "The customer says from the portal it has paid %(amount)s on %(date)s for "
                "%(invoice)s (reference %(reference)s): reminders of the invoice wait until "
                "%(until)s.",
                amount=move.currency_id.format(values["amount"]),
                date=values["payment_date"],
                invoice=move.name,
                reference=values["bank_reference"],
                until=claim.date_until,
            ),
            author_id=author.id,
            subtype_xmlid="mail.mt_note",
        )
        request.env["receivable.portal.event"]._record(
            debtor,
            company,
            "paid_claim",
            link=link,
            record=claim,
            amount=values["amount"],
            currency=move.currency_id,
        )
        return claim


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
