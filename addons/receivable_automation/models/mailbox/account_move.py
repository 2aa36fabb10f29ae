from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def message_update(self, msg_dict, update_vals=None):
        # a customer's reply to an invoice stays on the invoice and feeds the debtor's question
        result = super().message_update(msg_dict, update_vals=update_vals)
        for move in self.filtered(lambda move: move.is_sale_document(include_receipts=True)):
            self.env["receivable.inquiry"]._receivable_intake_reply(move, msg_dict)
        return result
