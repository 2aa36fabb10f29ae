from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

RETENTION_CLASSES = [
    ("commercial", "Commercial (10 years)"),
    ("tax", "Tax (6 years)"),
]


class ReceivableDocumentType(models.Model):
    """A kind of document a client file collects or the archive keeps (order form, company
    registration, ID of the signatory, bank details, contract, invoice...)."""

    _name = "receivable.document.type"
    _description = "Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Stable technical name, used by imports and shipped circuits."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    description = fields.Text(
        translate=True, help="What the customer is asked to provide, shown on the upload page."
    )
    retention_class = fields.Selection(
        RETENTION_CLASSES,
        required=True,
        default="commercial",
        help="Legal basis of how long an archived copy is kept; the number of years comes from "
        "the settings or a retention rule of the document type and the customer's country.",
    )
    allowed_extensions = fields.Char(
        default="pdf,jpg,jpeg,png",
        help="File extensions accepted for this document, separated by commas.",
    )
    max_size_mb = fields.Integer("Maximum Size (MB)", default=10)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A document type code is unique."),
        ("max_size_positive", "CHECK(max_size_mb > 0)", "The maximum size must be positive."),
    ]

    @api.constrains("allowed_extensions")
    def _check_allowed_extensions(self):
        for document_type in self:
            if not document_type._get_allowed_extensions():
                raise ValidationError(
                    _("Give at least one file extension for %s.", document_type.name)
                )

    def _get_allowed_extensions(self):
        self.ensure_one()
        return {
            extension.strip().lower().lstrip(".")
            for extension in (self.allowed_extensions or "").split(",")
            if extension.strip()
        }
