from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .archive_common import PDF_PREFIX, ArchiveCommon, sha256_hex
from .common import DUE


@tagged("post_install", "-at_install")
class TestArchiveInvoices(ArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a database installed with demo data has its demo invoices queued already; the tests
        # count what the cron archives of their own invoices
        cls.env["receivable.archive.queue"].sudo().search([]).unlink()

    def _draft_invoices(self, count, partner=None):
        return self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or self.debtor).id,
                    "invoice_date": DUE,
                    "invoice_date_due": DUE,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": 100 + i, "tax_ids": []})
                    ],
                }
                for i in range(count)
            ]
        )

    def _queued(self, moves):
        return self.env["receivable.archive.queue"].search([("move_id", "in", moves.ids)])

    def _archived(self, moves):
        return self.Archive.search(
            [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)]
        )

    def test_posting_queues_without_rendering(self):
        """Posting 200 invoices only queues them: no PDF is rendered in the transaction."""
        invoices = self._draft_invoices(200)
        with self._mock_invoice_rendering() as renders:
            invoices.action_post()
        self.assertEqual(renders, [])
        self.assertEqual(len(self._queued(invoices)), 200)
        self.assertFalse(self._archived(invoices))

    def test_archive_work_of_posting_is_bounded(self):
        """The archive's share of posting is one insert per 100 invoices (Odoo's insert batch),
        whatever the invoices: 1 query for 10, 2 for 200."""
        counts = {}
        for size in (10, 200):
            invoices = self._draft_invoices(size)
            invoices.action_post()
            with self._count_queries() as queries:
                invoices._receivable_queue_archive()
            counts[size] = queries["count"]
        self.assertEqual(counts[10], 1, counts)
        self.assertLessEqual(counts[200], 2, counts)

    def test_cron_archives_the_queue_in_batches(self):
        invoices = self._draft_invoices(120)
        invoices.action_post()
        draft_again = invoices[-1]
        draft_again.button_draft()
        with self._mock_invoice_rendering() as renders:
            done = self.env["receivable.archive.queue"]._cron_archive_invoices(batch_size=50)
        self.assertEqual(done, 120)
        self.assertEqual(len(renders), 119, "one rendering per posted invoice")
        self.assertFalse(self._queued(invoices))
        archived = self._archived(invoices)
        self.assertEqual(len(archived), 119)
        self.assertFalse(self._archived(draft_again))
        self.assertEqual(set(archived.document_type_id.mapped("code")), {"invoice"})
        self.assertEqual(archived.partner_id, self.debtor)
        sequences = sorted(archived.mapped("sequence"))
        self.assertEqual(sequences, list(range(sequences[0], sequences[0] + 119)))
        first = archived.filtered(lambda a: a.res_id == invoices[0].id)
        self.assertEqual(first.name, invoices[0].name)
        self.assertEqual(first.file_name, invoices[0]._get_invoice_report_filename())
        self.assertEqual(first.mimetype, "application/pdf")
        self.assertFalse(archived._check_integrity())

    def test_sent_invoice_is_archived_as_sent(self):
        """An invoice sent before the cron: its sent PDF is archived, nothing is rendered."""
        invoice = self._invoice(self.debtor, 500)
        sent_pdf = PDF_PREFIX + b"the invoice as the customer received it"
        self.env["account.move.send"]._link_invoice_documents(
            {
                invoice: {
                    "pdf_attachment_values": {
                        "name": invoice._get_invoice_report_filename(),
                        "raw": sent_pdf,
                        "mimetype": "application/pdf",
                        "res_model": invoice._name,
                        "res_id": invoice.id,
                        "res_field": "invoice_pdf_report_file",
                    }
                }
            }
        )
        self.assertEqual(len(self._queued(invoice)), 2, "posted, then sent")
        with self._mock_invoice_rendering() as renders:
            self.env["receivable.archive.queue"]._cron_archive_invoices()
        self.assertEqual(renders, [])
        archive = self._archived(invoice)
        self.assertEqual(len(archive), 1, "the same sent PDF is archived once")
        self.assertEqual(archive.sha256, sha256_hex(sent_pdf))
        self.assertEqual(archive.attachment_id.raw, sent_pdf)

    def test_invoice_sent_after_archiving_is_archived_again_as_sent(self):
        invoice = self._invoice(self.debtor, 700)
        with self._mock_invoice_rendering():
            self.env["receivable.archive.queue"]._cron_archive_invoices()
        rendered = self._archived(invoice)
        self.assertEqual(len(rendered), 1)
        self.env["account.move.send"]._generate_and_send_invoices(
            invoice, sending_methods=["manual"]
        )
        self.assertTrue(invoice.invoice_pdf_report_id)
        self.env["receivable.archive.queue"]._cron_archive_invoices()
        archives = self._archived(invoice)
        self.assertEqual(len(archives), 2)
        sent = archives - rendered
        self.assertEqual(sent.sha256, sha256_hex(invoice.invoice_pdf_report_id.raw))
        self.assertEqual(sent.previous_hash, rendered.chain_hash)

    def test_failed_rendering_keeps_the_invoice_queued(self):
        invoice = self._invoice(self.debtor, 900)
        Report = type(self.env["ir.actions.report"])

        def broken(report, report_ref, res_ids=None, data=None):
            raise ValueError("wkhtmltopdf crashed")

        with patch.object(Report, "_render_qweb_pdf", broken):
            self.env["receivable.archive.queue"]._cron_archive_invoices()
        row = self._queued(invoice)
        self.assertEqual(row.attempts, 1)
        self.assertIn("wkhtmltopdf crashed", row.error)
        self.assertFalse(self._archived(invoice))

    def test_credit_manager_sees_failed_invoices_and_retries_them(self):
        """An invoice that failed three times leaves the cron's work and shows in the failed
        list of Archive > Invoices to Archive; Retry gives it back to the cron."""
        invoice = self._invoice(self.debtor, 900)
        Report = type(self.env["ir.actions.report"])

        def broken(report, report_ref, res_ids=None, data=None):
            raise ValueError("wkhtmltopdf crashed")

        Queue = self.env["receivable.archive.queue"]
        with patch.object(Report, "_render_qweb_pdf", broken):
            for _attempt in range(4):
                Queue._cron_archive_invoices()
        row = self._queued(invoice)
        self.assertEqual(row.attempts, 3, "the fourth run left it alone")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_archive_queue_action"
        )
        failed = Queue.with_user(self.manager).search([("failed", "=", True)])
        self.assertEqual(failed, row)
        self.assertEqual(action["context"], "{'search_default_failed': 1}")
        failed.with_user(self.manager).action_retry()
        self.assertEqual((row.attempts, row.error), (0, False))
        Queue._cron_archive_invoices()
        self.assertFalse(row.exists())
        self.assertTrue(self._archived(invoice))

    def test_only_credit_managers_see_the_archiving_queue(self):
        self._invoice(self.debtor, 900)
        with self.assertRaises(AccessError):
            self.env["receivable.archive.queue"].with_user(self.collector).search([])
