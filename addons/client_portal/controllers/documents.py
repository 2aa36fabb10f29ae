from werkzeug.exceptions import BadRequest, NotFound

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from odoo.addons.account.controllers.download_docs import _build_zip_from_data

from .statement import PAGE_HEADERS, ReceivableStatementPortal

MAX_ZIP_INVOICES = 50


class ReceivableStatementDocuments(ReceivableStatementPortal):
    """The statement as a PDF and several invoices at once, for the same people as the
    statement page."""

    def _get_debtor_or_404(self, access_token):
        debtor, company, _link = self._get_statement_debtor(access_token)
        if not debtor:
            raise NotFound()
        return debtor, company

    @http.route(
        "/my/receivables/statement.pdf", type="http", auth="public", website=True, sitemap=False
    )
    def portal_receivable_statement_pdf(
        self, access_token=None, date_from=None, date_to=None, **kwargs
    ):
        debtor, company = self._get_debtor_or_404(access_token)
        Report = request.env["ir.actions.report"].sudo()
        try:
            # sudo: the report reads the resolved debtor's items only (see the report model)
            pdf, _kind = Report.with_context(lang=debtor.lang)._render_qweb_pdf(
                "client_portal.action_report_receivable_statement",
                debtor.ids,
                data={"company_id": company.id, "date_from": date_from, "date_to": date_to},
            )
        except UserError as error:
            raise BadRequest(error.args[0]) from error
        return self._document_response(pdf, "application/pdf", _("Statement.pdf"))

    @http.route(
        "/my/receivables/invoices.zip", type="http", auth="public", website=True, sitemap=False
    )
    def portal_receivable_invoices_zip(self, access_token=None, ids="", **kwargs):
        """The PDF (and the e-invoice, when there is one) of the listed invoices."""
        debtor, company = self._get_debtor_or_404(access_token)
        try:
            move_ids = [int(move_id) for move_id in ids.split(",") if move_id]
        except ValueError as error:
            raise BadRequest() from error
        if not 0 < len(move_ids) <= MAX_ZIP_INVOICES:
            raise BadRequest(_("Choose between 1 and %s invoices.", MAX_ZIP_INVOICES))
        # sudo: pinned to the resolved debtor and company; any other id is refused below
        moves = (
            request.env["account.move"]
            .sudo()
            .search([*self._statement_moves_domain(debtor, company), ("id", "in", move_ids)])
        )
        if len(moves) != len(set(move_ids)):
            raise NotFound()
        documents = []
        for move in moves:
            documents += self._get_move_documents(move)
        content = _build_zip_from_data(documents)
        return self._document_response(content, "application/zip", _("Invoices.zip"))

    def _get_move_documents(self, move):
        """The invoice as sent (its PDF and e-invoice), else its PDF rendered now."""
        if move.invoice_pdf_report_id:
            return move._get_invoice_legal_documents("all")
        pdf, _kind = (
            request.env["ir.actions.report"]
            .sudo()
            .with_context(lang=move.partner_id.lang)
            ._render_qweb_pdf("account.account_invoices", move.ids)
        )
        return [{"filename": move._get_invoice_report_filename(), "content": pdf}]

    def _document_response(self, content, mimetype, filename):
        headers = [
            ("Content-Type", mimetype),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename)),
            ("X-Content-Type-Options", "nosniff"),
            *PAGE_HEADERS.items(),
        ]
        return request.make_response(content, headers)
