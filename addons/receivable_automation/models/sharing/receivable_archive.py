from odoo import models


class ReceivableArchive(models.Model):
    _inherit = "receivable.archive"

    def action_share_by_link(self):
        """Share the archived copies (e.g. with an auditor) by an expiring, logged link."""
        return self.env["receivable.share.link.wizard"]._get_share_action(
            self.attachment_id, source=self if len(self) == 1 else None
        )
