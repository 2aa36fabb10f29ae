from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ReceivableCommon

REPLY = """Return-Path: {email_from}
From: {email_from}
To: {email_to}
Subject: {subject}
Message-ID: <reply-to-reminder@agrolait.example.com>
In-Reply-To: {in_reply_to}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

We will pay next week.
"""


@tagged("post_install", "-at_install")
class TestReminderPrivacy(ReceivableCommon):
    """A reminder e-mail holds the invoices' payment links (access tokens): it is kept on the
    reminder, readable by invoicing users only; the debtor's chatter says what went to whom."""

    @classmethod
    def default_env_context(cls):
        # as in production: posting subscribes its author unless told not to
        context = super().default_env_context()
        context.pop("mail_create_nosubscribe", None)
        return context

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(
            cls.env,
            login="ra_employee",
            name="Eve Employee",
            groups="base.group_user",
            company_id=cls.company.id,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="ra_accountant",
            name="Ian Invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )

    def _send_first_reminder(self, amount=1000):
        invoice = self._invoice(self.debtor, amount)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "sent")
        return invoice, reminder

    def test_plain_user_cannot_read_the_reminder_email(self):
        invoice, reminder = self._send_first_reminder()
        message = reminder.message_id
        self.assertEqual((message.model, message.res_id), (reminder._name, reminder.id))
        self.assertIn(invoice.access_token, message.body)
        Message = self.env["mail.message"].with_user(self.employee)
        self.assertFalse(Message.search([("id", "=", message.id)]))
        with self.assertRaises(AccessError):
            message.with_user(self.employee).read(["body"])
        with self.assertRaises(AccessError):
            reminder.with_user(self.employee).read(["name"])

    def test_debtor_chatter_says_what_was_sent_without_the_links(self):
        invoice, reminder = self._send_first_reminder()
        chatter = (
            self.env["mail.message"]
            .with_user(self.employee)
            .search([("model", "=", "res.partner"), ("res_id", "=", self.debtor.id)])
        )
        self.assertTrue(chatter)
        for message in chatter:
            self.assertNotIn("access_token", message.body or "")
            self.assertNotIn(invoice.access_token, message.body or "")
        [note] = chatter.filtered(lambda m: "First reminder" in (m.body or ""))
        self.assertIn("sent (e-mail) to Ann Accountant for", note.body)
        self.assertIn("1,000.00", note.body)
        self.assertIn(
            f'data-oe-model="receivable.dunning.action" data-oe-id="{reminder.id}"', note.body
        )
        self.assertTrue(note.is_internal or note.subtype_id.internal, "a note, not an e-mail")
        self.assertFalse(note.notification_ids, "nobody is notified of the note")

    def test_debtor_chatter_has_no_sms_link(self):
        """The SMS too holds a payment link: kept on the reminder."""
        invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        reminder = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(reminder.channels, "e-mail, SMS")
        sms_message = reminder.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertIn(invoice.access_token, sms_message.body)
        for message in self.debtor.message_ids:
            self.assertNotIn(invoice.access_token, message.body or "")
        self.assertTrue(
            self.debtor.message_ids.filtered(
                lambda m: "sent (e-mail, SMS) to Ann Accountant" in (m.body or "")
            )
        )

    def test_invoicing_user_reads_the_reminder_email(self):
        invoice, reminder = self._send_first_reminder()
        as_accountant = reminder.with_user(self.accountant)
        self.assertIn(reminder.message_id, as_accountant.message_ids)
        self.assertIn(invoice.access_token, reminder.message_id.with_user(self.accountant).body)
        self.assertEqual(
            self.env["mail.message"]
            .with_user(self.collector)
            .search([("model", "=", reminder._name), ("res_id", "=", reminder.id)])
            .filtered(lambda m: m.message_type == "comment"),
            reminder.message_id,
        )

    def test_the_email_goes_to_the_dunning_contacts_and_nobody_else(self):
        """Not to the followers of the debtor, nor to those of the reminder, nor to the user
        who sends it; the dunning contacts don't become followers."""
        self.debtor.message_subscribe(partner_ids=(self.manager | self.employee).partner_id.ids)
        self.other_debtor.email = False
        self.other_debtor.message_subscribe(partner_ids=self.manager.partner_id.ids)
        invoice = self._invoice(self.other_debtor, 700)
        self._invoice(self.debtor, 1000)
        run = self._run(date(2026, 1, 11))
        by_debtor = {action.partner_id: action for action in run.action_ids}
        self.assertEqual(by_debtor[self.debtor].state, "sent")
        self.assertEqual(self._new_mails.recipient_ids, self.contact)
        message = by_debtor[self.debtor].message_id
        self.assertEqual(message.notification_ids.res_partner_id, self.contact)
        self.assertEqual(
            by_debtor[self.debtor].message_partner_ids,
            self.collector.partner_id,
            "only the debtor's collector follows the reminder (not the sender, nor the company)",
        )

        # a failed reminder, followed by the manager, is sent by the collector
        failed = by_debtor[self.other_debtor]
        self.assertEqual(failed.state, "failed")
        failed.message_subscribe(partner_ids=self.manager.partner_id.ids)
        self.other_debtor.email = "fixed@example.com"
        with self.mock_mail_gateway(), self.mockSMSGateway():
            failed.with_user(self.collector).action_validate()
        self.assertEqual(failed.state, "sent")
        self.assertEqual(self._new_mails.recipient_ids, self.other_debtor)
        self.assertEqual(failed.message_id.notification_ids.res_partner_id, self.other_debtor)
        self.assertEqual(
            failed.message_partner_ids,
            self.manager.partner_id,
            "the sender is not subscribed by sending (the debtor has no collector)",
        )
        self.assertTrue(invoice.line_ids.filtered("date_maturity").receivable_level_id)

    def test_salesperson_copy_and_contacts_not_followers(self):
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        reminder = self._run(date(2026, 1, 26)).action_ids
        email = reminder.message_id
        self.assertEqual(
            email.notification_ids.res_partner_id, self.contact | self.salesperson.partner_id
        )
        self.assertEqual(
            self._new_mails.filtered(lambda mail: mail.mail_message_id == email).recipient_ids,
            self.contact | self.salesperson.partner_id,
        )
        self.assertEqual(
            reminder.message_partner_ids,
            self.collector.partner_id,
            "neither the contacts nor the salesperson follow the reminder",
        )

    def test_reply_of_the_debtor_reaches_the_collector(self):
        _invoice, reminder = self._send_first_reminder()
        mail = self._mails_to(self.contact)
        self.assertEqual(reminder.message_partner_ids, self.collector.partner_id)
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(
                None,
                REPLY.format(
                    email_from=self.contact.email,
                    email_to=mail.reply_to,
                    subject=f"Re: {mail.subject}",
                    in_reply_to=mail.message_id,
                ),
            )
        reply = reminder.message_ids.filtered(lambda m: "pay next week" in (m.body or ""))
        self.assertEqual(reply.author_id, self.contact)
        self.assertIn(self.collector.partner_id, reply.notification_ids.res_partner_id)
