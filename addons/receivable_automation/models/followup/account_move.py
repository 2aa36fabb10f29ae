from odoo import Command, _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_receivable_new_dispute(self):
        """Open a dispute on these invoices, for what is left to pay on each."""
        debtor = self.commercial_partner_id
        if len(debtor) != 1:
            raise UserError(_("Select invoices of one customer."))
        return {
            "type": "ir.actions.act_window",
            "name": _("New Dispute"),
            "res_model": "receivable.dispute",
            "view_mode": "form",
            "context": {
                "default_partner_id": debtor.id,
                "default_company_id": self.company_id[:1].id,
                "default_line_ids": [Command.create({"move_id": move.id}) for move in self],
            },
        }

    def action_receivable_new_promise(self):
        debtor = self.commercial_partner_id
        if len(debtor) != 1:
            raise UserError(_("Select invoices of one customer."))
        return {
            "type": "ir.actions.act_window",
            "name": _("New Promise to Pay"),
            "res_model": "receivable.promise",
            "view_mode": "form",
            "context": {
                "default_partner_id": debtor.id,
                "default_move_ids": [Command.set(self.ids)],
                "default_amount": sum(self.mapped("amount_residual_signed")),
            },
        }
