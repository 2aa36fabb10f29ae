from datetime import date

from odoo.tests import Form, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestForms(ReceivableCommon):
    """Every form a collector opens works on its real view from empty values, then partial
    ones, then saves: regression for Promise to Pay and Payment Plan, which crashed on a new
    record (``Expected singleton: res.currency()``)."""

    def test_promise_form_from_empty_to_saved(self):
        invoice = self._invoice(self.debtor, 1000)
        with Form(self.env["receivable.promise"].with_user(self.collector)) as promise:
            self.assertFalse(promise.partner_id)
            self.assertEqual(promise.name, "New Promise to Pay", "not 'False: 0.00 by'")
            promise.partner_id = self.debtor
            promise.amount = 400
            promise.date = date(2099, 1, 31)
        record = promise.record
        self.assertIn("Agrolait", record.name)
        self.assertIn(invoice, record.move_ids, "the debtor's open balance by default")

    def test_promise_from_the_invoice_button(self):
        invoice = self._invoice(self.debtor, 1000)
        action = invoice.with_user(self.collector).action_receivable_new_promise()
        Promise = self.env["receivable.promise"].with_user(self.collector)
        with Form(Promise.with_context(**action["context"])) as promise:
            self.assertEqual(promise.partner_id, self.debtor)
            promise.date = date(2099, 1, 31)
        self.assertEqual(promise.record.move_ids, invoice)
        self.assertAlmostEqual(promise.record.amount, 1000)

    def test_payment_plan_form_from_empty_to_saved(self):
        invoice = self._invoice(self.debtor, 900)
        Plan = self.env["receivable.payment.plan"].with_user(self.collector)
        with Form(Plan) as plan:
            self.assertFalse(plan.partner_id)
            plan.partner_id = self.debtor
            plan.instalment_count = 3
        record = plan.record
        self.assertEqual(record.move_ids, invoice)
        record.action_compute_instalments()
        self.assertEqual(len(record.instalment_ids), 3)

    def test_payment_plan_from_the_client_file(self):
        self._invoice(self.debtor, 900)
        # the client file's button: the window action with the debtor as default
        action = self.env.ref("receivable_automation.receivable_payment_plan_action_new")
        Plan = self.env[action.res_model].with_user(self.collector)
        with Form(Plan.with_context(default_partner_id=self.debtor.id)) as plan:
            self.assertEqual(plan.partner_id, self.debtor)
        self.assertTrue(plan.record.name)

    def test_dispute_form_from_empty_to_saved(self):
        invoice = self._invoice(self.debtor, 1000)
        Dispute = self.env["receivable.dispute"].with_user(self.collector)
        with Form(Dispute) as dispute:
            dispute.partner_id = self.debtor
            dispute.reason_id = self.env.ref("receivable_automation.dispute_reason_quality")
            dispute.deadline = date(2099, 1, 31)
            with dispute.line_ids.new() as line:
                line.move_id = invoice
                line.amount = 100
        self.assertEqual(dispute.record.line_ids.move_id, invoice)

    def test_hold_form_from_empty_to_saved(self):
        with Form(self.env["receivable.dunning.hold"].with_user(self.collector)) as hold:
            hold.partner_id = self.debtor
            hold.reason = "Customer in receivership"
        self.assertEqual(hold.record.state, "active")

    def test_run_form_preview_and_run(self):
        self._invoice(self.debtor, 1000)
        with Form(self.env["receivable.dunning.run"].with_user(self.collector)) as run:
            run.date = date(2026, 1, 11)
        record = run.record
        with self.mock_mail_gateway(), self.mockSMSGateway():
            record.action_preview()
            self.assertEqual(record.action_ids.state, "preview")
            record.action_run()
        self.assertEqual(record.action_ids.state, "sent")
