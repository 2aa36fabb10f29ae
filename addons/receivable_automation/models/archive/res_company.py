from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_retention_commercial_years = fields.Integer(
        "Commercial Retention (years)",
        default=10,
        help="How long archived commercial documents are kept: French Code de commerce "
        "art. L123-22, accounting records and supporting documents, 10 years.",
    )
    receivable_retention_tax_years = fields.Integer(
        "Tax Retention (years)",
        default=6,
        help="How long archived tax documents are kept: French Livre des procédures fiscales "
        "art. L102 B, 6 years.",
    )
    # head of the company's archive chain, moved by the archive only (under a row lock)
    receivable_archive_sequence = fields.Integer("Last Archive Position", readonly=True)
    receivable_archive_head = fields.Char("Last Archive Chain Hash", readonly=True)

    _sql_constraints = [
        (
            "receivable_retention_years_positive",
            "CHECK(receivable_retention_commercial_years > 0"
            " AND receivable_retention_tax_years > 0)",
            "Archived documents are kept one year at least.",
        ),
    ]

    def _receivable_get_retention_years(self, retention_class):
        self.ensure_one()
        if retention_class == "tax":
            return self.receivable_retention_tax_years or 6
        return self.receivable_retention_commercial_years or 10
