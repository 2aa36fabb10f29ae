import logging
import threading

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

INVOICE_REPORT = "account.account_invoices"
MAX_ATTEMPTS = 3


class ReceivableArchiveQueue(models.Model):
    """Customer invoices waiting to be archived: posting or sending an invoice only adds a row
    here (one insert for all); a cron archives the PDF as sent, or renders it, in batches."""

    _name = "receivable.archive.queue"
    _description = "Invoice to Archive"
    _order = "id"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    attempts = fields.Integer(readonly=True, default=0)
    error = fields.Text(readonly=True)
    failed = fields.Boolean(
        compute="_compute_failed",
        search="_search_failed",
        help="Tried three times without success: the cron leaves it until someone retries it.",
    )

    def _compute_failed(self):
        for row in self:
            row.failed = row.attempts >= MAX_ATTEMPTS

    def _search_failed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        failed = (operator == "=") == value
        return [("attempts", ">=" if failed else "<", MAX_ATTEMPTS)]

    def action_retry(self):
        """A credit manager fixed the cause (an invoice, a report): the cron tries again."""
        self.write({"attempts": 0, "error": False})
        self.env.ref("receivable_automation.ir_cron_archive_invoices")._trigger()

    @api.model
    def _enqueue(self, moves):
        """Queue the customer invoices (one insert whatever their number)."""
        if not moves:
            return self.browse()
        # sudo: whoever posts or sends an invoice queues its archiving, without access to it
        return self.sudo().create(
            [{"move_id": move.id, "company_id": move.company_id.id} for move in moves]
        )

    @api.model
    def _cron_archive_invoices(self, batch_size=50):
        """Archive the queued invoices, batch by batch; each batch is committed (outside tests)
        and locked rows are left to the other workers."""
        # sudo: the queue is system work for every company (nobody has access to it), also
        # when the cron runs as a user who is not the superuser
        self = self.sudo()
        done, seen = 0, []
        while batch := self._lock_batch(batch_size, seen):
            seen.extend(batch.ids)
            batch._archive_invoices()
            done += len(batch)
            remaining = self.search_count([("attempts", "<", MAX_ATTEMPTS)])
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self._commit_if_allowed()
        return done

    def _lock_batch(self, batch_size, seen):
        """Next rows to archive, skipping those other workers hold and those this run saw
        (a failed row waits for the next run)."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM receivable_archive_queue
                 WHERE COALESCE(attempts, 0) < %s AND id != ALL(%s)
              ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                MAX_ATTEMPTS,
                seen,
                batch_size,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _archive_invoices(self):
        """Archive each queued invoice: its PDF as sent when it was sent, else the invoice
        report rendered now. Rows whose invoice is no longer posted are dropped."""
        Archive = self.env["receivable.archive"]
        document_type = self.env.ref("receivable_automation.document_type_invoice")
        moves = self.move_id.filtered(lambda m: m.state == "posted")
        sent = moves.filtered("invoice_pdf_report_id")
        if sent:
            Archive._archive_attachments(sent.invoice_pdf_report_id, document_type)
        files, failed = [], self.browse()
        for row in self.filtered(lambda r: r.move_id in moves - sent):
            try:
                with self.env.cr.savepoint():
                    files.append(row._prepare_rendered_file())
            except Exception as error:  # a bad invoice must not stop the batch
                _logger.warning(
                    "Invoice %s could not be rendered for the archive: %s", row.move_id.id, error
                )
                row.write({"attempts": row.attempts + 1, "error": str(error)})
                failed |= row
        Archive._archive_files(files, document_type)
        (self - failed).unlink()

    def _prepare_rendered_file(self):
        self.ensure_one()
        move = self.move_id
        content, report_type = (
            self.env["ir.actions.report"]
            .with_company(move.company_id)
            ._render_qweb_pdf(INVOICE_REPORT, res_ids=move.ids)
        )
        extension = "pdf" if report_type == "pdf" else report_type
        return {
            "raw": content,
            "file_name": f"{move._get_invoice_report_filename(extension=extension)}",
            "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
            "name": move.display_name,
            "record": move,
            "partner": move.commercial_partner_id,
            "company": move.company_id,
        }

    def _can_commit(self):
        """Commit between batches only in the cron, never in tests."""
        return not getattr(threading.current_thread(), "testing", False) and bool(
            self.env.context.get("cron_id")
        )

    def _commit_if_allowed(self):
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
