from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import HTTP_VALUES, KNOWN_CODE, EsignCase


@tagged("post_install", "-at_install")
class TestEsignCode(EsignCase):
    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.customer_signer = self.request.signer_ids.filtered(lambda s: s.sequence == 1)
        self.manager_signer = self.request.signer_ids - self.customer_signer

    def test_code_sent_by_sms_stored_hashed(self):
        """The code goes by SMS to the number set by the sender, only its keyed hash is kept."""
        self.assertFalse(self._send_code(self.customer_signer))
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+33612345678")
        self.assertIn(KNOWN_CODE, self._sms[0]["body"])
        code_hash = self.customer_signer.sudo().code_hash
        self.assertTrue(code_hash)
        self.assertNotIn(KNOWN_CODE, code_hash)
        self.assertEqual(len(code_hash), 64)
        self.assertIn("code_sent", self._events(self.request, self.customer_signer))

    def test_generated_code_is_six_random_digits(self):
        codes = {self.customer_signer._generate_code() for _i in range(20)}
        self.assertTrue(all(len(code) == 6 and code.isdigit() for code in codes))
        self.assertGreater(len(codes), 1)

    def test_five_wrong_codes_lock(self):
        """Five wrong codes lock the code: even the right one is refused afterwards."""
        self._send_code(self.customer_signer)
        signature = self._signature()
        for _i in range(4):
            error = self.customer_signer._sign("000000", signature, http=HTTP_VALUES)
            self.assertIn("Wrong code", error)
        error = self.customer_signer._sign("000000", signature, http=HTTP_VALUES)
        self.assertIn("locked", error)
        error = self.customer_signer._sign(KNOWN_CODE, signature, http=HTTP_VALUES)
        self.assertTrue(error)
        self.assertEqual(self.customer_signer.state, "sent")
        events = self._events(self.request, self.customer_signer)
        self.assertEqual(events.count("code_wrong"), 5)
        self.assertIn("locked", events)
        self.assertNotIn("signed", events)

    def test_expired_code_fails(self):
        self._send_code(self.customer_signer)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=11)):
            error = self.customer_signer._sign(KNOWN_CODE, self._signature(), http=HTTP_VALUES)
        self.assertIn("expired", error)
        self.assertEqual(self.customer_signer.state, "sent")
        self.assertIn("code_expired", self._events(self.request, self.customer_signer))

    def test_used_code_cannot_be_replayed(self):
        """A used code fails, and a new code makes the previous one useless."""
        self._send_code(self.customer_signer)
        with freeze_time(fields.Datetime.now() + timedelta(seconds=61)):
            with self._known_code("135790"), self.mockSMSGateway(sms_allow_unlink=True):
                self.assertFalse(self.customer_signer._send_code(http=HTTP_VALUES))
            error = self.customer_signer._sign(KNOWN_CODE, self._signature(), http=HTTP_VALUES)
            self.assertIn("Wrong code", error)
            with self.mock_mail_gateway():
                self.assertFalse(
                    self.customer_signer._sign("135790", self._signature(), http=HTTP_VALUES)
                )
            error = self.customer_signer._sign("135790", self._signature(), http=HTTP_VALUES)
        self.assertIn("already signed", error)
        self.assertFalse(self.customer_signer.sudo().code_hash)

    def test_resend_limited_and_spaced(self):
        now = fields.Datetime.now()
        self.assertFalse(self._send_code(self.customer_signer))
        error = self._send_code(self.customer_signer)
        self.assertIn("wait", error)
        for minute in range(1, 5):
            with freeze_time(now + timedelta(minutes=minute)):
                self.assertFalse(self._send_code(self.customer_signer))
        with freeze_time(now + timedelta(minutes=10)):
            error = self._send_code(self.customer_signer)
        self.assertIn("Too many codes", error)
        self.assertEqual(self.customer_signer.code_send_count, 5)
        self.assertEqual(self._events(self.request).count("code_refused"), 2)

    def test_sms_failure_refuses_signing(self):
        """No credit or gateway error: no code, signing refused, sender told."""
        for sim_error in ("credit", "jsonrpc_exception", "server_error"):
            self.customer_signer.sudo().code_last_sent = False
            error = self._send_code(self.customer_signer, sim_error=sim_error)
            self.assertIn("could not be sent", error)
            self.assertFalse(self.customer_signer.sudo().code_hash)
            error = self.customer_signer._sign(KNOWN_CODE, self._signature(), http=HTTP_VALUES)
            self.assertTrue(error)
        self.assertEqual(self.customer_signer.state, "sent")
        self.assertEqual(self._events(self.request).count("code_failed"), 3)
        messages = self.request.message_ids.filtered(
            lambda m: "could not be sent by SMS" in (m.body or "")
        )
        self.assertTrue(messages)
        self.assertIn(self.user_sender.partner_id, messages.partner_ids)
        self.assertTrue(self.request.activity_ids.filtered(lambda a: a.user_id == self.user_sender))

    def test_sales_manager_cannot_sign_first(self):
        """Rank 2 is neither invited nor allowed to get a code before rank 1 signed."""
        self.assertEqual(self.manager_signer.state, "waiting")
        error = self._send_code(self.manager_signer)
        self.assertIn("Other signers must sign before you", error)
        self.assertFalse(self._sms)
        error = self.manager_signer._sign(KNOWN_CODE, self._signature(), http=HTTP_VALUES)
        self.assertIn("Other signers must sign before you", error)
        self.assertEqual(self.manager_signer.state, "waiting")

    def test_signature_image_required(self):
        self._send_code(self.customer_signer)
        for bad in (None, "", "data:image/png;base64,AAAA", "javascript:alert(1)"):
            error = self.customer_signer._sign(KNOWN_CODE, bad, http=HTTP_VALUES)
            self.assertIn("signature", error)
        self.assertEqual(self.customer_signer.state, "sent")

    def test_sms_and_email_in_signer_language(self):
        """A French signer gets the SMS in French, an English one in English."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["esign"], ["fr_FR"], overwrite=True)
        self.assertFalse(self._send_code(self.customer_signer))
        self.assertIn("is your code to sign", self._sms[0]["body"])
        self.customer.lang = "fr_FR"
        request = self._sent_request()
        signer = request.signer_ids.sorted("sequence")[0]
        self.assertFalse(self._send_code(signer))
        self.assertIn(f"{KNOWN_CODE} est votre code pour signer", self._sms[0]["body"])
        with self.mock_mail_gateway():
            signer._send_invitation(reminder=True)
        self.assertIn("vous demande de signer", self._new_mails.subject)
        self.assertIn("Lire et signer", self._new_mails.body_html)
