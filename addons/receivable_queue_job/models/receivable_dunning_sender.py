from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError


class ReceivableDunningSender(models.AbstractModel):
    _inherit = "receivable.dunning.sender"

    @api.model
    def _job_send_batch(self, action_ids):
        """Job: send those of these reminders that are still pending and that no other worker
        holds. A retry, or a job enqueued twice, skips what was already sent."""
        try:
            batch = self._lock_pending(
                SQL("id = ANY(%s)", action_ids), len(action_ids), can_restart=False
            )
        except UserError as error:  # another worker changed them since our snapshot
            raise RetryableJobError(str(error), seconds=5) from error
        self._send_batch(batch)
        return _("%(count)s reminders processed", count=sum(map(len, batch.values())))
