import base64

from odoo.tests import Form, tagged

from .common import EsignCase


@tagged("post_install", "-at_install")
class TestEsignSendWizard(EsignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_report = cls.env["ir.actions.report"].create(
            {
                "name": "Partner Sheet",
                "model": "res.partner",
                "report_type": "qweb-pdf",
                "report_name": "esign.test_partner_sheet",
            }
        )

    def test_non_admin_esign_user_sends_a_record_pdf(self):
        """eSign > Send a Record's PDF works for an eSign user who is not an administrator."""
        user = self.user_sender
        self.assertFalse(user.has_group("base.group_system"))
        wizard_model = self.env["esign.send.wizard"].with_user(user)
        selection = dict(
            wizard_model._fields["record_ref"]._description_selection(wizard_model.env)
        )
        self.assertIn("res.partner", selection)
        with Form(wizard_model, view="esign.esign_send_wizard_view_form") as form:
            form.record_ref = f"res.partner,{self.customer.id}"
            # a PDF report of contacts is proposed (other add-ons may have their own)
            self.assertEqual(form.report_id.model, "res.partner")
            form.report_id = self.partner_report
            form.pdf_file = base64.b64encode(self.pdf)
            form.customer_id = self.customer
            self.assertEqual(form.subject, "Carla Customer")
        action = form.record.action_create_request()
        request = self.env["esign.request"].browse(action["res_id"])
        self.assertEqual(request.res_model, "res.partner")
        self.assertEqual(request.res_id, self.customer.id)
        self.assertEqual(request.user_id, user)
        self.assertEqual(request.original_filename, "Carla Customer.pdf")
        self.assertEqual(
            request.signer_ids.sorted("sequence").partner_id,
            self.customer | user.partner_id,
        )

    def test_models_without_read_access_are_not_offered(self):
        wizard_model = self.env["esign.send.wizard"].with_user(self.user_sender)
        selection = dict(
            wizard_model._fields["record_ref"]._description_selection(wizard_model.env)
        )
        self.assertNotIn("ir.model", selection)
