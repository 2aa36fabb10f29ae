from odoo import api, fields, models


class ReceivableRetentionRule(models.Model):
    """How long archived documents of a type are kept, overriding the company's setting for
    their retention class (e.g. contracts of a country kept longer)."""

    _name = "receivable.retention.rule"
    _description = "Archive Retention Rule"
    _order = "document_type_id, country_id, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: every company.",
    )
    document_type_id = fields.Many2one(
        "receivable.document.type",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    country_id = fields.Many2one(
        "res.country",
        help="Country of the company that keeps the archive, whose law sets the period. "
        "Empty: every country.",
    )
    years = fields.Integer(
        required=True,
        default=10,
        help="Years the documents are kept after they are archived. French law: 10 years for "
        "commercial documents (Code de commerce L123-22), 6 years for tax documents (Livre des "
        "procédures fiscales L102 B).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("years_positive", "CHECK(years > 0)", "Documents are kept one year at least."),
        (
            "rule_uniq",
            "unique(company_id, document_type_id, country_id)",
            "There is already a retention rule for this document type, country and company.",
        ),
    ]

    @api.model
    def _find_rule(self, document_type, company):
        """The most specific active rule for the type: the company's own before a shared one,
        the company's country before every country."""
        # sudo: the rules apply whoever archives (a customer signing on the portal, the cron)
        rules = self.sudo().search(
            [
                ("document_type_id", "=", document_type.id),
                ("company_id", "in", [company.id, False]),
                ("country_id", "in", [company.country_id.id, False]),
            ]
        )
        if not rules:
            return rules
        return rules.sorted(lambda r: (bool(r.company_id), bool(r.country_id)), reverse=True)[:1]
