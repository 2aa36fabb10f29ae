import base64
import io
import json
import re
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from reportlab.pdfgen.canvas import Canvas

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.esign.tests.common import KNOWN_CODE
from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.receivable_automation.models.ir_actions_report import (
    LETTER_MARKER_URL,
    _wkhtmltopdf_reads_several_documents,
)
from odoo.addons.sms.tests.common import MockSMS
from odoo.addons.web.controllers.report import ReportController

from .test_tours import ReceivableTourCase

DISPUTE_REJECTION = "The goods were delivered and signed for on 2 January."


@tagged("post_install", "-at_install")
class TestToursMore(MockEmail, MockSMS, ReceivableTourCase):
    """Real clicks in Chromium, as a credit controller, on the buttons of the payment plan, the
    hand-off and the dispute forms, and on "Print Letters" of the reminders list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the collector also sends documents for signature and signs for the company
        cls.collector.groups_id = [Command.link(cls.env.ref("esign.group_esign_user").id)]
        cls.collector.partner_id.mobile = "+33 6 11 22 33 44"

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    @contextmanager
    def _known_esign_code(self):
        """The SMS code that the signing tour types."""
        Signer = type(self.env["esign.signer"])
        with patch.object(Signer, "_generate_code", lambda signer: KNOWN_CODE):
            yield

    @contextmanager
    def _fake_wkhtmltopdf(self):
        """Yield the HTML documents that wkhtmltopdf is given, one per call; it makes a page
        of each. During a tour, the real one would wait forever for the report's assets: the
        test server serves one request at a time, and the one printing is not done."""
        calls = []

        def run_wkhtmltopdf(report, bodies, *args, **kwargs):
            calls.append(bodies)
            buffer = io.BytesIO()
            canvas = Canvas(buffer)
            for body in bodies:
                # letters laid out in one document start with their marker link, as
                # wkhtmltopdf writes it into the PDF: a page each
                for marker in re.findall(re.escape(LETTER_MARKER_URL) + r"\d+", body) or [None]:
                    canvas.drawString(72, 720, marker or "Page")
                    if marker:
                        canvas.linkURL(marker, (72, 700, 200, 730))
                    canvas.showPage()
            canvas.save()
            return buffer.getvalue()

        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "_run_wkhtmltopdf", run_wkhtmltopdf):
            yield calls

    @contextmanager
    def _capture_report_responses(self):
        """Record the responses of the report downloads, rendered as PDFs (Odoo renders HTML
        in test mode otherwise)."""
        responses = []
        report_routes = ReportController.report_routes

        def spy(controller, reportname, docids=None, converter=None, **data):
            context = json.loads(data.get("context") or "{}")
            data["context"] = json.dumps({**context, "force_report_rendering": True})
            response = report_routes(controller, reportname, docids, converter, **data)
            responses.append(response)
            return response

        # report_download calls self.report_routes: the route itself stays registered
        with patch.object(ReportController, "report_routes", spy):
            yield responses

    # ------------------------------------------------------------------------------------------
    # Payment plan
    # ------------------------------------------------------------------------------------------

    def test_payment_plan_request_draft_signature_cancel(self):
        """Request, Reset to Draft, Approve, Send for Signature and send the request; both sign
        with their SMS code, the plan starts; then Cancel releases its holds."""
        debtor, invoices = self._create_debtor("Tour Sign SAS", [800, 400])
        debtor.mobile = "+33 6 12 34 56 78"
        plan = self.env["receivable.payment.plan"].create(
            {"partner_id": debtor.id, "instalment_count": 2, "user_id": self.collector.id}
        )
        plan.action_compute_instalments()

        with self.mock_mail_gateway(), self._fake_wkhtmltopdf() as pdf_calls:
            self.start_tour(
                f"/odoo/receivable.payment.plan/{plan.id}",
                "receivable_plan_signature_tour",
                login="tours_collector",
            )
        self.assertEqual((plan.state, plan.approved_by_id), ("approved", self.collector))
        tracked = plan.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(
            tracked.sorted("id").mapped("new_value_char"),
            ["Requested", "Draft", "Approved"],
            "requested, reset to draft, then approved",
        )
        request = self.env["esign.request"].search(
            [("res_model", "=", plan._name), ("res_id", "=", plan.id)]
        )
        self.assertEqual(len(request), 1)
        self.assertEqual((request.state, request.user_id), ("sent", self.collector))
        self.assertTrue(base64.b64decode(request.original_pdf).startswith(b"%PDF"))
        self.assertEqual(len(pdf_calls), 1, "the plan was printed once, to be signed")
        self.assertIn(plan.name, pdf_calls[0][0])
        customer, company = request.signer_ids.sorted("sequence")
        self.assertEqual(
            (customer.partner_id, customer.role, customer.mobile, customer.state),
            (debtor, "customer", "+33612345678", "sent"),
            "the customer is invited first",
        )
        self.assertEqual(
            (company.partner_id, company.role, company.state),
            (self.collector.partner_id, "company", "waiting"),
        )
        invitation = self._new_mails.filtered(lambda mail: debtor.email in mail.email_to)
        self.assertEqual(len(invitation), 1, "the customer got the link by e-mail")
        self.assertIn(customer._get_sign_url(), invitation.body_html)
        self.assertFalse(self._new_mails - invitation, "the collector is invited after")
        self.assertFalse(plan._get_active_holds(), "not started before it is signed")

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
            "each signer got a code by SMS on the phone set by the sender",
        )
        self.assertEqual(request.state, "completed")
        self.assertEqual(plan.state, "active", "signed by both: the plan started")
        self.assertEqual(plan._get_active_holds().move_id, invoices)

        self.start_tour(
            f"/odoo/receivable.payment.plan/{plan.id}",
            "receivable_plan_cancel_tour",
            login="tours_collector",
        )
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(plan._get_active_holds(), "its holds are released")
        self.assertFalse(invoices.receivable_hold_ids.filtered("active"), "chased again")

    # ------------------------------------------------------------------------------------------
    # Hand-off
    # ------------------------------------------------------------------------------------------

    def test_handoff_send_again_recovered_close(self):
        """Send Dossier Again mails the lawyer a fresh dossier; Recovered, then Close."""
        debtor, invoices = self._create_debtor("Tour Handoff SARL", [1200])
        lawyer = self.env["res.partner"].create(
            {"name": "Tour Counsel", "is_company": True, "email": "counsel@example.com"}
        )
        handoff = self.env["receivable.handoff"].create(
            {"partner_id": debtor.id, "lawyer_id": lawyer.id}
        )
        first_dossier = handoff.dossier_zip_id | handoff.dossier_pdf_id
        self.assertTrue(handoff._get_active_holds())

        with self.mock_mail_gateway():
            self.start_tour(
                f"/odoo/receivable.handoff/{handoff.id}",
                "receivable_handoff_buttons_tour",
                login="tours_collector",
            )
        mail = self._new_mails.filtered(lambda mail: lawyer in mail.recipient_ids)
        self.assertEqual(len(mail), 1, "the dossier went to the lawyer again, once")
        self.assertEqual(mail.subject, f"File {handoff.name}: Tour Handoff SARL")
        self.assertIn("1,200.00", mail.body_html)
        new_dossier = handoff.dossier_zip_id | handoff.dossier_pdf_id
        self.assertEqual(len(new_dossier), 2)
        self.assertFalse(new_dossier & first_dossier, "a dossier rebuilt with today's data")
        self.assertFalse(first_dossier.exists(), "the old dossier is replaced")
        self.assertEqual(mail.attachment_ids, new_dossier)
        self.assertEqual(handoff.state, "closed")
        states = handoff.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(states.sorted("id").mapped("new_value_char"), ["Recovered", "Closed"])
        self.assertFalse(handoff._get_active_holds(), "dunning resumes for the debtor")
        self.assertEqual(handoff.move_ids, invoices)

    # ------------------------------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------------------------------

    def _create_dispute(self, debtor, invoice, amount):
        return self.env["receivable.dispute"].create(
            {
                "partner_id": debtor.id,
                "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                "deadline": date(2099, 1, 31),
                "owner_id": self.collector.id,
                "line_ids": [Command.create({"move_id": invoice.id, "amount": amount})],
            }
        )

    def test_dispute_start_credit_reject(self):
        """Start, then credit the accepted part; another one rejected, first without a reason
        (refused), then with the reason, which is sent to the customer."""
        debtor_a, invoice_a = self._create_debtor("Tour Dispute A SARL", [1000])
        debtor_b, invoice_b = self._create_debtor("Tour Dispute B SARL", [500])
        dispute_a = self._create_dispute(debtor_a, invoice_a, 300)
        dispute_b = self._create_dispute(debtor_b, invoice_b, 500)
        lit = self.env.ref("receivable_automation.category_lit")
        self.assertEqual((invoice_a + invoice_b).receivable_category_id, lit)

        with self.mock_mail_gateway():
            self.start_tour(
                "/odoo/action-receivable_automation.receivable_dispute_action",
                "receivable_dispute_buttons_tour",
                login="tours_collector",
            )
        self.assertEqual((dispute_a.state, dispute_a.accepted_amount), ("resolved", 200))
        credit_note = dispute_a.credit_note_id
        self.assertEqual(
            (credit_note.move_type, credit_note.state, credit_note.partner_id),
            ("out_refund", "posted", debtor_a),
        )
        self.assertAlmostEqual(credit_note.amount_total, 200)
        self.assertAlmostEqual(invoice_a.amount_residual, 800, msg="credited on the invoice")
        self.assertFalse(dispute_a._get_active_holds(), "the invoice is chased again")
        self.assertNotEqual(invoice_a.receivable_category_id, lit)

        self.assertEqual(
            (dispute_b.state, dispute_b.rejection_reason), ("rejected", DISPUTE_REJECTION)
        )
        mail = self._new_mails.filtered(lambda mail: debtor_b in mail.recipient_ids)
        self.assertEqual(len(mail), 1, "the customer is told once")
        self.assertIn(f"your dispute {dispute_b.name} is rejected", mail.subject)
        self.assertIn(DISPUTE_REJECTION, mail.body_html)
        self.assertFalse(
            self._new_mails.filtered(lambda mail: debtor_a in mail.recipient_ids),
            "nothing to the customer whose dispute was credited",
        )
        self.assertFalse(dispute_b._get_active_holds())
        self.assertAlmostEqual(invoice_b.amount_residual, 500, msg="still due in full")
        self.assertNotEqual(invoice_b.receivable_category_id, lit)

    # ------------------------------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------------------------------

    def test_print_letters_of_several_reminders(self):
        """All Reminders: select three sent reminders, Print Letters: one PDF, each printed."""
        policy = self._create_policy("Tour print letters", send_letter=True)
        debtors = self.env["res.partner"]
        for name in ("Tour Letter A", "Tour Letter B", "Tour Letter C"):
            debtors |= self._create_debtor(name, [300], policy=policy)[0]
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        with self.mock_mail_gateway():
            run.action_run()
        reminders = run.action_ids.filtered(lambda action: action.partner_id in debtors)
        self.assertEqual(len(reminders), 3)
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertEqual(set(reminders.mapped("letter_state")), {"to_print"})

        with self._capture_report_responses() as responses, self._fake_wkhtmltopdf() as pdf_calls:
            self.start_tour(
                "/odoo/action-receivable_automation.receivable_dunning_action_action",
                "receivable_print_letters_tour",
                login="tours_collector",
            )
        self.assertEqual(len(responses), 1, "one download for the three letters")
        response = responses[0]
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        pdf = response.get_data()
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 3, "the three letters")
        # the three letters in one wkhtmltopdf call (see ir_actions_report.py)
        if not _wkhtmltopdf_reads_several_documents():
            self.assertEqual(len(pdf_calls), 1)
            self.assertEqual(len(pdf_calls[0]), 1, "one document")
            self.assertEqual(
                [name for name in debtors.mapped("name") if name in pdf_calls[0][0]],
                ["Tour Letter A", "Tour Letter B", "Tour Letter C"],
            )
        self.assertEqual(set(reminders.mapped("letter_state")), {"printed"})
        letters = self.env["ir.attachment"].search(
            [("res_model", "=", reminders._name), ("res_id", "in", reminders.ids)]
        )
        self.assertEqual(
            sorted(letters.mapped("name")),
            [f"Reminder - Tour Letter {letter} - 2026-01-20.pdf" for letter in "ABC"],
            "each letter is kept on its reminder",
        )
