import io
import logging
import re
import subprocess
from functools import cache

from lxml import html as lxml_html

from odoo import models
from odoo.tools import split_every
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

LETTER_REPORT = "receivable_automation.report_dunning_letter"
# Letters per wkhtmltopdf call: one call costs about a second whatever its size (start-up,
# the report's assets); a bounded document keeps the process' memory bounded too.
LETTERS_PER_CALL = 100
# Each letter starts with an invisible link to this address: the pages of the combined PDF
# are given back to their letter by it (Debian's wkhtmltopdf writes no outlines to split by).
LETTER_MARKER_URL = "https://receivable-letter.invalid/"
LETTER_MARKER_RE = re.compile(re.escape(LETTER_MARKER_URL) + r"(\d+)$")


@cache
def _wkhtmltopdf_reads_several_documents():
    """Whether wkhtmltopdf takes several input documents in one call: only builds with
    patched Qt do; Debian's says "does not support more than one input document"."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in version.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # With a wkhtmltopdf that renders one document per call (Debian's), Odoo's way of
        # printing several records fails; letters are then laid out one after the other in one
        # document per hundred letters, and the PDF is split back per letter (each is kept on
        # its reminder).
        report = self._get_report(report_ref)
        if (
            report.report_name != LETTER_REPORT
            or not res_ids
            or len(res_ids) == 1
            or _wkhtmltopdf_reads_several_documents()
        ):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if len(res_ids) != len(set(res_ids)):
            return self._render_letters_one_per_call(report_ref, data, res_ids)
        # letters already kept on their reminder are taken as they are
        stored_ids = [res_id for res_id in res_ids if self._get_stored_letter(report, res_id)]
        streams = {}
        if stored_ids:
            streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, data, stored_ids))
        to_render = [res_id for res_id in res_ids if res_id not in streams]
        for chunk in split_every(LETTERS_PER_CALL, to_render, list):
            streams.update(self._render_letters_in_one_call(report_ref, data, chunk))
        return {res_id: streams[res_id] for res_id in res_ids}

    def _get_stored_letter(self, report, res_id):
        if not report.attachment or not report.attachment_use:
            return False
        if self.env.context.get("report_pdf_no_attachment"):
            return False
        return report.retrieve_attachment(self.env[report.model].browse(res_id))

    def _render_letters_one_per_call(self, report_ref, data, res_ids):
        streams = {}
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[res_id]
                )
            )
        return streams

    def _render_letters_in_one_call(self, report_ref, data, res_ids):
        """{reminder id: {stream, attachment}} of these letters, rendered in one document."""
        if len(res_ids) == 1:
            return self._render_letters_one_per_call(report_ref, data, res_ids)
        data = {**(data or {}), "report_type": "pdf", "debug": False}
        report_sudo = self._get_report(report_ref)
        # no debug assets in PDFs, as Odoo's own rendering does
        renderer = self.with_context(debug=False)
        html = renderer._render_qweb_html(report_ref, res_ids, data=data)[0]
        bodies, html_ids, header, footer, paper_args = report_sudo.with_context(
            debug=False
        )._prepare_html(html, report_model=report_sudo.model)
        if sorted(filter(None, html_ids)) != sorted(res_ids):
            _logger.warning("Letters without their reminder id: rendered one per call")
            return self._render_letters_one_per_call(report_ref, data, res_ids)
        pdf = self._run_wkhtmltopdf(
            [self._join_letter_bodies(bodies, html_ids)],
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paper_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        streams = self._split_letters(pdf)
        if sorted(streams) != sorted(res_ids):
            _logger.warning("Combined letters could not be split back: rendered one per call")
            return self._render_letters_one_per_call(report_ref, data, res_ids)
        return {res_id: {"stream": streams[res_id], "attachment": None} for res_id in res_ids}

    def _join_letter_bodies(self, bodies, res_ids):
        """One HTML document with each letter on new pages, each starting with its marker."""
        document = lxml_html.fromstring(bodies[0])
        body = document.find("body")
        for child in list(body):
            body.remove(child)
        for index, (letter_body, res_id) in enumerate(zip(bodies, res_ids, strict=True)):
            for article in lxml_html.fromstring(letter_body).find("body"):
                if index:
                    style = article.get("style", "")
                    article.set("style", f"page-break-before: always; {style}".strip())
                marker = lxml_html.Element(
                    "a",
                    href=f"{LETTER_MARKER_URL}{res_id}",
                    style="display: block; width: 1px; height: 1px; overflow: hidden; "
                    "font-size: 1px; color: transparent; margin-bottom: -1px;",
                )
                marker.text = "."
                article.insert(0, marker)
                body.append(article)
        return lxml_html.tostring(document, encoding="unicode")

    def _split_letters(self, pdf):
        """{reminder id: PDF stream} from the combined PDF: a letter's pages run from the page
        with its marker to the next marker. The markers' links are removed."""
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        writers, writer = {}, None
        for page in reader.pages:
            res_id = self._pop_letter_marker(page)
            if res_id:
                writer = writers[res_id] = PdfFileWriter()
            if writer is None:
                return {}
            writer.add_page(page)
        streams = {}
        for res_id, page_writer in writers.items():
            stream = io.BytesIO()
            page_writer.write(stream)
            streams[res_id] = stream
        return streams

    def _pop_letter_marker(self, page):
        """The reminder id whose marker link is on this page (removed from it), else None."""
        annotations = page.get("/Annots")
        if not annotations:
            return None
        kept, res_id = [], None
        for annotation in annotations.get_object():
            action = annotation.get_object().get("/A") or {}
            match = LETTER_MARKER_RE.match(str(action.get("/URI", "")))
            if match:
                res_id = int(match.group(1))
            else:
                kept.append(annotation)
        if res_id:
            page[NameObject("/Annots")] = ArrayObject(kept)
        return res_id
