from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _link_invoice_documents(self, invoices_data):
        result = super()._link_invoice_documents(invoices_data)
        # the PDF as sent is now the invoice's: the archive cron keeps a sealed copy of it
        sent = self.env["account.move"].browse(
            [
                invoice.id
                for invoice, invoice_data in invoices_data.items()
                if invoice_data.get("pdf_attachment_values")
            ]
        )
        sent._receivable_queue_archive()
        return result
