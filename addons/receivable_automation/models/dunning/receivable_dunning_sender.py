import logging
import resource
import time
from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SENDER_CODE = "model._cron_send_batches()"
SENDERS_PARAM = "receivable_automation.parallel_senders"
DEFAULT_SENDERS = 2
MAX_SENDERS = 32
# A sender call stops taking batches after this many seconds, hands its worker back and is
# called again at once (a trigger): Odoo's time limit for one wake-up of a cron worker or
# thread (``limit_time_real``, 120 s by default) is never reached, whatever the data size.
TIME_BUDGET = 45
# A cron worker (``--workers`` > 0) has ``limit_time_cpu`` seconds of CPU per wake-up: a sender
# stops taking batches when less than this is left, rather than being interrupted mid-batch.
CPU_MARGIN = 15


class ReceivableDunningSender(models.AbstractModel):
    """Sends the pending reminders of every company in batches, from several scheduled actions.

    Odoo runs one scheduled action in one worker at a time. The daily run plans the reminders,
    then triggers the "send reminders" scheduled actions: there are as many as the
    "Parallel Senders" setting says, so that as many cron workers (or servers) send at once.
    Each takes batches with ``FOR UPDATE SKIP LOCKED`` and commits each one: a batch is sent
    whole or not at all, and no two senders ever take the same reminder.
    """

    _name = "receivable.dunning.sender"
    _description = "Reminder Sender"

    # ------------------------------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_sender_count(self):
        # sudo: a system parameter, read by whoever plans a run, changed by administrators only
        value = self.env["ir.config_parameter"].sudo().get_param(SENDERS_PARAM)
        try:
            return min(max(int(value or DEFAULT_SENDERS), 1), MAX_SENDERS)
        except ValueError:
            return DEFAULT_SENDERS

    @api.model
    def _get_sender_crons(self):
        # sudo: scheduled actions are administrators' records; the run only triggers them
        return (
            self.env["ir.cron"]
            .sudo()
            .with_context(active_test=False)
            .search([("model_id.model", "=", self._name), ("code", "=", SENDER_CODE)], order="id")
        )

    @api.model
    def _sync_sender_crons(self):
        """As many "send reminders" scheduled actions as the setting says, named 1/N... N/N."""
        count = self._get_sender_count()
        crons = self._get_sender_crons()
        crons[count:].unlink()
        crons = crons[:count]
        missing = count - len(crons)
        if missing:
            crons |= crons.create([self._prepare_sender_cron_values() for _i in range(missing)])
        for index, cron in enumerate(crons, start=1):
            name = _("Receivables: send reminders (%(index)s/%(count)s)", index=index, count=count)
            if cron.name != name:
                cron.name = name
        return crons

    @api.model
    def _prepare_sender_cron_values(self):
        return {
            "name": _("Receivables: send reminders"),
            "model_id": self.env["ir.model"]._get_id(self._name),
            "state": "code",
            "code": SENDER_CODE,
            # also a safety net: what a crashed sender left pending goes out within the hour
            "interval_number": 1,
            "interval_type": "hours",
            "active": True,
        }

    @api.model
    def _trigger_senders(self):
        """Wake every active sender now (after the commit of the transaction that planned);
        return them."""
        crons = self._get_sender_crons().filtered("active")
        for cron in crons:
            cron._trigger()
        return crons

    @api.model
    def _cron_send_batches(self, time_budget=TIME_BUDGET):
        """Send batches of pending reminders of every company until none is left or the time
        budget is spent; then call this scheduled action again to go on."""
        if self._cpu_nearly_spent():
            # nothing done in this call: Odoo then drops the triggers due now, not a later one
            self._trigger_current_cron(at=fields.Datetime.now() + timedelta(seconds=5))
            return 0
        deadline = time.monotonic() + time_budget
        done, seen = 0, []
        while batch := self._lock_batch(self._get_batch_size(), seen):
            batch_ids = [action_id for ids in batch.values() for action_id in ids]
            seen.extend(batch_ids)
            self._send_batch(batch)
            done += len(batch_ids)
            remaining = self._count_pending()
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            _logger.info("Sender: %s reminders processed, %s left", done, remaining)
            if remaining and (time.monotonic() >= deadline or self._cpu_nearly_spent()):
                self._hand_back_worker(done)
                self._commit_and_release()
                break
            self._commit_and_release()
        return done

    # ------------------------------------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_batch_size(self):
        """The smallest batch size of the companies: a batch may hold reminders of several."""
        self.env["res.company"].flush_model(["receivable_batch_size"])
        self.env.cr.execute(
            "SELECT min(receivable_batch_size) FROM res_company WHERE receivable_batch_size > 0"
        )
        return self.env.cr.fetchone()[0] or 200

    @api.model
    def _pending_sql(self):
        """Pending reminders of any company, due today or earlier."""
        return SQL(
            "state = 'pending' AND date <= %s",
            fields.Date.context_today(self),
        )

    @api.model
    def _lock_batch(self, batch_size, seen):
        """A batch of pending reminders not in ``seen``, locked (see ``_lock_pending``)."""
        return self._lock_pending(SQL("id != ALL(%s)", seen), batch_size, self._can_commit())

    @api.model
    def _lock_pending(self, condition, limit, can_restart):
        """{company id: [reminder ids]} of pending reminders matching the SQL ``condition``,
        locked for this transaction: other workers skip them."""
        query = SQL(
            """
            SELECT id, company_id FROM receivable_dunning_action
             WHERE %s AND %s
          ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            self._pending_sql(),
            condition,
            limit,
        )
        batch = defaultdict(list)
        for action_id, company_id in self._fetch_locked(query, can_restart):
            batch[company_id].append(action_id)
        return dict(batch)

    @api.model
    def _fetch_locked(self, query, can_restart):
        """Rows of a ``FOR UPDATE SKIP LOCKED`` query. When another worker changed rows of our
        snapshot meanwhile, a transaction with nothing pending (between two batches of a
        committing worker) starts afresh; a user's transaction asks to try again."""
        self.env["receivable.dunning.action"].flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                return self.env.cr.fetchall()
        except SerializationFailure:
            if not can_restart:
                raise UserError(
                    _("Another worker is sending these reminders. Try again in a moment.")
                ) from None
            self.env.cr.rollback()
            self.env.cr.execute(query, log_exceptions=False)
            return self.env.cr.fetchall()

    @api.model
    def _send_batch(self, batch):
        """Send a locked batch, each company's reminders in that company."""
        Action = self.env["receivable.dunning.action"]
        for company_id, action_ids in batch.items():
            with self.env.cr.savepoint():
                Action.with_company(company_id).browse(action_ids)._send()

    @api.model
    def _count_pending(self):
        self.env.cr.execute(
            SQL("SELECT count(*) FROM receivable_dunning_action WHERE %s", self._pending_sql())
        )
        return self.env.cr.fetchone()[0]

    def _hand_back_worker(self, done):
        """End this call and be called again. Reported as complete, this call ends Odoo's loop
        of up to 10 calls per wake-up (which would add up past the worker's time limits); the
        trigger, later than the start of the wake-up, survives it and wakes a worker at once."""
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        self._trigger_current_cron()

    def _trigger_current_cron(self, at=None):
        cron_id = self.env.context.get("cron_id")
        crons = self.env["ir.cron"].browse(cron_id) if cron_id else self._get_sender_crons()
        for cron in crons:
            # sudo: the cron user may be anyone; it only asks to be called again
            cron.sudo()._trigger(at)

    @api.model
    def _cpu_nearly_spent(self):
        """Whether the CPU time a prefork worker allows per wake-up is nearly spent."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
        if soft == resource.RLIM_INFINITY:
            return False
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return soft - (usage.ru_utime + usage.ru_stime) < CPU_MARGIN

    def _can_commit(self):
        return self.env["receivable.dunning.run"]._can_commit_outside_tests()

    def _commit_and_release(self):
        """Commit the batch and forget the cache: a long loop keeps its memory flat."""
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
