from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReceivableHandoffWizard(models.TransientModel):
    """Choose the lawyer or collection agency that a debtor's file is handed over to."""

    _name = "receivable.handoff.wizard"
    _description = "Hand Over a Debtor's File"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Debtor", required=True, readonly=True)
    lawyer_id = fields.Many2one(
        "res.partner",
        "Lawyer / Agency",
        domain="[('id', '!=', partner_id), ('parent_id', '=', False)]",
    )
    amount_due = fields.Monetary(compute="_compute_amount_due", currency_field="currency_id")
    note = fields.Text(help="Instructions for the lawyer, sent with the dossier.")

    @api.depends("partner_id", "company_id")
    def _compute_amount_due(self):
        MoveLine = self.env["account.move.line"]
        for wizard in self:
            wizard.amount_due = sum(
                MoveLine.search(
                    [
                        *MoveLine._get_open_receivable_domain(),
                        ("partner_id", "=", wizard.partner_id.commercial_partner_id.id),
                        ("company_id", "=", wizard.company_id.id),
                    ]
                ).mapped("amount_residual")
            )

    def action_hand_over(self):
        self.ensure_one()
        if not self.lawyer_id:
            raise UserError(_("Choose the lawyer or collection agency to hand the file to."))
        debtor = self.partner_id.commercial_partner_id
        existing = self.env["receivable.handoff"].search(
            [
                ("partner_id", "=", debtor.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("handed_over", "in_recovery")),
            ],
            limit=1,
        )
        if existing:
            raise UserError(
                _(
                    "The file of %(debtor)s is already with %(lawyer)s (%(name)s).",
                    debtor=debtor.display_name,
                    lawyer=existing.lawyer_id.display_name,
                    name=existing.name,
                )
            )
        handoff = self.env["receivable.handoff"].create(
            {
                "partner_id": debtor.id,
                "company_id": self.company_id.id,
                "lawyer_id": self.lawyer_id.id,
                "note": self.note,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand-off"),
            "res_model": "receivable.handoff",
            "res_id": handoff.id,
            "view_mode": "form",
        }
