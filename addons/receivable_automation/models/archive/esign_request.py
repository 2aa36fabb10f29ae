from odoo import models


class EsignRequest(models.Model):
    _inherit = "esign.request"

    def _make_signed_attachment(self, pdf):
        attachment = super()._make_signed_attachment(pdf)
        self._receivable_archive_signed(attachment)
        return attachment

    def _receivable_archive_signed(self, attachment):
        """Archive the signed PDF as a contract of the first signer's company."""
        self.ensure_one()
        first_signer = self.signer_ids.sorted(lambda s: (s.sequence, s.id))[:1]
        return self.env["receivable.archive"]._archive_attachments(
            attachment,
            self.env.ref("receivable_automation.document_type_contract"),
            partner=first_signer.partner_id.commercial_partner_id,
            record=self,
        )
