from odoo import models
from odoo.tools import SQL, split_every


class ReceivableDunningRun(models.Model):
    _inherit = "receivable.dunning.run"

    def _hand_over_sending(self):
        """One job per batch of the run's pending reminders, on the receivables channel: the
        job runner spreads them over the servers' workers, as many at a time as the channel's
        capacity allows. The "send reminders" scheduled actions stay as a safety net."""
        Sender = self.env["receivable.dunning.sender"]
        batch_size = self.company_id.receivable_batch_size or 200
        for batch_ids in split_every(batch_size, self._get_pending_ids(), list):
            Sender._enqueue_batch(batch_ids)

    def _get_pending_ids(self):
        self.env["receivable.dunning.action"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM receivable_dunning_action WHERE %s ORDER BY id",
                self._pending_domain_sql(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
