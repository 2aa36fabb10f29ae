from odoo import models
from odoo.tools.mail import decode_message_header

# Headers that tell an automatic message (RFC 3834 and common practice) or a delivery report.
RECEIVABLE_HEADERS = (
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "Precedence",
    "Content-Type",
    "Return-Path",
)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_parse(self, message, save_original=False):
        """Keep the few headers the receivables mailbox classifies with, which Odoo's parsing
        drops, under ``receivable_headers`` ({lower-case name: value})."""
        msg_dict = super().message_parse(message, save_original=save_original)
        msg_dict["receivable_headers"] = {
            name.lower(): decode_message_header(message, name)
            for name in RECEIVABLE_HEADERS
            if message.get(name)
        }
        return msg_dict

    def message_post(self, **kwargs):
        # what the gateway parsed is posted as is: the headers kept above are no message value
        kwargs.pop("receivable_headers", None)
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        kwargs.pop("receivable_headers", None)
        return super().message_notify(**kwargs)
