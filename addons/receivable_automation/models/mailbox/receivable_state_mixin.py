from odoo import api, models

# Records a collector creates from an inquiry's buttons, and the inquiry field that keeps them.
INQUIRY_LINK_FIELDS = {
    "receivable.promise": "promise_id",
    "receivable.dispute": "dispute_id",
    "receivable.payment.claim": "payment_claim_id",
}


class ReceivableStateMixin(models.AbstractModel):
    _inherit = "receivable.state.mixin"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._link_receivable_inquiry()
        return records

    def _link_receivable_inquiry(self):
        """The promise, dispute or announced payment a collector saved from an inquiry's
        button is linked to it (same debtor only)."""
        field = INQUIRY_LINK_FIELDS.get(self._name)
        inquiry_id = self.env.context.get("receivable_inquiry_id")
        if not (field and inquiry_id and self):
            return
        inquiry = self.env["receivable.inquiry"].browse(inquiry_id).exists()
        record = self[:1]
        if inquiry and inquiry.partner_id.commercial_partner_id == record.partner_id:
            inquiry.with_context(receivable_classifying=True)[field] = record
