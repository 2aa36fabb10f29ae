import base64
import io
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .common import ReceivableCommon

PDF = b"%PDF-1.4\n% test contract\n"
CODE = "135790"
HTTP_VALUES = {"ip": "203.0.113.9", "user_agent": "Mozilla/5.0 (test)"}


class ClientFileCommon(ReceivableCommon):
    """A salesperson whose team leader is the sales manager, a two-step onboarding circuit
    (documents checked by the sales manager, then approved by the salesperson's manager) and
    a contract circuit (contract, e-signature, archive)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = cls.env.ref("sales_team.group_sale_salesman")
        cls.salesperson.groups_id = [Command.link(salesman.id)]
        cls.sales_manager = new_test_user(
            cls.env,
            login="cf_sales_manager",
            name="Sonia Sales",
            email="sonia@company.example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.sales_manager.partner_id.mobile = "+33 6 11 22 33 44"
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Direct Sales",
                "company_id": cls.company.id,
                "user_id": cls.sales_manager.id,
                "member_ids": [Command.link(cls.salesperson.id)],
            }
        )
        cls.other_salesperson = new_test_user(
            cls.env,
            login="cf_other_salesperson",
            name="Otto Other",
            email="otto@company.example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.order_form = cls.env.ref("receivable_automation.document_type_order_form")
        cls.bank_details = cls.env.ref("receivable_automation.document_type_bank_details")
        cls.contract_type = cls.env.ref("receivable_automation.document_type_contract")
        cls.rejected_template = cls.env.ref(
            "receivable_automation.mail_template_client_file_document_rejected"
        )
        cls.contact.write({"email": "ann@agrolait.example.com", "mobile": "+33 6 98 76 54 32"})
        cls.circuit = cls.env["receivable.circuit"].create(
            {
                "name": "Onboarding",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Documents",
                            "kind": "collect",
                            "document_type_ids": [
                                Command.set((cls.order_form | cls.bank_details).ids)
                            ],
                            "verifier_type": "user",
                            "verifier_user_id": cls.sales_manager.id,
                            "deadline_days": 2,
                            "approval_user_ids": [Command.set(cls.collector.ids)],
                            "approval_message": "Documents complete: prepare the contract.",
                            "rejection_template_id": cls.rejected_template.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Manager approval",
                            "kind": "approve",
                            "verifier_type": "salesperson_manager",
                            "deadline_days": 1,
                            "rejection_template_id": cls.rejected_template.id,
                        }
                    ),
                ],
            }
        )
        cls.step_documents, cls.step_approval = cls.circuit._get_sorted_steps()
        cls.step_approval.rejection_step_id = cls.step_documents

    # helpers

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like unittest's, within a savepoint (as Odoo's assertRaises)."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def _new_file(self, circuit=None, partner=None, user=None, **values):
        return (
            self.env["receivable.client.file"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": (partner or self.debtor).id,
                    "circuit_id": (circuit or self.circuit).id,
                    "signatory_id": self.contact.id,
                    "company_id": self.company.id,
                    **values,
                }
            )
        )

    def _started_file(self, **values):
        client_file = self._new_file(**values)
        with self.mock_mail_gateway():
            client_file.action_start()
        return client_file

    def _add(self, client_file, document_type, name="scan.pdf", content=PDF, user=None):
        step = client_file.current_step_id.with_user(user or self.salesperson)
        with self.mock_mail_gateway():
            return step._add_document_from_data(document_type, name, content, "back_office")

    def _approve(self, documents, user=None):
        with self.mock_mail_gateway():
            documents.with_user(user or self.sales_manager).action_approve()

    def _steps(self, client_file):
        return client_file._get_sorted_steps()

    def _activities(self, client_file, user):
        return client_file.activity_ids.filtered(lambda activity: activity.user_id == user)


@tagged("post_install", "-at_install")
class TestClientFileCircuit(ClientFileCommon):
    def test_start_opens_the_first_step_for_its_verifier(self):
        """A started file is at its first step, due in business days, with an activity for
        the verifier; the salesperson defaults to the customer's."""
        with freeze_time("2026-01-02 09:00:00"):  # a Friday
            client_file = self._started_file()
        first, second = self._steps(client_file)
        self.assertEqual(client_file.user_id, self.salesperson)
        self.assertEqual(client_file.name, "Onboarding")
        self.assertEqual(client_file.state, "in_progress")
        self.assertEqual(client_file.current_step_id, first)
        self.assertEqual((first.state, second.state), ("open", "pending"))
        self.assertEqual(first.verifier_user_id, self.sales_manager)
        self.assertEqual(first.date_deadline, date(2026, 1, 6), "Friday + 2 business days")
        activity = self._activities(client_file, self.sales_manager)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 1, 6))
        # the latest note may be about the upload link sent to the customer
        bodies = client_file.message_ids.mapped("body")
        self.assertTrue(any("Step Documents started" in body for body in bodies))

    def test_four_eyes(self):
        """Whoever added a document cannot approve it; nor can someone who is not the
        verifier; a credit manager can."""
        client_file = self._started_file()
        by_manager = self._add(client_file, self.order_form, user=self.sales_manager)
        with self.assertRaisesRegex(UserError, "four eyes"):
            by_manager.with_user(self.sales_manager).action_approve()
        by_salesperson = self._add(client_file, self.bank_details)
        with self.assertRaises(AccessError):
            by_salesperson.with_user(self.salesperson).action_approve()
        with self.assertRaises(AccessError):
            by_salesperson.with_user(self.other_salesperson).action_approve()
        self._approve(by_manager, user=self.manager)
        self.assertEqual(by_manager.state, "approved")
        self.assertEqual(by_manager.approved_by_id, self.manager)

    def test_a_document_added_raises_an_activity_for_the_verifier(self):
        client_file = self._started_file()
        document = self._add(client_file, self.order_form)
        self.assertEqual(document.state, "to_check")
        self.assertEqual(document.uploaded_by_id, self.salesperson)
        self.assertEqual(document.attachment_id.res_model, document._name)
        self.assertEqual(document.attachment_id.res_id, document.id)
        self.assertEqual(document.activity_id.user_id, self.sales_manager)
        self.assertEqual(
            client_file.current_step_id._get_missing_document_types(), self.bank_details
        )

    def test_last_document_approved_starts_the_next_step_with_its_message(self):
        client_file = self._started_file()
        first, second = self._steps(client_file)
        order_form = self._add(client_file, self.order_form)
        bank_details = self._add(client_file, self.bank_details)
        self._approve(order_form)
        self.assertEqual(first.state, "open", "one document is still to check")
        with self.mock_mail_gateway():
            bank_details.with_user(self.sales_manager).action_approve()
        self.assertEqual(first.state, "approved")
        self.assertEqual(first.done_by_id, self.sales_manager)
        self.assertEqual(client_file.current_step_id, second)
        self.assertEqual(second.state, "open")
        self.assertEqual(second.verifier_user_id, self.sales_manager, "the salesperson's leader")
        message = client_file.message_ids.filtered(
            lambda msg: "prepare the contract" in (msg.body or "")
        )
        self.assertEqual(message.partner_ids, self.collector.partner_id)
        self.assertSentEmail(
            self.sales_manager.partner_id,
            self.collector.partner_id,
            body_content="prepare the contract",
        )
        self.assertTrue(
            self._activities(client_file, self.sales_manager).filtered(
                lambda act: "Approve step Manager approval" in act.summary
            )
        )
        self.assertFalse(order_form.activity_id.exists(), "the check activities are done")

    def test_approval_step_approved_by_the_manager_finishes_the_file(self):
        client_file = self._started_file()
        self._approve(
            self._add(client_file, self.order_form) | self._add(client_file, self.bank_details)
        )
        with self.assertRaises(AccessError):
            client_file.current_step_id.with_user(self.other_salesperson).action_approve()
        client_file.current_step_id.with_user(self.sales_manager).action_approve()
        self.assertEqual(client_file.state, "done")
        self.assertFalse(client_file.current_step_id)
        self.assertEqual(set(self._steps(client_file).mapped("state")), {"approved"})

    def test_rejection_requires_a_reason_goes_back_and_tells_the_customer(self):
        client_file = self._started_file()
        first, second = self._steps(client_file)
        self._approve(
            self._add(client_file, self.order_form) | self._add(client_file, self.bank_details)
        )
        action = second.with_user(self.sales_manager).action_reject()
        wizard_model = self.env[action["res_model"]].with_user(self.sales_manager)
        wizard = wizard_model.with_context(action["context"]).create({"reason": "  "})
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_reject()
        with Form(wizard_model.with_context(action["context"])) as form:
            self.assertEqual(form.back_to_step_id, first, "the circuit's default")
            form.reason = "The bank details are not the company's."
        with self.mock_mail_gateway():
            form.record.action_reject()
        self.assertEqual(second.state, "rejected")
        self.assertEqual(second.rejection_reason, "The bank details are not the company's.")
        self.assertEqual(first.state, "open")
        self.assertEqual(client_file.current_step_id, first)
        self.assertSentEmail(
            self.salesperson.partner_id,
            self.contact,
            body_content="The bank details are not the company&#39;s.",
        )
        self.assertIn("rejected by Sonia Sales", "\n".join(client_file.message_ids.mapped("body")))

    def test_rejected_document_is_asked_again(self):
        """Rejecting a document keeps its step open and the type is missing again."""
        client_file = self._started_file()
        document = self._add(client_file, self.order_form)
        action = document.with_user(self.sales_manager).action_reject()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(action["context"])
        ) as form:
            form.reason = "Unsigned order form"
        with self.mock_mail_gateway():
            form.record.action_reject()
        self.assertEqual(document.state, "rejected")
        self.assertEqual(document.rejection_reason, "Unsigned order form")
        step = client_file.current_step_id
        self.assertEqual(step.state, "open")
        self.assertIn(self.order_form, step._get_missing_document_types())
        self.assertSentEmail(
            self.salesperson.partner_id, self.contact, body_content="Unsigned order form"
        )

    def test_changed_attachment_reopens_its_step(self):
        client_file = self._started_file()
        first, second = self._steps(client_file)
        order_form = self._add(client_file, self.order_form)
        self._approve(order_form | self._add(client_file, self.bank_details))
        self.assertEqual(client_file.current_step_id, second)
        self.assertTrue(order_form.checksum)
        order_form.attachment_id.sudo().write({"raw": b"%PDF-1.4\n% another order form\n"})
        self.assertEqual(order_form.state, "to_check")
        self.assertEqual(first.state, "open")
        self.assertEqual(second.state, "pending")
        self.assertEqual(client_file.current_step_id, first)
        self.assertIn(
            "re-opened",
            client_file.message_ids[:3].mapped("body")[-1]
            + "".join(client_file.message_ids[:4].mapped("body")),
        )
        self.assertTrue(order_form.activity_id, "the verifier checks it again")

    def test_replaced_document_reopens_its_step(self):
        client_file = self._started_file()
        first, second = self._steps(client_file)
        order_form = self._add(client_file, self.order_form)
        self._approve(order_form | self._add(client_file, self.bank_details))
        # the documents of the first step can still be replaced while the second one runs
        with self.mock_mail_gateway():
            first._reopen("the customer sends a new order form")
            new = first.with_user(self.salesperson)._add_document_from_data(
                self.order_form, "order-v2.pdf", PDF + b"v2", "back_office"
            )
        self.assertFalse(order_form.active, "the old one is kept, archived")
        self.assertEqual(new.state, "to_check")
        self.assertEqual(first.state, "open")
        self.assertEqual(client_file.current_step_id, first)

    def test_escalation_once_to_the_verifiers_manager(self):
        """Past its deadline, a step goes to the verifier's team leader (else the credit
        managers), once."""
        self.step_documents.verifier_user_id = self.salesperson
        with freeze_time("2026-01-02 09:00:00"):
            client_file = self._started_file()
        step = client_file.current_step_id
        Step = self.env["receivable.client.file.step"]
        with freeze_time("2026-01-06 09:00:00"):
            self.assertFalse(Step._cron_escalate_overdue() & step, "not late on its deadline")
        with freeze_time("2026-01-07 09:00:00"):
            self.assertEqual(Step._cron_escalate_overdue() & step, step)
        escalation = self.env.ref("receivable_automation.mail_activity_type_client_file_escalation")
        activities = client_file.activity_ids.filtered(
            lambda act: act.activity_type_id == escalation
        )
        self.assertEqual(activities.user_id, self.sales_manager, "the salesperson's team leader")
        self.assertEqual(step.date_escalated, date(2026, 1, 7))
        self.assertIn("escalated to Sonia Sales", client_file.message_ids[0].body)
        with freeze_time("2026-01-08 09:00:00"):
            self.assertFalse(Step._cron_escalate_overdue() & step)
        self.assertEqual(
            len(client_file.activity_ids.filtered(lambda act: act.activity_type_id == escalation)),
            1,
        )

    def test_escalation_without_team_leader_goes_to_credit_managers(self):
        self.step_documents.verifier_user_id = self.collector
        with freeze_time("2026-01-02 09:00:00"):
            client_file = self._started_file()
        with freeze_time("2026-01-12 09:00:00"):
            self.env["receivable.client.file.step"]._cron_escalate_overdue()
        escalation = self.env.ref("receivable_automation.mail_activity_type_client_file_escalation")
        users = client_file.activity_ids.filtered(
            lambda act: act.activity_type_id == escalation
        ).user_id
        self.assertIn(self.manager, users)
        self.assertNotIn(self.collector, users)

    def test_bottlenecks_list_open_steps_longest_waiting_first(self):
        with freeze_time("2026-01-02 09:00:00"):
            old = self._started_file()
        with freeze_time("2026-01-05 09:00:00"):
            recent = self._started_file(partner=self.other_debtor, signatory_id=False)
        action = self.env.ref(
            "receivable_automation.receivable_client_file_step_action_bottlenecks"
        )
        self.assertIn("pivot", action.view_mode)
        with freeze_time("2026-01-09 09:00:00"):
            steps = self.env["receivable.client.file.step"].search(
                [("state", "=", "open")], order="date_start"
            )
            steps = steps.filtered(lambda step: step.file_id in old | recent)
            self.assertEqual(steps.file_id, old | recent)
            self.assertEqual(steps.mapped("waiting_days"), [7, 4])
            self.assertTrue(steps[0].is_overdue)

    def test_approval_sets_category_and_holds_reminders_until_done(self):
        invoice = self._invoice(self.debtor, 500)
        category = self.env.ref("receivable_automation.category_cec")
        self.step_documents.write({"approval_category_id": category.id, "approval_hold": True})
        client_file = self._started_file()
        self._approve(
            self._add(client_file, self.order_form) | self._add(client_file, self.bank_details)
        )
        self.assertEqual(invoice.receivable_category_id, category)
        hold = client_file.sudo().receivable_hold_ids
        self.assertEqual(hold.state, "active")
        self.assertEqual(hold.partner_id, self.debtor)
        client_file.current_step_id.with_user(self.sales_manager).action_approve()
        self.assertEqual(hold.state, "released", "the hold ends with the file")

    def test_cancel_releases_and_closes(self):
        client_file = self._started_file()
        client_file.with_user(self.salesperson).action_cancel()
        self.assertEqual(client_file.state, "cancelled")
        self.assertFalse(client_file.activity_ids)
        with self.assertRaises(UserError):
            self._add(client_file, self.order_form)
        client_file.action_draft()
        self.assertEqual(set(self._steps(client_file).mapped("state")), {"pending"})

    def test_one_open_file_per_customer_and_purpose(self):
        self._new_file()
        with self.assertRaisesRegex(ValidationError, "already has an open file"):
            self._new_file()
        self._new_file(name="Second site")

    # ------------------------------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------------------------------

    def test_add_document_form_checks_type_and_size(self):
        client_file = self._started_file()
        action = client_file.with_user(self.salesperson).action_add_document()
        Wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(action["context"])
        )
        with Form(Wizard) as form:
            self.assertEqual(form.file_step_id, client_file.current_step_id)
            self.assertEqual(form.document_type_id, self.order_form, "the first missing type")
            form.data = base64.b64encode(b"MZ binary")
            form.filename = "virus.exe"
        with self.assertRaisesRegex(UserError, "accepted files are jpeg, jpg, pdf, png"):
            form.record.action_add()
        self.order_form.max_size_mb = 1
        with Form(Wizard) as form:
            form.data = base64.b64encode(b"%PDF" + b"0" * (1024 * 1024 + 1))
            form.filename = "huge.pdf"
        with self.assertRaisesRegex(UserError, "too big"):
            form.record.action_add()
        self.assertFalse(client_file.document_ids)
        with Form(Wizard) as form:
            form.data = base64.b64encode(PDF)
            form.filename = "order.pdf"
        with self.mock_mail_gateway():
            form.record.action_add()
        self.assertEqual(client_file.document_ids.document_type_id, self.order_form)
        self.assertEqual(client_file.document_ids.source, "back_office")

    def test_circuit_step_needs_its_verifier(self):
        with self.assertRaisesRegex(ValidationError, "Choose the user"):
            self.circuit.step_ids[0].verifier_user_id = False
        with self.assertRaisesRegex(ValidationError, "Choose the group"):
            self.circuit.step_ids[0].verifier_type = "group"

    def test_started_file_keeps_its_circuit(self):
        client_file = self._started_file()
        with self.assertRaises(UserError):
            client_file.circuit_id = self.circuit.copy()

    # ------------------------------------------------------------------------------------------
    # Forms on their real views
    # ------------------------------------------------------------------------------------------

    def test_circuit_form(self):
        with Form(self.env["receivable.circuit"].with_user(self.manager)) as form:
            form.name = "Two steps"
            with form.step_ids.new() as step:
                step.name = "Order form"
                step.kind = "collect"
                step.document_type_ids.add(self.order_form)
                step.verifier_type = "user"
                step.verifier_user_id = self.sales_manager
                step.deadline_days = 3
            with form.step_ids.new() as step:
                step.name = "Approval"
                step.kind = "approve"
                step.verifier_type = "salesperson_manager"
                step.approval_message = "Approved"
        circuit = form.record
        self.assertEqual(circuit.company_id, self.env.company)
        self.assertEqual(circuit.step_ids.mapped("kind"), ["collect", "approve"])
        with self.assertRaises(AccessError):
            self.env["receivable.circuit"].with_user(self.collector).create({"name": "Mine"})

    def test_client_file_form(self):
        with Form(self.env["receivable.client.file"].with_user(self.salesperson)) as form:
            form.partner_id = self.debtor
            form.circuit_id = self.circuit
            form.signatory_id = self.contact
        client_file = form.record
        self.assertEqual(client_file.user_id, self.salesperson)
        self.assertEqual(client_file.name, "Onboarding")
        self.assertEqual(len(client_file.file_step_ids), 2)
        with self.mock_mail_gateway():
            client_file.action_start()
        with Form(client_file.with_user(self.salesperson)) as form:
            self.assertEqual(form.current_step_id, client_file.current_step_id)
        self.assertEqual(self.debtor.receivable_client_file_count, 1)
        action = self.debtor.action_open_receivable_client_files()
        self.assertEqual(self.env["receivable.client.file"].search(action["domain"]), client_file)

    # ------------------------------------------------------------------------------------------
    # Access rights
    # ------------------------------------------------------------------------------------------

    def test_salesperson_sees_own_customers_files_only(self):
        client_file = self._started_file()
        self.other_debtor.user_id = self.other_salesperson
        other_file = self._new_file(
            partner=self.other_debtor, user=self.other_salesperson, signatory_id=False
        )
        Files = self.env["receivable.client.file"]
        self.assertEqual(
            Files.with_user(self.salesperson).search([]) & (client_file | other_file), client_file
        )
        with self.assertRaises(AccessError):
            other_file.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            other_file.document_ids.with_user(self.salesperson).check_access("read")
            other_file.file_step_ids.with_user(self.salesperson).read(["state"])
        # a verifier sees the files they verify
        self.assertTrue(client_file.with_user(self.sales_manager).read(["name"]))
        # a salesperson who sees all documents, and a credit controller, see both
        all_leads = new_test_user(
            self.env,
            login="cf_all_leads",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.company.id,
        )
        for user in (all_leads, self.collector):
            self.assertEqual(
                Files.with_user(user).search([]) & (client_file | other_file),
                client_file | other_file,
            )

    def test_other_company_cannot_read(self):
        client_file = self._started_file()
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        outsider = new_test_user(
            self.env,
            login="cf_outsider",
            groups="receivable_automation.group_receivable_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            client_file.with_user(outsider).read(["name"])
        with self.assertRaises(AccessError):
            self.circuit.with_user(outsider).read(["name"])

    def test_plain_user_has_no_access(self):
        plain = new_test_user(self.env, login="cf_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["receivable.client.file"].with_user(plain).search([])
        self.assertEqual(self.debtor.with_user(plain).receivable_client_file_count, 0)

    # ------------------------------------------------------------------------------------------
    # Incoming e-mail
    # ------------------------------------------------------------------------------------------

    def test_reply_with_attachment_becomes_a_document(self):
        client_file = self._started_file()
        message = client_file.message_post(
            body="Please send your documents",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        raw = "\r\n".join(
            [
                "From: Ann Accountant <ann@agrolait.example.com>",
                "To: credit@company.example.com",
                "Subject: Re: documents",
                f"In-Reply-To: {message.message_id}",
                "Message-ID: <reply-1@agrolait.example.com>",
                "MIME-Version: 1.0",
                'Content-Type: multipart/mixed; boundary="BOUNDARY"',
                "",
                "--BOUNDARY",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "Here is our order form.",
                "--BOUNDARY",
                'Content-Type: application/pdf; name="order.pdf"',
                'Content-Disposition: attachment; filename="order.pdf"',
                "Content-Transfer-Encoding: base64",
                "",
                base64.b64encode(PDF).decode(),
                "--BOUNDARY",
                'Content-Type: application/octet-stream; name="run.exe"',
                'Content-Disposition: attachment; filename="run.exe"',
                "Content-Transfer-Encoding: base64",
                "",
                base64.b64encode(b"MZ").decode(),
                "--BOUNDARY--",
                "",
            ]
        )
        with self.mock_mail_gateway():
            thread_id = self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(thread_id, client_file.id)
        document = client_file.document_ids
        self.assertEqual(len(document), 1)
        self.assertEqual(document.source, "email")
        self.assertEqual(document.document_type_id, self.order_form)
        self.assertEqual(document.attachment_name, "order.pdf")
        self.assertEqual(document.activity_id.user_id, self.sales_manager)
        self.assertIn("run.exe was not added", "".join(client_file.message_ids.mapped("body")))

    # ------------------------------------------------------------------------------------------
    # Shipped circuits
    # ------------------------------------------------------------------------------------------

    def test_shipped_circuits(self):
        onboarding = self.env.ref("receivable_automation.circuit_new_customer_onboarding").sudo()
        self.assertEqual(
            onboarding._get_sorted_steps().mapped("kind"), ["collect", "approve", "notify"]
        )
        self.assertEqual(
            onboarding._get_sorted_steps()[0].document_type_ids.mapped("code"),
            ["order_form", "company_registration", "signatory_id", "bank_details"],
        )
        contract = self.env.ref("receivable_automation.circuit_contract_first_invoice").sudo()
        self.assertEqual(
            contract._get_sorted_steps().mapped("kind"),
            ["collect", "esign", "send_invoices", "archive"],
        )


class ClientFileSignatureCommon(ClientFileCommon):
    """A contract circuit (contract, e-signature, archive) and signing helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            cls.contract_pdf = pdf_file.read()
        cls.contract_circuit = cls.env["receivable.circuit"].create(
            {
                "name": "Contract",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Contract",
                            "kind": "collect",
                            "document_type_ids": [Command.set(cls.contract_type.ids)],
                            "verifier_type": "salesperson_manager",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Signature",
                            "kind": "esign",
                            "verifier_type": "salesperson_manager",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "name": "Archive",
                            "kind": "archive",
                            "verifier_type": "salesperson_manager",
                        }
                    ),
                ],
            }
        )

    @contextmanager
    def _known_code(self):
        with patch.object(type(self.env["esign.signer"]), "_generate_code", lambda signer: CODE):
            yield

    def _signature(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    def _sign(self, signer):
        with self._known_code(), self.mockSMSGateway(sms_allow_unlink=True):
            self.assertFalse(signer._send_code(http=HTTP_VALUES))
        with self.mock_mail_gateway():
            return signer._sign(CODE, self._signature(), "draw", http=HTTP_VALUES)

    def _file_at_signature(self):
        client_file = self._started_file(circuit=self.contract_circuit)
        contract = self._add(client_file, self.contract_type, "contract.pdf", self.contract_pdf)
        self._approve(contract)
        return client_file


@tagged("post_install", "-at_install")
class TestClientFileSignature(ClientFileSignatureCommon):
    """The contract is signed by the customer's signatory, then the sales manager."""

    def test_signature_sent_in_order_and_completion_approves(self):
        client_file = self._file_at_signature()
        step = client_file.current_step_id
        self.assertEqual(step.kind, "esign")
        request = step.esign_request_id.sudo()
        self.assertEqual(request.state, "sent")
        customer, manager = request.signer_ids.sorted("sequence")
        self.assertEqual(customer.partner_id, self.contact)
        self.assertEqual(manager.partner_id, self.sales_manager.partner_id)
        self.assertEqual((customer.state, manager.state), ("sent", "waiting"))
        self.assertFalse(self._sign(customer))
        self.assertEqual(step.state, "open")
        self.assertFalse(self._sign(manager))
        self.assertEqual(request.state, "completed")
        self.assertEqual(step.state, "approved")
        signed = step.document_ids
        self.assertEqual(signed.state, "approved")
        self.assertEqual(signed.source, "esign")
        self.assertEqual(signed.document_type_id, self.contract_type)
        self.assertTrue(signed.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual(signed.attachment_id.raw, request._get_signed_pdf_bytes())
        self.assertEqual(client_file.state, "done", "the archive step ends by itself")

    def test_refusal_rejects_the_step_with_the_reason(self):
        client_file = self._file_at_signature()
        step = client_file.current_step_id
        customer = step.esign_request_id.sudo().signer_ids.sorted("sequence")[0]
        with self.mock_mail_gateway():
            self.assertFalse(customer._refuse("The price is wrong", http=HTTP_VALUES))
        self.assertEqual(step.state, "open", "the circuit goes back to the signature step")
        self.assertEqual(step.rejection_reason, "The price is wrong")
        self.assertIn("The price is wrong", "".join(client_file.message_ids.mapped("body")))
        # sent again after the refusal
        with self.mock_mail_gateway():
            step.with_user(self.sales_manager).action_send_for_signature()
        self.assertEqual(step.esign_request_id.state, "sent")

    def test_refusal_goes_back_to_the_contract_step(self):
        signature_step = self.contract_circuit._get_sorted_steps()[1]
        signature_step.rejection_step_id = self.contract_circuit._get_sorted_steps()[0]
        client_file = self._file_at_signature()
        first, second, _third = self._steps(client_file)
        customer = second.esign_request_id.sudo().signer_ids.sorted("sequence")[0]
        with self.mock_mail_gateway():
            customer._refuse("Wrong address", http=HTTP_VALUES)
        self.assertEqual(second.state, "rejected")
        self.assertEqual(client_file.current_step_id, first)

    def test_expiry_rejects(self):
        client_file = self._file_at_signature()
        step = client_file.current_step_id
        request = step.esign_request_id.sudo()
        with self.mock_mail_gateway():
            client_file._esign_on_expired(request)
        self.assertIn("expired", step.rejection_reason)

    def test_signatory_without_mobile_is_a_clear_error(self):
        self.contact.write({"mobile": False, "phone": False})
        with self.assertRaisesRegex(UserError, "no mobile"):
            self._started_file(circuit=self.contract_circuit)

    def test_no_contract_is_a_clear_error(self):
        client_file = self._file_at_signature()
        step = client_file.current_step_id
        with self.mock_mail_gateway():
            step.esign_request_id.sudo().action_cancel()
        client_file.document_ids.sudo().write({"active": False})
        with self.assertRaisesRegex(UserError, "no contract to sign"):
            step.with_user(self.sales_manager).action_send_for_signature()

    @mute_logger("odoo.addons.receivable_automation.models.client_file.receivable_client_file_step")
    def test_start_without_contract_is_told_on_the_file(self):
        """The signature step starts without a contract: the file says what to fix."""
        circuit = self.contract_circuit.copy()
        circuit._get_sorted_steps()[0].unlink()
        client_file = self._started_file(circuit=circuit)
        self.assertEqual(client_file.current_step_id.kind, "esign")
        self.assertFalse(client_file.current_step_id.esign_request_id)
        self.assertIn("could not be sent for signature", client_file.message_ids[0].body)
