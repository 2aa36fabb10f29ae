import io
import zipfile

from freezegun import freeze_time

from odoo.tests import tagged

from .test_statement import TODAY, StatementCase


@tagged("post_install", "-at_install")
class TestStatementDocuments(StatementCase):
    """The statement as PDF, several invoices in a ZIP, late-payment fees on the statement."""

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def test_zip_of_the_listed_invoices(self):
        _url, token = self._link()
        ids = f"{self.overdue.id},{self.not_due.id}"
        response = self._get(f"/my/receivables/invoices.zip?access_token={token}&ids={ids}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        self.assertEqual(len(names), 2)
        self.assertTrue(all(name.endswith(".pdf") for name in names))

    def test_zip_refuses_other_debtors_invoices_and_bad_input(self):
        _url, token = self._link()
        base = f"/my/receivables/invoices.zip?access_token={token}&ids="
        self.assertEqual(self._get(base + f"{self.other_invoice.id}").status_code, 404)
        self.assertEqual(
            self._get(base + f"{self.overdue.id},{self.other_invoice.id}").status_code, 404
        )
        self.assertEqual(self._get(base + "1;DROP").status_code, 400)
        self.assertEqual(self._get(base + ",".join(["1"] * 51)).status_code, 400)
        self.assertEqual(self._get(base).status_code, 400)
        no_token = self._get(f"/my/receivables/invoices.zip?ids={self.overdue.id}")
        self.assertEqual(no_token.status_code, 404)

    def test_statement_pdf_with_activity(self):
        _url, token = self._link()
        response = self._get(
            f"/my/receivables/statement.pdf?access_token={token}"
            "&date_from=2025-12-01&date_to=2026-02-28"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # tests get the report's HTML (Odoo renders PDFs in tests only when forced)
        self.assertIn(b"Opening balance", response.content)
        self.assertIn(self.credit_note.name.encode(), response.content)
        for bad in (
            "date_from=2026-03-01&date_to=2026-01-01",
            "date_from=yesterday",
            "date_from=2000-01-01&date_to=2026-01-01",
        ):
            bad_response = self._get(f"/my/receivables/statement.pdf?access_token={token}&{bad}")
            self.assertEqual(bad_response.status_code, 400, bad)
        self.assertEqual(self._get("/my/receivables/statement.pdf").status_code, 404)

    def test_statement_figures_of_the_pdf(self):
        values = self.env["report.client_portal.report_receivable_statement"]._get_report_values(
            self.debtor.ids,
            {"company_id": self.company.id, "date_from": "2026-01-01", "date_to": "2026-12-31"},
        )
        statement = values["statements"][self.debtor.id]
        # invoiced before the period: 1000 (2025-12-02) and 300 (2025-12-16)
        self.assertAlmostEqual(statement["opening"], 1300)
        # then: the 300 paid, a 200 credit note, a 500 invoice
        self.assertEqual(
            [round(line.balance) for line, _running in statement["activity"]], [-300, -200, 500]
        )
        self.assertAlmostEqual(statement["closing"], 1300)
        self.assertEqual(
            statement["open_items"].move_id, self.overdue | self.not_due | self.credit_note
        )

    def test_late_fees_are_shown_with_their_legal_basis(self):
        self.company.receivable_fees_enabled = True
        _url, token = self._link()
        with freeze_time(TODAY):
            page = self._statement(token).text
        self.assertIn("late-payment fees", page)
        self.assertIn("L441-10", page)
        self.company.receivable_fees_enabled = False
        with freeze_time(TODAY):
            page = self._statement(token).text
        self.assertNotIn("L441-10", page)
        self.assertIn("Statement (PDF)", page)
        zip_url = page.split("/my/receivables/invoices.zip?")[1].split('"')[0]
        listed = zip_url.split("ids=")[1].split("&")[0].split(",")
        self.assertEqual(
            listed, [str(self.overdue.id), str(self.not_due.id), str(self.credit_note.id)]
        )
