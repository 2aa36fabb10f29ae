from odoo import _, http
from odoo.http import request
from odoo.tools import consteq, format_date, format_datetime
from odoo.tools.misc import human_size

from odoo.addons.esign.tools import mask_email

# pages that show personal documents: never framed, cached, indexed, nor sent as a referrer
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
SESSION_KEY = "receivable_share_access"


class ReceivableShareController(http.Controller):
    """Public pages of the share links: no login, the token in the address is the key."""

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _get_http_values(self):
        return {
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.user_agent.string,
        }

    def _set_headers(self, response):
        for name, value in PAGE_HEADERS.items():
            response.headers[name] = value
        return response

    def _unavailable(self):
        """One answer for an unknown, expired or revoked link and for a document that is not
        the link's: nothing tells which."""
        response = request.render("receivable_automation.share_unavailable_page", {}, status=404)
        return self._set_headers(response)

    def _get_link_sudo(self, token):
        """The active link of ``token``, or ``None``; a refused visit of an expired or revoked
        link is logged on it."""
        # sudo: recipients are public users; access is granted by the secret token only
        link_sudo = request.env["receivable.share.link"].sudo()._get_by_token(token)
        if not link_sudo:
            return None
        if link_sudo.state != "active":
            link_sudo._log(
                "expired_access", http=self._get_http_values(), description=link_sudo.state
            )
            return None
        return link_sudo

    def _has_code_access(self, link_sudo):
        """The link asks no code, or this browser session typed the right one."""
        if not link_sudo.require_code:
            return True
        proof = (request.session.get(SESSION_KEY) or {}).get(str(link_sudo.id))
        if not isinstance(proof, str):
            return False
        return consteq(proof, link_sudo._get_session_proof(request.session.sid))

    def _grant_code_access(self, link_sudo):
        grants = dict(request.session.get(SESSION_KEY) or {})
        grants[str(link_sudo.id)] = link_sudo._get_session_proof(request.session.sid)
        request.session[SESSION_KEY] = grants

    def _prepare_share_page_values(self, link_sudo, token):
        env = request.env
        documents = [
            {
                "name": attachment.name,
                "size": human_size(attachment.file_size),
                "date": format_date(env, attachment.create_date),
                "url": f"/receivable/share/{token}/{attachment.id}",
            }
            for attachment in link_sudo._get_shared_attachments()
        ]
        return {
            "link": link_sudo,
            "documents": documents,
            "date_expiry": format_date(env, link_sudo.date_expiry),
        }

    def _prepare_code_page_values(self, link_sudo, token, error=None, message=None):
        # sudo: whether a code is waiting is read from the system-only code fields
        code_expiry = link_sudo.sudo().code_hash and link_sudo.code_expiry
        return {
            "link": link_sudo,
            "token": token,
            "email_masked": mask_email(link_sudo.recipient_email),
            "code_waiting": bool(code_expiry),
            "code_expiry": code_expiry
            and format_datetime(request.env, code_expiry, dt_format="short"),
            "locked": link_sudo.code_locked,
            "error": error,
            "message": message,
        }

    def _render_code_page(self, link_sudo, token, error=None, message=None, status=200):
        values = self._prepare_code_page_values(link_sudo, token, error=error, message=message)
        response = request.render("receivable_automation.share_code_page", values, status=status)
        return self._set_headers(response)

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    @http.route(
        "/receivable/share/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def share_page(self, token, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo:
            return self._unavailable()
        link_sudo._log("opened", http=self._get_http_values())
        if not self._has_code_access(link_sudo):
            return self._render_code_page(link_sudo, token)
        values = self._prepare_share_page_values(link_sudo, token)
        return self._set_headers(request.render("receivable_automation.share_page", values))

    @http.route(
        "/receivable/share/<string:token>/send_code",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def share_send_code(self, token, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo:
            return self._unavailable()
        if not link_sudo.require_code or self._has_code_access(link_sudo):
            return request.redirect(f"/receivable/share/{token}", code=303)
        error = link_sudo._send_code(http=self._get_http_values())
        if error:
            return self._render_code_page(link_sudo, token, error=error, status=429)
        message = _("A code was sent to %s.", mask_email(link_sudo.recipient_email))
        return self._render_code_page(link_sudo, token, message=message)

    @http.route(
        "/receivable/share/<string:token>/verify",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def share_verify_code(self, token, code=None, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo:
            return self._unavailable()
        if not link_sudo.require_code or self._has_code_access(link_sudo):
            return request.redirect(f"/receivable/share/{token}", code=303)
        error = link_sudo._check_code(code, http=self._get_http_values())
        if error:
            return self._render_code_page(link_sudo, token, error=error, status=403)
        self._grant_code_access(link_sudo)
        return request.redirect(f"/receivable/share/{token}", code=303)

    @http.route(
        "/receivable/share/<string:token>/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def share_download(self, token, attachment_id, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo or not self._has_code_access(link_sudo):
            return self._unavailable()
        attachment_sudo = link_sudo._get_shared_attachments().filtered(
            lambda attachment: attachment.id == attachment_id
        )
        if not attachment_sudo:
            return self._unavailable()
        link_sudo._log("download", attachment=attachment_sudo, http=self._get_http_values())
        stream = request.env["ir.binary"]._get_stream_from(attachment_sudo)
        response = stream.get_response(as_attachment=True)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
