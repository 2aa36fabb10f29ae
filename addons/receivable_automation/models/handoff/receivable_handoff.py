import csv
import io
import logging
import re
import zipfile

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.pdf import merge_pdf

from ..followup.receivable_state_mixin import USER_GROUP

_logger = logging.getLogger(__name__)

OPEN_HANDOFF_STATES = ("handed_over", "in_recovery")
HANDOFF_REPORT = "receivable_automation.action_report_receivable_handoff"
STATEMENT_REPORT = "receivable_automation.action_report_receivable_handoff_statement"
INVOICE_REPORT = "account.account_invoices"
# first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _file_name(name):
    """A name usable as a file name inside the ZIP."""
    return re.sub(r"[^\w.\- ]+", "_", name or "").strip() or "file"


class ReceivableHandoff(models.Model):
    """A debtor's file handed over to a lawyer or a collection agency: dunning stops, the
    lawyer receives the whole dossier, and what they recover is followed here."""

    _name = "receivable.handoff"
    _description = "Hand-off to a Lawyer or Collection Agency"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "receivable.state.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, readonly=True, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Debtor",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    lawyer_id = fields.Many2one(
        "res.partner",
        "Lawyer / Agency",
        required=True,
        tracking=True,
        check_company=True,
        help="The lawyer or collection agency who receives the file.",
    )
    date = fields.Date(
        "Hand-off Date", required=True, readonly=True, default=fields.Date.context_today
    )
    user_id = fields.Many2one(
        "res.users", "Responsible", tracking=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("handed_over", "Handed Over"),
            ("in_recovery", "In Recovery"),
            ("recovered", "Recovered"),
            ("closed", "Closed"),
        ],
        required=True,
        readonly=True,
        default="handed_over",
        tracking=True,
        index=True,
        copy=False,
    )
    note = fields.Text(help="Instructions for the lawyer, sent with the dossier.")
    action_id = fields.Many2one(
        "receivable.dunning.action",
        "Triggered By",
        readonly=True,
        help="The reminder whose level handed the file over.",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        readonly=True,
        check_company=True,
        help="The debtor's open invoices when the file was handed over.",
    )
    amount_disputed = fields.Monetary(
        "Under Dispute",
        compute="_compute_amount_disputed",
        currency_field="currency_id",
        help="Held by open disputes on these invoices: left out until the disputes are settled.",
    )
    amount_handed = fields.Monetary(
        "Amount Handed Over",
        readonly=True,
        currency_field="currency_id",
        help="Open balance of the debtor when the file was handed over.",
    )
    interest_amount = fields.Monetary(
        "Late-Payment Interest", readonly=True, currency_field="currency_id"
    )
    indemnity_amount = fields.Monetary(
        "Recovery Indemnities", readonly=True, currency_field="currency_id"
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amount_recovered",
        store=True,
        readonly=False,
        tracking=True,
        currency_field="currency_id",
        help="Payments reconciled with the handed invoices since the hand-off; can be "
        "corrected by hand, e.g. with what the agency reports.",
    )
    amount_remaining = fields.Monetary(
        "Still Due", compute="_compute_amount_remaining", store=True, currency_field="currency_id"
    )
    dossier_zip_id = fields.Many2one("ir.attachment", "Dossier (ZIP)", readonly=True, copy=False)
    dossier_zip = fields.Binary(related="dossier_zip_id.datas", string="Dossier")
    dossier_zip_name = fields.Char(related="dossier_zip_id.name", string="Dossier File Name")
    dossier_pdf_id = fields.Many2one("ir.attachment", "Dossier (PDF)", readonly=True, copy=False)
    dossier_pdf = fields.Binary(related="dossier_pdf_id.datas", string="Dossier Document")
    dossier_pdf_name = fields.Char(
        related="dossier_pdf_id.name", string="Dossier Document File Name"
    )

    def init(self):
        # One open hand-off per debtor and company, even with two users or workers at once.
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS receivable_handoff_open_uniq
                    ON receivable_handoff (company_id, partner_id)
                 WHERE state IN ('handed_over', 'in_recovery')
                """
            )
        )

    @api.depends("move_ids.amount_residual", "date")
    def _compute_amount_recovered(self):
        for handoff in self:
            items = handoff.move_ids.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            # Payments only: credit notes reduce the debt but were not recovered.
            partials = items.matched_credit_ids.filtered(
                lambda partial, handoff=handoff: partial.max_date >= handoff.date
                and partial.credit_move_id.move_id.move_type != "out_refund"
            )
            handoff.amount_recovered = sum(partials.mapped("amount"))

    @api.depends("move_ids")
    def _compute_amount_disputed(self):
        for handoff in self:
            handoff.amount_disputed = handoff.move_ids._receivable_get_held_amount()

    @api.depends("amount_handed", "amount_recovered")
    def _compute_amount_remaining(self):
        for handoff in self:
            handoff.amount_remaining = handoff.amount_handed - handoff.amount_recovered

    @api.constrains("lawyer_id", "partner_id")
    def _check_debtor_and_lawyer(self):
        for handoff in self:
            if handoff.lawyer_id.commercial_partner_id == handoff.partner_id:
                raise ValidationError(
                    _("A debtor's file cannot be handed over to the debtor itself.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if not vals.get("lawyer_id"):
                raise UserError(_("Choose the lawyer or collection agency to hand the file to."))
            if vals.get("partner_id"):
                vals["partner_id"] = Partner.browse(vals["partner_id"]).commercial_partner_id.id
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("receivable.handoff")
        handoffs = super().create(vals_list)
        handoffs._set_handed_items()
        handoffs._stop_dunning()
        for handoff in handoffs:
            handoff.message_subscribe(partner_ids=handoff.lawyer_id.ids)
        if not self.env.context.get("receivable_handoff_defer_dossier"):
            handoffs._build_dossier()
            handoffs._send_dossier()
        return handoffs

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_in_recovery(self):
        self._check_can_in_recovery()
        self._write_state("in_recovery")

    def action_recovered(self):
        self._check_can_recovered()
        self._write_state("recovered")
        self._resume_dunning()

    def action_close(self):
        self._check_can_close()
        self._write_state("closed")
        self._resume_dunning()

    def action_send_dossier(self):
        """Rebuild the dossier with today's data and send it again to the lawyer."""
        self._check_can_send_dossier()
        self._build_dossier()
        self._send_dossier()

    def action_open_debtor(self):
        self.ensure_one()
        return self.partner_id.action_open_receivable_file()

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _check_can_in_recovery(self, as_user=None):
        self._check_state(("handed_over",), _("put in recovery"))
        self._check_controller(as_user)

    def _check_can_recovered(self, as_user=None):
        self._check_state(OPEN_HANDOFF_STATES, _("marked as recovered"))
        self._check_controller(as_user)

    def _check_can_close(self, as_user=None):
        self._check_state((*OPEN_HANDOFF_STATES, "recovered"), _("closed"))
        self._check_controller(as_user)

    def _check_can_send_dossier(self, as_user=None):
        self._check_state(OPEN_HANDOFF_STATES, _("sent again"))
        self._check_controller(as_user)

    def _check_controller(self, as_user=None):
        self._check_user_group(
            as_user,
            USER_GROUP,
            _(
                "%(user)s is not a credit controller and cannot change the status of hand-offs.",
                user=(as_user or self.env.user).name,
            ),
        )

    def _check_state(self, states, verb):
        if self.filtered(lambda handoff: handoff.state not in states):
            selection = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "Only hand-offs in state %(states)s can be %(verb)s.",
                    states=", ".join(selection[state] for state in states),
                    verb=verb,
                )
            )

    def _get_open_items(self):
        """The debtor's open receivable items in the hand-off's company."""
        self.ensure_one()
        MoveLine = self.env["account.move.line"]
        return MoveLine.search(
            [
                *MoveLine._get_open_receivable_domain(),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
            ],
            order="date_maturity, id",
        )

    def _get_closed_items(self):
        """The debtor's paid items, as history."""
        self.ensure_one()
        return self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", True),
            ],
            order="date desc, id desc",
            limit=200,
        )

    def _get_reminders(self):
        """Every reminder sent to the debtor (or marked as sent), oldest first."""
        self.ensure_one()
        return self.env["receivable.dunning.action"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("sent", "marked")),
            ],
            order="date, level_days, id",
        )

    def _get_disputes(self):
        self.ensure_one()
        return self.env["receivable.dispute"].search(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)],
            order="create_date, id",
        )

    def _get_promises(self):
        self.ensure_one()
        return self.env["receivable.promise"].search(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)],
            order="create_date, id",
        )

    def _get_plans(self):
        self.ensure_one()
        return self.env["receivable.payment.plan"].search(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)],
            order="create_date, id",
        )

    @api.model
    def _get_correspondence_domain(self):
        """The messages the lawyer may read: those exchanged with the customer, not the
        internal notes nor the log."""
        return [
            ("message_type", "in", ("email", "comment", "email_outgoing", "sms", "snailmail")),
            ("is_internal", "=", False),
            "|",
            ("subtype_id", "=", False),
            ("subtype_id.internal", "=", False),
        ]

    def _get_correspondence(self):
        """The messages exchanged with the debtor (not the internal notes)."""
        self.ensure_one()
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.partner_id.id),
                *self._get_correspondence_domain(),
            ],
            order="date, id",
        )

    def _get_attachments(self):
        """The documents filed on the debtor and on its handed invoices, but not the files of
        internal notes or of the log: what the note says is not for the lawyer, nor is what
        it holds."""
        self.ensure_one()
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "=", self.partner_id.id),
                "&",
                ("model", "=", "account.move"),
                ("res_id", "in", self.move_ids.ids),
                ("attachment_ids", "!=", False),
            ]
        )
        shared = messages.filtered_domain(self._get_correspondence_domain())
        private = (messages - shared).attachment_ids - shared.attachment_ids
        return self.env["ir.attachment"].search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.partner_id.id),
                "&",
                ("res_model", "=", "account.move"),
                ("res_id", "in", self.move_ids.ids),
                ("id", "not in", private.ids),
            ],
            order="id",
        )

    def _get_handoff_fees(self):
        """(interest, indemnity) due on the handed invoices on the hand-off date, in the
        company's currency: the late-payment fees of ``account.move._receivable_fees``."""
        self.ensure_one()
        interest = indemnity = 0.0
        for move in self.move_ids:
            move_interest, move_indemnity = move._receivable_fees(self.date)
            interest += move_interest
            indemnity += move_indemnity
        return interest, indemnity

    def _set_handed_items(self):
        for handoff in self:
            items = handoff._get_open_items()
            # disputed amounts stay with the dispute, not with the lawyer
            balance = sum(items.mapped("amount_residual")) - (
                items.move_id._receivable_get_held_amount()
            )
            if handoff.currency_id.compare_amounts(balance, 0) <= 0:
                raise UserError(
                    _(
                        "%s owes nothing: there is no file to hand over.",
                        handoff.partner_id.display_name,
                    )
                )
            handoff.write(
                {
                    "move_ids": [Command.set(items.move_id.ids)],
                    "amount_handed": balance,
                }
            )
            interest, indemnity = handoff._get_handoff_fees()
            handoff.write({"interest_amount": interest, "indemnity_amount": indemnity})

    def _prepare_hold_values(self):
        """The whole debtor leaves dunning while the lawyer or agency has the file."""
        self.ensure_one()
        return [{"company_id": self.company_id.id, "partner_id": self.partner_id.id}]

    def _stop_dunning(self):
        """Hold the debtors' reminders and cancel those still to send."""
        self._hold_place()
        for handoff in self:
            handoff.partner_id.message_post(
                body=Markup(_("File handed over to %(lawyer)s: %(link)s"))
                % {"lawyer": handoff.lawyer_id.name, "link": handoff._get_html_link()}
            )
        to_cancel = self.env["receivable.dunning.action"].search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("pending", "to_validate", "failed")),
                ("id", "not in", self.action_id.ids),
            ]
        )
        to_cancel.write({"state": "cancelled"})

    def _resume_dunning(self):
        """Release this hand-off's hold; holds of other records stay."""
        self._hold_release()

    # ------------------------------------------------------------------------------------------
    # Dossier
    # ------------------------------------------------------------------------------------------

    def _render_report(self, report_ref, res_ids):
        """(content, extension) of a report: a PDF, or the HTML that Odoo's test mode
        returns instead."""
        content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            report_ref, res_ids=res_ids
        )
        return content, "pdf" if report_type == "pdf" else "html"

    def _get_invoice_documents(self):
        """[(file name, content, extension)]: the PDF sent for each invoice, else one rendered
        now (one per call: Debian's wkhtmltopdf fails on several documents at once)."""
        self.ensure_one()
        documents = []
        for move in self.move_ids.filtered(lambda move: move.is_invoice(include_receipts=True)):
            if move.invoice_pdf_report_id:
                content, extension = move.invoice_pdf_report_id.raw, "pdf"
            else:
                content, extension = self._render_report(INVOICE_REPORT, move.ids)
            documents.append((_file_name(move.name), content, extension))
        return documents

    def _get_reminders_csv(self, reminders):
        header = [
            _("Date"),
            _("Level"),
            _("State"),
            _("Channels"),
            _("Recipients"),
            _("Amount Due"),
            _("Invoices"),
            _("Sent On"),
            _("Subject"),
            _("Content"),
        ]
        states = dict(reminders._fields["state"]._description_selection(self.env))
        rows = [
            [
                reminder.date,
                reminder.level_id.name,
                states[reminder.state],
                reminder.channels or "",
                ", ".join(
                    f"{partner.name} <{partner.email or partner.mobile or ''}>"
                    for partner in reminder.recipient_ids
                ),
                reminder.amount_residual,
                ", ".join(reminder.line_ids.move_id.mapped("name")),
                reminder.sent_date or "",
                reminder.message_id.subject or "",
                self._get_reminder_file_name(reminder) if reminder.message_id else "",
            ]
            for reminder in reminders
        ]
        return self._to_csv(header, rows)

    def _get_reminder_file_name(self, reminder):
        return f"reminders/{reminder.date}_{_file_name(reminder.level_id.name)}_{reminder.id}.html"

    def _get_disputes_csv(self, disputes):
        states = dict(disputes._fields["state"]._description_selection(self.env))
        header = [
            _("Reference"),
            _("Opened On"),
            _("Invoices"),
            _("Disputed Amount"),
            _("Reason"),
            _("State"),
            _("Deadline"),
            _("Accepted Amount"),
            _("Credit Note"),
            _("Rejection Reason"),
        ]
        rows = [
            [
                dispute.name,
                fields.Date.to_date(dispute.create_date),
                ", ".join(dispute.line_ids.move_id.mapped("name")),
                dispute.amount,
                dispute.reason_id.name,
                states[dispute.state],
                dispute.deadline,
                dispute.accepted_amount,
                dispute.credit_note_id.name or "",
                dispute.rejection_reason or "",
            ]
            for dispute in disputes
        ]
        return self._to_csv(header, rows)

    def _get_promises_csv(self, promises):
        states = dict(promises._fields["state"]._description_selection(self.env))
        sources = dict(promises._fields["source"]._description_selection(self.env))
        header = [
            _("Noted On"),
            _("Promised Date"),
            _("Amount"),
            _("Invoices"),
            _("Source"),
            _("State"),
            _("Amount Paid"),
        ]
        rows = [
            [
                fields.Date.to_date(promise.create_date),
                promise.date,
                promise.amount,
                ", ".join(promise.move_ids.mapped("name")),
                sources[promise.source],
                states[promise.state],
                promise.amount_paid,
            ]
            for promise in promises
        ]
        return self._to_csv(header, rows)

    def _get_plans_csv(self, plans):
        """One row per instalment of each payment plan, with what was paid on it."""
        states = dict(plans._fields["state"]._description_selection(self.env))
        header = [
            _("Plan"),
            _("State"),
            _("Invoices"),
            _("Instalment Date"),
            _("Instalment Amount"),
            _("Amount Paid"),
        ]
        rows = [
            [
                plan.name,
                states[plan.state],
                ", ".join(plan.move_ids.mapped("name")),
                instalment.date,
                instalment.amount,
                instalment.amount_paid,
            ]
            for plan in plans
            for instalment in plan.instalment_ids
        ]
        return self._to_csv(header, rows)

    @api.model
    def _to_csv(self, header, rows):
        """UTF-8 CSV (with a BOM, for spreadsheets), every text cell neutralised."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([self._csv_cell(cell) for cell in header])
        writer.writerows([self._csv_cell(cell) for cell in row] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _csv_cell(self, value):
        """A text that a spreadsheet would run as a formula (a name, reason or subject
        starting with = + - @, a tab or a carriage return: OWASP's CSV injection) is
        prefixed with a quote, so that it is shown as text; numbers and dates stay."""
        if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
            return f"'{value}"
        return value

    def _get_dossier_files(self):
        """{path in the ZIP: bytes} of the whole dossier."""
        self.ensure_one()
        files = {}
        content, extension = self._render_report(STATEMENT_REPORT, self.ids)
        files[f"statement.{extension}"] = content
        for name, content, extension in self._get_invoice_documents():
            files[f"invoices/{name}.{extension}"] = content
        reminders = self._get_reminders()
        files["reminders.csv"] = self._get_reminders_csv(reminders)
        for reminder in reminders.filtered("message_id"):
            files[self._get_reminder_file_name(reminder)] = (
                reminder.message_id.body or ""
            ).encode()
        files["disputes.csv"] = self._get_disputes_csv(self._get_disputes())
        files["promises.csv"] = self._get_promises_csv(self._get_promises())
        files["payment_plans.csv"] = self._get_plans_csv(self._get_plans())
        for message in self._get_correspondence():
            header = Markup("<p><b>%s</b> — %s — %s</p>") % (
                message.date,
                message.author_id.name or message.email_from or "",
                message.subject or message.record_name or "",
            )
            files[f"correspondence/{message.date:%Y-%m-%d_%H%M%S}_{message.id}.html"] = (
                header + (message.body or "")
            ).encode()
        for attachment in self._get_attachments():
            files[f"attachments/{attachment.id}_{_file_name(attachment.name)}"] = attachment.raw
        return files

    def _build_dossier(self):
        """Build the ZIP of the whole file and the PDF bundle (report and invoices), and keep
        them as attachments of the hand-off (replacing a previous dossier)."""
        Attachment = self.env["ir.attachment"]
        for handoff in self:
            files = handoff._get_dossier_files()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, content in files.items():
                    archive.writestr(path, content or b"")
            report, extension = handoff._render_report(HANDOFF_REPORT, handoff.ids)
            if extension == "pdf":
                parts = [report] + [
                    content
                    for path, content in files.items()
                    if path.startswith("invoices/") and path.endswith(".pdf") and content
                ]
                report = merge_pdf(parts)
            base_name = _file_name(handoff.name)
            old = handoff.dossier_zip_id | handoff.dossier_pdf_id
            values = {"res_model": handoff._name, "res_id": handoff.id}
            handoff.write(
                {
                    "dossier_zip_id": Attachment.create(
                        {
                            **values,
                            "name": f"{base_name}.zip",
                            "raw": buffer.getvalue(),
                            "mimetype": "application/zip",
                        }
                    ).id,
                    "dossier_pdf_id": Attachment.create(
                        {
                            **values,
                            "name": f"{base_name}.{extension}",
                            "raw": report,
                            "mimetype": "application/pdf" if extension == "pdf" else "text/html",
                        }
                    ).id,
                }
            )
            old.unlink()

    def _send_dossier(self):
        """Queue the dossier to the lawyer, from the hand-off's chatter, in the lawyer's
        language."""
        for handoff in self:
            handoff.with_context(mail_notify_force_send=False).message_post_with_source(
                "receivable_automation.mail_template_handoff_dossier",
                partner_ids=handoff.lawyer_id.ids,
                attachment_ids=(handoff.dossier_zip_id | handoff.dossier_pdf_id).ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
