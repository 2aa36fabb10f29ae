from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .statement import PAGE_HEADERS, ReceivableStatementPortal

MAX_RECORD_ID = 2**31 - 1


class ReceivableStatementSharedDocuments(ReceivableStatementPortal):
    """The documents a collector shared from the debtor's client file, listed on its statement
    and downloaded by the same people as the statement."""

    def _get_shared_documents_domain(self, debtor, company):
        return [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", debtor.id),
            ("res_field", "=", False),
            ("type", "=", "binary"),
            ("receivable_shared", "=", True),
            ("company_id", "in", (company.id, False)),
        ]

    def _get_shared_documents_sudo(self, debtor, company, attachment_id=None):
        domain = self._get_shared_documents_domain(debtor, company)
        if attachment_id:
            domain.append(("id", "=", attachment_id))
        # sudo: a link's holder is a public user and a portal user cannot read a partner's
        # attachments; pinned to the resolved debtor's shared documents in its company
        return request.env["ir.attachment"].sudo().search(domain, order="create_date desc, id desc")

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        values["shared_documents"] = self._get_shared_documents_sudo(debtor, company)
        return values

    @http.route(
        "/my/receivables/shared/<int:attachment_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_receivable_shared_document(self, attachment_id, access_token=None, **kwargs):
        """A document shared with the debtor: 404 for anything else, whoever asks."""
        debtor, company, _link = self._get_statement_debtor(access_token)
        if not debtor or not 0 < attachment_id <= MAX_RECORD_ID:
            raise NotFound()
        attachment_sudo = self._get_shared_documents_sudo(debtor, company, attachment_id)
        if not attachment_sudo:
            raise NotFound()
        response = (
            request.env["ir.binary"]
            ._get_stream_from(attachment_sudo)
            .get_response(as_attachment=True)
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.update(PAGE_HEADERS)
        return response
