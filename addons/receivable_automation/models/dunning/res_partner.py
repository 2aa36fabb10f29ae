from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_policy_id = fields.Many2one(
        "receivable.dunning.policy",
        "Dunning Policy",
        company_dependent=True,
        tracking=True,
        help="Overrides the policy of the debtor's profile and the company's default.",
        groups="base.group_user",
    )
    receivable_applied_policy_id = fields.Many2one(
        "receivable.dunning.policy",
        "Applied Policy",
        compute="_compute_receivable_applied_policy",
        help="The debtor's own policy, else its profile's, else the company's default.",
        groups="base.group_user",
    )
    receivable_profile_id = fields.Many2one(
        "receivable.debtor.profile",
        "Debtor Profile",
        index="btree_not_null",
        tracking=True,
        groups="base.group_user",
    )
    receivable_collector_id = fields.Many2one(
        "res.users",
        "Collector",
        company_dependent=True,
        tracking=True,
        help="The credit controller in charge of this debtor.",
        groups="base.group_user",
    )
    receivable_extra_days = fields.Integer(
        "Extra Days Between Levels",
        help="Added to the days of every level for this debtor (a debtor who always pays a "
        "little late, or a key account).",
        groups="base.group_user",
        tracking=True,
    )
    receivable_dunning_contact = fields.Boolean(
        "Dunning Contact",
        help="Receives the reminders of its company. Without one, the invoicing contacts "
        "receive them, else the company itself.",
        groups="base.group_user",
        tracking=True,
    )
    receivable_hold_ids = fields.One2many(
        "receivable.dunning.hold",
        "partner_id",
        "Dunning Holds",
        domain=[("state", "=", "active")],
        help="Why reminders to this debtor, or some of its invoices, are held.",
        groups="base.group_user",
    )
    receivable_action_ids = fields.One2many(
        "receivable.dunning.action",
        "partner_id",
        "Reminders",
        domain=[("state", "!=", "preview")],  # a preview is not history
        groups="base.group_user",
    )
    receivable_open_line_ids = fields.Many2many(
        "account.move.line",
        string="Open Items",
        compute="_compute_receivable_level",
        groups="base.group_user",
    )
    receivable_closed_line_ids = fields.Many2many(
        "account.move.line",
        string="Closed Items",
        compute="_compute_receivable_level",
        help="The last paid items, as history.",
        groups="base.group_user",
    )
    receivable_level_id = fields.Many2one(
        "receivable.dunning.level",
        "Dunning Level",
        compute="_compute_receivable_level",
        help="Highest level reached by the debtor's open invoices.",
        groups="base.group_user",
    )
    receivable_next_action_date = fields.Date(
        "Next Reminder",
        compute="_compute_receivable_level",
        help="A reminder prepared and waiting, else the date the run reminds the debtor next, "
        "as in Receivables > Debtors.",
        groups="base.group_user",
    )
    receivable_overdue_amount = fields.Monetary(
        "Overdue",
        compute="_compute_receivable_level",
        currency_field="currency_id",
        help="What is past its due date, once the debtor's credit notes and unmatched payments "
        "have paid its oldest items.",
        groups="base.group_user",
    )

    @api.depends_context("company")
    @api.depends("receivable_policy_id", "receivable_profile_id.policy_id")
    def _compute_receivable_applied_policy(self):
        for partner in self:
            partner.receivable_applied_policy_id = (
                partner.commercial_partner_id._get_dunning_policy()
            )

    def _compute_receivable_level(self):
        MoveLine = self.env["account.move.line"]
        debtors = self.commercial_partner_id
        open_items = MoveLine.search(
            [
                *MoveLine._get_open_receivable_domain(),
                ("partner_id", "in", debtors.ids),
            ],
            order="date_maturity, id",
        )
        # The last 80 paid items of each debtor are history enough for a client file.
        closed_items = MoveLine.search(
            [
                ("partner_id", "in", debtors.ids),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", True),
                # the invoices themselves, not the payments that closed them
                ("move_id.move_type", "in", ("out_invoice", "out_receipt", "out_refund")),
            ],
            order="date desc, id desc",
            limit=80 * len(debtors),
        )
        # the figures of the Debtors worklist, in the current company
        figures = self.env["receivable.debtor"]._read_debtor_figures(debtors, self.env.company)
        for partner in self:
            debtor = partner.commercial_partner_id
            items = open_items.filtered(lambda line, debtor=debtor: line.partner_id == debtor)
            partner.receivable_open_line_ids = items
            partner.receivable_closed_line_ids = closed_items.filtered(
                lambda line, debtor=debtor: line.partner_id == debtor
            )[:80]
            overdue, next_date, waiting_date = figures.get(debtor._origin.id, (0.0, None, None))
            partner.receivable_overdue_amount = overdue
            partner.receivable_level_id = items.receivable_level_id.sorted("days")[-1:]
            partner.receivable_next_action_date = min(
                filter(None, (waiting_date, next_date)), default=False
            )

    def _message_get_suggested_recipients(self):
        # Writing from a debtor's client file proposes the contacts that receive its reminders.
        recipients = super()._message_get_suggested_recipients()
        if self.is_company and self.credit > 0:
            for contact in self._get_dunning_contacts().filtered("email") - self:
                self._message_add_suggested_recipient(
                    recipients, partner=contact, reason=_("Dunning Contact")
                )
        return recipients

    def _get_dunning_policy(self):
        """The policy that applies to this debtor in the current company."""
        self.ensure_one()
        return (
            self.receivable_policy_id
            or self.receivable_profile_id.policy_id
            or self.env.company.receivable_policy_id
        )

    def _get_receivable_responsible(self, company):
        """Who follows this debtor up in ``company``: its collector, else its salesperson;
        may be no one."""
        self.ensure_one()
        debtor = self.commercial_partner_id.with_company(company)
        return debtor.receivable_collector_id or debtor.user_id

    def _get_dunning_contacts(self):
        """Who receives this debtor's reminders."""
        self.ensure_one()
        contacts = self.child_ids.filtered("receivable_dunning_contact")
        if self.receivable_dunning_contact:
            contacts |= self
        if not contacts:
            contacts = self.child_ids.filtered(lambda child: child.type == "invoice")
        return contacts or self

    def action_open_receivable_file(self):
        """The collector's client file of this debtor."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Client File"),
            "res_model": "res.partner",
            "res_id": self.commercial_partner_id.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("receivable_automation.res_partner_view_form_receivable").id,
                    "form",
                )
            ],
        }

    def action_receivable_hold(self):
        """Hold the reminders to this debtor, with a reason and an end date."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Hold Reminders"),
            "res_model": "receivable.dunning.hold",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_open_receivable_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_level": 0}
        return action
