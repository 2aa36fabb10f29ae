import io
import zipfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestCollectionScenario(ReceivableCommon):
    """The whole life of an unpaid invoice, from the first reminder to the lawyer."""

    def test_from_first_reminder_to_the_lawyer(self):
        lawyer = self.env["res.partner"].create(
            {"name": "Maître Durand", "email": "durand@avocats.example.com", "is_company": True}
        )
        invoice = self._invoice(self.debtor, 1200, due=date(2026, 1, 1))

        # 1. overdue: first reminder
        first = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(first.level_id, self.level_1)
        self.assertAlmostEqual(first.amount_residual, 1200)

        # 2. the customer disputes 200: only the undisputed 1,000 is chased
        with freeze_time("2026-01-12"):
            dispute = self.env["receivable.dispute"].create(
                {
                    "partner_id": self.debtor.id,
                    "reason_id": self.env.ref("receivable_automation.dispute_reason_price").id,
                    "owner_id": self.manager.id,
                    "deadline": date(2026, 1, 30),
                    "line_ids": [Command.create({"move_id": invoice.id, "amount": 200})],
                }
            )
        second = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(second.level_id, self.level_2)
        self.assertAlmostEqual(second.amount_residual, 1000)
        self.assertAlmostEqual(second.amount_disputed, 200)

        # 3. resolved by a credit note of 200
        dispute.accepted_amount = 200
        dispute.action_resolve_with_credit_note()
        self.assertAlmostEqual(invoice.amount_residual, 1000)

        # 4. a promise to pay 1,000 by 5 February, broken
        with freeze_time("2026-01-28"):
            promise = self.env["receivable.promise"].create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": 1000,
                    "date": date(2026, 2, 5),
                    "grace_days": 2,
                }
            )
        self.assertFalse(self._run(date(2026, 2, 6)).action_ids, "paused by the promise")
        with freeze_time("2026-02-08"):
            self.env["receivable.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")

        # 5. dunning resumes one level higher as soon as it is due (no 15-day gap after level 2
        # sent on 26 January): the formal notice, to validate
        notice = self._run(date(2026, 2, 10)).action_ids  # 40 days late: level 3
        self.assertEqual(notice.level_id, self.level_3)
        self.assertEqual(notice.state, "to_validate")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            notice.action_validate()

        # 6. a plan of 3 monthly instalments over the 1,000 left; the first one is paid
        with freeze_time("2026-02-20"):
            plan = self.env["receivable.payment.plan"].create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "instalment_count": 3,
                    "interval_number": 1,
                    "interval_type": "months",
                    "first_date": date(2026, 3, 1),
                }
            )
            plan.action_compute_instalments()
            plan.action_approve()
            plan.action_activate()
        self.assertEqual(plan.instalment_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertFalse(self._run(date(2026, 3, 2)).action_ids, "no dunning under a plan")
        self._pay(invoice, 333.33, when=date(2026, 3, 1))
        with freeze_time("2026-03-05"), self.mock_mail_gateway():
            self.env["receivable.payment.plan"]._check_payment_plans(date(2026, 3, 5))
        self.assertEqual(plan.state, "active")

        # 7. the second instalment is missed: past the grace period the plan breaks and the
        # whole balance is due at once
        with freeze_time("2026-04-12"), self.mock_mail_gateway():
            self.env["receivable.payment.plan"]._check_payment_plans(date(2026, 4, 12))
        self.assertEqual(plan.state, "broken")
        self.assertAlmostEqual(invoice.amount_residual, 666.67)
        self.assertFalse(invoice.receivable_hold_ids, "back in dunning")
        self.assertTrue(
            plan.message_ids.filtered(lambda m: "666.67" in (m.body or "")),
            "the customer is told the whole balance is due",
        )

        # 8. hand-off to the lawyer with the full dossier
        with self.mock_mail_gateway():
            handoff = self.env["receivable.handoff"].create(
                {"partner_id": self.debtor.id, "lawyer_id": lawyer.id, "date": date(2026, 5, 20)}
            )
        self.assertEqual(self.debtor.receivable_hold_ids.owner_ref, handoff)
        archive = zipfile.ZipFile(io.BytesIO(handoff.dossier_zip_id.raw))
        names = archive.namelist()
        for expected in ("reminders.csv", "disputes.csv", "promises.csv", "payment_plans.csv"):
            self.assertTrue(any(name.endswith(expected) for name in names), expected)
        reminders_csv = archive.read(next(n for n in names if n.endswith("reminders.csv"))).decode()
        for level in (self.level_1, self.level_2, self.level_3):
            self.assertIn(level.name, reminders_csv)
        self.assertFalse(self._run(date(2026, 5, 25)).action_ids, "dunning stopped")
