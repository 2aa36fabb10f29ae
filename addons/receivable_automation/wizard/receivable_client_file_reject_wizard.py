from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReceivableClientFileRejectWizard(models.TransientModel):
    """Reject a client file's step or one of its documents, with a reason."""

    _name = "receivable.client.file.reject.wizard"
    _description = "Reject a Client File Step or Document"

    file_step_id = fields.Many2one("receivable.client.file.step", "Step", required=True)
    file_id = fields.Many2one(related="file_step_id.file_id")
    document_id = fields.Many2one(
        "receivable.client.file.document",
        "Document",
        domain="[('file_step_id', '=', file_step_id)]",
    )
    reason = fields.Text(
        help="Recorded on the file, and sent to the customer when the circuit says so."
    )
    back_to_step_id = fields.Many2one(
        "receivable.client.file.step",
        "Back To Step",
        compute="_compute_back_to_step_id",
        store=True,
        readonly=False,
        domain="[('file_id', '=', file_id), ('sequence', '<=', step_sequence)]",
    )
    step_sequence = fields.Integer(related="file_step_id.sequence")
    customer_template_id = fields.Many2one(
        related="file_step_id.circuit_step_id.rejection_template_id",
        string="Message to the Customer",
    )

    @api.depends("file_step_id")
    def _compute_back_to_step_id(self):
        for wizard in self:
            wizard.back_to_step_id = (
                wizard.file_step_id._get_default_back_to() or wizard.file_step_id
            )

    def action_reject(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason of the rejection."))
        step = self.file_step_id
        step._check_can_verify()
        if self.document_id:
            self.document_id._check_to_check()
        step._reject(self.reason, back_to=self.back_to_step_id, document=self.document_id)
        return {"type": "ir.actions.act_window_close"}
