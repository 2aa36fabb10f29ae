import threading
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.receivable_automation.models.dunning.receivable_dunning_run import (
    ReceivableDunningRun,
)

from .common import (
    ReceivableCommon,
    assert_each_debtor_reminded_once,
    run_concurrently,
    setup_committed_company,
)

RUN_DAY = "2026-01-11"  # 10 days after the test invoices' due date: the first level


def cron_mode(registry):
    """The run hands its sending to the scheduled actions, even when an add-on (the job
    queue's) hands it to something else."""
    return patch.object(
        registry["receivable.dunning.run"],
        "_hand_over_sending",
        ReceivableDunningRun._hand_over_sending,
    )


@tagged("post_install", "-at_install")
class TestSenderCrons(ReceivableCommon):
    """The daily cron plans, then hands the sending to the "send reminders" scheduled
    actions, which several cron workers run at the same time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sender = cls.env["receivable.dunning.sender"]
        cls.senders = cls.Sender._sync_sender_crons()
        cls.debtors = cls.env["res.partner"].create(
            [{"name": f"Scale {i}", "email": f"scale{i}@example.com"} for i in range(5)]
        )
        for debtor in cls.debtors:
            cls._invoice(debtor, 100)

    def setUp(self):
        super().setUp()
        self.startPatcher(cron_mode(self.registry))

    def _triggers(self, crons):
        return self.env["ir.cron.trigger"].search([("cron_id", "in", crons.ids)])

    def _daily_run(self):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["receivable.dunning.run"]._cron_run_daily()

    def _send_batches(self, **kwargs):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            return self.Sender._cron_send_batches(**kwargs)

    @freeze_time(RUN_DAY)
    def test_daily_run_triggers_the_senders_instead_of_sending(self):
        self._triggers(self.senders).unlink()
        self._daily_run()
        reminders = self._reminders()
        self.assertEqual(reminders.partner_id, self.debtors)
        self.assertEqual(set(reminders.mapped("state")), {"pending"}, "planned, not sent")
        self.assertFalse(self._mails_to(self.debtors))
        self.assertEqual(self._triggers(self.senders).cron_id, self.senders)

    @freeze_time(RUN_DAY)
    def test_senders_send_each_reminder_once(self):
        self.company.receivable_batch_size = 2
        self._daily_run()
        self.assertEqual(self._send_batches(), 5)
        self.assertEqual(self._send_batches(), 0, "nothing left for a second sender")
        self.assertEqual(set(self._reminders().mapped("state")), {"sent"})
        for debtor in self.debtors:
            self.assertEqual(len(self._mails_to(debtor)), 1, f"{debtor.name}: exactly one")

    @freeze_time(RUN_DAY)
    def test_time_budget_spent_triggers_the_sender_again(self):
        self.company.receivable_batch_size = 2
        self._daily_run()
        sender = self.senders[0]
        self._triggers(sender).unlink()
        done = self.Sender.with_context(cron_id=sender.id)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            sent = done._cron_send_batches(time_budget=0)
        self.assertEqual(sent, 2, "one batch, then the budget is spent")
        self.assertEqual(len(self._reminders(state="pending")), 3)
        self.assertEqual(self._triggers(sender).cron_id, sender, "called again at once")

    @freeze_time(RUN_DAY)
    def test_worker_out_of_cpu_time_sends_nothing_and_comes_back_later(self):
        """A prefork cron worker with its CPU time nearly spent takes no batch: it asks to
        be called again a few seconds later (a trigger Odoo keeps after the call)."""
        self._daily_run()
        sender = self.senders[0]
        self._triggers(sender).unlink()
        Sender = type(self.Sender)
        with patch.object(Sender, "_cpu_nearly_spent", return_value=True):
            self.assertEqual(self.Sender.with_context(cron_id=sender.id)._cron_send_batches(), 0)
        self.assertEqual(len(self._reminders(state="pending")), 5)
        trigger = self._triggers(sender)
        self.assertEqual(trigger.call_at, datetime(2026, 1, 11, 0, 0, 5))

    @freeze_time(RUN_DAY)
    def test_without_active_sender_the_daily_run_sends_itself(self):
        self.senders.active = False
        self._daily_run()
        self.assertEqual(set(self._reminders().mapped("state")), {"sent"})
        self.assertEqual(len(self._mails_to(self.debtors)), 5)

    @freeze_time(RUN_DAY)
    def test_run_by_hand_still_sends_inline(self):
        run = self._run(date(2026, 1, 11))
        self.assertEqual(set(run.action_ids.mapped("state")), {"sent"})

    def _set_senders(self, count):
        settings = Form(self.env["res.config.settings"])
        settings.receivable_parallel_senders = count
        settings.save().execute()

    def test_setting_creates_and_removes_sender_crons(self):
        self._set_senders(3)
        crons = self.Sender._get_sender_crons()
        self.assertEqual(
            crons.mapped("name"),
            [f"Receivables: send reminders ({i}/3)" for i in (1, 2, 3)],
        )
        self.assertEqual(crons[:2], self.senders, "existing senders are kept")
        self._set_senders(1)
        self.assertEqual(
            self.Sender._get_sender_crons().mapped("name"), ["Receivables: send reminders (1/1)"]
        )
        self.assertFalse(crons[1:].exists())

    def test_setting_refuses_zero_senders(self):
        settings = self.env["res.config.settings"].create({})
        with self.assertRaisesRegex(ValidationError, "between 1 and 32"):
            settings.receivable_parallel_senders = 0
            settings.flush_recordset()

    def test_only_administrators_change_the_senders(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.manager).create(
                {"receivable_parallel_senders": 4}
            )
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(self.manager).set_param(
                "receivable_automation.parallel_senders", "4"
            )
        self.assertEqual(len(self.Sender._get_sender_crons()), 2)


@tagged("post_install", "-at_install")
class TestParallelSenders(TransactionCase):
    """Two senders, each in its own committed transaction as two cron workers would, share
    the pending reminders of a run: each reminder is sent once."""

    # pylint: disable=invalid-commit
    # (the senders' cursors are real ones, outside the test transaction: they must commit)

    DEBTORS = 12

    def test_two_senders_send_each_reminder_once(self):
        company_id, debtor_ids = setup_committed_company(self.registry, self.DEBTORS)
        with self.registry.cursor() as cr, cron_mode(self.registry):
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [company_id]})
            run = env["receivable.dunning.run"].create(
                {"date": date(2026, 1, 11), "company_id": company_id}
            )
            run.with_context(receivable_send_in_background=True).action_run()
            cr.commit()
        barrier = threading.Barrier(2)
        sent = []

        def sender():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait(timeout=60)
                sent.append(env["receivable.dunning.sender"]._cron_send_batches())
                cr.commit()

        self.assertFalse(run_concurrently(sender, 2))
        self.assertGreaterEqual(sum(sent), self.DEBTORS)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            assert_each_debtor_reminded_once(self, env, company_id, debtor_ids)
