from odoo import _, api, fields, models

# local part of a company's receivables mailbox when nobody chose another one
DEFAULT_ALIAS_NAME = "receivables"


class ResCompany(models.Model):
    _inherit = "res.company"

    _sql_constraints = [
        (
            "receivable_out_of_office_days_positive",
            "CHECK(receivable_out_of_office_days > 0)",
            "The days an out-of-office reply holds reminders must be positive.",
        ),
    ]

    receivable_out_of_office_days = fields.Integer(
        "Out of Office Without Return Date (days)",
        default=3,
        help="An out-of-office reply that gives no return date holds the debtor's reminders "
        "this many days.",
    )

    receivable_alias_id = fields.Many2one(
        "mail.alias",
        "Receivables Mailbox",
        ondelete="set null",
        copy=False,
        help="E-mails sent to this address become customer questions of the company; reminders "
        "carry it as reply-to so that the answers of customers come back to their file.",
    )
    receivable_inquiry_hold = fields.Boolean(
        "Hold Reminders While a Question Awaits an Answer",
        help="While a debtor's question is to answer, no reminder goes out to that debtor.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._receivable_create_alias()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if "alias_domain_id" in vals:
            # the mailbox follows the company's mail domain, like its catchall address
            # sudo: aliases are mail configuration, not readable by every user
            for company in self.filtered("receivable_alias_id"):
                company.receivable_alias_id.sudo().alias_domain_id = company.alias_domain_id
        return result

    @api.model
    def _receivable_create_alias_all(self):
        self.with_context(active_test=False).search([])._receivable_create_alias()

    def _receivable_create_alias(self):
        """Give each of these companies without one its receivables mailbox:
        ``receivables@<the company's alias domain>`` (or ``receivables-<id>`` when another
        company of the same domain already has ``receivables``)."""
        # sudo: aliases are mail configuration that the company owns, created on its behalf
        Alias = self.env["mail.alias"].sudo()
        model_id = self.env["ir.model"]._get_id("receivable.inquiry")
        for company in self.filtered(lambda company: not company.receivable_alias_id):
            name = DEFAULT_ALIAS_NAME
            if Alias.search_count(
                [("alias_name", "=", name), ("alias_domain_id", "=", company.alias_domain_id.id)],
                limit=1,
            ):
                name = f"{DEFAULT_ALIAS_NAME}-{company.id}"
            company.receivable_alias_id = Alias.create(
                {
                    "alias_name": name,
                    "alias_domain_id": company.alias_domain_id.id,
                    "alias_model_id": model_id,
                    "alias_defaults": repr({"company_id": company.id}),
                    "alias_contact": "everyone",
                }
            )
        return True

    def _receivable_get_mailbox_email(self):
        """The receivables mailbox address of this company, when e-mails can reach it (the
        alias has a domain), else False."""
        self.ensure_one()
        # sudo: reading the company's own mailbox address, as Odoo reads its catchall address
        alias = self.sudo().receivable_alias_id
        if alias.alias_name and alias.alias_domain_id:
            return alias.alias_full_name
        return False

    @api.model
    def _receivable_mailbox_reply_to(self, records, reply_tos):
        """``reply_tos`` ({record id: reply-to}) where each record (with a ``company_id``) has
        its company's receivables mailbox as reply-to, when there is one."""
        result = dict(reply_tos)
        for company, group in records.grouped("company_id").items():
            email = company and company._receivable_get_mailbox_email()
            if not email:
                continue
            formatted = records._notify_get_reply_to_formatted_email(
                email, _("Receivables"), company=company
            )
            result.update(dict.fromkeys(group.ids, formatted))
        return result
