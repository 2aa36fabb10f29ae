import threading
from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.receivable_automation.models.dunning.receivable_dunning_action import (
    ReceivableDunningAction,
)

from .common import (
    ReceivableCommon,
    assert_each_debtor_reminded_once,
    run_concurrently,
    setup_committed_company,
)


class _Crash(BaseException):
    """Stands for the worker being killed: not caught by the per-reminder error handling."""


@tagged("post_install", "-at_install")
class TestCrashRecovery(ReceivableCommon):
    def test_crash_mid_run_loses_nothing_and_sends_nothing_twice(self):
        """Batches of 2 over 5 debtors; the worker dies on the 3rd debtor. The first batch
        stays sent, the second is rolled back whole, and the next run sends the 3 left."""
        self.company.receivable_batch_size = 2
        debtors = self._create_debtors(5)
        for debtor in debtors:
            self._invoice(debtor, 100)
        original = ReceivableDunningAction._send_one

        def send_or_die(action, *args, **kwargs):
            if action.partner_id == debtors[2]:
                raise _Crash()
            return original(action, *args, **kwargs)

        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 11)})
        # not assertRaises: Odoo's rolls back what its block did, the crash must not
        crashed = False
        try:
            with (
                self.mock_mail_gateway(),
                self.mockSMSGateway(),
                patch.object(ReceivableDunningAction, "_send_one", send_or_die),
            ):
                run.action_run()
        except _Crash:
            crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        reminders = self._reminders()
        self.assertEqual(len(reminders), 5, "planning survived the crash")
        self.assertEqual(reminders.filtered(lambda r: r.state == "sent").partner_id, debtors[:2])
        self.assertEqual(set(reminders.mapped("state")), {"sent", "pending"})
        self.assertEqual(
            self.env["mail.mail"].search([("recipient_ids", "in", debtors.ids)]).recipient_ids,
            debtors[:2],
            "the crashed batch left no e-mail behind",
        )

        self._run(date(2026, 1, 11))
        for debtor in debtors:
            self.assertEqual(len(self._mails_to(debtor)), 1, f"{debtor.name}: exactly one")
        self.assertEqual(set(self._reminders().mapped("state")), {"sent"})

    def test_one_failing_debtor_does_not_stop_the_others(self):
        debtors = self._create_debtors(3)
        for debtor in debtors:
            self._invoice(debtor, 100)
        original = ReceivableDunningAction._send_one

        def send_or_fail(action, *args, **kwargs):
            if action.partner_id == debtors[1]:
                raise ValueError("SMTP configuration missing")
            return original(action, *args, **kwargs)

        with patch.object(ReceivableDunningAction, "_send_one", send_or_fail):
            run = self._run(date(2026, 1, 11))
        by_debtor = {action.partner_id: action for action in run.action_ids}
        self.assertEqual(by_debtor[debtors[1]].state, "failed")
        self.assertIn("SMTP configuration missing", by_debtor[debtors[1]].error_message)
        self.assertEqual(by_debtor[debtors[0]].state, "sent")
        self.assertEqual(by_debtor[debtors[2]].state, "sent")
        self.assertFalse(self._mails_to(debtors[1]))


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(TransactionCase):
    """Two workers run the same date at the same time, each with its own database
    transaction and commits, as two Odoo servers would. Data is committed, so it lives in a
    company of its own created for this test."""

    # pylint: disable=invalid-commit
    # (the workers' cursors are real ones, outside the test transaction: they must commit)

    WORKERS = 2
    DEBTORS = 12

    def test_two_workers_send_each_reminder_once(self):
        company_id, debtor_ids = self._setup_committed_data()
        barrier = threading.Barrier(self.WORKERS)

        def worker():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                company = env["res.company"].browse(company_id)
                run = (
                    env["receivable.dunning.run"]
                    .with_company(company)
                    .create({"date": date(2026, 1, 11), "company_id": company_id})
                )
                cr.commit()
                barrier.wait(timeout=60)
                run.with_context(receivable_auto_commit=True).action_run()
                cr.commit()

        self.assertFalse(run_concurrently(worker, self.WORKERS))

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            assert_each_debtor_reminded_once(self, env, company_id, debtor_ids)
            runs = env["receivable.dunning.run"].search([("company_id", "=", company_id)])
            self.assertEqual(len(runs), self.WORKERS)
            self.assertEqual(
                sum(len(run.action_ids) for run in runs),
                self.DEBTORS,
                "the workers planned disjoint reminders",
            )

    def _setup_committed_data(self):
        return setup_committed_company(self.registry, self.DEBTORS)
