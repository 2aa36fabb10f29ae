from odoo import _, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_portal_link_ids = fields.One2many(
        "receivable.portal.link", "partner_id", "Statement Links", groups="base.group_user"
    )
    # the documents of the client file, to pick the ones the customer may download
    receivable_attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        "Documents of the Client File",
        domain=[("res_model", "=", "res.partner"), ("res_field", "=", False)],
        groups="receivable_automation.group_receivable_user",
    )

    def _get_receivable_portal_url(self, channel="email", action=None, company=None):
        """The tokenised link to this debtor's statement, opened without a password: what
        reminders carry. A new link each call, tied to ``action`` (the reminder) and
        ``channel`` so that what the customer does is counted for them."""
        self.ensure_one()
        company = company or (action and action.company_id) or self.env.company
        Link = self.env["receivable.portal.link"]
        # sudo: the link holds a secret token that no user reads; creating it is the
        # reminder's doing, whoever sends the reminder
        link = Link.sudo().create(Link._prepare_values(self, company, channel, action))
        return link._get_url()

    def action_revoke_receivable_portal_links(self):
        """Stop every statement link of these debtors at once (a link sent to a wrong address,
        a customer who asks)."""
        if not self.env.user.has_group("receivable_automation.group_receivable_user"):
            raise UserError(_("Only credit controllers can revoke statement links."))
        debtors = self.commercial_partner_id
        # sudo: revoking writes the links' state only; the right was checked above
        links = (
            self.env["receivable.portal.link"]
            .sudo()
            .search([("partner_id", "in", debtors.ids), ("revoked_at", "=", False)])
        )
        links.write({"revoked_at": fields.Datetime.now(), "revoked_by_id": self.env.uid})
        for debtor in debtors:
            debtor.message_post(
                body=_(
                    "Statement links revoked by %(user)s: %(count)s link(s) no longer open the "
                    "statement.",
                    user=self.env.user.name,
                    count=len(
                        links.filtered(lambda link, debtor=debtor: link.partner_id == debtor)
                    ),
                )
            )
        return True

    # ------------------------------------------------------------------------------------------
    # The statement (portal)
    # ------------------------------------------------------------------------------------------

    def _receivable_statement_summary(self, company, today=None):
        """What this debtor owes ``company``, in one query whatever the number of invoices:
        balance, what is to its credit, overdue and aging buckets net of that credit (counted
        on the oldest items first, as the reminders do), next due date."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        self.env["account.move.line"].flush_model(
            ["amount_residual", "date_maturity", "reconciled", "parent_state", "partner_id"]
        )
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(aml.amount_residual) FILTER (WHERE aml.amount_residual < 0), 0),
                   MIN(aml.date_maturity) FILTER (
                       WHERE aml.amount_residual > 0 AND aml.date_maturity >= %(today)s),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0 AND aml.date_maturity >= %(today)s), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0
                         AND %(today)s - aml.date_maturity BETWEEN 1 AND 30), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0
                         AND %(today)s - aml.date_maturity BETWEEN 31 AND 60), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0
                         AND %(today)s - aml.date_maturity BETWEEN 61 AND 90), 0),
                   COALESCE(SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0 AND %(today)s - aml.date_maturity > 90), 0)
              FROM account_move_line aml
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN account_account account ON account.id = aml.account_id
             WHERE partner.commercial_partner_id = %(debtor)s
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND NOT aml.reconciled
            """,
            {"debtor": self.id, "company": company.id, "today": today},
        )
        credit, next_due, not_due, *late = self.env.cr.fetchone()
        # oldest first: over 90, 61-90, 31-60, 1-30, not due
        buckets = [*reversed(late), not_due]
        left_credit = -credit
        for index, amount in enumerate(buckets):
            deducted = min(amount, left_credit)
            buckets[index] -= deducted
            left_credit -= deducted
        over_90, days_61_90, days_31_60, days_1_30, not_due = buckets
        currency = company.currency_id
        return {
            "currency": currency,
            "credit": -credit,
            "unused_credit": left_credit,
            "balance": sum(buckets) - left_credit,
            "overdue": over_90 + days_61_90 + days_31_60 + days_1_30,
            "next_due_date": next_due,
            "aging": [
                (_("Not due yet"), not_due),
                (_("1-30 days late"), days_1_30),
                (_("31-60 days late"), days_31_60),
                (_("61-90 days late"), days_61_90),
                (_("Over 90 days late"), over_90),
            ],
        }

    def _send_receivable_renewed_link(self, company, interval):
        """Send a new statement link to this debtor's dunning contacts by e-mail, at most once
        per ``interval``; the addresses it went to, masked, for the page that asked."""
        self.ensure_one()
        Link = self.env["receivable.portal.link"].sudo()
        contacts = self._get_dunning_contacts().filtered("email_normalized")
        masked = [_mask_email(contact.email_normalized) for contact in contacts]
        recent = Link.search_count(
            [
                ("partner_id", "=", self.id),
                ("company_id", "=", company.id),
                ("channel", "=", "renewal"),
                ("create_date", ">", fields.Datetime.now() - interval),
            ],
            limit=1,
        )
        if recent or not contacts:
            return masked
        url = self._get_receivable_portal_url("renewal", company=company)
        template = self.env.ref("client_portal.mail_template_statement_link")
        # sudo: the customer asking is a public user; the e-mail goes to the addresses on file
        template.sudo().with_context(statement_url=url, company_name=company.name).send_mail(
            self.id,
            email_values={
                "recipient_ids": [fields.Command.set(contacts.ids)],
                "email_from": company.email_formatted or company.partner_id.email_formatted,
            },
            email_layout_xmlid="mail.mail_notification_light",
        )
        # logged without the link, which only its recipients get
        self.sudo().message_post(
            body=_(
                "A new statement link was sent to %s at the customer's request.",
                ", ".join(contacts.mapped("email_normalized")),
            ),
        )
        return masked


def _mask_email(email):
    """a•••@example.com: enough for a customer to recognise its address, not to learn it."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
