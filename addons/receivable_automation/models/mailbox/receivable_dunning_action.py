from odoo import _, models


class ReceivableDunningAction(models.Model):
    _inherit = "receivable.dunning.action"

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
