import base64
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HTTP_VALUES, EsignCase


@tagged("post_install", "-at_install")
class TestEsignFlow(EsignCase):
    def test_mobile_normalised_and_validated(self):
        request = self._create_request()
        signer = request.signer_ids[0]
        self.assertEqual(signer.mobile, "+33612345678")
        with self.assertRaises(ValidationError):
            signer.mobile = "12"
        with self.assertRaises(ValidationError):
            signer.email = "not-an-email"

    def test_decision_maker_without_mobile_cannot_be_sent(self):
        self.customer.write({"mobile": False, "phone": "+33 1 23 45 67 89"})
        request = self._create_request()
        with self.assertRaises(UserError) as error:
            request.action_send()
        self.assertIn("Customer decision-maker Carla Customer", str(error.exception))
        self.assertIn("mobile", str(error.exception))
        self.assertEqual(request.state, "draft")

    def test_decision_maker_without_email_cannot_be_sent(self):
        self.customer.email = False
        request = self._create_request()
        with self.assertRaises(UserError) as error:
            request.action_send()
        self.assertIn("e-mail", str(error.exception))

    def test_send_invites_first_rank_only(self):
        request = self._create_request()
        with self.mock_mail_gateway():
            request.action_send()
        customer_signer, manager_signer = request.signer_ids.sorted("sequence")
        self.assertEqual(customer_signer.state, "sent")
        self.assertEqual(manager_signer.state, "waiting")
        self.assertEqual(len(self._new_mails), 1)
        mail = self._new_mails
        self.assertEqual(mail.email_to, "carla@customer.example.com")
        self.assertIn(f"/esign/sign/{customer_signer.id}/", mail.body_html)
        self.assertEqual(self._events(request), ["created", "sent", "invited"])

    def test_same_rank_signs_in_parallel(self):
        other = self.customer.copy({"name": "Paul Partner", "email": "paul@example.com"})
        request = self._sent_request(
            signers=[
                {"sequence": 1, "partner_id": self.customer.id},
                {"sequence": 1, "partner_id": other.id},
                {
                    "sequence": 2,
                    "role": "company",
                    "partner_id": self.user_sales_manager.partner_id.id,
                },
            ]
        )
        first, second, manager = request.signer_ids.sorted(lambda s: (s.sequence, s.id))
        self.assertEqual((first.state, second.state, manager.state), ("sent", "sent", "waiting"))
        self.assertFalse(self._sign(second))
        self.assertEqual(manager.state, "waiting")
        self.assertFalse(self._sign(first))
        self.assertEqual(manager.state, "sent")

    def test_full_flow_completes_and_tells_the_record(self):
        """Customer then sales manager sign: signed PDF posted, hook called, verified intact."""
        request = self._sent_request()
        customer_signer, manager_signer = request.signer_ids.sorted("sequence")
        partner_class = type(self.env["res.partner"])
        with patch.object(partner_class, "_esign_on_completed", create=True) as hook:
            self.assertFalse(self._sign(customer_signer))
            self.assertEqual(request.state, "sent")
            self.assertEqual(manager_signer.state, "sent")
            self.assertFalse(self._sign(manager_signer))
        hook.assert_called_once()
        self.assertEqual(request.state, "completed")
        self.assertTrue(request.signed_pdf)
        self.assertEqual(len(request.signed_sha256), 64)
        self.assertNotEqual(request.signed_sha256, request.original_sha256)
        message = self.customer.message_ids[:1]
        self.assertIn("signed by all signers", message.body)
        self.assertEqual(message.attachment_ids.mimetype, "application/pdf")
        self.assertEqual(
            request._verify_integrity(request._get_signed_pdf_bytes())["status"],
            "intact",
        )
        events = self._events(request)
        self.assertEqual(events[-1], "completed")
        self.assertEqual(events.count("signed"), 2)

    def test_refusal_with_reason(self):
        request = self._sent_request()
        customer_signer, manager_signer = request.signer_ids.sorted("sequence")
        self.assertIn("reason", customer_signer._refuse("  ", http=HTTP_VALUES))
        partner_class = type(self.env["res.partner"])
        with patch.object(partner_class, "_esign_on_refused", create=True) as hook:
            self.assertFalse(customer_signer._refuse("Price too high", http=HTTP_VALUES))
        hook.assert_called_once()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.refusal_reason, "Price too high")
        self.assertEqual(manager_signer.state, "cancelled")
        self.assertFalse(manager_signer._check_token(manager_signer.sudo().access_token))
        self.assertIn("refused", self._events(request))
        self.assertTrue(request.message_ids.filtered(lambda m: "Price too high" in (m.body or "")))

    def test_cancel_rotates_tokens(self):
        request = self._sent_request()
        signer = request.signer_ids.sorted("sequence")[0]
        old_token = signer.sudo().access_token
        self.assertTrue(signer._check_token(old_token))
        request.with_user(self.user_sender).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertNotEqual(signer.sudo().access_token, old_token)
        self.assertFalse(signer._check_token(old_token))
        self.assertFalse(signer._check_token(signer.sudo().access_token))
        self.assertIn("cancelled", self._events(request))
        self.assertIn("no longer", self._send_code(signer))

    def test_replaced_signer_gets_new_link(self):
        request = self._sent_request()
        signer = request.signer_ids.sorted("sequence")[0]
        old_token = signer.sudo().access_token
        other = self.customer.copy(
            {
                "name": "Nina New",
                "email": "nina@example.com",
                "mobile": "+33 6 55 44 33 22",
            }
        )
        with self.mock_mail_gateway():
            signer.with_user(self.user_sender).partner_id = other
        self.assertEqual(signer.mobile, "+33655443322")
        self.assertFalse(signer._check_token(old_token))
        self.assertTrue(signer._check_token(signer.sudo().access_token))
        self.assertEqual(self._new_mails.email_to, "nina@example.com")
        self.assertIn("replaced", self._events(request))

    def test_signed_signer_cannot_be_changed(self):
        request = self._sent_request()
        signer = request.signer_ids.sorted("sequence")[0]
        self._sign(signer)
        with self.assertRaises(UserError):
            signer.mobile = "+33 6 99 99 99 99"

    def test_validity_date_refuses_then_expires(self):
        request = self._sent_request(date_validity=fields.Date.today() + timedelta(days=2))
        signer = request.signer_ids.sorted("sequence")[0]
        partner_class = type(self.env["res.partner"])
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            self.assertIn("validity date", self._send_code(signer))
            with patch.object(partner_class, "_esign_on_expired", create=True) as hook:
                self.env["esign.request"]._cron_expire_requests()
            hook.assert_called_once()
        self.assertEqual(request.state, "expired")
        self.assertFalse(signer._check_token(signer.sudo().access_token))
        self.assertIn("expired", self._events(request))

    def test_past_validity_date_cannot_be_sent(self):
        request = self._create_request(date_validity=fields.Date.today() - timedelta(days=1))
        with self.assertRaises(UserError):
            request.action_send()

    def test_reminders_follow_interval(self):
        request = self._sent_request()
        self.env["ir.config_parameter"].sudo().set_param("esign.reminder_interval_days", 3)
        with self.mock_mail_gateway():
            reminded = self.env["esign.request"]._cron_send_reminders()
        self.assertFalse(reminded & request.signer_ids)
        with freeze_time(fields.Datetime.now() + timedelta(days=4)):
            with self.mock_mail_gateway():
                reminded = self.env["esign.request"]._cron_send_reminders()
            self.assertEqual(len(reminded & request.signer_ids), 1)
            self._new_mails = self._new_mails.filtered(
                lambda mail: mail.email_to == "carla@customer.example.com"
            )
            self.assertIn("Reminder", self._new_mails.subject)
        self.assertIn("reminded", self._events(request))

    def test_draft_request_cannot_be_deleted_once_logged(self):
        request = self._create_request()
        with self.assertRaises(UserError):
            request.sudo().unlink()

    def test_send_wizard_from_record_report(self):
        """ "Send for signature" from a record: the report's PDF becomes the document."""
        report = self.env["ir.actions.report"].search(
            [("report_type", "=", "qweb-pdf"), ("model", "=", "ir.model")], limit=1
        )
        record = self.env["ir.model"]._get("res.partner")
        wizard = self.env["esign.send.wizard"].create(
            {
                "record_ref": f"ir.model,{record.id}",
                "customer_id": self.customer.id,
                "company_signer_id": self.user_sales_manager.id,
            }
        )
        self.assertEqual(wizard.report_id, report)
        report_class = type(self.env["ir.actions.report"])
        with patch.object(
            report_class,
            "_render_qweb_pdf",
            autospec=True,
            return_value=(self.pdf, "pdf"),
        ):
            action = wizard.action_create_request()
        request = self.env["esign.request"].browse(action["res_id"])
        self.assertEqual((request.res_model, request.res_id), ("ir.model", record.id))
        self.assertEqual(len(request.signer_ids), 2)
        self.assertTrue(request.original_sha256)

    def test_back_office_form_creates_and_sends(self):
        """The sender fills the form (PDF, two signers) and sends it."""
        request_form = Form(self.env["esign.request"].with_user(self.user_sender))
        request_form.subject = "Contract from the form"
        request_form.original_pdf = base64.b64encode(self.pdf)
        for sequence, partner in ((1, self.customer), (2, self.user_sales_manager.partner_id)):
            with request_form.signer_ids.new() as line:
                line.sequence = sequence
                line.partner_id = partner
        request = request_form.save()
        self.assertEqual(request.signer_ids.mapped("mobile"), ["+33612345678", "+33611223344"])
        with self.mock_mail_gateway():
            request.action_send()
        self.assertEqual(request.state, "sent")
        with self.assertRaises(AccessError):
            request.with_user(self.user_sender).write({"state": "completed"})
        with self.assertRaises(AccessError):
            request.signer_ids[0].with_user(self.user_sender).write({"state": "signed"})
