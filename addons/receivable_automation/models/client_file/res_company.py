from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_upload_link_days = fields.Integer(
        "Upload Links Valid (Days)",
        default=14,
        help="How long the link a customer receives to upload the documents of a client file "
        "works.",
    )

    @api.constrains("receivable_upload_link_days")
    def _check_receivable_upload_link_days(self):
        for company in self:
            if company.receivable_upload_link_days <= 0:
                raise ValidationError(_("Upload links must be valid for at least a day."))
