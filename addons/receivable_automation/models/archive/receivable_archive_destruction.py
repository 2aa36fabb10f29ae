from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..client_file.receivable_document_type import RETENTION_CLASSES


class ReceivableArchiveDestruction(models.Model):
    """What an approved purge deleted: the entry's identity, fingerprints and chain link, when,
    and who approved. Written by the archive when an entry is deleted; never changed nor
    deleted. It keeps the chain verifiable: its chain hash is the removed entry's."""

    _name = "receivable.archive.destruction"
    _description = "Archive Destruction Record"
    _order = "destroyed_on desc, sequence desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    purge_id = fields.Many2one(
        "receivable.archive.purge", readonly=True, index=True, ondelete="restrict"
    )
    name = fields.Char("Document", required=True, readonly=True)
    file_name = fields.Char(readonly=True)
    document_type_id = fields.Many2one(
        "receivable.document.type", readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, ondelete="restrict")
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    sha256 = fields.Char("SHA-256", required=True, readonly=True, index=True)
    sequence = fields.Integer(required=True, readonly=True)
    previous_hash = fields.Char(readonly=True)
    chain_hash = fields.Char(required=True, readonly=True)
    archive_date = fields.Datetime(readonly=True)
    retention_class = fields.Selection(RETENTION_CLASSES, readonly=True)
    retention_end_date = fields.Date("Kept Until", readonly=True)
    legal_basis = fields.Char(readonly=True)
    destroyed_on = fields.Datetime(required=True, readonly=True)
    approved_by_id = fields.Many2one("res.users", required=True, readonly=True)

    _sql_constraints = [
        (
            "sequence_company_uniq",
            "unique(company_id, sequence)",
            "An entry of the archive chain is destroyed once.",
        ),
    ]

    def write(self, vals):
        if vals:
            raise UserError(_("A destruction record cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A destruction record cannot be deleted."))
