import base64

from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound, abort

from odoo import _, http
from odoo.http import request

MAX_UPLOAD = 30 * 1024 * 1024
MAX_RECORD_ID = 2**31 - 1
# the signing page shows a personal document: never framed, never cached
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
# the PDF may be shown in a frame of the signing page itself (browsers without JavaScript)
PDF_HEADERS = {
    **PAGE_HEADERS,
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
}


class EsignController(http.Controller):
    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _get_signer_sudo(self, signer_id, token):
        """The signer behind a link, or 404: same answer for any bad id, token or date."""
        if not 0 < signer_id <= MAX_RECORD_ID:
            raise NotFound()
        # sudo: signers are public users; access is granted by the secret token only
        signer_sudo = request.env["esign.signer"].sudo().browse(signer_id).exists()
        if not signer_sudo or not signer_sudo._check_token(token):
            raise NotFound()
        return signer_sudo

    def _get_json_signer_sudo(self, signer_id, token, **params):
        """Same for the JSON routes, which answer a JSON error instead of a page; the
        parameters must be texts (or missing)."""
        ir_http = request.env["ir.http"]
        try:
            signer_sudo = self._get_signer_sudo(signer_id, token)
        except NotFound:
            abort(ir_http._esign_json_error(404, _("This link is no longer valid.")))
        if any(value is not None and not isinstance(value, str) for value in params.values()):
            abort(ir_http._esign_json_error(400, _("Invalid request.")))
        return signer_sudo

    def _set_headers(self, response, headers=None):
        for name, value in (headers or PAGE_HEADERS).items():
            response.headers[name] = value
        return response

    def _get_http_values(self):
        return {
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.user_agent.string,
        }

    def _prepare_sign_page_values(self, signer_sudo, token):
        request_sudo = signer_sudo.request_id
        base = f"/esign/sign/{signer_sudo.id}/{token}"
        return {
            "signer": signer_sudo,
            "esign_request": request_sudo,
            "token": token,
            "base_url": base,
            "pdf_url": f"{base}/pdf",
            "signed_pdf_url": f"{base}/signed",
            "signing_error": signer_sudo._get_signing_error(),
            "can_refuse": signer_sudo.state == "sent" and request_sudo.state == "sent",
            "other_signers": request_sudo.signer_ids - signer_sudo,
        }

    def _json_result(self, error):
        return {"ok": not error, "message": error or ""}

    # ------------------------------------------------------------
    # SIGNING
    # ------------------------------------------------------------

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def esign_sign_page(self, signer_id, token, **kwargs):
        signer_sudo = self._get_signer_sudo(signer_id, token)
        signer_sudo._log_page_view(http=self._get_http_values())
        values = self._prepare_sign_page_values(signer_sudo, token)
        return self._set_headers(request.render("esign.esign_sign_page", values))

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>/pdf",
        type="http",
        auth="public",
        sitemap=False,
    )
    def esign_original_pdf(self, signer_id, token, download=False, **kwargs):
        signer_sudo = self._get_signer_sudo(signer_id, token)
        request_sudo = signer_sudo.request_id
        pdf = base64.b64decode(request_sudo.with_context(bin_size=False).original_pdf or b"")
        return self._pdf_response(pdf, request_sudo.original_filename or "document.pdf", download)

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>/signed",
        type="http",
        auth="public",
        sitemap=False,
    )
    def esign_signed_pdf(self, signer_id, token, **kwargs):
        signer_sudo = self._get_signer_sudo(signer_id, token)
        request_sudo = signer_sudo.request_id
        if request_sudo.state != "completed":
            raise NotFound()
        pdf = base64.b64decode(request_sudo.with_context(bin_size=False).signed_pdf)
        return self._pdf_response(pdf, request_sudo.signed_filename, True)

    def _pdf_response(self, pdf, filename, download):
        disposition = http.content_disposition(filename)
        if not download:
            disposition = disposition.replace("attachment", "inline", 1)
        response = request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                ("Content-Disposition", disposition),
            ],
        )
        return self._set_headers(response, PDF_HEADERS)

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>/send_code",
        type="json",
        auth="public",
        methods=["POST"],
    )
    def esign_send_code(self, signer_id, token, **kwargs):
        signer_sudo = self._get_json_signer_sudo(signer_id, token)
        error = signer_sudo._send_code(http=self._get_http_values())
        result = self._json_result(error)
        if not error:
            result["message"] = _("A code was sent by SMS to %s.", signer_sudo.mobile_masked)
        return result

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>/sign",
        type="json",
        auth="public",
        methods=["POST"],
    )
    def esign_sign(self, signer_id, token, code=None, signature=None, signature_type=None, **kw):
        signer_sudo = self._get_json_signer_sudo(
            signer_id, token, code=code, signature=signature, signature_type=signature_type
        )
        error = signer_sudo._sign(
            code, signature, signature_type=signature_type, http=self._get_http_values()
        )
        return self._json_result(error)

    @http.route(
        "/esign/sign/<int:signer_id>/<string:token>/refuse",
        type="json",
        auth="public",
        methods=["POST"],
    )
    def esign_refuse(self, signer_id, token, reason=None, **kwargs):
        signer_sudo = self._get_json_signer_sudo(signer_id, token, reason=reason)
        error = signer_sudo._refuse(reason, http=self._get_http_values())
        return self._json_result(error)

    # ------------------------------------------------------------
    # VERIFICATION
    # ------------------------------------------------------------

    def _prepare_verify_values(self, request_sudo, result=None, filename=None):
        """Only what a third party needs: who signed when, no e-mail, phone or IP."""
        signers = []
        if request_sudo and request_sudo.state == "completed":
            signers = [
                {
                    "name": signer.name,
                    "role": signer._get_role_label(),
                    "date": signer.signed_date,
                }
                for signer in request_sudo.signer_ids.sorted(lambda s: (s.sequence, s.id))
            ]
        return {
            "esign_request": request_sudo,
            "result": result,
            "filename": filename,
            "signers": signers,
        }

    @http.route(
        "/esign/verify",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def esign_verify_form(self, **kwargs):
        values = self._prepare_verify_values(None)
        return self._set_headers(request.render("esign.esign_verify_page", values))

    @http.route(
        "/esign/verify",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def esign_verify_upload(self, document=None, **kwargs):
        pdf = document.read(MAX_UPLOAD + 1) if isinstance(document, FileStorage) else b""
        if not pdf or len(pdf) > MAX_UPLOAD:
            result = {
                "status": "invalid",
                "message": _("Choose a PDF file (30 MB at most)."),
            }
            values = self._prepare_verify_values(None, result)
            response = request.render("esign.esign_verify_page", values, status=400)
            return self._set_headers(response)
        # sudo: anyone may check a document; only the matching request is read
        request_sudo = request.env["esign.request"].sudo()._find_for_verification(pdf)
        if request_sudo:
            result = request_sudo._verify_integrity(pdf)
        else:
            result = {
                "status": "unknown",
                "message": _("This file does not match any document signed here."),
            }
        values = self._prepare_verify_values(request_sudo, result, document.filename)
        return self._set_headers(request.render("esign.esign_verify_page", values))

    @http.route(
        "/esign/verify/<string:key>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def esign_verify_key(self, key, **kwargs):
        if len(key) != 32 or not key.isascii() or not key.isalnum():
            raise NotFound()
        # sudo: the verification key comes from the certificate's QR code
        request_sudo = (
            request.env["esign.request"]
            .sudo()
            .search([("uuid", "=", key), ("state", "=", "completed")], limit=1)
        )
        if not request_sudo:
            raise NotFound()
        result = request_sudo._verify_integrity()
        values = self._prepare_verify_values(request_sudo, result)
        return self._set_headers(request.render("esign.esign_verify_page", values))
