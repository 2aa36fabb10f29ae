import hashlib
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ...tools.verify_archive import compute_chain_hash
from ..client_file.receivable_document_type import RETENTION_CLASSES

_logger = logging.getLogger(__name__)

# Fields written once, when the document is archived; write() refuses them for everyone.
SEALED_FIELDS = {
    "company_id",
    "name",
    "file_name",
    "document_type_id",
    "partner_id",
    "res_model",
    "res_id",
    "source_attachment_id",
    "attachment_id",
    "sha256",
    "sequence",
    "previous_hash",
    "chain_hash",
    "archived_by_id",
    "archive_date",
    "retention_class",
    "retention_years",
    "retention_end_date",
}
# Computed by the archive itself on create(), never taken from the caller.
COMPUTED_ON_CREATE = {
    "sha256",
    "sequence",
    "previous_hash",
    "chain_hash",
    "archived_by_id",
    "archive_date",
    "retention_class",
    "retention_years",
    "retention_end_date",
}
INTEGRITY_STATES = [
    ("unchecked", "Not Checked"),
    ("intact", "Intact"),
    ("altered", "Altered"),
]


def sha256_hex(data):
    return hashlib.sha256(data or b"").hexdigest()


class ReceivableArchive(models.Model):
    """A sealed archived document: an own copy of the exact bytes, their SHA-256, and a link in
    the company's hash chain.

    The chain hash of an entry is the SHA-256 of its sealed metadata and of the previous entry's
    chain hash (``tools/verify_archive.py::compute_chain_hash`` defines it, the audit export's
    verifier recomputes it). Nothing sealed can be changed; an entry is deleted only by an
    approved purge, after its retention end date and without a legal hold, and leaves a
    destruction record that keeps its chain hash.
    """

    _name = "receivable.archive"
    _description = "Archived Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _mail_post_access = "read"
    _order = "company_id, sequence desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    name = fields.Char("Document", required=True, readonly=True)
    file_name = fields.Char(required=True, readonly=True)
    document_type_id = fields.Many2one(
        "receivable.document.type",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The commercial partner the document belongs to.",
    )
    res_model = fields.Char("Source Model", readonly=True, index=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    source_attachment_id = fields.Integer(
        readonly=True,
        index="btree_not_null",
        help="The attachment the bytes were copied from (archiving it again with the same bytes "
        "returns this entry).",
    )
    attachment_id = fields.Many2one(
        "ir.attachment", "Archived File", required=True, readonly=True, ondelete="restrict"
    )
    mimetype = fields.Char(related="attachment_id.mimetype")
    file_size = fields.Integer(related="attachment_id.file_size")
    sha256 = fields.Char("SHA-256", required=True, readonly=True, index=True)
    sequence = fields.Integer(
        required=True, readonly=True, help="Position of the entry in the company's chain."
    )
    previous_hash = fields.Char(
        readonly=True, help="Chain hash of the previous entry of the company (empty for the first)."
    )
    chain_hash = fields.Char(
        required=True,
        readonly=True,
        help="SHA-256 of the previous hash, the file's SHA-256 and the sealed metadata.",
    )
    archived_by_id = fields.Many2one("res.users", readonly=True)
    archive_date = fields.Datetime(required=True, readonly=True)
    retention_class = fields.Selection(
        RETENTION_CLASSES,
        required=True,
        readonly=True,
        help="Commercial: French Code de commerce art. L123-22, accounting documents and "
        "supporting documents kept 10 years. Tax: Livre des procédures fiscales art. L102 B, "
        "documents kept 6 years.",
    )
    retention_years = fields.Integer(readonly=True)
    retention_end_date = fields.Date(
        "Kept Until",
        required=True,
        readonly=True,
        index=True,
        help="Archive date plus the retention period of the document type (a retention rule, "
        "else the company's setting for its class). Nobody can delete the entry before.",
    )
    legal_hold = fields.Boolean(
        readonly=True, help="Held entries are never purged, even past their date."
    )
    legal_hold_reason = fields.Text(readonly=True)
    legal_hold_user_id = fields.Many2one("res.users", "Held By", readonly=True)
    legal_hold_date = fields.Datetime("Held Since", readonly=True)
    integrity_state = fields.Selection(
        INTEGRITY_STATES,
        "Integrity",
        default="unchecked",
        required=True,
        readonly=True,
        index=True,
    )
    integrity_checked_on = fields.Datetime(readonly=True)
    integrity_message = fields.Text("Integrity Details", readonly=True)
    is_expired = fields.Boolean(
        "Retention Over", compute="_compute_is_expired", search="_search_is_expired"
    )

    _sql_constraints = [
        (
            "sequence_company_uniq",
            "unique(company_id, sequence)",
            "The chain of archived documents of a company has one entry per position.",
        ),
    ]

    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for archive in self:
            archive.is_expired = archive.retention_end_date < today

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on the end of retention."))
        today = fields.Date.context_today(self)
        expired = (operator == "=") == value
        return [("retention_end_date", "<" if expired else ">=", today)]

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Seal the entries: SHA-256 of the attachment's bytes, retention, and the chain,
        computed here whatever the caller sent, under a lock of the company's chain head."""
        forced = COMPUTED_ON_CREATE & {key for vals in vals_list for key in vals}
        if forced:
            raise UserError(
                _("These values of an archived document are computed: %s", ", ".join(forced))
            )
        now = fields.Datetime.now()
        attachments = self.env["ir.attachment"].browse(
            [vals["attachment_id"] for vals in vals_list]
        )
        # sudo: the archive reads the bytes it seals, whoever triggered the archiving
        contents = {att.id: att.raw for att in attachments.sudo().with_context(bin_size=False)}
        companies = self.env["res.company"].browse({vals["company_id"] for vals in vals_list})
        heads = self._lock_chain_heads(companies)
        years_by_key = {}
        # what a customer's action archives (a contract signed on the public page) is archived
        # by the system, not by "Public user"
        archived_by = self.env.ref("base.user_root") if self.env.user.share else self.env.user
        for vals in vals_list:
            document_type = self.env["receivable.document.type"].browse(vals["document_type_id"])
            company = companies.browse(vals["company_id"])
            key = (document_type.id, company.id)
            if key not in years_by_key:
                years_by_key[key] = self._get_retention_years(document_type, company)
            years = years_by_key[key]
            sequence, previous_hash = heads[company.id]
            vals.update(
                {
                    "sha256": sha256_hex(contents[vals["attachment_id"]]),
                    "sequence": sequence + 1,
                    "previous_hash": previous_hash or False,
                    "archived_by_id": archived_by.id,
                    "archive_date": now,
                    "retention_class": document_type.retention_class,
                    "retention_years": years,
                    "retention_end_date": now.date() + relativedelta(years=years),
                }
            )
            vals["chain_hash"] = compute_chain_hash(self._prepare_chain_values(vals, document_type))
            heads[company.id] = (vals["sequence"], vals["chain_hash"])
        archives = super().create(vals_list)
        self._write_chain_heads(heads)
        return archives

    def write(self, vals):
        sealed = SEALED_FIELDS & set(vals)
        if sealed:
            raise UserError(
                _(
                    "An archived document is sealed: %s cannot be changed, by anyone.",
                    ", ".join(sorted(sealed)),
                )
            )
        return super().write(vals)

    def unlink(self):
        """Only an approved purge deletes entries, past their retention date and not held, and a
        destruction record is written for each."""
        purges = self._get_approved_purges()
        self._check_deletable(purges)
        # sudo: the destruction record is written by the archive itself, never by a user
        destructions = self.env["receivable.archive.destruction"].sudo()
        destructions.create(
            [
                archive._prepare_destruction_values(
                    purges.filtered(lambda p, a=archive: a in p.archive_ids)[:1]
                )
                for archive in self
            ]
        )
        return super().unlink()

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_check_integrity(self):
        self._check_integrity()
        altered = self.filtered(lambda a: a.integrity_state == "altered")
        if altered:
            message = _("%s document(s) altered: see their integrity details.", len(altered))
            notification_type = "danger"
        else:
            message = _("%s document(s) checked: intact.", len(self))
            notification_type = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Integrity Check"),
                "message": message,
                "type": notification_type,
                "sticky": bool(altered),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_legal_hold(self):
        self._check_credit_manager()
        return {
            "type": "ir.actions.act_window",
            "name": _("Legal Hold"),
            "res_model": "receivable.archive.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_archive_ids": self.ids,
                "default_mode": "lift" if all(self.mapped("legal_hold")) else "put",
            },
        }

    def action_export(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Audit Export"),
            "res_model": "receivable.archive.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_archive_ids": self.ids},
        }

    # ------------------------------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------------------------------

    @api.model
    def _archive_attachments(self, attachments, document_type, partner=None, record=None):
        """Archive a sealed copy of each attachment's bytes and return the archive entries.

        :param attachments: ``ir.attachment`` records whose current bytes are archived
        :param document_type: a ``receivable.document.type``
        :param partner: the customer; defaults to the commercial partner of the source record
        :param record: the source record; defaults to each attachment's ``res_model``/``res_id``

        Idempotent: an attachment already archived with the same bytes returns its entry.
        """
        if not attachments:
            return self.browse()
        # sudo: archiving is a system service, the caller's rights on the files were checked
        attachments = attachments.sudo().with_context(bin_size=False)
        existing = self.sudo().search(
            [("source_attachment_id", "in", attachments.ids)], order="sequence"
        )
        by_source = {(a.source_attachment_id, a.sha256): a for a in existing}
        result = self.browse()
        files = []
        for attachment in attachments:
            raw = attachment.raw or b""
            entry = by_source.get((attachment.id, sha256_hex(raw)))
            if entry:
                result |= entry
                continue
            source = record or self._get_attachment_record(attachment)
            files.append(
                {
                    "raw": raw,
                    "file_name": attachment.name,
                    "mimetype": attachment.mimetype,
                    "name": source.display_name if source else attachment.name,
                    "record": source,
                    "partner": partner,
                    "company": self._get_attachment_company(attachment, source),
                    "source_attachment_id": attachment.id,
                }
            )
        return (result | self._archive_files(files, document_type)).with_env(self.env)

    @api.model
    def _archive_files(self, files, document_type):
        """Archive raw files: ``files`` is a list of dicts with ``raw``, ``file_name`` and
        optionally ``name``, ``mimetype``, ``record``, ``partner``, ``company``,
        ``source_attachment_id``. Returns the new entries, in one insert per model."""
        if not files:
            return self.browse()
        # sudo: nobody creates archive entries or their files through the interface; this
        # private method is the only way in
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.create(
            [
                {
                    "name": file["file_name"],
                    "raw": file["raw"],
                    "mimetype": file.get("mimetype") or False,
                    "res_model": self._name,
                    "res_id": 0,
                }
                for file in files
            ]
        )
        vals_list = []
        for file, attachment in zip(files, attachments, strict=True):
            record = file.get("record")
            partner = file.get("partner") or self._get_record_partner(record)
            company = file.get("company") or self.env.company
            vals_list.append(
                {
                    "company_id": company.id,
                    "name": file.get("name") or file["file_name"],
                    "file_name": file["file_name"],
                    "document_type_id": document_type.id,
                    "partner_id": partner.commercial_partner_id.id if partner else False,
                    "res_model": record._name if record else False,
                    "res_id": record.id if record else False,
                    "source_attachment_id": file.get("source_attachment_id") or False,
                    "attachment_id": attachment.id,
                }
            )
        archives = self.sudo().create(vals_list)
        for archive in archives:
            archive.attachment_id.res_id = archive.id
        return archives

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _get_attachment_record(self, attachment):
        if not attachment.res_model or not attachment.res_id:
            return None
        if attachment.res_model not in self.env:
            return None
        record = self.env[attachment.res_model].browse(attachment.res_id).exists()
        return record or None

    def _get_attachment_company(self, attachment, record):
        if record and "company_id" in record._fields and record.company_id:
            return record.company_id
        return attachment.company_id or self.env.company

    def _get_record_partner(self, record):
        if not record:
            return None
        for field_name in ("commercial_partner_id", "partner_id"):
            if field_name in record._fields and record[field_name]:
                return record[field_name]
        return None

    @api.model
    def _get_retention_years(self, document_type, company):
        rule = self.env["receivable.retention.rule"]._find_rule(document_type, company)
        if rule:
            return rule.years
        return company._receivable_get_retention_years(document_type.retention_class)

    @api.model
    def _prepare_chain_values(self, vals, document_type):
        """The sealed metadata of an entry, by the names of the export's manifest columns."""
        archive_date = vals["archive_date"]
        return {
            "company": vals["company_id"],
            "sequence": vals["sequence"],
            "previous_hash": vals.get("previous_hash") or "",
            "sha256": vals["sha256"],
            "document": vals["name"],
            "file_name": vals["file_name"],
            "document_type": document_type.code,
            "partner": vals.get("partner_id") or "",
            "source_model": vals.get("res_model") or "",
            "source_id": vals.get("res_id") or "",
            "archive_date": fields.Datetime.to_string(archive_date),
            "retention_class": vals["retention_class"],
            "retention_end": fields.Date.to_string(vals["retention_end_date"]),
        }

    def _get_chain_values(self):
        self.ensure_one()
        return self._prepare_chain_values(
            {
                "company_id": self.company_id.id,
                "sequence": self.sequence,
                "previous_hash": self.previous_hash,
                "sha256": self.sha256,
                "name": self.name,
                "file_name": self.file_name,
                "partner_id": self.partner_id.id,
                "res_model": self.res_model,
                "res_id": self.res_id,
                "archive_date": self.archive_date,
                "retention_class": self.retention_class,
                "retention_end_date": self.retention_end_date,
            },
            self.document_type_id,
        )

    @api.model
    def _lock_chain_heads(self, companies):
        """Lock the chain heads of the companies until the end of the transaction and return
        ``{company_id: (last sequence, last chain hash)}``.

        The row lock serialises archiving per company. Under Odoo's REPEATABLE READ isolation, a
        transaction that started before another one moved the head gets a serialization failure
        here (retried by Odoo) instead of a stale head: the chain stays linear.
        """
        companies.flush_recordset(["receivable_archive_sequence", "receivable_archive_head"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, receivable_archive_sequence, receivable_archive_head
                  FROM res_company
                 WHERE id = ANY(%s)
              ORDER BY id
                   FOR NO KEY UPDATE
                """,
                companies.ids,
            )
        )
        return {row[0]: (row[1] or 0, row[2] or "") for row in self.env.cr.fetchall()}

    @api.model
    def _write_chain_heads(self, heads):
        for company_id, (sequence, chain_hash) in heads.items():
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_company
                       SET receivable_archive_sequence = %s, receivable_archive_head = %s
                     WHERE id = %s
                    """,
                    sequence,
                    chain_hash,
                    company_id,
                )
            )
        self.env["res.company"].browse(list(heads)).invalidate_recordset(
            ["receivable_archive_sequence", "receivable_archive_head"]
        )

    def _check_deletable(self, purges):
        today = fields.Date.context_today(self)
        for archive in self:
            if archive.legal_hold:
                raise UserError(
                    _("%s is under legal hold: it cannot be deleted.", archive.display_name)
                )
            if archive.retention_end_date >= today:
                raise UserError(
                    _(
                        "%(doc)s is kept until %(date)s: it cannot be deleted before.",
                        doc=archive.display_name,
                        date=archive.retention_end_date,
                    )
                )
            if archive not in purges.archive_ids:
                raise UserError(
                    _(
                        "%s can only be deleted by a purge that a credit manager approved.",
                        archive.display_name,
                    )
                )

    def _get_approved_purges(self):
        # sudo: the purge that deletes these entries may belong to another user's session
        return (
            self.env["receivable.archive.purge"]
            .sudo()
            .search([("state", "=", "approved"), ("archive_ids", "in", self.ids)])
        )

    def _prepare_destruction_values(self, purge):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "purge_id": purge.id,
            "name": self.name,
            "file_name": self.file_name,
            "document_type_id": self.document_type_id.id,
            "partner_id": self.partner_id.id,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "sha256": self.sha256,
            "sequence": self.sequence,
            "previous_hash": self.previous_hash,
            "chain_hash": self.chain_hash,
            "archive_date": self.archive_date,
            "retention_class": self.retention_class,
            "retention_end_date": self.retention_end_date,
            "legal_basis": self._get_legal_basis(),
            "destroyed_on": fields.Datetime.now(),
            "approved_by_id": purge.approved_by_id.id or self.env.user.id,
        }

    def _get_legal_basis(self):
        self.ensure_one()
        if self.retention_class == "tax":
            return _("Livre des procédures fiscales L102 B (%s years)", self.retention_years)
        return _("Code de commerce L123-22 (%s years)", self.retention_years)

    def _check_credit_manager(self):
        if not self.env.user.has_group("receivable_automation.group_receivable_manager"):
            raise AccessError(_("Only a credit manager can do this on archived documents."))

    def _set_legal_hold(self, reason):
        """Put the entries under legal hold (credit managers only)."""
        hold_values = {
            "legal_hold": True,
            "legal_hold_user_id": self.env.user.id,
            "legal_hold_date": fields.Datetime.now(),
        }
        self._write_legal_hold(
            reason,
            hold_values,
            _("Give the reason of the legal hold."),
            _("Legal hold put by %(user)s: %(reason)s"),
        )

    def _lift_legal_hold(self, reason):
        """Lift the legal hold of the entries (credit managers only)."""
        lift_values = {"legal_hold": False, "legal_hold_user_id": False, "legal_hold_date": False}
        self._write_legal_hold(
            reason,
            lift_values,
            _("Give the reason for lifting the legal hold."),
            _("Legal hold lifted by %(user)s: %(reason)s"),
        )

    def _write_legal_hold(self, reason, values, missing_reason_error, log_message):
        self._check_credit_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(missing_reason_error)
        self.check_access("read")
        # sudo: the hold fields are written by this method only (no write access on the archive)
        self.sudo().write({**values, "legal_hold_reason": values["legal_hold"] and reason})
        body = log_message % {"user": self.env.user.name, "reason": reason}
        for archive in self:
            archive.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)

    # ------------------------------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------------------------------

    def _get_previous_chain_hashes(self):
        """``{(company_id, sequence): chain_hash}`` of the entries before these, live or
        destroyed."""
        wanted = {(a.company_id.id, a.sequence - 1) for a in self if a.sequence > 1}
        if not wanted:
            return {}
        companies = list({company_id for company_id, _seq in wanted})
        sequences = list({seq for _company, seq in wanted})
        result = {}
        for table in ("receivable_archive", "receivable_archive_destruction"):
            self.env.cr.execute(
                SQL(
                    "SELECT company_id, sequence, chain_hash FROM %s"
                    " WHERE company_id = ANY(%s) AND sequence = ANY(%s)",
                    SQL.identifier(table),
                    companies,
                    sequences,
                )
            )
            for company_id, sequence, chain_hash in self.env.cr.fetchall():
                if (company_id, sequence) in wanted:
                    result[(company_id, sequence)] = chain_hash
        return result

    def _get_integrity_problems(self, previous_hashes):
        """What is wrong with this entry: its bytes, its metadata, its link to the previous."""
        self.ensure_one()
        problems = []
        raw = self.attachment_id.sudo().with_context(bin_size=False).raw or b""
        if not raw:
            problems.append(_("The archived file is missing or empty."))
        elif sha256_hex(raw) != self.sha256:
            problems.append(_("The archived file was changed: its SHA-256 differs."))
        if compute_chain_hash(self._get_chain_values()) != self.chain_hash:
            problems.append(_("The sealed metadata was changed: the chain hash differs."))
        if self.sequence > 1:
            previous = previous_hashes.get((self.company_id.id, self.sequence - 1))
            if previous is None:
                problems.append(
                    _(
                        "Entry %s before this one is missing: the chain is broken.",
                        self.sequence - 1,
                    )
                )
            elif previous != (self.previous_hash or ""):
                problems.append(_("The previous entry's chain hash differs: the chain is broken."))
        elif self.previous_hash:
            problems.append(_("The first entry of the chain has a previous hash."))
        return problems

    def _check_integrity(self):
        """Recompute the SHA-256 of the stored bytes and the chain of these entries, record the
        result, and alert once when an entry turns altered."""
        # sudo: checking integrity only records its result; read access was checked by the ORM
        archives = self.sudo()
        self.env["ir.attachment"].invalidate_model(["raw", "datas", "db_datas"])
        previous_hashes = archives._get_previous_chain_hashes()
        now = fields.Datetime.now()
        newly_altered = archives.browse()
        for archive in archives:
            problems = archive._get_integrity_problems(previous_hashes)
            state = "altered" if problems else "intact"
            if state == "altered" and archive.integrity_state != "altered":
                newly_altered |= archive
            archive.write(
                {
                    "integrity_state": state,
                    "integrity_checked_on": now,
                    "integrity_message": "\n".join(problems) or False,
                }
            )
        newly_altered._alert_altered()
        return archives.filtered(lambda a: a.integrity_state == "altered")

    def _alert_altered(self):
        managers = self._get_credit_managers()
        for archive in self:
            body = _(
                "Integrity check: this archived document is ALTERED.\n%s",
                archive.integrity_message,
            )
            archive.message_post(body=body, subtype_xmlid="mail.mt_note")
            for user in managers.filtered(lambda u, a=archive: a.company_id in u.company_ids):
                archive.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_("Archived document altered: %s", archive.name),
                    note=archive.integrity_message,
                )

    def _get_credit_managers(self):
        group = self.env.ref("receivable_automation.group_receivable_manager")
        return group.users.filtered(lambda u: u.active and not u.share)

    @api.model
    def _cron_check_integrity(self, batch_size=500):
        """Nightly: check every entry of every company, batch by batch, and that no entry was
        removed from the end of a chain."""
        companies = self.env["res.company"].search([("receivable_archive_sequence", ">", 0)])
        total = self.search_count([])
        done = 0
        for company in companies:
            last_id = 0
            while True:
                batch = self.search(
                    [("company_id", "=", company.id), ("id", ">", last_id)],
                    order="id",
                    limit=batch_size,
                )
                if not batch:
                    break
                batch._check_integrity()
                last_id = batch[-1].id
                done += len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
                self.env["receivable.archive.queue"]._commit_if_allowed()
            self._check_chain_head(company)

    @api.model
    def _check_chain_head(self, company):
        """Alert when the company's chain ends before its recorded head (entries removed)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT max(sequence) FROM (
                    SELECT sequence FROM receivable_archive WHERE company_id = %(company)s
                    UNION ALL
                    SELECT sequence FROM receivable_archive_destruction
                     WHERE company_id = %(company)s
                ) entries
                """,
                company=company.id,
            )
        )
        last = self.env.cr.fetchone()[0] or 0
        if last >= company.receivable_archive_sequence:
            return True
        archive = self.search([("company_id", "=", company.id)], order="sequence desc", limit=1)
        message = _(
            "Entries %(first)s to %(last)s after this one are missing: the chain is broken.",
            first=last + 1,
            last=company.receivable_archive_sequence,
        )
        if archive and archive.integrity_state != "altered":
            archive.sudo().write(
                {
                    "integrity_state": "altered",
                    "integrity_checked_on": fields.Datetime.now(),
                    "integrity_message": message,
                }
            )
            archive.sudo()._alert_altered()
        _logger.warning("Archive of company %s: %s", company.id, message)
        return False
