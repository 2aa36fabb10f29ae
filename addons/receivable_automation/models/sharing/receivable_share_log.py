from odoo import api, fields, models
from odoo.exceptions import AccessError

SHARE_LOG_EVENTS = [
    ("sent", "Link sent"),
    ("opened", "Opened"),
    ("code_sent", "Code sent"),
    ("code_refused", "Code request refused"),
    ("code_failed", "Wrong or expired code"),
    ("code_ok", "Right code"),
    ("locked", "Locked"),
    ("unlocked", "Unlocked"),
    ("download", "Download"),
    ("extended", "Extended"),
    ("revoked", "Revoked"),
    ("expired_access", "Refused: expired or revoked"),
]


class ReceivableShareLog(models.Model):
    """What happened to a share link: append-only, nobody changes or deletes an entry."""

    _name = "receivable.share.log"
    _description = "Share Link Log"
    _order = "id desc"
    _rec_name = "event"

    link_id = fields.Many2one(
        "receivable.share.link",
        "Share Link",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    # copied, not related: an entry never changes after it was written
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    event = fields.Selection(SHARE_LOG_EVENTS, required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "Document", readonly=True, ondelete="set null")
    attachment_name = fields.Char("Document Name", readonly=True)
    ip = fields.Char("IP Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, ondelete="set null")
    description = fields.Char(readonly=True)

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("receivable_share_log_append"):
            raise AccessError(self.env._("Share link log entries are only written by the system."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise AccessError(self.env._("Share link log entries can never be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self:
            raise AccessError(self.env._("Share link log entries can never be deleted."))

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _append(self, link, event, attachment=None, http=None, description=None):
        """Write one entry for ``link``; ``http`` holds the ``ip`` and ``user_agent`` of the
        request, when there is one."""
        http = http or {}
        values = {
            "link_id": link.id,
            "company_id": link.company_id.id,
            "event": event,
            "attachment_id": attachment.id if attachment else False,
            "attachment_name": attachment.name if attachment else False,
            "ip": (http.get("ip") or "")[:64] or False,
            "user_agent": (http.get("user_agent") or "")[:512] or False,
            "user_id": self.env.uid,
            "description": (description or "")[:256] or False,
        }
        # sudo: recipients are public users; the entry is built above from trusted values only
        return self.sudo().with_context(receivable_share_log_append=True).create(values)
