from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import EsignCase


@tagged("post_install", "-at_install")
class TestEsignSecurity(EsignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = mail_new_test_user(
            cls.env,
            login="esign_portal",
            name="Pierre Portal",
            groups="base.group_portal",
        )
        cls.employee = mail_new_test_user(
            cls.env,
            login="esign_employee",
            name="Eve Employee",
            groups="base.group_user",
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_user = mail_new_test_user(
            cls.env,
            login="esign_other_company",
            name="Otto Other",
            groups="base.group_user,esign.group_esign_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def test_portal_user_sees_nothing(self):
        request = self._sent_request()
        for model in ("esign.request", "esign.signer", "esign.log"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            request.with_user(self.portal_user).read(["subject"])

    def test_employee_without_group_sees_nothing(self):
        request = self._sent_request()
        with self.assertRaises(AccessError):
            request.with_user(self.employee).read(["subject"])

    def test_other_company_sees_nothing(self):
        request = self._sent_request()
        requests = self.env["esign.request"].with_user(self.other_user).search([])
        self.assertNotIn(request, requests)
        logs = self.env["esign.log"].with_user(self.other_user).search([])
        self.assertFalse(logs & request.log_ids)
        with self.assertRaises(AccessError):
            request.with_user(self.other_user).read(["subject"])

    def test_secrets_hidden_from_users(self):
        request = self._sent_request()
        signer = request.signer_ids[0]
        self._send_code(signer)
        with self.assertRaises(AccessError):
            signer.with_user(self.user_sender).read(["access_token"])
        with self.assertRaises(AccessError):
            signer.with_user(self.user_sender).read(["code_hash"])

    def test_user_cannot_sign_or_change_evidence_through_rpc_fields(self):
        request = self._sent_request()
        with self.assertRaises(AccessError):
            self.env["esign.log"].with_user(self.user_sender).create(
                {
                    "request_id": request.id,
                    "sequence": 1,
                    "event": "signed",
                    "event_date": "2025-01-01",
                }
            )
