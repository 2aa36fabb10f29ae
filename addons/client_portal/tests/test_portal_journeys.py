from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.receivable_automation.tests.common import ReceivableCommon

# modules, not their classes: a test class imported here would run here a second time
from . import test_message, test_promise_plan


@tagged("post_install", "-at_install")
class TestPortalJourneys(ReceivableCommon, HttpCase):
    """A customer's journeys on its phone, across several actions of the portal and the back
    office's answer in between: a plan up to its first instalment paid, a dispute then the
    undisputed rest paid, a question then its answer read on the statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.late = cls._invoice(cls.debtor, 1000, due=cls.today - timedelta(days=20))
        cls.later = cls._invoice(cls.debtor, 600, due=cls.today - timedelta(days=5))
        cls.not_due = cls._invoice(cls.debtor, 400, due=cls.today + timedelta(days=20))
        # a plan's PDF is rendered during a request: see test_promise_plan
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        cls.provider = cls.payment_provider
        if cls.env["ir.module.module"]._get("payment_demo").state == "installed":
            # as in test_pay: Odoo's demo provider, for this company only
            cls.payment_provider.state = "disabled"
            Provider = cls.env["payment.provider"].sudo()
            cls.provider = Provider.search([("code", "=", "demo")], limit=1).copy(
                {"company_id": cls.company.id}
            )
            cls.provider.write({"state": "test", "is_published": True})

    def setUp(self):
        super().setUp()
        if self.provider.code != "demo":
            self.skipTest("needs Odoo's payment_demo (setup/test.sh installs it)")
        self.browser_size = "375x812"
        self.token = self._link()
        self.url = f"/my/receivables?access_token={self.token}"

    # the other tests' helpers
    _link = test_promise_plan.TestPromisePlan._link
    _get = test_promise_plan.TestPromisePlan._get
    _flatten = test_promise_plan.TestPromisePlan._flatten
    _sms_code = test_promise_plan.TestPromisePlan._sms_code
    _answer = test_message.TestPortalMessages._answer
    _inquiries = test_message.TestPortalMessages._inquiries

    def _tour(self, name):
        self.start_tour(self.url, name, login=None)

    def _transactions(self, moves):
        return (
            self.env["payment.transaction"]
            .sudo()
            .search([("invoice_ids", "in", moves.ids)], order="id")
        )

    def _events(self, kind):
        return self.env["receivable.portal.event"].search(
            [("partner_id", "=", self.debtor.id), ("kind", "=", kind)]
        )

    # ------------------------------------------------------------------------------------------

    def test_plan_to_first_instalment_paid(self):
        self._tour("client_portal_journey_plan_request_tour")
        plan = self.env["receivable.payment.plan"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual((plan.state, plan.instalment_count), ("requested", 3))
        self.assertEqual(plan.move_ids, self.late | self.later | self.not_due, "all that is open")

        # the collector approves it in the back office; the customer signs on its phone
        with self._sms_code():
            plan.with_user(self.collector).action_approve()
            self._tour("client_portal_plan_sign_tour")
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(plan.state, "active")

        self._tour("client_portal_journey_plan_pay_tour")
        first, second = plan.instalment_ids.sorted("date")[:2]
        transaction = self._transactions(plan.move_ids)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.partner_id, self.debtor)
        self.assertAlmostEqual(transaction.amount, first.amount, msg="the first instalment only")
        # what the customer sees: the first instalment paid, the second one to pay
        values = plan._portal_get_statement_values()
        self.assertAlmostEqual(values["paid"], first.amount)
        self.assertEqual(values["instalment_to_pay"], second)
        self.assertEqual(plan.state, "active")
        self.assertAlmostEqual(sum(plan.move_ids.mapped("amount_residual")), 2000 - first.amount)
        self.assertEqual(plan.receivable_hold_ids.filtered("is_effective").move_id, plan.move_ids)
        # what the collector sees: the payment in the chatter and an activity
        self.assertAlmostEqual(self._events("paid").amount, first.amount)
        self.assertTrue(
            self.debtor.message_ids.filtered(
                lambda msg: "Paid online from the portal" in (msg.body or "")
            )
        )
        activity = self.debtor.activity_ids.filtered(
            lambda act: act.summary == "Paid online from the portal"
        )
        self.assertEqual(activity.user_id, self.collector)

    def test_dispute_then_pay_the_rest(self):
        self._tour("client_portal_journey_dispute_pay_rest_tour")
        dispute = self.env["receivable.dispute"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(dispute.state, "new", "still open, under review")
        self.assertAlmostEqual(dispute.amount, 120.0)
        self.assertEqual(dispute.line_ids.move_id, self.late)
        transaction = self._transactions(self.late)
        self.assertEqual(transaction.state, "done")
        self.assertAlmostEqual(transaction.amount, 880.0, msg="1000 less the 120 disputed")
        # what is left on the invoice is what is disputed, and only that is held
        self.assertAlmostEqual(self.late.amount_residual, 120.0)
        hold = dispute.receivable_hold_ids
        self.assertEqual((hold.move_id, hold.amount), (self.late, 120.0))
        self.assertEqual(self.later.payment_state, "not_paid", "the other invoices untouched")
        # the collector: the dispute to handle, and the payment told on the debtor
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        activity = self.debtor.activity_ids.filtered(
            lambda act: act.summary == "Paid online from the portal"
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            (self._events("dispute").amount, self._events("paid").amount), (120.0, 880.0)
        )

    def test_message_and_its_answer(self):
        self._tour("client_portal_journey_question_tour")
        inquiry = self._inquiries()
        self.assertEqual(inquiry.move_id, self.late, "asked on the oldest invoice's card")
        self.assertEqual(inquiry.state, "to_answer")
        self.assertEqual(inquiry.activity_ids.user_id, self.collector)

        # the collector answers in the back office
        self._answer(inquiry, "We will send it again to your new address today.")
        self.assertEqual(inquiry.state, "answered")
        self.assertFalse(inquiry.activity_ids, "the collector's activity is done")

        # the customer opens the statement again and reads it
        self._tour("client_portal_journey_answer_tour")
        page = self._get("/my/receivables", self.token).text
        self.assertIn("We will send it again to your new address today.", page)
        self.assertIn("delivery address", page, "with its question")
