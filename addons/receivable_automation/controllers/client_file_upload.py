import os

from werkzeug.datastructures import FileStorage

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.client_file.receivable_client_file_upload_link import UPLOAD_ROUTE

MAX_RECORD_ID = 2**31 - 1
# the page shows a customer's documents: never framed, cached, indexed, nor its address
# (the token) passed on to another site
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


class ClientFileUploadController(http.Controller):
    """The page where a customer uploads the documents of a client file's step, through the
    link it received by e-mail, without a login."""

    def _get_link_sudo(self, token):
        # sudo: the holder of the link is a public user; the token is its only right
        return request.env["receivable.client.file.upload.link"].sudo()._find_valid(token)

    def _set_headers(self, response):
        response.headers.update(PAGE_HEADERS)
        return response

    def _render_invalid(self):
        """Same page, same status for an unknown, expired or revoked link."""
        response = request.render(
            "receivable_automation.client_file_upload_invalid", {}, status=404
        )
        return self._set_headers(response)

    def _prepare_upload_page_values(self, link_sudo, token, error=None, uploaded=None):
        step_sudo = link_sudo.file_step_id
        documents = step_sudo.document_ids.sorted(lambda doc: (doc.date_uploaded, doc.id))
        missing_types = link_sudo._get_missing_document_types()
        return {
            "link": link_sudo,
            "client_file": step_sudo.file_id,
            "step": step_sudo,
            "company": link_sudo.company_id,
            "missing_types": missing_types,
            "accepted": {
                document_type.id: sorted(document_type._get_allowed_extensions())
                for document_type in missing_types
            },
            "documents": documents,
            "states": dict(documents._fields["state"]._description_selection(request.env)),
            "can_upload": step_sudo.state == "open" and step_sudo.file_id.state == "in_progress",
            "action_url": f"{UPLOAD_ROUTE}/{token}",
            "error": error,
            "uploaded": uploaded,
        }

    def _render_page(self, link_sudo, token, error=None, uploaded=None, status=200):
        values = self._prepare_upload_page_values(link_sudo, token, error, uploaded)
        response = request.render(
            "receivable_automation.client_file_upload_page", values, status=status
        )
        return self._set_headers(response)

    @http.route(
        f"{UPLOAD_ROUTE}/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def client_file_upload_page(self, token, uploaded=None, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo:
            return self._render_invalid()
        link_sudo._record_opened()
        uploaded_type = request.env["receivable.document.type"]
        if uploaded and uploaded.isdigit() and 0 < int(uploaded) <= MAX_RECORD_ID:
            uploaded_type = link_sudo.file_step_id.document_type_ids.filtered(
                lambda document_type: document_type.id == int(uploaded)
            )
        return self._render_page(link_sudo, token, uploaded=uploaded_type)

    @http.route(
        f"{UPLOAD_ROUTE}/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def client_file_upload(self, token, document_type_id=None, document=None, **kwargs):
        link_sudo = self._get_link_sudo(token)
        if not link_sudo:
            return self._render_invalid()
        document_type = self._get_posted_document_type(link_sudo, document_type_id)
        if not document_type:
            return self._render_page(
                link_sudo, token, error=_("This document is not expected here."), status=400
            )
        if not isinstance(document, FileStorage) or not document.filename:
            return self._render_page(link_sudo, token, error=_("Choose a file."), status=400)
        filename = os.path.basename(document.filename.replace("\\", "/")).strip()
        # read one byte more than allowed, to know it is too big without reading it all
        content = document.read(document_type.max_size_mb * 1024 * 1024 + 1)
        try:
            with request.env.cr.savepoint():
                link_sudo._upload(document_type, filename, content)
        except (UserError, ValidationError) as error:
            return self._render_page(link_sudo, token, error=error.args[0], status=400)
        return request.redirect(f"{UPLOAD_ROUTE}/{token}?uploaded={document_type.id}", code=303)

    def _get_posted_document_type(self, link_sudo, document_type_id):
        """The document type the form was for, if it is one the link's step collects: an id of
        anything else gives nothing."""
        if not (document_type_id or "").isdigit():
            return request.env["receivable.document.type"]
        type_id = int(document_type_id)
        return link_sudo.file_step_id.document_type_ids.filtered(
            lambda document_type: document_type.id == type_id
        )
