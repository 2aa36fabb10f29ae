import codecs

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

    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        """An e-mail whose text declares a charset Python does not know (``charset=
        "no-such-charset"``) would be refused by the gateway, hence lost: read those parts as
        UTF-8 instead, undecodable bytes replaced."""
        try:
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except LookupError:
            for part in message.walk():
                charset = part.get_content_maintype() == "text" and part.get_param("charset")
                if charset and not self._receivable_is_known_charset(charset):
                    part.set_param("charset", "utf-8")
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )

    def _receivable_is_known_charset(self, charset):
        try:
            codecs.lookup(str(charset))
        except LookupError:
            return False
        return True
