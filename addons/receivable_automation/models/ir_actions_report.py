from odoo import models

LETTER_REPORT = "receivable_automation.report_dunning_letter"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # One letter per wkhtmltopdf call, merged by Odoo into one PDF: Debian's wkhtmltopdf
        # (unpatched Qt) returns an empty file for several documents in one call, and each
        # letter is kept on its reminder anyway.
        report = self._get_report(report_ref)
        if report.report_name != LETTER_REPORT or not res_ids or len(res_ids) == 1:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = {}
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[res_id]
                )
            )
        return streams
