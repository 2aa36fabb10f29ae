from werkzeug.exceptions import Forbidden, NotFound

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

from .statement import CUSTOMER_MOVE_TYPES, ReceivableStatementPortal

MAX_SUBJECT = 150
MAX_MESSAGE = 4000
MAX_NAME = 128
MAX_MOBILE = 32
# per debtor and hour
MESSAGE_RATE = 10
CONTACT_RATE = 3
# questions shown on the statement
INQUIRIES_SHOWN = 10


class ReceivableMessagePortal(ReceivableStatementPortal):
    """Ask a question on the statement or an invoice and read the answers; propose who
    receives the reminders (applied once the new address confirms)."""

    # ------------------------------------------------------------------------------------------
    # Routes: questions
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/question",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_question(self, access_token=None, move_id=None, **kwargs):
        debtor, company, _link = self._get_message_debtor(access_token)
        move_sudo = self._get_question_move(debtor, company, move_id)
        return self._render_question_form(move_sudo, access_token)

    @http.route(
        "/my/receivables/question",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_question_submit(self, access_token=None, **post):
        debtor, company, link = self._get_message_debtor(access_token)
        move_sudo = self._get_question_move(debtor, company, post.get("move_id"))
        inquiry_sudo = self._get_portal_inquiry(debtor, company, post.get("inquiry_id"))
        try:
            request.env["receivable.portal.event"]._check_rate(debtor, "message", MESSAGE_RATE)
        except UserError as error:
            return self._render_question_form(move_sudo, access_token, error, post, status=429)
        try:
            subject, body = self._parse_question_form(post, move_sudo, inquiry_sudo)
        except UserError as error:
            return self._render_question_form(
                move_sudo, access_token, error, post, status=400, inquiry_sudo=inquiry_sudo
            )
        self._post_portal_question(debtor, company, link, move_sudo, inquiry_sudo, subject, body)
        return self._redirect_to_statement(access_token, notice="question_sent")

    # ------------------------------------------------------------------------------------------
    # Routes: payables contact
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/my/receivables/contact",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_receivable_contact(self, access_token=None, **kwargs):
        self._get_message_debtor(access_token)
        return self._render_contact_form(access_token)

    @http.route(
        "/my/receivables/contact",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_receivable_contact_submit(self, access_token=None, **post):
        debtor, company, link = self._get_message_debtor(access_token)
        try:
            request.env["receivable.portal.event"]._check_rate(debtor, "contact", CONTACT_RATE)
        except UserError as error:
            return self._render_contact_form(access_token, error, post, status=429)
        try:
            values = self._parse_contact_form(post)
        except UserError as error:
            return self._render_contact_form(access_token, error, post, status=400)
        # sudo: the customer is a public or portal user; the proposal is pinned to the debtor
        # and company resolved from its access and changes nothing until confirmed
        proposal = (
            request.env["receivable.contact.proposal"]
            .sudo()
            .create(
                {
                    **values,
                    "partner_id": debtor.id,
                    "company_id": company.id,
                    "link_id": link and link.id,
                    "proposed_by_id": self._get_message_author(debtor).id,
                }
            )
        )
        proposal._send_confirmation()
        request.env["receivable.portal.event"]._record(
            debtor, company, "contact", link=link, record=proposal
        )
        return self._redirect_to_statement(access_token, notice="contact_proposed")

    @http.route(
        "/my/receivables/contact/confirm/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_receivable_contact_confirm(self, token, **post):
        """The link e-mailed to the new address: a page asking to confirm, then (POST, so that
        a mail scanner opening the link changes nothing) the change applied."""
        proposal_sudo = request.env["receivable.contact.proposal"]._find_pending(token)
        values = {"page_name": "receivable_contact", "proposal": proposal_sudo, "token": token}
        if not proposal_sudo:
            response = self._statement_response(
                "client_portal.portal_receivable_contact_confirm", values
            )
            response.status_code = 404
            return response
        if request.httprequest.method == "POST":
            values["contact"] = proposal_sudo._apply()
        return self._statement_response("client_portal.portal_receivable_contact_confirm", values)

    # ------------------------------------------------------------------------------------------
    # The statement
    # ------------------------------------------------------------------------------------------

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        # sudo: the debtor's own questions and their public messages, for its statement; the
        # domain is pinned to the debtor and company resolved from the customer's access
        inquiries = (
            request.env["receivable.inquiry"]
            .sudo()
            .search(
                [("partner_id", "=", debtor.id), ("company_id", "=", company.id)],
                order="create_date desc, id desc",
                limit=INQUIRIES_SHOWN,
            )
        )
        values.update(
            {
                "portal_inquiries": inquiries,
                "inquiry_messages": {
                    inquiry.id: inquiry._get_customer_messages() for inquiry in inquiries
                },
                "inquiry_statuses": {
                    "to_answer": (_("Waiting for our answer"), "warning"),
                    "answered": (_("Answered"), "success"),
                    "closed": (_("Closed"), "secondary"),
                },
                "message_query": self._get_access_query(link),
            }
        )
        return values

    def _get_statement_notices(self):
        notices = super()._get_statement_notices()
        notices.update(
            {
                "question_sent": (
                    _("Thank you: your message was sent. Our answer will show here."),
                    "success",
                ),
                "contact_proposed": (
                    _(
                        "Thank you: we e-mailed the new address a link to confirm. Nothing "
                        "changes until it is confirmed."
                    ),
                    "success",
                ),
            }
        )
        return notices

    # ------------------------------------------------------------------------------------------
    # Who is asking, about what
    # ------------------------------------------------------------------------------------------

    def _get_message_debtor(self, access_token):
        """(debtor, company, link) from the link or the logged-in customer; no valid access is
        refused (403), whatever the form."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor:
            raise Forbidden()
        return debtor, company, link

    def _get_question_move(self, debtor, company, move_id):
        """The debtor's invoice the question is about, if any; another id is not found."""
        if not move_id:
            return request.env["account.move"]
        try:
            move_id = int(move_id)
        except (TypeError, ValueError):
            raise NotFound() from None
        # sudo: a public user holding a link; the domain pins the invoice to the debtor
        move_sudo = (
            request.env["account.move"]
            .sudo()
            .search(
                self._statement_moves_domain(debtor, company)
                + [("id", "=", move_id), ("move_type", "in", CUSTOMER_MOVE_TYPES)],
                limit=1,
            )
        )
        if not move_sudo:
            raise NotFound()
        return move_sudo

    def _get_portal_inquiry(self, debtor, company, inquiry_id):
        """The debtor's question a reply is about, if any; another id is not found."""
        if not inquiry_id:
            return request.env["receivable.inquiry"]
        try:
            inquiry_id = int(inquiry_id)
        except (TypeError, ValueError):
            raise NotFound() from None
        # sudo: pinned to the debtor and company resolved from the customer's access
        inquiry_sudo = (
            request.env["receivable.inquiry"]
            .sudo()
            .search(
                [
                    ("id", "=", inquiry_id),
                    ("partner_id", "=", debtor.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )
        if not inquiry_sudo:
            raise NotFound()
        return inquiry_sudo

    def _get_message_author(self, debtor):
        """The logged-in contact, else the debtor (a link's holder)."""
        user = request.env.user
        return debtor if user._is_public() else user.partner_id

    # ------------------------------------------------------------------------------------------
    # Forms
    # ------------------------------------------------------------------------------------------

    def _render_question_form(
        self, move_sudo, access_token, error=None, post=None, status=200, inquiry_sudo=None
    ):
        values = {
            "page_name": "receivables",
            "move": move_sudo,
            "inquiry": inquiry_sudo,
            "access_token": access_token,
            "statement_url": self._get_statement_url(access_token),
            "error": error.args[0] if error else False,
            "form": post or {},
            "max_subject": MAX_SUBJECT,
            "max_message": MAX_MESSAGE,
        }
        response = self._statement_response("client_portal.portal_receivable_question_form", values)
        response.status_code = status
        return response

    def _render_contact_form(self, access_token, error=None, post=None, status=200):
        values = {
            "page_name": "receivables",
            "access_token": access_token,
            "statement_url": self._get_statement_url(access_token),
            "error": error.args[0] if error else False,
            "form": post or {},
        }
        response = self._statement_response("client_portal.portal_receivable_contact_form", values)
        response.status_code = status
        return response

    def _parse_question_form(self, post, move_sudo, inquiry_sudo):
        body = (post.get("body") or "").strip()
        if not body:
            raise UserError(_("Write your message."))
        if len(body) > MAX_MESSAGE:
            raise UserError(_("Please keep your message under %s characters.", MAX_MESSAGE))
        subject = " ".join((post.get("subject") or "").split())
        if len(subject) > MAX_SUBJECT:
            raise UserError(_("Please keep the subject under %s characters.", MAX_SUBJECT))
        if not subject and not inquiry_sudo:
            subject = _("Question about %s", move_sudo.name) if move_sudo else _("Question")
        return subject, body

    def _parse_contact_form(self, post):
        name = " ".join((post.get("name") or "").split())
        if not name:
            raise UserError(_("Enter the name of the person who should receive the reminders."))
        if len(name) > MAX_NAME:
            raise UserError(_("The name is too long."))
        email = email_normalize((post.get("email") or "").strip(), strict=True)
        if not email or len(email) > 254:
            raise UserError(_("Enter a valid e-mail address, like payables@example.com."))
        mobile = " ".join((post.get("mobile") or "").split())
        if len(mobile) > MAX_MOBILE or (
            mobile and not all(char.isdigit() or char in "+ .-()" for char in mobile)
        ):
            raise UserError(_("Enter the mobile number with digits only, like +33 6 12 34 56 78."))
        return {"name": name, "email": email, "mobile": mobile}

    # ------------------------------------------------------------------------------------------
    # What lands in the back office
    # ------------------------------------------------------------------------------------------

    def _post_portal_question(self, debtor, company, link, move_sudo, inquiry_sudo, subject, body):
        # sudo: the customer (a public user holding a link, or a portal user) cannot write
        # questions; everything is pinned to the debtor and company resolved from its access,
        # and its text is escaped (plaintext2html)
        env = request.env(su=True)
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        author = self._get_message_author(debtor)
        html = plaintext2html(body)
        inquiry = inquiry_sudo.with_env(env)
        if not inquiry:
            inquiry = (
                env["receivable.inquiry"]
                .with_context(mail_create_nosubscribe=True)
                .create(
                    {
                        "company_id": company.id,
                        "partner_id": debtor.id,
                        "move_id": move_sudo.id,
                        "subject": subject,
                        "body": html,
                        "source": "portal",
                    }
                )
            )
            if inquiry.user_id:
                inquiry.message_subscribe(partner_ids=inquiry.user_id.partner_id.ids)
            debtor.with_env(env).message_post(
                body=env._("Question from the portal: %s", inquiry.subject),
                author_id=author.id,
                subtype_xmlid="mail.mt_note",
            )
        inquiry.message_post(
            body=html,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        request.env["receivable.portal.event"]._record(
            debtor, company, "message", link=link, record=inquiry
        )
        return inquiry
