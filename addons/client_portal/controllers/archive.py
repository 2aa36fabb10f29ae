from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from .statement import PAGE_HEADERS, ReceivableStatementPortal

MAX_RECORD_ID = 2**31 - 1
ARCHIVE_PAGE_SIZE = 20
# the archived documents a customer finds on its portal: the ones the company issued to it
PORTAL_ARCHIVE_TYPE_CODES = ("invoice", "contract")


class ReceivableStatementArchive(ReceivableStatementPortal):
    """The debtor's archived invoices and signed contracts, with their SHA-256, listed and
    downloaded (the exact sealed bytes) by the same people as the statement."""

    # ------------------------------------------------------------------------------------------
    # What the debtor sees
    # ------------------------------------------------------------------------------------------

    def _get_portal_archive_domain(self, debtor, company):
        """The debtor's archived invoices and signed contracts in the statement's company.

        The supporting documents of a client file (ID of the signatory, bank details, company
        registration...) are not shown, even approved: they hold personal data and a statement
        link may be forwarded. Override to show more types."""
        return [
            ("partner_id", "=", debtor.id),
            ("company_id", "=", company.id),
            ("document_type_id.code", "in", PORTAL_ARCHIVE_TYPE_CODES),
        ]

    def _get_portal_archive_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "invoice": {
                "label": _("Invoices"),
                "domain": [("document_type_id.code", "=", "invoice")],
            },
            "contract": {
                "label": _("Contracts"),
                "domain": [("document_type_id.code", "=", "contract")],
            },
        }

    def _get_portal_archives_sudo(self, debtor, company, domain=None, archive_id=None, **kwargs):
        """The debtor's archive entries matching ``domain``, or the one of id ``archive_id``
        when it is the debtor's (else an empty recordset)."""
        domain = self._get_portal_archive_domain(debtor, company) + (domain or [])
        if archive_id:
            domain.append(("id", "=", archive_id))
        # sudo: portal users and link holders have no access to the archive; the domain is
        # pinned to the debtor and company resolved from the visitor's session or link
        return (
            request.env["receivable.archive"]
            .sudo()
            .search(domain, order="archive_date desc, id desc", **kwargs)
        )

    def _count_portal_archives(self, debtor, company, domain=None):
        domain = self._get_portal_archive_domain(debtor, company) + (domain or [])
        # sudo: as in _get_portal_archives_sudo, pinned to the resolved debtor and company
        return request.env["receivable.archive"].sudo().search_count(domain)

    def _prepare_statement_values(self, debtor, company, link, moves):
        values = super()._prepare_statement_values(debtor, company, link, moves)
        values["archive_count"] = self._count_portal_archives(debtor, company)
        values["archive_url"] = "/my/receivables/archive" + self._get_access_query(link)
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "receivable_archive_count" in counters:
            debtor, company, _link = self._get_statement_debtor()
            values["receivable_archive_count"] = (
                self._count_portal_archives(debtor, company) if debtor else 0
            )
        return values

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    @http.route(
        ["/my/receivables/archive", "/my/receivables/archive/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_receivable_archive(self, page=1, access_token=None, filterby="all", **kwargs):
        """The archived documents page: newest first, with their SHA-256 and a download."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor:
            if access_token:
                return self._render_link_not_valid(
                    request.env["receivable.portal.link"]._find(access_token)
                )
            return request.redirect("/web/login?redirect=/my/receivables/archive")
        filters = self._get_portal_archive_filters()
        filterby = filterby if filterby in filters else "all"
        domain = filters[filterby]["domain"]
        keep = {"filterby": filterby}
        if access_token:
            keep["access_token"] = access_token
        pager = portal_pager(
            url="/my/receivables/archive",
            url_args=keep,
            total=self._count_portal_archives(debtor, company, domain),
            page=page,
            step=ARCHIVE_PAGE_SIZE,
        )
        archives_sudo = self._get_portal_archives_sudo(
            debtor, company, domain, limit=ARCHIVE_PAGE_SIZE, offset=pager["offset"]
        )
        values = {
            "page_name": "receivable_archive",
            "debtor": debtor,
            "company": company,
            "access_token": access_token,
            "archives": archives_sudo,
            "download_query": self._get_access_query(link),
            "statement_url": self._get_statement_url(access_token),
            "pager": pager,
            "filterby": filterby,
            "searchbar_filters": filters,
            "default_url": "/my/receivables/archive",
            "keep": keep,
        }
        return self._statement_response("client_portal.portal_receivable_archive", values)

    @http.route(
        "/my/receivables/archive/<int:archive_id>/download",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_receivable_archive_download(self, archive_id, access_token=None, **kwargs):
        """The exact archived bytes, with their sealed SHA-256 in ``X-Content-SHA256`` for the
        customer to check; 404 for anything that is not the debtor's, whoever asks."""
        debtor, company, link = self._get_statement_debtor(access_token)
        if not debtor or not 0 < archive_id <= MAX_RECORD_ID:
            raise NotFound()
        archive_sudo = self._get_portal_archives_sudo(debtor, company, archive_id=archive_id)
        if not archive_sudo:
            raise NotFound()
        request.env["receivable.portal.event"]._record(
            debtor, company, "archive_download", link=link, record=archive_sudo
        )
        return self._archive_response(archive_sudo)

    # ------------------------------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------------------------------

    def _archive_response(self, archive_sudo):
        stream = request.env["ir.binary"]._get_stream_from(
            archive_sudo.attachment_id, filename=archive_sudo.file_name
        )
        response = stream.get_response(as_attachment=True)
        response.headers["X-Content-SHA256"] = archive_sudo.sha256
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.update(PAGE_HEADERS)
        return response
