from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .main import MAX_RECORD_ID, PAGE_HEADERS, PDF_HEADERS


class EsignPortal(CustomerPortal):
    """The documents a portal user's company has to sign and has signed.

    Scope: the requests with a signer whose commercial partner is the user's (a colleague of
    the signer sees the company's contracts, as with invoices); the link to the signing page is
    personal (the code goes to the signer's mobile), so only the signer gets it."""

    def _get_esign_signers_domain(self, partner=None):
        partner = partner or request.env.user.partner_id
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("request_id.state", "in", ("sent", "completed")),
            ("state", "in", ("waiting", "sent", "signed")),
        ]

    def _get_esign_signers_sudo(self):
        # sudo: portal users have no access to signature records; the domain pins the search
        # to the user's commercial partner
        return request.env["esign.signer"].sudo().search(self._get_esign_signers_domain())

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "esign_request_count" in counters:
            values["esign_request_count"] = len(self._get_esign_signers_sudo().request_id)
        return values

    def _prepare_esign_portal_values(self):
        signers_sudo = self._get_esign_signers_sudo()
        user_partner = request.env.user.partner_id
        now = fields.Datetime.now()
        to_sign, signed = [], []
        for esign_request in signers_sudo.request_id.sorted("id", reverse=True):
            own = signers_sudo.filtered(lambda s, r=esign_request: s.request_id == r)
            if esign_request.state == "completed":
                signed.append({"request": esign_request})
                continue
            # only the signer's own, still valid link; a colleague sees who is awaited
            mine = own.filtered(
                lambda s: s.partner_id == user_partner
                and s.state == "sent"
                and s.access_token_expiry
                and s.access_token_expiry > now
            )[:1]
            to_sign.append(
                {
                    "request": esign_request,
                    "sign_url": mine and mine._get_sign_url().removeprefix(mine.get_base_url()),
                    "awaited": own.filtered(lambda s: s.state in ("waiting", "sent")),
                }
            )
        return {"page_name": "esign_signatures", "to_sign": to_sign, "signed": signed}

    @http.route("/my/signatures", type="http", auth="user", website=True, sitemap=False)
    def portal_my_signatures(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(self._prepare_esign_portal_values())
        response = request.render("esign.portal_my_signatures", values)
        response.headers.update(PAGE_HEADERS)
        return response

    @http.route("/my/signatures/<int:request_id>/signed", type="http", auth="user", sitemap=False)
    def portal_my_signature_signed_pdf(self, request_id, **kwargs):
        """The signed PDF, for the same people as the list (the signer's link may have
        expired since)."""
        if not 0 < request_id <= MAX_RECORD_ID:
            raise NotFound()
        esign_request = self._get_esign_signers_sudo().request_id.filtered(
            lambda req: req.id == request_id and req.state == "completed"
        )
        if not esign_request:
            raise NotFound()
        pdf = esign_request._get_signed_pdf_bytes()
        response = request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                ("Content-Disposition", http.content_disposition(esign_request.signed_filename)),
            ],
        )
        response.headers.update(PDF_HEADERS)
        return response
