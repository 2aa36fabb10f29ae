from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReceivableCategorizeWizard(models.TransientModel):
    """Put invoices in a category after an action (call, e-mail), with the promise date and
    a note, so the history keeps why and the next step gets planned."""

    _name = "receivable.categorize.wizard"
    _description = "Categorize Invoices"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    category_id = fields.Many2one("receivable.category", "Category", required=True)
    requires_date = fields.Boolean(compute="_compute_requires_date")
    promise_date = fields.Date()
    note = fields.Text(help="Logged on each invoice, e.g. what the customer said on the phone.")

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move":
            result["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return result

    @api.depends("category_id")
    def _compute_requires_date(self):
        for wizard in self:
            wizard.requires_date = wizard.category_id.dunning_effect == "pause_until_date"

    def action_apply(self):
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda move: move.move_type in ("out_invoice", "out_receipt")
        )
        if not moves:
            raise UserError(_("Select customer invoices to categorize."))
        if self.requires_date and not self.promise_date:
            raise UserError(
                _(
                    "Category “%s” needs the date the customer promised to pay.",
                    self.category_id.display_name,
                )
            )
        if self.promise_date and self.promise_date < fields.Date.context_today(self):
            raise UserError(_("A promise date cannot be in the past."))
        moves.write(
            {
                "receivable_category_id": self.category_id.id,
                "receivable_promise_date": self.promise_date if self.requires_date else False,
            }
        )
        if self.note:
            for move in moves:
                move.message_post(body=self.note)
        return {"type": "ir.actions.act_window_close"}
