from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

CHANNEL = "root.receivables"
# a batch that another worker holds is checked again this many seconds later
HELD_RETRY_SECONDS = 60


class ReceivableDunningSender(models.AbstractModel):
    _inherit = "receivable.dunning.sender"

    @api.model
    def _enqueue_batch(self, action_ids, eta=None):
        return self.with_delay(
            channel=CHANNEL,
            identity_key=identity_exact,
            eta=eta,
            description=_(
                "Send reminders %(first)s to %(last)s", first=action_ids[0], last=action_ids[-1]
            ),
        )._job_send_batch(action_ids)

    @api.model
    def _job_send_batch(self, action_ids):
        """Job: send those of these reminders that are still pending and that no other worker
        holds. A retry, or a job enqueued twice, skips what was already sent; reminders held by
        another worker (a sender scheduled action) are checked again by a later job, in case
        that worker fails."""
        try:
            batch = self._lock_pending(
                SQL("id = ANY(%s)", action_ids), len(action_ids), can_restart=False
            )
        except UserError as error:  # another worker changed them since our snapshot
            raise RetryableJobError(str(error), seconds=5) from error
        self._send_batch(batch)
        locked = {action_id for ids in batch.values() for action_id in ids}
        held = self._get_still_pending(sorted(set(action_ids) - locked))
        if held:
            self._enqueue_batch(held, eta=HELD_RETRY_SECONDS)
        return _(
            "%(count)s reminders processed, %(held)s held by another worker",
            count=len(locked),
            held=len(held),
        )

    @api.model
    def _get_still_pending(self, action_ids):
        if not action_ids:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT id FROM receivable_dunning_action WHERE %s AND id = ANY(%s) ORDER BY id",
                self._pending_sql(),
                action_ids,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
