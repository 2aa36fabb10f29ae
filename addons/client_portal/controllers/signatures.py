from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import content_disposition, request

from .statement import PAGE_HEADERS, ReceivableStatementPortal

MAX_RECORD_ID = 2**31 - 1


class ReceivableStatementSignatures(ReceivableStatementPortal):
    """The debtor's documents to sign (payment plans, contracts) and signed, on its
    statement: for its portal users and for whoever holds a statement link, like the rest of
    the statement."""

    def _get_statement_signers_sudo(self, debtor, company):
        # sudo: a link's holder is a public user and portal users cannot read signatures;
        # pinned to the signers of the resolved debtor (its contacts) and company
        return (
            request.env["esign.signer"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", debtor.id),
                    ("company_id", "=", company.id),
                    ("request_id.state", "in", ("sent", "completed")),
                    ("state", "in", ("waiting", "sent", "signed")),
                ]
            )
        )

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        signers_sudo = self._get_statement_signers_sudo(debtor, company)
        now = fields.Datetime.now()
        to_sign, signed = [], []
        for esign_request in signers_sudo.request_id.sorted("id", reverse=True):
            if esign_request.state == "completed":
                signed.append(esign_request)
                continue
            signer = signers_sudo.filtered(
                lambda s, r=esign_request: s.request_id == r
                and s.state == "sent"
                and s.access_token_expiry
                and s.access_token_expiry > now
            )[:1]
            to_sign.append(
                {
                    "request": esign_request,
                    # relative: the statement and the signing page are on the same server
                    "sign_url": signer
                    and signer._get_sign_url().removeprefix(signer.get_base_url()),
                }
            )
        values["esign_documents"] = {"to_sign": to_sign, "signed": signed}
        return values

    @http.route(
        "/my/receivables/signed/<int:request_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_receivable_signed_pdf(self, request_id, access_token=None, **kwargs):
        """A signed document of the debtor, for the same people as the statement."""
        debtor, company, _link = self._get_statement_debtor(access_token)
        if not debtor or not 0 < request_id <= MAX_RECORD_ID:
            raise NotFound()
        esign_request = self._get_statement_signers_sudo(debtor, company).request_id.filtered(
            lambda req: req.id == request_id and req.state == "completed"
        )
        if not esign_request:
            raise NotFound()
        pdf = esign_request._get_signed_pdf_bytes()
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", content_disposition(esign_request.signed_filename)),
            ("X-Content-Type-Options", "nosniff"),
            *PAGE_HEADERS.items(),
        ]
        return request.make_response(pdf, headers)
