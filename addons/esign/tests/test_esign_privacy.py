from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import HTTP_VALUES, EsignCase


@tagged("post_install", "-at_install")
class TestEsignInvitationPrivacy(EsignCase):
    def _messages_of(self, request):
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", "esign.signer"),
                    ("res_id", "in", request.signer_ids.ids),
                    "&",
                    ("model", "=", "esign.request"),
                    ("res_id", "=", request.id),
                ]
            )
        )

    def _assert_link_only_in_the_email(self, request, signer):
        token = signer.sudo().access_token
        self.assertEqual(len(self._new_mails), 1)
        mail = self._new_mails
        self.assertEqual(mail.email_to, "carla@customer.example.com")
        self.assertIn(f"/esign/sign/{signer.id}/{token}", mail.body_html)
        self.assertTrue(mail.auto_delete)
        self.assertFalse(mail.model, "the e-mail with the link is attached to no chatter")
        for message in self._messages_of(request):
            self.assertNotIn(token, message.body or "")
        for user in (self.user_sales_manager, self.user_sender):
            self.assertFalse(
                self.env["mail.message"].with_user(user).search([("body", "ilike", token)]),
                f"{user.name} can read a message with the signing link",
            )

    def test_invitation_link_is_not_stored_in_chatter(self):
        """The link goes by e-mail only; the chatter keeps a note without it."""
        request = self._create_request()
        with self.mock_mail_gateway():
            request.action_send()
        signer = request.signer_ids.sorted("sequence")[0]
        self._assert_link_only_in_the_email(request, signer)
        notes = self._messages_of(request).filtered(
            lambda m: "Invitation sent to Carla Customer" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.model, "esign.request")
        self.assertIn("c***@customer.example.com", notes.body)
        self.assertNotIn("carla@customer.example.com", notes.body)

    def test_reminder_link_is_not_stored_in_chatter(self):
        request = self._sent_request()
        signer = request.signer_ids.sorted("sequence")[0]
        with self.mock_mail_gateway():
            signer._send_invitation(reminder=True)
        self._assert_link_only_in_the_email(request, signer)
        self.assertTrue(
            self._messages_of(request).filtered(
                lambda m: "Reminder sent to Carla Customer" in (m.body or "")
            )
        )


@tagged("post_install", "-at_install")
class TestEsignLogGrowth(EsignCase):
    """Whoever holds a link cannot grow the evidence log without limit."""

    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.signer = self.request.signer_ids.sorted("sequence")[0]

    def _count(self, event):
        return self._events(self.request, self.signer).count(event)

    def test_page_views_logged_once_per_hour(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            for _i in range(30):
                self.signer._log_page_view(http=HTTP_VALUES)
        self.assertEqual(self._count("opened"), 1)
        with freeze_time(now + timedelta(minutes=61)):
            self.signer._log_page_view(http=HTTP_VALUES)
        self.assertEqual(self._count("opened"), 2)

    def test_page_views_capped(self):
        now = fields.Datetime.now()
        for hour in range(60):
            with freeze_time(now + timedelta(hours=hour)):
                self.signer._log_page_view(http=HTTP_VALUES)
        self.assertEqual(self._count("opened"), 20)

    def test_no_view_or_code_logged_after_signing(self):
        self.assertFalse(self._sign(self.signer))
        before = len(self.request.log_ids)
        later = fields.Datetime.now() + timedelta(hours=2)
        with freeze_time(later):
            for _i in range(5):
                self.signer._log_page_view(http=HTTP_VALUES)
                self.assertTrue(self._send_code(self.signer))
        self.assertEqual(len(self.request.log_ids), before)

    def test_refused_code_requests_logged_once_per_window(self):
        """Code requests too close together or over the limit are refused, logged rarely."""
        now = fields.Datetime.now()
        with freeze_time(now):
            self.assertFalse(self._send_code(self.signer))
            for _i in range(30):
                self.assertIn("wait", self._send_code(self.signer))
        self.assertEqual(self._count("code_refused"), 1)
        for minute in range(1, 5):
            with freeze_time(now + timedelta(minutes=minute)):
                self.assertFalse(self._send_code(self.signer))
        with freeze_time(now + timedelta(minutes=6)):
            for _i in range(30):
                self.assertIn("Too many codes", self._send_code(self.signer))
        self.assertEqual(self._count("code_refused"), 2)
        for hour in range(1, 40):
            with freeze_time(now + timedelta(hours=hour)):
                self._send_code(self.signer)
        self.assertLessEqual(self._count("code_refused"), 20)
