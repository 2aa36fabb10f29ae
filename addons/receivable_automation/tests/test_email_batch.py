import ast
from datetime import date
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ReceivableCommon

MAIL_FIELDS = (
    "subject",
    "body_html",
    "email_from",
    "reply_to",
    "recipient_ids",
    "auto_delete",
    "is_notification",
    "state",
    "model",
    "res_id",
    "author_id",
    "message_type",
    "subtype_id",
    "record_alias_domain_id",
    "record_company_id",
)


@tagged("post_install", "-at_install")
class TestEmailBatch(ReceivableCommon):
    """Issue 12: a run queues its reminders' e-mails in batch, each as ``message_post`` would
    have queued it on the reminder."""

    def _mail_of(self, message):
        return self.env["mail.mail"].search([("mail_message_id", "=", message.id)])

    def test_batch_email_is_the_one_message_post_writes(self):
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        batch_message = reminder.message_id
        self.assertTrue(batch_message)
        batch_mail = self._mail_of(batch_message)
        # the same e-mail of the same reminder, posted by Odoo's message_post
        values = reminder._render_email()[reminder.id]
        with self.mock_mail_gateway():
            reminder._post_email(reminder.recipient_ids, values)
        posted_message = reminder.message_id
        self.assertNotEqual(posted_message, batch_message)
        posted_mail = self._mail_of(posted_message)
        self.assertEqual(len(batch_mail), 1)
        self.assertEqual(len(posted_mail), 1)
        for field in MAIL_FIELDS:
            self.assertEqual(batch_mail[field], posted_mail[field], field)
        self.assertEqual(batch_mail.recipient_ids, self.contact)
        self.assertIn("Agrolait", batch_mail.body_html)
        self.assertEqual(batch_message.partner_ids, posted_message.partner_ids)
        # the chatter copy, sanitized once instead of twice, is stored as Odoo stores it
        self.assertEqual(batch_message.body, posted_message.body)
        batch_message.invalidate_recordset(["body"])
        self.assertEqual(batch_message.body, posted_message.body)
        self.assertIn("Agrolait", batch_message.body)
        self.assertEqual(batch_message.email_layout_xmlid, "mail.mail_notification_light")
        self.assertEqual(
            ast.literal_eval(batch_mail.headers),
            ast.literal_eval(posted_mail.headers),
        )
        # replies find their way back: each e-mail carries its own Message-Id, the later one
        # quotes the earlier in its References, as Odoo writes them
        self.assertEqual(batch_mail.references, batch_message.message_id)
        self.assertEqual(
            posted_mail.references, f"{batch_message.message_id} {posted_message.message_id}"
        )
        for message in (batch_message, posted_message):
            notification = message.notification_ids
            self.assertEqual(notification.res_partner_id, self.contact)
            self.assertEqual(notification.notification_type, "email")
            self.assertEqual(notification.notification_status, "ready")
            self.assertEqual(notification.mail_mail_id, self._mail_of(message))

    def test_one_email_per_reminder_in_each_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["mail", "receivable_automation"], ["fr_FR"]
        )
        debtors = self._create_debtors(3, prefix="Batch")
        debtors[1].lang = "fr_FR"
        for debtor in debtors:
            self._invoice(debtor, 300)
        run = self._run(date(2026, 1, 11))
        self.assertEqual(set(run.action_ids.mapped("state")), {"sent"})
        for debtor in debtors:
            mail = self._mails_to(debtor)
            self.assertEqual(len(mail), 1, debtor.name)
            self.assertEqual(mail.model, "receivable.dunning.action")
        self.assertIn("rappel de paiement", self._mails_to(debtors[1]).subject)
        self.assertIn("payment reminder", self._mails_to(debtors[0]).subject)

    def test_salesperson_reading_the_inbox_gets_an_inbox_notification(self):
        self.salesperson.notification_type = "inbox"
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        reminder = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(reminder.level_id, self.level_2)
        notifications = reminder.message_id.notification_ids
        self.assertEqual(
            notifications.filtered(lambda n: n.notification_type == "inbox").res_partner_id,
            self.salesperson.partner_id,
        )
        self.assertEqual(
            notifications.filtered(lambda n: n.notification_type == "email").res_partner_id,
            self.contact,
        )
        self.assertFalse(self._mails_to(self.salesperson.partner_id), "no e-mail, the inbox")

    def test_reminder_failing_after_its_email_was_queued_keeps_nothing(self):
        debtors = self._create_debtors(2, prefix="Fail")
        for debtor in debtors:
            self._invoice(debtor, 300)
        schedule = type(self.env["receivable.dunning.action"])._schedule_level_activity

        def schedule_or_fail(action):
            if action.partner_id == debtors[0]:
                raise ValueError("calendar unavailable")
            return schedule(action)

        with (
            patch.object(
                type(self.env["receivable.dunning.action"]),
                "_schedule_level_activity",
                schedule_or_fail,
            ),
            mute_logger(
                "odoo.addons.receivable_automation.models.dunning.receivable_dunning_action"
            ),
        ):
            run = self._run(date(2026, 1, 11))
        failed = run.action_ids.filtered(lambda action: action.partner_id == debtors[0])
        sent = run.action_ids - failed
        self.assertEqual(failed.state, "failed")
        self.assertIn("calendar unavailable", failed.error_message)
        self.assertFalse(self._mails_to(debtors[0]), "its queued e-mail is removed")
        self.assertFalse(
            self.env["mail.message"]
            .search([("model", "=", failed._name), ("res_id", "=", failed.id)])
            .filtered(lambda message: message.message_type == "comment")
        )
        self.assertEqual(sent.state, "sent")
        self.assertEqual(len(self._mails_to(debtors[1])), 1)

    def test_batch_failure_falls_back_to_one_by_one(self):
        debtors = self._create_debtors(3, prefix="Fallback")
        for debtor in debtors:
            self._invoice(debtor, 300)
        with (
            patch.object(
                type(self.env["receivable.dunning.action"]),
                "_post_email_batch",
                side_effect=RuntimeError("batch broken"),
                autospec=True,
            ),
            mute_logger(
                "odoo.addons.receivable_automation.models.dunning.receivable_dunning_action_mail"
            ),
        ):
            run = self._run(date(2026, 1, 11))
        self.assertEqual(set(run.action_ids.mapped("state")), {"sent"})
        for debtor in debtors:
            self.assertEqual(len(self._mails_to(debtor)), 1, "queued once, by message_post")

    def test_batch_queries_do_not_grow_per_reminder(self):
        """Queuing ten reminders' e-mails costs the queries of one batch, not ten posts."""
        few = self._queue_and_count(2, date(2026, 3, 11))
        many = self._queue_and_count(12, date(2026, 4, 11))
        self.assertLessEqual(many - few, 2, f"2 reminders: {few} queries, 12: {many}")

    def _queue_and_count(self, count, when):
        debtors = self._create_debtors(count, prefix=f"Q{when.month}")
        for debtor in debtors:
            self._invoice(debtor, 100, due=when.replace(day=1))
        run = self.env["receivable.dunning.run"].create({"date": when})
        with self.mock_mail_gateway():
            run.action_preview()
        actions = run.action_ids
        actions.state = "pending"
        rendered = actions._render_email()
        actions.flush_recordset()
        with self.mock_mail_gateway(), self._count_queries() as queries:
            actions._queue_emails(rendered)
            self.env.flush_all()
        self.assertTrue(all(values.get("message") for values in rendered.values()))
        # out of the next measurement
        self.env["receivable.dunning.hold"].create(
            [{"partner_id": debtor.id, "reason": "Measured"} for debtor in debtors]
        )
        return queries["count"]
