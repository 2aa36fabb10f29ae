from odoo import models


class ReceivableClientFileDocument(models.Model):
    _inherit = "receivable.client.file.document"

    def _on_document_approved(self):
        """An approved document is archived as it was approved. A signed contract is not
        archived twice: the signature request archives its signed PDF when it completes."""
        super()._on_document_approved()
        if self.source != "esign":
            self.env["receivable.archive"]._archive_attachments(
                self.attachment_id, self.document_type_id, partner=self.partner_id, record=self
            )
