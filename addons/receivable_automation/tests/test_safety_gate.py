from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestSafetyGate(ReceivableCommon):
    """What happened between preparing a reminder and sending it: shown on the reminder,
    checked again when it goes out. New holds and new credits hold it; the rest warns."""

    def setUp(self):
        super().setUp()
        self.level_1.validation_mode = "manual"  # prepared now, sent when validated
        self.invoice = self._invoice(self.debtor, 1000)
        self.reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(self.reminder.state, "to_validate")
        self.assertFalse(self.reminder.gate_warning, "nothing to say when it was prepared")

    def _validate(self):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.reminder.with_user(self.collector).action_validate()

    def test_a_promise_since_preparing_holds_the_reminder(self):
        self.env["receivable.promise"].create(
            {
                "partner_id": self.debtor.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "amount": 1000,
                "date": date(2099, 1, 1),
            }
        )
        self.reminder.invalidate_recordset(["gate_warning", "gate_blocking"])
        self.assertTrue(self.reminder.gate_blocking)
        self.assertIn("Promise", self.reminder.gate_warning)
        with self.assertRaisesRegex(UserError, "safety gate"):
            self._validate()
        self.assertEqual(self.reminder.state, "to_validate")
        self.assertFalse(self._mails_to(self.contact), "nothing went out")

    def test_a_payment_since_preparing_holds_an_automatic_reminder(self):
        self.reminder.write({"state": "pending"})
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.contact.id,
                "amount": 1000,
                "date": date(2026, 1, 12),
            }
        )
        payment.action_post()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.reminder._send()
        self.assertEqual(self.reminder.state, "to_validate", "held for a collector")
        self.assertIn("1,000.00", self.reminder.error_message)
        self.assertFalse(self._mails_to(self.contact))

    def test_a_bank_receipt_of_the_invoice_amount_warns(self):
        journal = self.company_data["default_journal_bank"]
        self.env["account.bank.statement.line"].create(
            {
                "journal_id": journal.id,
                "date": date(2026, 1, 12),
                "payment_ref": "VIR SEPA 1000",
                "amount": 1000,
            }
        )
        self.reminder.invalidate_recordset(["gate_warning", "gate_blocking"])
        self.assertIn("VIR SEPA 1000", self.reminder.gate_warning)
        self.assertFalse(self.reminder.gate_blocking, "only the amount matches: a warning")
        self._validate()
        self.assertEqual(self.reminder.state, "sent")

    def test_unreachable_and_bounced_contacts_warn(self):
        self.contact.message_bounce = 2
        self.reminder.invalidate_recordset(["gate_warning", "gate_blocking"])
        self.assertIn("bounced 2 time(s)", self.reminder.gate_warning)
        self.assertFalse(self.reminder.gate_blocking)

    def test_no_email_address_is_said_before_sending(self):
        self.contact.email = False
        self.debtor.email = False
        self.reminder.invalidate_recordset(["gate_warning", "gate_blocking"])
        self.assertIn("No e-mail address for Ann Accountant", self.reminder.gate_warning)

    def test_validating_a_reminder_that_fails_says_why(self):
        self.contact.email = False
        self.debtor.email = False
        with self.mock_mail_gateway():
            result = self.reminder.with_user(self.collector).action_validate()
        self.assertEqual(self.reminder.state, "failed")
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("no e-mail address for Ann Accountant", result["params"]["message"])
