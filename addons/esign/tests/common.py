import base64
import io
from contextlib import contextmanager
from unittest.mock import patch

from PIL import Image

from odoo.tools import file_open

from odoo.addons.mail.tests.common import MockEmail, mail_new_test_user
from odoo.addons.sms.tests.common import MockSMS

KNOWN_CODE = "246810"
HTTP_VALUES = {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (test)"}


class EsignCase(MockSMS, MockEmail):
    """Shared data: a sender, a customer decision-maker and a sales manager, a PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.fr")
        cls.user_sender = mail_new_test_user(
            cls.env,
            login="esign_sender",
            name="Sam Sender",
            email="sam.sender@example.com",
            groups="base.group_user,esign.group_esign_user",
        )
        cls.user_sales_manager = mail_new_test_user(
            cls.env,
            login="esign_sales_manager",
            name="Sonia Sales",
            email="sonia.sales@example.com",
            groups="base.group_user,esign.group_esign_manager",
        )
        cls.user_sales_manager.partner_id.mobile = "+33 6 11 22 33 44"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Carla Customer",
                "email": "carla@customer.example.com",
                "mobile": "06 12 34 56 78",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            cls.pdf = pdf_file.read()

    def setUp(self):
        super().setUp()
        self._clear_sms_sent()

    def _create_request(self, signers=None, **values):
        if signers is None:
            signers = [
                {"sequence": 1, "role": "customer", "partner_id": self.customer.id},
                {
                    "sequence": 2,
                    "role": "company",
                    "partner_id": self.user_sales_manager.partner_id.id,
                },
            ]
        vals = {
            "subject": "Service agreement",
            "original_pdf": base64.b64encode(self.pdf),
            "original_filename": "agreement.pdf",
            "user_id": self.user_sender.id,
            "res_model": "res.partner",
            "res_id": self.customer.id,
            "signer_ids": [(0, 0, signer) for signer in signers],
        }
        vals.update(values)
        return self.env["esign.request"].with_user(self.user_sender).create(vals)

    def _sent_request(self, **values):
        request = self._create_request(**values)
        with self.mock_mail_gateway():
            request.action_send()
        return request.sudo()

    @contextmanager
    def _known_code(self, code=KNOWN_CODE):
        with patch.object(type(self.env["esign.signer"]), "_generate_code", lambda signer: code):
            yield

    def _send_code(self, signer, sim_error=None):
        with (
            self._known_code(),
            self.mockSMSGateway(sms_allow_unlink=True, sim_error=sim_error),
        ):
            return signer._send_code(http=HTTP_VALUES)

    def _signature(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    def _sign(self, signer, code=KNOWN_CODE):
        """Ask for a code and sign with it; return the error or ``False``."""
        error = self._send_code(signer)
        if error:
            return error
        with self.mock_mail_gateway():
            return signer._sign(code, self._signature(), "draw", http=HTTP_VALUES)

    def _events(self, request, signer=None):
        logs = request.sudo().log_ids.sorted(lambda e: (e.sequence, e.id))
        if signer:
            logs = logs.filtered(lambda e: e.signer_id == signer)
        return logs.mapped("event")
