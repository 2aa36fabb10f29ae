import hashlib
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

SOURCES = [
    ("back_office", "Back Office"),
    ("email", "E-mail"),
    ("portal", "Customer Upload Page"),
    ("esign", "Electronic Signature"),
]


class ReceivableClientFileDocument(models.Model):
    """A document of a client file's step (an order form, an ID, a signed contract...),
    approved or rejected by the step's verifier, never by whoever uploaded it."""

    _name = "receivable.client.file.document"
    _description = "Client File Document"
    _order = "file_id, file_step_id, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True, help="A document replaced by a newer one is archived.")
    file_id = fields.Many2one(
        "receivable.client.file", "Client File", required=True, ondelete="cascade", index=True
    )
    file_step_id = fields.Many2one(
        "receivable.client.file.step",
        "Step",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('file_id', '=', file_id)]",
    )
    company_id = fields.Many2one(related="file_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="file_id.partner_id", string="Customer", store=True)
    document_type_id = fields.Many2one(
        "receivable.document.type", "Document Type", required=True, check_company=True
    )
    attachment_id = fields.Many2one(
        "ir.attachment", "Attachment", required=True, ondelete="restrict", copy=False
    )
    attachment_name = fields.Char(related="attachment_id.name", string="File Name")
    datas = fields.Binary(related="attachment_id.datas", string="Content")
    checksum = fields.Char(
        "SHA-256 at Approval",
        readonly=True,
        copy=False,
        help="Fingerprint of the file as it was approved: a change re-opens the step.",
    )
    state = fields.Selection(
        [("to_check", "To Check"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="to_check",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    source = fields.Selection(SOURCES, required=True, default="back_office", readonly=True)
    uploaded_by_id = fields.Many2one(
        "res.users", "Uploaded By", readonly=True, default=lambda self: self.env.user
    )
    date_uploaded = fields.Datetime(
        "Uploaded On", readonly=True, default=lambda self: fields.Datetime.now()
    )
    approved_by_id = fields.Many2one("res.users", "Approved By", readonly=True, copy=False)
    date_approved = fields.Datetime("Approved On", readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False)
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False)
    can_verify = fields.Boolean(compute="_compute_can_verify")

    @api.depends("document_type_id.name", "attachment_id.name")
    def _compute_name(self):
        for document in self:
            document.name = f"{document.document_type_id.name} ({document.attachment_id.name})"

    @api.depends_context("uid")
    @api.depends("state", "file_step_id.verifier_user_id", "uploaded_by_id")
    def _compute_can_verify(self):
        for document in self:
            step = document.file_step_id
            document.can_verify = (
                document.state == "to_check"
                and step.state == "open"
                and step._is_verifier(self.env.user)
                and document.uploaded_by_id != self.env.user
            )

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.constrains("file_id", "file_step_id")
    def _check_step(self):
        for document in self:
            if document.file_step_id.file_id != document.file_id:
                raise ValidationError(_("A document belongs to a step of its own file."))

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        for document in documents:
            document._own_attachment()
        return documents

    def write(self, vals):
        changed = self.browse()
        if "attachment_id" in vals:
            changed = self.filtered(
                lambda doc: doc.state == "approved"
                and doc.attachment_id.id != vals["attachment_id"]
            )
        result = super().write(vals)
        if "attachment_id" in vals:
            for document in self:
                document._own_attachment()
            changed._on_content_changed(_("its file was replaced"))
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(document.state == "approved" for document in self):
            raise UserError(_("An approved document is kept: add a new one to replace it."))

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_approve(self):
        for document in self:
            document._check_can_approve()
        for document in self:
            document._mark_approved()
            document.file_step_id._try_approve()
        return True

    def action_reject(self):
        self.ensure_one()
        self._check_to_check()
        self.file_step_id._check_can_verify()
        return self.file_step_id._open_reject_wizard(document=self)

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _check_document_file(self, document_type, filename, size):
        """Raise a clear error when a file is not of a type or size ``document_type``
        accepts."""
        extension = os.path.splitext(filename or "")[1].lower().lstrip(".")
        allowed = document_type._get_allowed_extensions()
        if extension not in allowed:
            raise UserError(
                _(
                    "%(name)s cannot be added as %(type)s: accepted files are %(allowed)s.",
                    name=filename,
                    type=document_type.name,
                    allowed=", ".join(sorted(allowed)),
                )
            )
        if (size or 0) > document_type.max_size_mb * 1024 * 1024:
            raise UserError(
                _(
                    "%(name)s is too big for %(type)s: at most %(size)s MB.",
                    name=filename,
                    type=document_type.name,
                    size=document_type.max_size_mb,
                )
            )
        if not size:
            raise UserError(_("%s is empty.", filename))

    def _own_attachment(self):
        """The document has its own attachment: a file attached elsewhere (a message, a
        signature request) is copied."""
        self.ensure_one()
        attachment = self.attachment_id
        if attachment.res_model == self._name and attachment.res_id == self.id:
            return
        # sudo: the attachment was just given to this document; it only moves to it
        attachment_sudo = attachment.sudo()
        if attachment_sudo.res_model in (False, self._name) and not attachment_sudo.res_id:
            attachment_sudo.write({"res_model": self._name, "res_id": self.id})
        else:
            self.attachment_id = attachment_sudo.copy({"res_model": self._name, "res_id": self.id})

    def _check_to_check(self):
        for document in self:
            if document.state != "to_check":
                raise UserError(_("%s has already been checked.", document.display_name))

    def _check_can_approve(self):
        """Four eyes: only the step's verifier or a credit manager, never the uploader."""
        self._check_to_check()
        self.file_step_id._check_open()
        self.file_step_id._check_can_verify()
        for document in self:
            if document.uploaded_by_id and document.uploaded_by_id == self.env.user:
                raise UserError(
                    _(
                        "You added %s yourself: another person must approve it (four eyes).",
                        document.display_name,
                    )
                )

    def _mark_approved(self, approver=None):
        self.ensure_one()
        if approver is None:
            approver = self.env.user
        self.write(
            {
                "state": "approved",
                "approved_by_id": approver.id if approver else False,
                "date_approved": fields.Datetime.now(),
                "checksum": self._compute_checksum(),
                "rejection_reason": False,
            }
        )
        self._close_activity(_("Approved"))
        if approver:
            self.file_id.message_post(
                body=_(
                    "%(document)s approved by %(user)s.",
                    document=self.display_name,
                    user=approver.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._on_document_approved()

    def _on_document_approved(self):
        """Called once per approved document (archive it, share it...). Empty here."""
        self.ensure_one()

    def _reject(self, reason):
        """Reject the document with ``reason``; its step follows the circuit's rejection
        rule (back to a step, message to the customer)."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the rejection."))
        self._check_to_check()
        self.write({"state": "rejected", "rejection_reason": reason})
        self._close_activity(_("Rejected: %s", reason))

    def _replace_by(self, new_document):
        """A newer document of the same type replaces these: they are archived, and an
        approved one re-opens its step."""
        approved = self.filtered(lambda doc: doc.state == "approved")
        self._close_activity(_("Replaced by %s", new_document.display_name))
        self.write({"active": False})
        for document in approved:
            document.file_step_id._reopen(
                _(
                    "%(old)s replaced by %(new)s.",
                    old=document.display_name,
                    new=new_document.display_name,
                )
            )

    def _on_content_changed(self, reason):
        """The file of an approved document changed: back to check, its step re-opens."""
        for document in self.filtered(lambda doc: doc.state == "approved"):
            if document.checksum and document.checksum == document._compute_checksum():
                continue
            document.write({"state": "to_check", "approved_by_id": False, "date_approved": False})
            document.file_step_id._reopen(
                _(
                    "%(document)s changed (%(reason)s).",
                    document=document.display_name,
                    reason=reason,
                )
            )
            if document.file_step_id.state == "open":
                document._schedule_check_activity()

    def _compute_checksum(self):
        self.ensure_one()
        # sudo: the fingerprint of the document's own file
        raw = self.attachment_id.sudo().raw or b""
        return hashlib.sha256(raw).hexdigest()

    def _schedule_check_activity(self):
        self.ensure_one()
        step = self.file_step_id
        if not step.verifier_user_id or step.state != "open":
            return
        self.activity_id = self.file_id.activity_schedule(
            "receivable_automation.mail_activity_type_client_file_check",
            date_deadline=step.date_deadline or fields.Date.context_today(self),
            summary=_("Check %s", self.display_name),
            user_id=step.verifier_user_id.id,
        )

    def _close_activity(self, feedback):
        activities = self.activity_id.exists()
        if activities:
            activities.action_feedback(feedback=feedback)
