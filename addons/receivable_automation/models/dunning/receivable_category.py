from odoo import api, fields, models

# How a category affects the reminders of the invoices it is set on.
DUNNING_EFFECTS = [
    ("chase", "Remind"),
    ("pause_until_date", "Pause until the promise date"),
    ("pause_until_paid", "Pause until the payment is reconciled"),
    ("dispute", "Remind only the undisputed part"),
    ("stop", "Do not remind"),
]


class ReceivableCategory(models.Model):
    _name = "receivable.category"
    _rec_names_search = ["code", "name"]
    _description = "Receivable Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown in lists, e.g. NCT or PDP.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the category between companies."
    )
    dunning_effect = fields.Selection(
        DUNNING_EFFECTS,
        required=True,
        default="chase",
        help="Remind: reminders go out as usual.\n"
        "Pause until the promise date: a promise date is required and no reminder goes out "
        "before it has passed.\n"
        "Pause until the payment is reconciled: the customer says it paid; no reminder "
        "while the proof is checked.\n"
        "Remind only the undisputed part: while a dispute is open on the invoice, the rest is "
        "reminded; without an open dispute, nothing is.\n"
        "Do not remind: no reminder at all (do-not-contact).",
    )
    is_default = fields.Boolean(
        "Default for New Items",
        help="Set on new customer invoices. Only one category can be the default.",
    )
    is_contacted = fields.Boolean(
        "Set After a Reminder",
        help="Invoices still in the default category move to this one when a reminder is "
        "sent for them.",
    )
    next_activity_type_id = fields.Many2one(
        "mail.activity.type",
        "Next Activity",
        help="Planned on the invoice, for the debtor's collector, when an invoice is put in "
        "this category.",
    )
    next_activity_days = fields.Integer("Next Activity In (days)", default=0)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A category code must be unique.",
        ),
    ]

    @api.model
    def _get_default_category(self, company=None):
        company = company or self.env.company
        return self.search(
            [("is_default", "=", True), ("company_id", "in", (False, company.id))],
            order="company_id, sequence",
            limit=1,
        )

    @api.model
    def _get_contacted_category(self, company=None):
        company = company or self.env.company
        return self.search(
            [("is_contacted", "=", True), ("company_id", "in", (False, company.id))],
            order="company_id, sequence",
            limit=1,
        )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = f"{category.code} - {category.name}"
