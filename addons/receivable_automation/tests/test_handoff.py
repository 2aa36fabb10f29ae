"""Hand-off of a debtor's file to a lawyer or collection agency."""

import csv
import io
import zipfile
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestHandoff(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lawyer = cls.env["res.partner"].create(
            {"name": "Maître Dupont", "is_company": True, "email": "dupont@avocats.example.com"}
        )
        # A debtor that went through the first two levels is handed over 60 days late.
        cls.level_1.days, cls.level_2.days = 10, 25
        cls.level_handoff = cls.env["receivable.dunning.level"].create(
            {
                "name": "Hand-off",
                "policy_id": cls.policy.id,
                "days": 60,
                "mail_template_id": cls.env.ref(
                    "receivable_automation.mail_template_formal_notice"
                ).id,
                "handoff_partner_id": cls.lawyer.id,
            }
        )
        cls.level_3.unlink()

    def _zip(self, handoff):
        return zipfile.ZipFile(io.BytesIO(handoff.dossier_zip_id.raw))

    def _csv(self, archive, name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    def _hand_over(self, user=None, partner=None):
        wizard_action = (partner or self.debtor).with_user(user or self.collector)
        action = wizard_action.action_receivable_hand_off()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user or self.collector)
            .with_context(**action["context"])
            .create({"lawyer_id": self.lawyer.id, "note": "Please start with a formal notice."})
        )
        with self.mock_mail_gateway():
            result = wizard.action_hand_over()
        return self.env["receivable.handoff"].browse(result["res_id"])

    def test_level_with_lawyer_hands_over_and_stops_dunning(self):
        """Reaching the hand-off level hands the file over once; no reminder follows."""
        invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        self._run(date(2026, 1, 26))
        run = self._run(date(2026, 3, 2))
        reminder = run.action_ids
        self.assertEqual(reminder.level_id, self.level_handoff)
        self.assertEqual(reminder.state, "sent")
        self.assertIn("hand-off to Maître Dupont", reminder.channels)
        handoff = self.env["receivable.handoff"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(len(handoff), 1)
        self.assertEqual(reminder.handoff_id, handoff)
        self.assertEqual(handoff.state, "handed_over")
        self.assertEqual(handoff.lawyer_id, self.lawyer)
        self.assertEqual(handoff.move_ids, invoice)
        self.assertAlmostEqual(handoff.amount_handed, 1000)
        self.assertTrue(handoff.name.startswith("HAND/"))
        hold = self.debtor.receivable_hold_ids
        self.assertEqual(hold.owner_ref, handoff)
        self.assertFalse(hold.move_id, "the whole debtor is held")
        self.assertFalse(hold.date_until)
        # the dossier lists every reminder, the one that handed over included
        rows = self._csv(self._zip(handoff), "reminders.csv")
        self.assertEqual(
            [row["Level"] for row in rows], ["First reminder", "Second reminder", "Hand-off"]
        )
        self.assertIn("hand-off to Maître Dupont", rows[-1]["Channels"])
        self.assertIn("ann@agrolait.example.com", rows[0]["Recipients"])
        for when in (date(2026, 3, 3), date(2026, 4, 30)):
            self.assertFalse(self._run(when).action_ids, "the debtor is excluded")
        self.assertEqual(
            len(self.env["receivable.handoff"].search([("partner_id", "=", self.debtor.id)])), 1
        )

    def test_dossier_holds_the_whole_file(self):
        """ZIP: statement, invoices, reminders and their content, disputes, promises,
        correspondence and documents; plus the PDF bundle (HTML in tests)."""
        invoice = self._invoice(self.debtor, 1000)
        disputed = self._invoice(self.debtor, 300)
        self._invoice(self.other_debtor, 999)
        self.env["receivable.dispute"].create(
            {
                "partner_id": self.debtor.id,
                "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                "deadline": date(2026, 1, 31),
                "line_ids": [Command.create({"move_id": disputed.id, "amount": 100})],
            }
        )
        self.env["receivable.promise"].create(
            {
                "partner_id": self.debtor.id,
                "amount": 200,
                "date": date(2099, 1, 1),
                "move_ids": [Command.set(invoice.ids)],
            }
        )
        self._run(date(2026, 1, 11))
        self.debtor.message_post(
            body="We will pay next week.",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=self.contact.id,
        )
        self.debtor.message_post(body="Internal: do not trust them.")  # a note
        self.env["ir.attachment"].create(
            {
                "name": "signed contract.pdf",
                "raw": b"%PDF-1.4 contract",
                "res_model": "res.partner",
                "res_id": self.debtor.id,
            }
        )
        handoff = self._hand_over()
        names = self._zip(handoff).namelist()
        self.assertIn("statement.html", names, "HTML in tests, PDF in production")
        for move in (invoice, disputed):
            self.assertIn(f"invoices/{move.name.replace('/', '_')}.html", names)
        self.assertFalse([name for name in names if "999" in name], "only this debtor's file")
        archive = self._zip(handoff)
        [reminder_row] = self._csv(archive, "reminders.csv")
        self.assertEqual(reminder_row["Level"], "First reminder")
        self.assertIn(reminder_row["Content"], names)
        self.assertIn(disputed.name, archive.read(reminder_row["Content"]).decode())
        [dispute_row] = self._csv(archive, "disputes.csv")
        self.assertEqual(dispute_row["Invoices"], disputed.name)
        [promise_row] = self._csv(archive, "promises.csv")
        self.assertEqual(promise_row["Promised Date"], "2099-01-01")
        correspondence = [name for name in names if name.startswith("correspondence/")]
        self.assertTrue(
            any(b"pay next week" in archive.read(name) for name in correspondence),
            "the debtor's messages are in the dossier",
        )
        self.assertFalse(
            any(b"do not trust" in archive.read(name) for name in correspondence),
            "internal notes are not for the lawyer",
        )
        self.assertTrue(any(name.endswith("signed contract.pdf") for name in names))
        statement = archive.read("statement.html").decode()
        self.assertIn(invoice.name, statement)
        bundle = handoff.dossier_pdf_id
        self.assertEqual(bundle.name, f"{handoff.name.replace('/', '_')}.html")
        self.assertIn("Maître Dupont", bundle.raw.decode())

    def test_lawyer_receives_the_dossier(self):
        """One queued message to the lawyer, with the ZIP and the PDF bundle attached."""
        self._invoice(self.debtor, 500)
        handoff = self._hand_over()
        message = handoff.message_ids.filtered(lambda m: m.partner_ids == self.lawyer)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids, handoff.dossier_zip_id | handoff.dossier_pdf_id)
        mail = self._mails_to(self.lawyer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent inline")
        self.assertIn("500.00", mail.body_html)
        self.assertIn("Please start with a formal notice.", mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 2)

    def test_button_from_the_client_file(self):
        """The client file's Hand Over button opens the wizard; the file cannot be handed twice."""
        invoice = self._invoice(self.debtor, 800)
        self.assertEqual(
            self.contact.action_receivable_hand_off()["res_model"], "receivable.handoff.wizard"
        )
        handoff = self._hand_over(partner=self.contact)
        self.assertEqual(handoff.partner_id, self.debtor, "the company, not its contact")
        self.assertEqual(handoff.move_ids, invoice)
        self.assertEqual(handoff.user_id, self.collector)
        self.assertEqual(self.debtor.receivable_handoff_count, 1)
        self.assertEqual(self.debtor.receivable_hold_ids.owner_ref, handoff)
        with self.assertRaisesRegex(UserError, "already with Maître Dupont"):
            self._hand_over()

    def test_recovered_amount_follows_payments_and_closing_resumes_dunning(self):
        invoice = self._invoice(self.debtor, 1000)
        self._pay(invoice, 100, when=date(2026, 1, 5))
        handoff = self._hand_over()
        self.assertAlmostEqual(handoff.amount_handed, 900)
        self.assertFalse(handoff.amount_recovered, "paid before the hand-off")
        self._pay(invoice, 300, when=date(2099, 1, 1))
        self.assertAlmostEqual(handoff.amount_recovered, 300)
        self.assertAlmostEqual(handoff.amount_remaining, 600)
        handoff.with_user(self.collector).action_in_recovery()
        self.assertEqual(handoff.state, "in_recovery")
        handoff.with_user(self.collector).action_close()
        self.assertEqual(handoff.state, "closed")
        self.assertFalse(self.debtor.receivable_hold_ids)
        self.assertTrue(self._run(date(2026, 1, 11)).action_ids, "dunning resumes")
        with self.assertRaisesRegex(UserError, "can be put in recovery"):
            handoff.action_in_recovery()

    def test_recovered_keeps_a_hold_set_by_hand(self):
        self._invoice(self.debtor, 1000)
        handoff = self._hand_over()
        manual = self.env["receivable.dunning.hold"].create(
            {"partner_id": self.debtor.id, "reason": "Insolvency proceedings"}
        )
        handoff.action_recovered()
        self.assertEqual(handoff.state, "recovered")
        self.assertEqual(self.debtor.receivable_hold_ids, manual, "not the hand-off's hold")

    def test_bad_input(self):
        """No lawyer, nothing due or the debtor as its own lawyer: a clear error."""
        with self.assertRaisesRegex(UserError, "owes nothing"), self.cr.savepoint():
            self._hand_over()
        self.assertFalse(self.debtor.receivable_hold_ids)
        self._invoice(self.debtor, 100)
        Handoff = self.env["receivable.handoff"]
        with self.assertRaisesRegex(UserError, "Choose the lawyer"), self.cr.savepoint():
            Handoff.create({"partner_id": self.debtor.id})
        wizard = (
            self.env["receivable.handoff.wizard"]
            .with_user(self.collector)
            .create({"partner_id": self.debtor.id})
        )
        with self.assertRaisesRegex(UserError, "Choose the lawyer"), self.cr.savepoint():
            wizard.action_hand_over()
        with self.assertRaisesRegex(UserError, "debtor itself"), self.cr.savepoint():
            Handoff.create({"partner_id": self.debtor.id, "lawyer_id": self.contact.id})
        self.assertFalse(Handoff.search([("partner_id", "=", self.debtor.id)]))

    def test_access(self):
        self._invoice(self.debtor, 100)
        handoff = self._hand_over(user=self.collector)
        invoicing = new_test_user(
            self.env,
            login="ra_invoicing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        self.assertEqual(handoff.with_user(invoicing).amount_handed, 100, "can read")
        with self.assertRaises(AccessError):
            self.env["receivable.handoff"].with_user(invoicing).create(
                {"partner_id": self.other_debtor.id, "lawyer_id": self.lawyer.id}
            )
        other_company = self.setup_other_company(name="Other Co")["company"]
        other_collector = new_test_user(
            self.env,
            login="ra_other_collector",
            groups="receivable_automation.group_receivable_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(
            self.env["receivable.handoff"].with_user(other_collector).search([]),
            "another company's hand-offs are invisible",
        )
        with self.assertRaises(AccessError):
            handoff.with_user(other_collector).read(["name"])


@tagged("post_install", "-at_install")
class TestHandoffPdf(HttpCase):
    """Real PDF rendering (wkhtmltopdf needs the HTTP server of an HttpCase)."""

    def test_dossier_is_a_pdf_bundle_with_the_invoices(self):
        debtor = self.env["res.partner"].create({"name": "Gamma SA", "is_company": True})
        lawyer = self.env["res.partner"].create({"name": "Recouvre & Co", "is_company": True})
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": date(2025, 12, 1),
                    "invoice_date_due": date(2026, 1, 1),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
                for amount in (700, 900)
            ]
        )
        invoices.action_post()
        handoff = (
            self.env["receivable.handoff"]
            .with_context(force_report_rendering=True)
            .create({"partner_id": debtor.id, "lawyer_id": lawyer.id})
        )
        archive = zipfile.ZipFile(io.BytesIO(handoff.dossier_zip_id.raw))
        self.assertTrue(archive.read("statement.pdf").startswith(b"%PDF"))
        for invoice in invoices:
            self.assertTrue(
                archive.read(f"invoices/{invoice.name.replace('/', '_')}.pdf").startswith(b"%PDF")
            )
        bundle = handoff.dossier_pdf_id
        self.assertEqual(bundle.mimetype, "application/pdf")
        pages = len(PdfFileReader(io.BytesIO(bundle.raw)).pages)
        self.assertGreaterEqual(pages, 3, "the dossier report, then each invoice")
