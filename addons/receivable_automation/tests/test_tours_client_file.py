import hashlib
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from odoo.addons.esign.tests.common import KNOWN_CODE
from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from .test_tours import ReceivableTourCase

ORDER_FORM_PDF = b"%PDF-1.4\n% Tour Bakery SAS - order form\n%%EOF\n"  # as the tour uploads it
APPROVAL_MESSAGE = "The order form is checked: prepare the contract."
REJECTION_REASON = "The order form is not signed by the customer."


@tagged("post_install", "-at_install")
class TestToursClientFile(MockEmail, MockSMS, ReceivableTourCase):
    """Real clicks in Chromium on approval circuits and client files, in the database's one
    company: a credit manager builds a circuit; a salesperson adds a document to his
    customer's file; the verifier approves it and the next step starts; the contract is
    signed by the customer then the sales manager; a step is rejected with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit_manager = new_test_user(
            cls.env,
            login="cf_tour_manager",
            name="Carole Credit",
            email="carole@company.example.com",
            groups="receivable_automation.group_receivable_manager",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="cf_tour_sales",
            name="Sam Sales",
            email="sam@company.example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_salesperson = new_test_user(
            cls.env,
            login="cf_tour_other_sales",
            name="Otto Other",
            email="otto@company.example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.verifier = new_test_user(
            cls.env,
            login="cf_tour_verifier",
            name="Victor Verifier",
            email="victor@company.example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="cf_tour_sales_manager",
            name="Sonia Sales",
            email="sonia@company.example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager.partner_id.mobile = "+33 6 11 22 33 44"
        cls.env["crm.team"].create(
            {
                "name": "Bakeries",
                "user_id": cls.sales_manager.id,
                "member_ids": [Command.set((cls.salesperson | cls.verifier).ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Bakery SAS",
                "is_company": True,
                "email": "accounts@tour-bakery.example.com",
                "user_id": cls.salesperson.id,
            }
        )
        cls.signatory = cls.env["res.partner"].create(
            {
                "name": "Claire Martin",
                "parent_id": cls.customer.id,
                "function": "Managing Director",
                "email": "claire.martin@tour-bakery.example.com",
                "mobile": "+33 6 12 34 56 78",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Other Mill SARL",
                "is_company": True,
                "email": "accounts@other-mill.example.com",
                "user_id": cls.other_salesperson.id,
            }
        )
        cls.order_form = cls.env.ref("receivable_automation.document_type_order_form")
        cls.contract_type = cls.env.ref("receivable_automation.document_type_contract")
        cls.rejected_template = cls.env.ref(
            "receivable_automation.mail_template_client_file_document_rejected"
        )
        cls.onboarding = cls.env["receivable.circuit"].create(
            {
                "name": "Bakery onboarding",
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Order form",
                            "kind": "collect",
                            "document_type_ids": [Command.set(cls.order_form.ids)],
                            "verifier_type": "user",
                            "verifier_user_id": cls.verifier.id,
                            "deadline_days": 2,
                            "approval_user_ids": [Command.set(cls.sales_manager.ids)],
                            "approval_message": APPROVAL_MESSAGE,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Manager approval",
                            "kind": "approve",
                            "verifier_type": "user",
                            "verifier_user_id": cls.sales_manager.id,
                            "deadline_days": 1,
                            "rejection_template_id": cls.rejected_template.id,
                        }
                    ),
                ],
            }
        )
        cls.step_order_form, cls.step_approval = cls.onboarding._get_sorted_steps()
        cls.step_approval.rejection_step_id = cls.step_order_form

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _started_file(self, circuit=None, partner=None, user=None):
        client_file = (
            self.env["receivable.client.file"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "circuit_id": (circuit or self.onboarding).id,
                    "signatory_id": self.signatory.id if not partner else False,
                }
            )
        )
        with self.mock_mail_gateway():
            client_file.action_start()
        return client_file.with_user(self.env.user)

    def _add_document(self, client_file, document_type, name, content):
        step = client_file.current_step_id.with_user(self.salesperson)
        with self.mock_mail_gateway():
            return step._add_document_from_data(document_type, name, content, "back_office")

    def _activities(self, client_file, user):
        return client_file.activity_ids.filtered(lambda activity: activity.user_id == user)

    def _mails_to(self, partner):
        return self._new_mails.filtered(
            lambda mail: partner in mail.recipient_ids or partner.email in (mail.email_to or "")
        )

    @contextmanager
    def _known_esign_code(self):
        """The SMS code that the signing tour types."""
        Signer = type(self.env["esign.signer"])
        with patch.object(Signer, "_generate_code", lambda signer: KNOWN_CODE):
            yield

    # ------------------------------------------------------------------------------------------
    # Tours
    # ------------------------------------------------------------------------------------------

    def test_credit_manager_builds_a_two_step_circuit(self):
        """Configuration > Approval Circuits > New: the order form checked by a user, then an
        approval with a message to a colleague."""
        self.start_tour("/odoo", "receivable_circuit_build_tour", login="cf_tour_manager")
        circuit = self.env["receivable.circuit"].search(
            [("name", "=", "Bakery onboarding"), ("id", "!=", self.onboarding.id)]
        )
        self.assertEqual(len(circuit), 1)
        self.assertEqual(circuit.company_id, self.company)
        self.assertEqual(circuit.create_uid, self.credit_manager)
        self.assertEqual(
            circuit.description, "Order form checked, then approved by the sales manager."
        )
        first, second = circuit._get_sorted_steps()
        self.assertEqual(
            (first.name, first.kind, first.document_type_ids, first.deadline_days),
            ("Order form", "collect", self.order_form, 2),
        )
        self.assertEqual((first.verifier_type, first.verifier_user_id), ("user", self.verifier))
        self.assertEqual(
            (second.name, second.kind, second.verifier_user_id),
            ("Manager approval", "approve", self.sales_manager),
        )
        self.assertFalse(second.document_type_ids)
        self.assertEqual(second.approval_user_ids, self.collector)
        self.assertEqual(
            second.approval_message, "The file is approved: you can issue the first invoice."
        )

    def test_salesperson_adds_a_document_and_cannot_approve_it(self):
        """The salesperson sees his customers' files only, uploads the order form in the Add
        Document wizard; no Approve for him, the verifier gets the check."""
        client_file = self._started_file()
        other_file = self._started_file(partner=self.other_customer, user=self.other_salesperson)
        self.start_tour("/odoo", "receivable_client_file_add_document_tour", login="cf_tour_sales")
        document = client_file.document_ids
        self.assertEqual(len(document), 1)
        self.assertEqual(
            (document.document_type_id, document.attachment_id.name, document.state),
            (self.order_form, "order_form.pdf", "to_check"),
        )
        self.assertEqual(document.attachment_id.raw, ORDER_FORM_PDF)
        self.assertEqual(
            (document.uploaded_by_id, document.source), (self.salesperson, "back_office")
        )
        self.assertEqual(document.file_step_id, client_file.current_step_id)
        self.assertEqual(client_file.current_step_id.name, "Order form")
        self.assertEqual(document.activity_id.user_id, self.verifier, "the verifier checks it")
        self.assertIn("order_form.pdf", document.activity_id.summary)
        with self.assertRaises(AccessError):
            document.with_user(self.salesperson).action_approve()
        with self.assertRaises(AccessError):
            client_file.current_step_id.with_user(self.salesperson).action_approve()
        self.assertEqual(document.state, "to_check")
        self.assertFalse(other_file.document_ids, "the other salesperson's file is untouched")

    def test_verifier_approves_and_the_next_step_starts(self):
        """From his activities, the verifier approves the order form: the approval step opens
        for the sales manager, with the circuit's message to her."""
        client_file = self._started_file()
        document = self._add_document(
            client_file, self.order_form, "order_form.pdf", ORDER_FORM_PDF
        )
        self.assertEqual(len(self._activities(client_file, self.verifier)), 2, "step + document")
        with self.mock_mail_gateway():
            self.start_tour("/odoo", "receivable_client_file_verify_tour", login="cf_tour_verifier")
        self.assertEqual((document.state, document.approved_by_id), ("approved", self.verifier))
        self.assertTrue(document.checksum)
        first, second = client_file._get_sorted_steps()
        self.assertEqual((first.state, first.done_by_id), ("approved", self.verifier))
        self.assertEqual((second.state, second.verifier_user_id), ("open", self.sales_manager))
        self.assertEqual(client_file.current_step_id, second)
        self.assertEqual(client_file.state, "in_progress")
        self.assertFalse(self._activities(client_file, self.verifier), "his checks are done")
        activity = self._activities(client_file, self.sales_manager)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Approve step Manager approval")
        self.assertEqual(activity.date_deadline, second.date_deadline)
        message = client_file.message_ids.filtered(lambda msg: APPROVAL_MESSAGE in msg.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.sales_manager.partner_id)
        self.assertEqual(message.author_id, self.verifier.partner_id)
        mails = self._mails_to(self.sales_manager.partner_id)
        self.assertEqual(
            len(mails.filtered(lambda mail: APPROVAL_MESSAGE in mail.body_html)),
            1,
            "the sales manager is told by e-mail",
        )
        self.assertEqual(
            len(mails.filtered(lambda mail: "Approve step Manager approval" in mail.body_html)),
            1,
            "and of her activity",
        )

    def test_contract_signed_by_customer_then_sales_manager(self):
        """The sales manager approves the contract: it goes for signature; the customer's
        signatory, then she, sign with the code sent by SMS; the step is approved, the signed
        PDF kept on the file and archived."""
        contract_circuit = self.env["receivable.circuit"].create(
            {
                "name": "Contract and first invoice",
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Contract",
                            "kind": "collect",
                            "document_type_ids": [Command.set(self.contract_type.ids)],
                            "verifier_user_id": self.sales_manager.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Signature",
                            "kind": "esign",
                            "verifier_user_id": self.sales_manager.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "name": "Archive",
                            "kind": "archive",
                            "verifier_user_id": self.sales_manager.id,
                        }
                    ),
                ],
            }
        )
        client_file = self._started_file(circuit=contract_circuit)
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            contract_pdf = pdf_file.read()
        contract = self._add_document(client_file, self.contract_type, "contract.pdf", contract_pdf)

        with self.mock_mail_gateway():
            self.start_tour(
                f"/odoo/receivable.client.file/{client_file.id}",
                "receivable_client_file_contract_tour",
                login="cf_tour_sales_manager",
            )
        self.assertEqual(
            (contract.state, contract.approved_by_id), ("approved", self.sales_manager)
        )
        first, signature, archive = client_file._get_sorted_steps()
        self.assertEqual((first.state, signature.state), ("approved", "open"))
        request = signature.esign_request_id.sudo()
        self.assertEqual(request.state, "sent")
        self.assertEqual(request.original_filename, "contract.pdf")
        customer, company = request.signer_ids.sorted("sequence")
        self.assertEqual((customer.partner_id, customer.state), (self.signatory, "sent"))
        self.assertEqual(
            (company.partner_id, company.state), (self.sales_manager.partner_id, "waiting")
        )
        invitation = self._mails_to(self.signatory)
        self.assertEqual(len(invitation), 1, "the customer got the link by e-mail")
        self.assertIn(customer._get_sign_url(), invitation.body_html)

        self._clear_sms_sent()
        with (
            self._known_esign_code(),
            self.mockSMSGateway(sms_allow_unlink=True),
            self.mock_mail_gateway(),
        ):
            for signer in (customer, company):
                url = signer._get_sign_url().split("/esign", 1)[1]
                self.start_tour(f"/esign{url}", "esign_sign_tour", login=None)
        self.assertEqual(
            [sms["number"] for sms in self._sms],
            ["+33612345678", "+33611223344"],
            "the customer, then the sales manager, got a code on their mobile",
        )
        self.assertEqual(request.state, "completed")
        self.assertEqual((customer.state, company.state), ("signed", "signed"))
        self.assertEqual(signature.state, "approved")
        self.assertEqual(archive.state, "approved", "the archive step ends by itself")
        self.assertEqual(client_file.state, "done")
        signed = signature.document_ids
        self.assertEqual(len(signed), 1)
        self.assertEqual((signed.source, signed.state), ("esign", "approved"))
        self.assertEqual(signed.document_type_id, self.contract_type)
        signed_pdf = request._get_signed_pdf_bytes()
        self.assertTrue(signed_pdf.startswith(b"%PDF"))
        self.assertEqual(signed.attachment_id.raw, signed_pdf)
        entry = self.env["receivable.archive"].search(
            [("res_model", "=", "esign.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(len(entry), 1, "the signed contract is archived")
        self.assertEqual(entry.sha256, hashlib.sha256(signed_pdf).hexdigest())
        self.assertEqual(
            (entry.partner_id, entry.document_type_id), (self.customer, self.contract_type)
        )
        self.assertTrue(entry.retention_end_date)
        bodies = "\n".join(client_file.message_ids.mapped("body"))
        self.assertIn("Contract sent for signature", bodies)
        self.assertIn("All steps are approved", bodies)

    def test_rejection_with_reason_goes_back_and_tells_the_customer(self):
        """The sales manager rejects the approval step: the reason is required; the file goes
        back to the order form, and the customer gets the reason by e-mail."""
        client_file = self._started_file()
        document = self._add_document(
            client_file, self.order_form, "order_form.pdf", ORDER_FORM_PDF
        )
        with self.mock_mail_gateway():
            document.with_user(self.verifier).action_approve()
        first, second = client_file._get_sorted_steps()
        self.assertEqual(client_file.current_step_id, second)

        with self.mock_mail_gateway():
            self.start_tour(
                "/odoo", "receivable_client_file_reject_tour", login="cf_tour_sales_manager"
            )
        self.assertEqual(second.state, "rejected")
        self.assertEqual(
            (second.rejection_reason, second.done_by_id), (REJECTION_REASON, self.sales_manager)
        )
        self.assertEqual(client_file.last_rejection_reason, REJECTION_REASON)
        self.assertEqual(client_file.current_step_id, first)
        self.assertEqual((first.state, first.verifier_user_id), ("open", self.verifier))
        self.assertFalse(self._activities(client_file, self.sales_manager), "her step is closed")
        self.assertEqual(len(self._activities(client_file, self.verifier)), 1, "to check again")
        mail = self._mails_to(self.signatory)
        self.assertEqual(len(mail), 1, "the customer's signatory is told")
        self.assertIn("needs a correction", mail.subject)
        self.assertIn(REJECTION_REASON, mail.body_html)
        self.assertIn("rejected by Sonia Sales", "\n".join(client_file.message_ids.mapped("body")))

    def test_header_buttons_follow_the_current_step(self):
        """The file's Approve Step is offered to the current step's verifier once nothing is
        missing or left to check; Reject Step to the verifier only."""
        client_file = self._started_file()
        as_verifier = client_file.with_user(self.verifier)
        as_salesperson = client_file.with_user(self.salesperson)
        self.assertEqual(as_salesperson.current_missing_document_type_ids, self.order_form)
        self.assertFalse(as_verifier.current_step_can_approve, "the order form is missing")
        self.assertTrue(as_verifier.current_step_can_reject)
        self.assertFalse(as_salesperson.current_step_can_reject)
        document = self._add_document(
            client_file, self.order_form, "order_form.pdf", ORDER_FORM_PDF
        )
        client_file.invalidate_recordset()
        self.assertFalse(as_verifier.current_missing_document_type_ids)
        self.assertFalse(as_verifier.current_step_can_approve, "the order form is to check")
        with self.assertRaisesRegex(UserError, "each of them must be added and approved"):
            as_verifier.action_approve_step()
        with self.mock_mail_gateway():
            document.with_user(self.verifier).action_approve()
        as_manager = client_file.with_user(self.sales_manager)
        self.assertTrue(as_manager.current_step_can_approve)
        self.assertFalse(as_verifier.current_step_can_approve, "not his step")
        with self.assertRaises(AccessError):
            as_verifier.action_approve_step()
        with self.mock_mail_gateway():
            as_manager.action_approve_step()
        self.assertEqual(client_file.state, "done")
        self.assertEqual(client_file._get_sorted_steps()[1].done_by_id, self.sales_manager)
        with self.assertRaisesRegex(UserError, "no step waiting"):
            as_manager.action_reject_step()
