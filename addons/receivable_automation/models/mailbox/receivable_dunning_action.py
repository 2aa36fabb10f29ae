from odoo import models


class ReceivableDunningAction(models.Model):
    _inherit = "receivable.dunning.action"

    def _notify_get_reply_to(self, default=None):
        # customers answer reminders to the receivables mailbox (see receivable.inquiry)
        reply_tos = super()._notify_get_reply_to(default=default)
        return self.env["res.company"]._receivable_mailbox_reply_to(self, reply_tos)

    def message_update(self, msg_dict, update_vals=None):
        # a reply that reached the reminder itself also feeds the debtor's question
        result = super().message_update(msg_dict, update_vals=update_vals)
        for action in self:
            self.env["receivable.inquiry"]._receivable_intake_reply(action, msg_dict)
        return result
