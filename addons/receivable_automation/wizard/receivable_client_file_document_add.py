import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReceivableClientFileDocumentAdd(models.TransientModel):
    """Add a document to a client file's step from the back office."""

    _name = "receivable.client.file.document.add"
    _description = "Add a Document to a Client File"

    file_id = fields.Many2one("receivable.client.file", "Client File", required=True)
    file_step_id = fields.Many2one(
        "receivable.client.file.step",
        "Step",
        required=True,
        compute="_compute_file_step_id",
        store=True,
        readonly=False,
        domain="[('file_id', '=', file_id), ('state', '=', 'open')]",
    )
    document_type_id = fields.Many2one(
        "receivable.document.type",
        "Document Type",
        required=True,
        compute="_compute_document_type_id",
        store=True,
        readonly=False,
    )
    data = fields.Binary("File", required=True)
    filename = fields.Char()

    @api.depends("file_id")
    def _compute_file_step_id(self):
        for wizard in self:
            if not wizard.file_step_id or wizard.file_step_id.file_id != wizard.file_id:
                wizard.file_step_id = wizard.file_id.current_step_id

    @api.depends("file_step_id")
    def _compute_document_type_id(self):
        for wizard in self:
            step = wizard.file_step_id
            if step and wizard.document_type_id not in step.document_type_ids:
                wizard.document_type_id = (
                    step._get_missing_document_types()[:1] or step.document_type_ids[:1]
                )

    def action_add(self):
        self.ensure_one()
        if not self.data:
            raise UserError(_("Choose the file to add."))
        content = base64.b64decode(self.data)
        self.file_step_id._add_document_from_data(
            self.document_type_id, self.filename or _("document"), content, "back_office"
        )
        return {"type": "ir.actions.act_window_close"}
