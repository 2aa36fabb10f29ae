import codecs

from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

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
