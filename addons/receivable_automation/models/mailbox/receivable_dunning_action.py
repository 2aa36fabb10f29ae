from odoo import _, models


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

    def _message_receive_bounce(self, email, partner):
        """Odoo's mail gateway recognised a delivery report about this reminder's e-mail."""
        result = super()._message_receive_bounce(email, partner)
        self._receivable_mark_bounced(email)
        return result

    def _receivable_mark_bounced(self, email):
        """The e-mail of a sent reminder did not arrive: it fails, with the reason, so that the
        collector corrects the address and sends it again."""
        bounced = self.filtered(lambda action: action.state == "sent")
        message = _(
            "The e-mail to %s bounced: correct the address, then send the reminder again.",
            email or _("a recipient"),
        )
        bounced.write({"state": "failed", "error_message": message})
        for action in bounced:
            action._message_log(body=message)
        return bounced
