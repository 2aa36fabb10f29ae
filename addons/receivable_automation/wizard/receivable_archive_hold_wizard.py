from odoo import fields, models


class ReceivableArchiveHoldWizard(models.TransientModel):
    """Put or lift the legal hold of archived documents, with a reason kept in their chatter."""

    _name = "receivable.archive.hold.wizard"
    _description = "Legal Hold of Archived Documents"

    archive_ids = fields.Many2many("receivable.archive", string="Documents", required=True)
    mode = fields.Selection(
        [("put", "Put a legal hold"), ("lift", "Lift the legal hold")],
        required=True,
        default="put",
    )
    reason = fields.Text(
        help="Why the documents must be kept (litigation, tax audit...) or may be released.",
    )

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "put":
            self.archive_ids._set_legal_hold(self.reason)
        else:
            self.archive_ids._lift_legal_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
