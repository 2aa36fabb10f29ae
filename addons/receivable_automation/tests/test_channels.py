from datetime import date

from psycopg2.errors import CheckViolation, UniqueViolation

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestChannels(ReceivableCommon):
    def _reach_level_2(self, partner, amount=1000):
        invoice = self._invoice(partner, amount)
        self._run(date(2026, 1, 11))
        return invoice, self._run(date(2026, 1, 26)).action_ids

    def test_second_level_sms_and_salesperson_copy(self):
        _invoice, reminder = self._reach_level_2(self.debtor)
        self.assertEqual(reminder.level_id, self.level_2)
        self.assertEqual(reminder.channels, "e-mail, SMS")
        sms = self.env["sms.sms"].search([("partner_id", "=", self.contact.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing", "queued for the SMS cron")
        self.assertEqual(sms.number, "+32470123456")
        self.assertIn("1,000.00", sms.body)
        copy = self._mails_to(self.salesperson.partner_id)
        self.assertEqual(len(copy), 1, "the salesperson gets a copy of the e-mail")
        self.assertIn("second reminder", copy.subject)

    def test_followers_of_the_customer_get_no_copy(self):
        self.debtor.message_subscribe(partner_ids=self.manager.partner_id.ids)
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        message = self._reminders(self.debtor).message_id
        self.assertEqual(message.notification_ids.res_partner_id, self.contact)

    def test_invoice_contacts_when_no_dunning_contact(self):
        self.contact.receivable_dunning_contact = False
        self.contact.type = "invoice"
        self._invoice(self.debtor, 1000)
        self.assertEqual(self._run(date(2026, 1, 11)).action_ids.recipient_ids, self.contact)
        self.contact.type = "contact"
        self._invoice(self.debtor, 10, due=date(2025, 12, 31))
        self.assertEqual(
            self._run(date(2026, 1, 12)).action_ids.recipient_ids,
            self.debtor,
            "no dunning or invoicing contact: the company itself",
        )

    def test_no_email_fails_and_nothing_is_lost(self):
        """A debtor without e-mail: the reminder fails visibly, the invoice keeps its level,
        and once the address is fixed the collector sends it."""
        self.other_debtor.email = False
        invoice = self._invoice(self.other_debtor, 700)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "failed")
        self.assertIn("no e-mail address for Other Customer", reminder.error_message)
        self.assertFalse(invoice.line_ids.receivable_level_id)
        self.assertFalse(self._run(date(2026, 1, 12)).action_ids, "a failed reminder holds")
        self.other_debtor.email = "fixed@example.com"
        with self.mock_mail_gateway(), self.mockSMSGateway():
            reminder.action_validate()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self._mails_to(self.other_debtor)), 1)
        self.assertEqual(
            invoice.line_ids.filtered("date_maturity").receivable_level_id, self.level_1
        )

    def test_no_mobile_sends_the_email_and_logs_the_skipped_sms(self):
        self.contact.mobile = False
        _invoice, reminder = self._reach_level_2(self.debtor)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.channels, "e-mail")
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.contact.id)]))
        self.assertTrue(
            self.debtor.message_ids.filtered(lambda m: "no mobile number" in (m.body or ""))
        )

    def test_formal_notice_letter_post_and_activity(self):
        self._invoice(self.debtor, 1234, due=date(2025, 11, 1))
        for when in (date(2025, 11, 11), date(2025, 11, 26), date(2025, 12, 11)):
            run = self._run(when)
        notice = run.action_ids
        with self.mock_mail_gateway(), self.mockSMSGateway():
            notice.action_validate()
        self.assertEqual(notice.channels, "e-mail, letter, post")
        self.assertEqual(notice.letter_state, "to_print")
        letter = notice.snailmail_letter_id
        self.assertEqual(letter.partner_id, self.debtor)
        self.assertEqual(
            letter.report_template,
            self.env.ref("receivable_automation.action_report_dunning_letter"),
        )
        activity = self.debtor.activity_ids
        self.assertEqual(activity.user_id, self.collector, "the call goes to the collector")
        self.assertIn("1,234.00", activity.note)
        # print: one document for the selected reminders, with the amount in words
        report_action = notice.with_user(self.collector).action_print_letter()
        self.assertEqual(
            report_action["report_name"], "receivable_automation.report_dunning_letter"
        )
        self.assertEqual(notice.letter_state, "printed")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "receivable_automation.action_report_dunning_letter", notice.ids
        )
        html = html.decode()
        self.assertIn("Formal notice", html)
        self.assertIn("1,234.00", html)
        self.assertIn("One Thousand, Two Hundred And Thirty-Four", html)

    def test_incomplete_address_skips_post_only(self):
        self.debtor.street = False
        self._invoice(self.debtor, 1000, due=date(2025, 11, 1))
        for when in (date(2025, 11, 11), date(2025, 11, 26), date(2025, 12, 11)):
            run = self._run(when)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            run.action_ids.action_validate()
        self.assertEqual(run.action_ids.channels, "e-mail, letter")
        self.assertFalse(run.action_ids.snailmail_letter_id)

    def test_reminder_in_the_contacts_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["receivable_automation"], ["fr_FR"])
        self.debtor.lang = "fr_FR"
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        mail = self._mails_to(self.contact)
        self.assertIn("rappel de paiement", mail.subject)
        self.assertIn("Payer en ligne", mail.body_html)
        self.assertIn("1 000,00", mail.body_html)

    def test_level_needs_a_template_for_its_channels(self):
        with self.assertRaisesRegex(ValidationError, "choose its e-mail template"):
            self.env["receivable.dunning.level"].create(
                {"policy_id": self.policy.id, "name": "Broken", "days": 60, "send_email": True}
            )
        with self.assertRaisesRegex(ValidationError, "choose its SMS template"):
            self.level_1.send_sms = True

    def test_bad_level_values(self):
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"):
            self.level_1.min_overdue_amount = -5
            self.env.flush_all()
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.level_2.days = self.level_1.days
            self.env.flush_all()
        with self.assertRaisesRegex(ValidationError, "choose the user"):
            self.level_3.activity_assignee = "user"

    def test_broken_template_fails_its_reminders_only(self):
        broken = self.env.ref("receivable_automation.mail_template_first").copy(
            {"subject": "{{ object.no_such_field }}"}
        )
        self.level_1.mail_template_id = broken
        self._invoice(self.debtor, 100)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "failed")
        self.assertTrue(reminder.error_message)

    def test_dunning_contacts_are_proposed_when_writing_to_the_debtor(self):
        self._invoice(self.debtor, 1000)
        suggested = self.debtor._message_get_suggested_recipients()
        self.assertIn(self.contact.id, [recipient["partner_id"] for recipient in suggested])
        self.assertFalse(
            [
                r
                for r in self.other_debtor._message_get_suggested_recipients()
                if r.get("reason") == "Dunning Contact"
            ],
            "nothing owed, nothing proposed",
        )
