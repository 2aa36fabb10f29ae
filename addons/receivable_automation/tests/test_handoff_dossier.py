"""What the lawyer's dossier may hold: no file of an internal note, no spreadsheet formula."""

import csv
import io
import zipfile
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestHandoffDossier(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lawyer = cls.env["res.partner"].create(
            {"name": "Maître Dupont", "is_company": True, "email": "dupont@avocats.example.com"}
        )

    def _hand_over(self, partner):
        with self.mock_mail_gateway():
            return (
                self.env["receivable.handoff"]
                .with_user(self.collector)
                .create({"partner_id": partner.id, "lawyer_id": self.lawyer.id})
            )

    def _zip(self, handoff):
        return zipfile.ZipFile(io.BytesIO(handoff.dossier_zip_id.raw))

    def _csv(self, archive, name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    def test_files_of_internal_notes_stay_out_of_the_zip(self):
        """A note's file, on the debtor or on an invoice, is not for the lawyer; a file the
        customer sent, a document filed on the debtor and the invoices are."""
        invoice = self._invoice(self.debtor, 1000)
        self.debtor.message_post(
            body="Here is our proof of payment.",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=self.contact.id,
            attachments=[("proof of payment.pdf", b"%PDF-1.4 proof")],
        )
        self.debtor.message_post(
            body="Their credit report, for us only.",
            attachments=[("credit report.pdf", b"%PDF-1.4 credit report")],
        )
        invoice.message_post(
            body="Margin on this sale.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[("margin.xlsx", b"margin")],
        )
        self.env["ir.attachment"].create(
            {
                "name": "signed contract.pdf",
                "raw": b"%PDF-1.4 contract",
                "res_model": "res.partner",
                "res_id": self.debtor.id,
            }
        )
        names = self._zip(self._hand_over(self.debtor)).namelist()
        attachments = [name for name in names if name.startswith("attachments/")]
        self.assertTrue(any(name.endswith("proof of payment.pdf") for name in attachments))
        self.assertTrue(any(name.endswith("signed contract.pdf") for name in attachments))
        self.assertFalse(
            [name for name in attachments if "credit report" in name or "margin" in name],
            "the files of internal notes are not in the dossier",
        )
        self.assertIn(f"invoices/{invoice.name.replace('/', '_')}.html", names)

    def test_csv_cells_are_not_spreadsheet_formulas(self):
        """A debtor named like a formula, or a reason starting with +, is text in the CSV."""
        debtor = self.env["res.partner"].create(
            {"name": '=HYPERLINK("http://x")', "is_company": True, "email": "x@example.com"}
        )
        invoice = self._invoice(debtor, 1000)
        dispute = self.env["receivable.dispute"].create(
            {
                "partner_id": debtor.id,
                "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                "deadline": date(2026, 1, 31),
                "line_ids": [Command.create({"move_id": invoice.id, "amount": 100})],
                "rejection_reason": "+cmd|' /C calc'!A0",
            }
        )
        with self.mock_mail_gateway():
            dispute.action_reject()
        self._run(date(2026, 1, 11))
        archive = self._zip(self._hand_over(debtor))
        [reminder] = self._csv(archive, "reminders.csv")
        self.assertEqual(reminder["Recipients"], '\'=HYPERLINK("http://x") <x@example.com>')
        self.assertEqual(reminder["Level"], "First reminder", "plain text is left as it is")
        self.assertEqual(reminder["Amount Due"], "1000.0", "numbers stay numbers")
        [dispute_row] = self._csv(archive, "disputes.csv")
        self.assertEqual(dispute_row["Rejection Reason"], "'+cmd|' /C calc'!A0")

    def test_every_formula_prefix_is_neutralised(self):
        """= + - @, tab and carriage return (OWASP), in the header and in any row."""
        Handoff = self.env["receivable.handoff"]
        content = Handoff._to_csv(
            ["@Header", "Plain"],
            [["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", -5.0, date(2026, 1, 1)]],
        )
        header, row = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        self.assertEqual(header, ["'@Header", "Plain"])
        self.assertEqual(
            row, ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "-5.0", "2026-01-01"]
        )
