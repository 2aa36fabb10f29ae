from odoo import models


class ReceivableClientFileStep(models.Model):
    _inherit = "receivable.client.file.step"

    def _archive_documents(self):
        """An archive step makes sure every approved document of the file is archived and
        queues the customer's posted invoices that the archive does not hold yet."""
        super()._archive_documents()
        for document in self.file_id.document_ids.filtered(lambda doc: doc.state == "approved"):
            document._on_document_approved()
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.file_id.partner_id.id),
                ("company_id", "=", self.file_id.company_id.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ]
        )
        archived = (
            self.env["receivable.archive"]
            .sudo()
            .search(  # sudo: counting, not reading
                [("res_model", "=", "account.move"), ("res_id", "in", invoices.ids)]
            )
        )
        self.env["receivable.archive.queue"]._enqueue(
            invoices.filtered(lambda move: move.id not in set(archived.mapped("res_id")))
        )
