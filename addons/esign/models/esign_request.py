import base64
import logging
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from ..tools import (
    build_certificate_pdf,
    build_signed_pdf,
    extract_request_uuids,
    mask_email,
    mask_phone,
    sha256_hex,
)

_logger = logging.getLogger(__name__)

# written by the signing process only, never through the user interface or RPC
PROTECTED_FIELDS = {
    "state",
    "uuid",
    "signed_pdf",
    "signed_filename",
    "signed_sha256",
    "date_sent",
    "date_completed",
    "log_head_hash",
    "refusal_reason",
}

HOOKS = {
    "completed": "_esign_on_completed",
    "refused": "_esign_on_refused",
    "expired": "_esign_on_expired",
}


class EsignRequest(models.Model):
    _name = "esign.request"
    _description = "Signature Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    def _default_uuid(self):
        return secrets.token_hex(16)

    name = fields.Char(
        "Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
    )
    subject = fields.Char("Document", required=True, tracking=True)
    uuid = fields.Char(
        "Verification Key",
        default=lambda self: self._default_uuid(),
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        "Sender",
        default=lambda self: self.env.user,
        required=True,
        tracking=True,
        help="Told when a code cannot be sent, the request is refused, expires or completes.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Waiting for Signatures"),
            ("completed", "Signed"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
            ("expired", "Expired"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    res_model = fields.Char("Linked Model", index=True, readonly=True)
    res_id = fields.Many2oneReference("Linked Record", model_field="res_model", readonly=True)
    res_name = fields.Char("Linked To", compute="_compute_res_name")
    original_pdf = fields.Binary("Document to Sign", attachment=True, copy=False)
    original_filename = fields.Char()
    original_sha256 = fields.Char(
        "Original Fingerprint (SHA-256)",
        compute="_compute_original_sha256",
        store=True,
        readonly=True,
        copy=False,
    )
    signed_pdf = fields.Binary("Signed Document", attachment=True, readonly=True, copy=False)
    signed_filename = fields.Char(readonly=True, copy=False)
    signed_sha256 = fields.Char(
        "Signed Fingerprint (SHA-256)", readonly=True, copy=False, index=True
    )
    date_validity = fields.Date(
        "Valid Until",
        tracking=True,
        help="After this date the document can no longer be signed.",
    )
    date_sent = fields.Datetime("Sent On", readonly=True, copy=False)
    date_completed = fields.Datetime("Signed On", readonly=True, copy=False)
    message = fields.Html("Message to Signers", sanitize=True)
    signer_ids = fields.One2many("esign.signer", "request_id", "Signers", copy=True)
    log_ids = fields.One2many("esign.log", "request_id", "Evidence Log", readonly=True)
    log_head_hash = fields.Char(readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False)
    signer_count = fields.Integer(compute="_compute_signer_progress")
    signed_count = fields.Integer(compute="_compute_signer_progress")

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for request in self:
            record = request._get_linked_record()
            request.res_name = record.display_name if record else False

    @api.depends("original_pdf")
    def _compute_original_sha256(self):
        for request in self:
            data = request.with_context(bin_size=False).original_pdf
            request.original_sha256 = sha256_hex(base64.b64decode(data)) if data else False

    @api.depends("signer_ids.state")
    def _compute_signer_progress(self):
        for request in self:
            request.signer_count = len(request.signer_ids)
            request.signed_count = len(request.signer_ids.filtered(lambda s: s.state == "signed"))

    @api.constrains("original_pdf")
    def _check_original_pdf(self):
        for request in self.with_context(bin_size=False):
            if request.original_pdf and not base64.b64decode(request.original_pdf).startswith(
                b"%PDF"
            ):
                raise ValidationError(_("The document to sign must be a PDF file."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_protected_fields(vals)
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("esign.request") or _("New")
        requests = super().create(vals_list)
        for request in requests:
            request._log("created", data_hash=request.original_sha256)
        return requests

    def write(self, vals):
        self._check_protected_fields(vals)
        if "original_pdf" in vals and any(request.state != "draft" for request in self):
            raise UserError(_("The document cannot be changed once it has been sent."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        if self:
            raise UserError(
                _("Signature requests are kept as evidence and cannot be deleted: cancel them.")
            )

    def _check_protected_fields(self, vals):
        if not self.env.su and PROTECTED_FIELDS & set(vals):
            raise AccessError(_("The status and the evidence are set by the signing process."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send(self):
        for request in self:
            request._check_can_send()
        for request in self:
            # sudo: the status is protected from direct writes; checked just above
            request.sudo().write({"state": "sent", "date_sent": fields.Datetime.now()})
            request._log("sent", data_hash=request.original_sha256)
            request.signer_ids.filtered(lambda s: s.state == "draft").sudo().write(
                {"state": "waiting"}
            )
            request._invite_next_signers()
        return True

    def action_cancel(self):
        for request in self:
            if request.state not in ("draft", "sent"):
                raise UserError(_("Only a draft or pending request can be cancelled."))
        for request in self:
            # sudo: the status is protected from direct writes
            request.sudo().state = "cancelled"
            signers = request.signer_ids.filtered(lambda s: s.state != "signed")
            signers.sudo().write({"state": "cancelled"})
            request.signer_ids._rotate_token(expire=True)
            request._log("cancelled")
            request.message_post(body=_("The signature request was cancelled."))
        return True

    def action_view_linked_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_check_integrity(self):
        self.ensure_one()
        result = self._verify_integrity()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Evidence check"),
                "message": result["message"],
                "type": {"intact": "success", "unverifiable": "warning"}.get(
                    result["status"], "danger"
                ),
                "sticky": result["status"] != "intact",
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _log(self, event, signer=None, description=None, data_hash=None, http=None):
        self.ensure_one()
        return self.env["esign.log"]._append(
            self,
            event,
            signer=signer,
            description=description,
            data_hash=data_hash,
            http=http,
        )

    def _get_linked_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        return record or None

    def _check_can_send(self):
        """Raise a ``UserError`` saying what is missing to send the request."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("The request %s has already been sent.", self.name))
        if not self.original_pdf:
            raise UserError(_("Add the PDF document to sign before sending %s.", self.name))
        if not self.signer_ids:
            raise UserError(_("Add at least one signer before sending %s.", self.name))
        if self.date_validity and self.date_validity < fields.Date.context_today(self):
            raise UserError(_("The validity date of %s is in the past.", self.name))
        for signer in self.signer_ids:
            signer._check_can_be_invited()

    def _get_current_rank(self):
        """Lowest order among the signers who have not signed yet (``None`` when all did)."""
        self.ensure_one()
        pending = self.signer_ids.filtered(lambda s: s.state in ("waiting", "sent"))
        return min(pending.mapped("sequence")) if pending else None

    def _invite_next_signers(self):
        self.ensure_one()
        rank = self._get_current_rank()
        if rank is None:
            return self.env["esign.signer"]
        signers = self.signer_ids.filtered(lambda s: s.sequence == rank and s.state == "waiting")
        signers._send_invitation()
        return signers

    def _on_signer_signed(self, signer):
        self.ensure_one()
        if all(s.state == "signed" for s in self.signer_ids):
            self._complete()
        else:
            self._invite_next_signers()

    def _on_signer_refused(self, signer, reason):
        self.ensure_one()
        # sudo: the status is protected from direct writes
        self.sudo().write({"state": "refused", "refusal_reason": reason})
        self.signer_ids.filtered(lambda s: s.state in ("waiting", "sent")).sudo().write(
            {"state": "cancelled"}
        )
        self.signer_ids.filtered(lambda s: s != signer)._rotate_token(expire=True)
        body = _("%(signer)s refused to sign: %(reason)s", signer=signer.name, reason=reason)
        self._notify_sender(body)
        self._post_on_linked_record(body)
        self._call_linked_hook("refused")

    def _complete(self):
        """All signers signed: build the final PDF, record its fingerprint, tell the record."""
        self.ensure_one()
        final_pdf = self._build_signed_pdf()
        final_sha256 = sha256_hex(final_pdf)
        filename = (self.original_filename or f"{self.subject}.pdf").rsplit(".pdf", 1)[0]
        # sudo: the status and the signed document are protected from direct writes
        self.sudo().write(
            {
                "state": "completed",
                "date_completed": fields.Datetime.now(),
                "signed_pdf": base64.b64encode(final_pdf),
                "signed_filename": _("%s - signed.pdf", filename),
                "signed_sha256": final_sha256,
            }
        )
        self._log("completed", data_hash=final_sha256)
        body = _("The document %(doc)s has been signed by all signers.", doc=self.subject)
        attachment = self._make_signed_attachment(final_pdf)
        self.message_post(body=body, attachment_ids=attachment.ids)
        self._post_on_linked_record(body, final_pdf)
        self._call_linked_hook("completed")

    def _make_signed_attachment(self, pdf):
        return self.env["ir.attachment"].create(
            {
                "name": self.signed_filename,
                "datas": base64.b64encode(pdf),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _post_on_linked_record(self, body, pdf=None):
        record = self._get_linked_record()
        if record is None or not hasattr(record, "message_post"):
            return
        attachments = []
        if pdf:
            attachments = [(self.signed_filename, pdf)]
        # sudo: the linked record is told whatever the rights of the signer who triggered it;
        # from the public signing page, by the system rather than by "Public user"
        author = (
            self.env.ref("base.partner_root") if self.env.user.share else self.env.user.partner_id
        )
        record.sudo().message_post(body=body, attachments=attachments, author_id=author.id)

    def _call_linked_hook(self, event):
        """Call ``_esign_on_<event>(request)`` on the linked record when its model has it."""
        record = self._get_linked_record()
        method = HOOKS[event]
        if record is not None and hasattr(record, method):
            getattr(record, method)(self)

    def _notify_sender(self, body, activity=False):
        self.ensure_one()
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        if activity:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=body[:100],
            )

    def _build_signed_pdf(self):
        self.ensure_one()
        original = base64.b64decode(self.with_context(bin_size=False).original_pdf)
        stamps = [signer._prepare_stamp_values() for signer in self.signer_ids]
        certificate = build_certificate_pdf(self._prepare_certificate_values())
        return build_signed_pdf(original, stamps, certificate, self.uuid)

    def _get_signed_pdf_bytes(self):
        self.ensure_one()
        # sudo: also served to the signer on the public page, whose token was checked
        data = self.sudo().with_context(bin_size=False).signed_pdf
        return base64.b64decode(data) if data else b""

    def _get_verify_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/esign/verify/{self.uuid}"

    def _format_utc(self, value):
        return f"{format_datetime(self.env, value, tz='UTC', dt_format='yyyy-MM-dd HH:mm:ss')} UTC"

    def _prepare_certificate_values(self):
        self.ensure_one()
        signers = []
        for signer in self.signer_ids.sorted(lambda s: (s.sequence, s.id)):
            logs = self.log_ids.filtered(lambda entry, signer=signer: entry.signer_id == signer)
            checks = logs.filtered(lambda e: e.event in ("code_ok", "code_wrong", "code_expired"))
            signers.append(
                [
                    (_("Signer"), f"{signer.name} ({signer._get_role_label()})"),
                    (_("E-mail"), mask_email(signer.email)),
                    (_("Mobile (code sent to)"), mask_phone(signer.mobile)),
                    (_("Signed at"), self._format_utc(signer.signed_date)),
                    (_("IP address"), signer.signed_ip or ""),
                    (_("User agent"), (signer.signed_user_agent or "")[:100]),
                    (
                        _("Code checks"),
                        _(
                            "%(sent)s code(s) sent, %(wrong)s wrong, %(right)s right",
                            sent=len(logs.filtered(lambda e: e.event == "code_sent")),
                            wrong=len(checks.filtered(lambda e: e.event != "code_ok")),
                            right=len(checks.filtered(lambda e: e.event == "code_ok")),
                        ),
                    ),
                ]
            )
        event_labels = dict(self.env["esign.log"]._fields["event"]._description_selection(self.env))
        events = [
            f"{self._format_utc(entry.event_date)}  {event_labels.get(entry.event, entry.event)}"
            f"  {entry.signer_id.name or ''}  {entry.ip_address or ''}"
            for entry in self.log_ids.sorted(lambda e: (e.sequence, e.id))
        ]
        return {
            "title": _("Certificate of electronic signature"),
            "rows": [
                (_("Reference"), self.name),
                (_("Document"), self.subject),
                (_("Sent by"), f"{self.company_id.name} - {self.user_id.name}"),
                (_("Sent at"), self._format_utc(self.date_sent)),
                (_("Original document SHA-256"), self.original_sha256),
                (_("Evidence chain head"), self.log_head_hash or ""),
                (_("Signature method"), self._get_signature_method_label()),
            ],
            "signers": signers,
            "events": events,
            "labels": {
                "events": _("Evidence log"),
                "verify": _(
                    "Check this document: scan the QR code or upload it on the page below. "
                    "The fingerprint of the signed file is kept by the sender."
                ),
            },
            "verify_url": self._get_verify_url(),
            "request_uuid": self.uuid,
        }

    def _get_signature_method_label(self):
        self.ensure_one()
        label = _("Simple electronic signature, code sent by SMS")
        if any("TEST MODE" in (entry.description or "") for entry in self.log_ids):
            label = _("TEST MODE, no legal value: codes were not sent by SMS")
        return label

    def _verify_integrity(self, pdf_bytes=None):
        """Check the evidence of this request and, if given, that ``pdf_bytes`` is its document.

        The fingerprint of the signed document is taken from the sealed "completed" entry, not
        from a field a database administrator could change.

        :return: dict with ``status`` (``intact``, ``altered`` or ``unverifiable``) and a
            ``message``
        """
        self.ensure_one()
        # sudo: the check reads the whole chain, whoever asks (the result holds no personal data)
        request_sudo = self.sudo()
        logs_sudo = request_sudo.log_ids
        chain = logs_sudo._verify_chain()
        head = logs_sudo.sorted(lambda e: (e.sequence, e.id))[-1:].entry_hash
        completed = logs_sudo.filtered(lambda e: e.event == "completed")[-1:]
        altered = chain["status"] == "altered" or (head or False) != (
            request_sudo.log_head_hash or False
        )
        if request_sudo.state == "completed":
            altered = altered or completed.data_hash != request_sudo.signed_sha256
        if altered:
            return {
                "status": "altered",
                "message": _("The evidence log of %s has been altered.", self.name),
            }
        if pdf_bytes is not None:
            if request_sudo.state != "completed" or sha256_hex(pdf_bytes) != completed.data_hash:
                return {
                    "status": "altered",
                    "message": _(
                        "This file is not the document signed under %s: it has been altered.",
                        self.name,
                    ),
                }
        if chain["status"] == "unverifiable":
            if chain["reason"] == "legacy":
                message = _(
                    "The evidence of %s was recorded before this server sealed evidence with "
                    "a key: its chain is consistent, but it cannot prove that it was not "
                    "rewritten.",
                    self.name,
                )
            else:
                message = _(
                    "The evidence of %s was sealed with another evidence key than this "
                    "server's: restore the evidence key of this database to verify it.",
                    self.name,
                )
            return {"status": "unverifiable", "message": message}
        return {
            "status": "intact",
            "message": _("The document and the evidence of %s are intact.", self.name),
        }

    @api.model
    def _find_for_verification(self, pdf_bytes):
        """Request a PDF belongs to, by its fingerprint or its embedded key."""
        digest = sha256_hex(pdf_bytes)
        request = self.search([("signed_sha256", "=", digest)], limit=1)
        if not request:
            keys = extract_request_uuids(pdf_bytes)
            request = keys and self.search([("uuid", "in", keys)], limit=1)
        return request or self.browse()

    @api.model
    def _seal_draft_legacy_evidence(self):
        """Seal with the evidence key the logs made before evidence keys existed, for the
        requests still in draft (nothing signed on them yet). The evidence of requests already
        sent is left as it was and reported as recorded before the key."""
        requests = self.search([("state", "=", "draft"), ("log_ids.key_id", "=", False)])
        for request in requests:
            # sudo: the head of the chain is protected from direct writes
            request.sudo().log_head_hash = request.log_ids._seal_legacy_entries()
        return requests

    @api.model
    def _cron_expire_requests(self):
        today = fields.Date.context_today(self)
        requests = self.search([("state", "=", "sent"), ("date_validity", "<", today)])
        for request in requests:
            request._expire()
        return requests

    def _expire(self):
        self.ensure_one()
        # sudo: the status is protected from direct writes
        self.sudo().state = "expired"
        self.signer_ids.filtered(lambda s: s.state in ("waiting", "sent")).sudo().write(
            {"state": "cancelled"}
        )
        self.signer_ids._rotate_token(expire=True)
        self._log("expired")
        body = _("The signature request %s expired before being signed.", self.name)
        self._notify_sender(body)
        self._post_on_linked_record(body)
        self._call_linked_hook("expired")

    @api.model
    def _cron_send_reminders(self):
        # sudo: system parameters are readable by administrators only
        params = self.env["ir.config_parameter"].sudo()
        interval = int(params.get_param("esign.reminder_interval_days", 3) or 0)
        if interval <= 0:
            return self.env["esign.signer"]
        limit = fields.Datetime.now() - timedelta(days=interval)
        signers = self.env["esign.signer"].search(
            [
                ("state", "=", "sent"),
                ("request_id.state", "=", "sent"),
                ("last_notification_date", "<=", limit),
            ]
        )
        signers._send_invitation(reminder=True)
        return signers
