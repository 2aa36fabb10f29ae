from odoo import _, models

CONTENT_FIELDS = {"datas", "raw", "db_datas", "store_fname"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        result = super().write(vals)
        if CONTENT_FIELDS & set(vals):
            self._notify_client_file_documents()
        return result

    def _notify_client_file_documents(self):
        """The file of an approved client-file document changed: its step re-opens."""
        Document = self.env["receivable.client.file.document"]
        attachments = self.filtered(lambda attachment: attachment.res_model == Document._name)
        if not attachments:
            return
        # sudo: whoever changed the file, the document it belongs to must know
        documents = Document.sudo().search([("attachment_id", "in", attachments.ids)])
        documents._on_content_changed(_("its file was changed"))
