from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestChannelHooks(ReceivableCommon):
    """An add-on adds a sending channel with the hooks, without copying the sending code."""

    @contextmanager
    def _test_channel(self, send):
        """Adds the channel ``test`` after the others, for every level, rendered in batch."""
        Action = type(self.env["receivable.dunning.action"])
        get_channels = Action._get_channels
        is_channel_applicable = Action._is_channel_applicable
        self.rendered_batches = []

        def render_test(actions):
            self.rendered_batches.append(actions)
            return {action.id: f"Test content of {action.partner_id.name}" for action in actions}

        with (
            patch.object(Action, "_get_channels", lambda self: [*get_channels(self), "test"]),
            patch.object(
                Action,
                "_is_channel_applicable",
                lambda self, channel: channel == "test" or is_channel_applicable(self, channel),
            ),
            patch.object(Action, "_render_test", render_test, create=True),
            patch.object(Action, "_send_by_test", send, create=True),
        ):
            yield

    def test_an_addon_adds_a_channel(self):
        """Rendered once for the whole batch, sent per reminder with its content, listed in
        the channels with its recipients and in the debtor's history."""
        sent = {}

        def send_by_test(action, rendered):
            sent[action.partner_id] = rendered
            return {"label": "test channel", "recipients": action.partner_id}

        debtors = self._create_debtors(2)
        for debtor in debtors:
            self._invoice(debtor, 100)
        with self._test_channel(send_by_test):
            run = self._run(date(2026, 1, 11))
        self.assertEqual(len(self.rendered_batches), 1, "one rendering for the batch")
        self.assertEqual(self.rendered_batches[0], run.action_ids)
        self.assertEqual(
            sent, {debtor: f"Test content of {debtor.name}" for debtor in debtors}, "each its own"
        )
        for action in run.action_ids:
            self.assertEqual(action.state, "sent")
            self.assertEqual(action.channels, "e-mail, test channel", "in the channels' order")
            self.assertEqual(action.recipient_ids, action.partner_id)
            self.assertEqual(len(self._mails_to(action.partner_id)), 1, "the e-mail still goes")
            self.assertIn("(e-mail, test channel)", action.partner_id.message_ids[0].body)

    def test_a_channel_that_cannot_reach_the_debtor(self):
        """Its problem is said on the debtor when another channel worked; alone, the reminder
        fails and the invoice keeps its level."""

        def send_by_test(action, rendered):
            return {"problem": f"no test address for {action.partner_id.name}"}

        invoice = self._invoice(self.debtor, 100)
        with self._test_channel(send_by_test):
            reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.channels, "e-mail")
        self.assertTrue(
            self.debtor.message_ids.filtered(
                lambda m: "not sent by every channel: no test address for Agrolait" in m.body
            )
        )

        self.level_2.send_email = False
        self.level_2.send_sms = False
        with self._test_channel(send_by_test):
            reminder = self._run(date(2026, 1, 26)).action_ids
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(
            reminder.error_message, "Nothing could be sent: no test address for Agrolait."
        )
        self.assertEqual(
            invoice.line_ids.filtered("date_maturity").receivable_level_id, self.level_1
        )

    def test_channels_of_a_level(self):
        """Each channel is asked for by its level's switch, the hand-off by its lawyer."""
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        Action = self.env["receivable.dunning.action"]
        self.assertEqual(Action._get_channels(), ["email", "sms", "letter", "post", "handoff"])
        applicable = [c for c in Action._get_channels() if reminder._is_channel_applicable(c)]
        self.assertEqual(applicable, ["email"])
        self.level_1.write({"send_sms": True, "sms_template_id": self.level_2.sms_template_id.id})
        self.level_1.handoff_partner_id = self.other_debtor
        applicable = [c for c in Action._get_channels() if reminder._is_channel_applicable(c)]
        self.assertEqual(applicable, ["email", "sms", "handoff"])
        self.assertFalse(reminder._is_channel_applicable("whatsapp"), "unknown: not asked for")
