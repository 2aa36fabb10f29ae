from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.queue_job.job import identity_exact
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.receivable_automation.tests.common import ReceivableCommon

RUN_DAY = "2026-01-11"  # 10 days after the test invoices' due date: the first level


@tagged("post_install", "-at_install")
class TestReceivableJobs(ReceivableCommon):
    """With the job queue, the daily run sends its reminders as one job per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sender = cls.env["receivable.dunning.sender"]
        cls.company.receivable_batch_size = 2
        cls.debtors = cls._create_debtors(cls, 5, prefix="Queued")
        for debtor in cls.debtors:
            cls._invoice(debtor, 100)

    def _daily_run(self):
        with trap_jobs() as trap, self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["receivable.dunning.run"]._cron_run_daily()
        return trap

    def _perform(self, trap):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            trap.perform_enqueued_jobs()

    @freeze_time(RUN_DAY)
    def test_one_job_per_batch_on_the_receivables_channel(self):
        trap = self._daily_run()
        reminders = self._reminders()
        self.assertEqual(reminders.partner_id, self.debtors)
        self.assertEqual(set(reminders.mapped("state")), {"pending"}, "queued, not sent yet")
        trap.assert_jobs_count(3, only=self.Sender._job_send_batch)
        ids = sorted(reminders.ids)
        for batch in (ids[0:2], ids[2:4], ids[4:]):
            trap.assert_enqueued_job(
                self.Sender._job_send_batch,
                args=(batch,),
                properties={"channel": "root.receivables", "identity_key": identity_exact},
            )

    @freeze_time(RUN_DAY)
    def test_jobs_send_each_reminder_once(self):
        trap = self._daily_run()
        self._perform(trap)
        self.assertEqual(set(self._reminders().mapped("state")), {"sent"})
        for debtor in self.debtors:
            self.assertEqual(len(self._mails_to(debtor)), 1, f"{debtor.name}: exactly one")

    @freeze_time(RUN_DAY)
    def test_a_retried_job_does_not_send_twice(self):
        trap = self._daily_run()
        self._perform(trap)
        first_batch = sorted(self._reminders().ids)[:2]
        with self.mock_mail_gateway(), self.mockSMSGateway():
            result = self.Sender._job_send_batch(first_batch)
        self.assertEqual(result, "0 reminders processed, 0 held by another worker")
        for debtor in self.debtors:
            self.assertEqual(len(self._mails_to(debtor)), 1, f"{debtor.name}: still one")

    @freeze_time(RUN_DAY)
    def test_reminders_held_by_another_worker_are_checked_again_later(self):
        self._daily_run()
        first, second = sorted(self._reminders().ids)[:2]
        Sender = type(self.Sender)
        lock_pending = Sender._lock_pending

        def lock_but_second(model, condition, limit, can_restart):
            """A sender scheduled action holds the second reminder."""
            batch = lock_pending(model, condition, limit, can_restart)
            return {company: [i for i in ids if i != second] for company, ids in batch.items()}

        with (
            trap_jobs() as trap,
            patch.object(Sender, "_lock_pending", lock_but_second),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            result = self.Sender._job_send_batch([first, second])
        self.assertEqual(result, "1 reminders processed, 1 held by another worker")
        trap.assert_jobs_count(1, only=self.Sender._job_send_batch)
        trap.assert_enqueued_job(
            self.Sender._job_send_batch,
            args=([second],),
            properties={"channel": "root.receivables", "eta": 60},
        )
        self.assertEqual(self.env["receivable.dunning.action"].browse(first).state, "sent")

    def test_job_function_and_channel(self):
        function = self.env.ref("receivable_queue_job.job_function_send_batch").sudo()
        self.assertEqual(function.channel, "root.receivables")
        self.assertEqual(function.name, "<receivable.dunning.sender>._job_send_batch")
        self.assertTrue(function.retry_pattern)

    @freeze_time(RUN_DAY)
    def test_sender_crons_stay_as_a_safety_net(self):
        """Jobs lost (no job runner): the "send reminders" scheduled actions send them."""
        self._daily_run()  # the trapped jobs never run
        crons = self.Sender._get_sender_crons()
        self.assertEqual(len(crons), 2)
        self.assertTrue(all(crons.mapped("active")))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.assertEqual(self.Sender._cron_send_batches(), 5)
        self.assertEqual(set(self._reminders().mapped("state")), {"sent"})
