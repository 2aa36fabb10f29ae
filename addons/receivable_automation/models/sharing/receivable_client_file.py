from odoo import _, models
from odoo.exceptions import UserError


class ReceivableClientFile(models.Model):
    _inherit = "receivable.client.file"

    def action_share_with_colleagues(self):
        self.ensure_one()
        return self.env["receivable.share.internal.wizard"]._get_share_action(self)

    def action_share_documents_by_link(self):
        """Share the file's current documents (not the rejected ones) by an expiring link."""
        self.ensure_one()
        documents = self.document_ids.filtered(lambda document: document.state != "rejected")
        if not documents:
            raise UserError(_("The file has no document to share yet."))
        return self.env["receivable.share.link.wizard"]._get_share_action(
            documents.attachment_id, source=self, partner=self._get_customer_contact()
        )


class ReceivableClientFileDocument(models.Model):
    _inherit = "receivable.client.file.document"

    def action_share_with_colleagues(self):
        self.ensure_one()
        return self.env["receivable.share.internal.wizard"]._get_share_action(
            self.file_id, attachment=self.attachment_id
        )

    def action_share_by_link(self):
        self.ensure_one()
        return self.env["receivable.share.link.wizard"]._get_share_action(
            self.attachment_id, source=self.file_id, partner=self.file_id._get_customer_contact()
        )
