from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._receivable_queue_archive()
        return posted

    def _receivable_queue_archive(self):
        """Queue the customer invoices and credit notes for the archive: one insert, no PDF
        rendered in the posting transaction (the archive cron does it)."""
        invoices = self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        return self.env["receivable.archive.queue"]._enqueue(invoices)
