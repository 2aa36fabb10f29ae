import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import consteq, email_normalize

from odoo.addons.esign.tools import keyed_hash, mask_email

CODE_VALIDITY_MINUTES = 10
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
TOKEN_MAX_LENGTH = 128
SHARE_ROUTE = "/receivable/share"


class ReceivableShareLink(models.Model):
    """A link that lets a customer or a third party (auditor, lawyer) download chosen documents
    without an account: it expires, can be revoked, can ask for a code sent to the recipient's
    e-mail, and every visit and download is logged."""

    _name = "receivable.share.link"
    _description = "Share Link"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    _sql_constraints = [
        ("access_token_unique", "UNIQUE(access_token)", "Two share links cannot have one token."),
    ]

    # set by the system only (sudo), never by a user's write
    _PROTECTED_FIELDS = frozenset(
        {
            "access_token",
            "user_id",
            "sent_on",
            "revoked_on",
            "revoked_by_id",
            "code_hash",
            "code_salt",
            "code_expiry",
            "code_attempts",
            "code_last_sent",
            "code_locked",
        }
    )

    def _default_date_expiry(self):
        days = self.env.company.receivable_share_days or 14
        return fields.Date.context_today(self) + timedelta(days=days)

    name = fields.Char(
        "Subject", required=True, tracking=True, help="What the recipient reads in the e-mail."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        "Shared By",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Contact",
        check_company=True,
        help="The customer contact the documents are for, when the recipient is one.",
    )
    recipient_name = fields.Char(tracking=True)
    recipient_email = fields.Char(required=True, tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "receivable_share_link_attachment_rel",
        "link_id",
        "attachment_id",
        string="Documents",
    )
    note = fields.Text("Message", help="Added to the e-mail that carries the link.")
    date_expiry = fields.Date(
        "Valid Until",
        required=True,
        tracking=True,
        default=lambda self: self._default_date_expiry(),
    )
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
        search="_search_state",
    )
    access_token = fields.Char(readonly=True, copy=False, index=True)
    share_url = fields.Char("Link", compute="_compute_share_url")
    require_code = fields.Boolean(
        "Ask for a Code",
        tracking=True,
        help="Before the documents show, the recipient asks for a code sent to its e-mail "
        "address and types it; the access lasts for its browser session.",
    )
    sent_on = fields.Datetime(readonly=True, copy=False)
    revoked_on = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    res_model = fields.Char("Shared From Model", readonly=True, index=True)
    res_id = fields.Many2oneReference("Shared From ID", model_field="res_model", readonly=True)
    source_name = fields.Char("Shared From", compute="_compute_source_name")
    code_hash = fields.Char(copy=False, groups="base.group_system")
    code_salt = fields.Char(copy=False, groups="base.group_system")
    code_expiry = fields.Datetime(copy=False, readonly=True)
    code_attempts = fields.Integer("Wrong Codes", copy=False, readonly=True)
    code_last_sent = fields.Datetime("Last Code Sent", copy=False, readonly=True)
    code_locked = fields.Boolean(
        "Locked",
        copy=False,
        readonly=True,
        help="Too many wrong codes: nobody can open the link until it is unlocked.",
    )
    log_ids = fields.One2many("receivable.share.log", "link_id", readonly=True)
    download_count = fields.Integer("Downloads", compute="_compute_download_count")

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------

    @api.depends("revoked_on", "date_expiry")
    @api.depends_context("tz")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for link in self:
            if link.revoked_on:
                link.state = "revoked"
            elif link.date_expiry and link.date_expiry < today:
                link.state = "expired"
            else:
                link.state = "active"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the status of share links."))
        values = {value} if isinstance(value, str) else set(value or ())
        if operator in ("!=", "not in"):
            values = {"active", "expired", "revoked"} - values
        today = fields.Date.context_today(self)
        domains = {
            "revoked": [("revoked_on", "!=", False)],
            "expired": [("revoked_on", "=", False), ("date_expiry", "<", today)],
            "active": [("revoked_on", "=", False), ("date_expiry", ">=", today)],
        }
        chosen = [domains[state] for state in sorted(values & set(domains))]
        return expression.OR(chosen) if chosen else expression.FALSE_DOMAIN

    @api.depends("access_token", "partner_id.lang")
    def _compute_share_url(self):
        for link in self:
            lang_prefix = (
                link.partner_id._get_receivable_url_lang_prefix() if link.partner_id else ""
            )
            link.share_url = (
                f"{link.get_base_url()}{lang_prefix}{SHARE_ROUTE}/{link.access_token}"
                if link.access_token
                else False
            )

    @api.depends("res_model", "res_id")
    def _compute_source_name(self):
        for link in self:
            source = link._get_source()
            link.source_name = source.display_name if source and source.has_access("read") else ""

    def _compute_download_count(self):
        counts = dict(
            self.env["receivable.share.log"]._read_group(
                [("link_id", "in", self.ids), ("event", "=", "download")],
                ["link_id"],
                ["__count"],
            )
        )
        for link in self:
            link.download_count = counts.get(link, 0)

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.constrains("recipient_email")
    def _check_recipient_email(self):
        for link in self:
            if not email_normalize(link.recipient_email or ""):
                raise ValidationError(
                    _("%s is not a valid e-mail address.", link.recipient_email or "")
                )

    @api.constrains("attachment_ids")
    def _check_attachment_ids(self):
        # sudo: only the kind of each file is read, to refuse what is not a stored file
        for link in self.sudo():
            if not link.attachment_ids:
                raise ValidationError(_("Choose at least one document to share."))
            not_files = link.attachment_ids.filtered(
                lambda attachment: attachment.type != "binary" or attachment.res_field
            )
            if not_files:
                raise ValidationError(
                    _(
                        "Only stored files can be shared: %s",
                        ", ".join(not_files.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------------------------------

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.recipient_name = self.partner_id.name
            self.recipient_email = self.partner_id.email

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(self._PROTECTED_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(
                _("The token, the code and the status of a link are set by the system.")
            )
        for vals in vals_list:
            vals["access_token"] = self._generate_token()
            if vals.get("recipient_email"):
                vals["recipient_email"] = vals["recipient_email"].strip()
        links = super().create(vals_list)
        links._check_attachment_ids()
        if not self.env.su:
            if links.filtered(lambda link: link.user_id != self.env.user):
                raise AccessError(_("A share link is always shared by the one who creates it."))
            # sudo: the full list of documents, also those the user cannot read (checked next)
            links._check_share_access(links.sudo().attachment_ids)
            for link in links:
                source = link._get_source()
                if source:
                    source.check_access("read")
                if link.date_expiry < fields.Date.context_today(link):
                    raise ValidationError(_("A link must be valid until today at least."))
        return links

    def write(self, vals):
        if not self.env.su and self._PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                _("The token, the code and the status of a link are set by the system.")
            )
        if not self.env.su and {"company_id", "res_model", "res_id"}.intersection(vals):
            raise AccessError(_("The company and the origin of a share link cannot be changed."))
        if vals.get("recipient_email"):
            vals["recipient_email"] = vals["recipient_email"].strip()
        # sudo: the full lists of documents before and after, to check only the added ones
        before = self.sudo().attachment_ids if "attachment_ids" in vals else None
        result = super().write(vals)
        if before is not None and not self.env.su:
            self._check_share_access(self.sudo().attachment_ids - before)
        return result

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_send(self):
        """E-mail the link to its recipient (queued)."""
        inactive = self.filtered(lambda link: link.state != "active")
        if inactive:
            raise UserError(
                _(
                    "The link %s is expired or revoked: extend it or create a new one.",
                    inactive[0].name,
                )
            )
        template = self.env.ref("receivable_automation.mail_template_share_link")
        for link in self:
            # the link opens the documents: the e-mail is attached to no record (no chatter
            # shows it), from the company, and deleted once sent
            template.with_context(
                share_url=link.share_url,
                share_documents=link.sudo().attachment_ids.mapped("name"),
            ).send_mail(
                link.id,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "auto_delete": True,
                    "author_id": link.company_id.partner_id.id,
                },
            )
            # sudo: the date of sending is set by the system only
            link.sudo().sent_on = fields.Datetime.now()
            link._log("sent", description=mask_email(link.recipient_email))
            note = _(
                "Link sent to %(name)s (%(email)s), valid until %(date)s.",
                name=link.recipient_name or link.recipient_email,
                email=mask_email(link.recipient_email),
                date=link.date_expiry,
            )
            link._message_log(body=note)
            source = link._get_source()
            if source and hasattr(source, "_message_log"):
                source._message_log(
                    body=_(
                        "Documents shared with %(name)s until %(date)s: %(documents)s",
                        name=link.recipient_name or mask_email(link.recipient_email),
                        date=link.date_expiry,
                        documents=", ".join(link.sudo().attachment_ids.mapped("name")),
                    )
                )
        return True

    def action_revoke(self):
        """The link stops working at once; logged."""
        for link in self.filtered(lambda link: not link.revoked_on):
            # sudo: the status of a link is set by the system only
            link.sudo().write({"revoked_on": fields.Datetime.now(), "revoked_by_id": self.env.uid})
            link._log("revoked")
            link._message_log(body=_("Link revoked by %s.", self.env.user.name))
        return True

    def action_extend(self):
        """The link works for the company's validity again, from today or its current end."""
        if self.filtered("revoked_on"):
            raise UserError(_("A revoked link cannot be extended: create a new one."))
        today = fields.Date.context_today(self)
        for link in self:
            days = link.company_id.receivable_share_days or 14
            link.date_expiry = max(today, link.date_expiry) + timedelta(days=days)
            link._log("extended", description=str(link.date_expiry))
        return True

    def action_unlock(self):
        """After too many wrong codes: the recipient may ask for a code again."""
        for link in self.filtered("code_locked"):
            # sudo: the code fields are set by the system only
            link.sudo().write({"code_locked": False, "code_attempts": 0})
            link._log("unlocked")
            link._message_log(body=_("Link unlocked by %s.", self.env.user.name))
        return True

    def action_open_source(self):
        self.ensure_one()
        source = self._get_source()
        if not source:
            raise UserError(_("This link was not shared from a record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": source._name,
            "res_id": source.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _generate_token(self):
        return secrets.token_urlsafe(32)

    def _get_source(self):
        """The record the documents were shared from, if any and still there."""
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def _check_share_access(self, attachments):
        """Whoever shares must be allowed to read each document and the record it belongs to."""
        for attachment in attachments:
            try:
                attachment.with_env(self.env).check("read")
            except AccessError as error:
                raise AccessError(
                    _(
                        "You cannot share %s: you are not allowed to read it or the record it "
                        "belongs to.",
                        attachment.sudo().name,
                    )
                ) from error

    def _log(self, event, attachment=None, http=None, description=None):
        self.ensure_one()
        return self.env["receivable.share.log"]._append(
            self, event, attachment=attachment, http=http, description=description
        )

    @api.model
    def _get_by_token(self, token):
        """The link of ``token`` (looked up by index, compared in constant time), or nothing.
        Called by the public pages in sudo; says nothing about why a token does not match."""
        if not isinstance(token, str) or not token.isascii() or not 0 < len(token) <= 128:
            return self.browse()
        link = self.search([("access_token", "=", token)], limit=1)
        if not link or not consteq(link.access_token, token):
            return self.browse()
        return link

    def _get_shared_attachments(self):
        """The documents the recipient may download, by name."""
        self.ensure_one()
        # sudo: the recipient is a public user; the link says which documents it may read
        return self.sudo().attachment_ids.sorted(
            lambda attachment: (attachment.name or "", attachment.id)
        )

    def _get_session_proof(self, session_id):
        """What a browser session keeps once the right code was typed: bound to this link's
        token and to the session, keyed by the evidence secret (outside the database)."""
        self.ensure_one()
        key = self.env["esign.log"]._get_evidence_key()
        # sudo: the token is read to bind the proof to it, never shown
        token = self.sudo().access_token
        return keyed_hash(key, f"receivable share session:{self.id}:{token}:{session_id}".encode())

    def _generate_code(self):
        """Six random digits (overridden in tests to get a known code)."""
        return f"{secrets.randbelow(10**6):06d}"

    def _hash_code(self, code, salt):
        """Keyed by the evidence secret, outside the database: the stored hash and salt do not
        let a database administrator find the code."""
        key = self.env["esign.log"]._get_evidence_key()
        return keyed_hash(key, f"receivable share code:{self.id}:{salt}:{code}".encode())

    def _get_locked_message(self):
        return _("Too many wrong codes: this link is locked. Ask the sender to unlock it.")

    def _send_code(self, http=None):
        """E-mail a new code to the recipient. Return an error message, or ``False``."""
        self.ensure_one()
        # sudo: the code fields are readable and writable by the system only
        link_sudo = self.sudo()
        if link_sudo.code_locked:
            self._log("code_refused", http=http, description="locked")
            return self._get_locked_message()
        now = fields.Datetime.now()
        ready_at = link_sudo.code_last_sent and link_sudo.code_last_sent + timedelta(
            seconds=CODE_RESEND_SECONDS
        )
        if ready_at and ready_at > now:
            self._log("code_refused", http=http, description="too soon")
            wait = int((ready_at - now).total_seconds()) + 1
            return _("Please wait %s seconds before asking for a new code.", wait)
        code = self._generate_code()
        salt = secrets.token_hex(16)
        link_sudo.write(
            {
                "code_hash": self._hash_code(code, salt),
                "code_salt": salt,
                "code_expiry": now + timedelta(minutes=CODE_VALIDITY_MINUTES),
                "code_last_sent": now,
            }
        )
        self._send_code_mail(code)
        self._log("code_sent", http=http, description=mask_email(self.recipient_email))
        return False

    def _send_code_mail(self, code):
        template = self.env.ref("receivable_automation.mail_template_share_code")
        # sudo: the recipient is a public user; the e-mail holds the live code, so it is
        # attached to no record and deleted once sent
        template.sudo().with_context(
            share_code=code, share_minutes=CODE_VALIDITY_MINUTES
        ).send_mail(
            self.id,
            force_send=True,
            email_layout_xmlid="mail.mail_notification_light",
            email_values={
                "model": False,
                "res_id": False,
                "auto_delete": True,
                "author_id": self.company_id.partner_id.id,
            },
        )

    def _check_code(self, code, http=None):
        """Check the code the recipient typed. Return an error message, or ``False`` when it is
        right (the code is then spent)."""
        self.ensure_one()
        # sudo: the code fields are readable and writable by the system only
        link_sudo = self.sudo()
        if link_sudo.code_locked:
            return self._get_locked_message()
        if not link_sudo.code_hash:
            return _("Ask for a code first (a code is used once).")
        if link_sudo.code_expiry <= fields.Datetime.now():
            link_sudo.write({"code_hash": False, "code_salt": False, "code_expiry": False})
            self._log("code_failed", http=http, description="expired")
            return _("This code has expired. Ask for a new one.")
        code = code.strip() if isinstance(code, str) else ""
        candidate = self._hash_code(code[:16], link_sudo.code_salt)
        if not consteq(candidate, link_sudo.code_hash):
            attempts = link_sudo.code_attempts + 1
            values = {"code_attempts": attempts}
            if attempts >= CODE_MAX_ATTEMPTS:
                values.update(code_locked=True, code_hash=False, code_salt=False)
            link_sudo.write(values)
            self._log("code_failed", http=http, description="wrong")
            if attempts >= CODE_MAX_ATTEMPTS:
                self._log("locked", http=http)
                self._notify_locked()
                return self._get_locked_message()
            return _("Wrong code. %s tries left.", CODE_MAX_ATTEMPTS - attempts)
        link_sudo.write(
            {"code_hash": False, "code_salt": False, "code_expiry": False, "code_attempts": 0}
        )
        self._log("code_ok", http=http)
        return False

    def _notify_locked(self):
        """Tell the one who shared that the link is locked after too many wrong codes."""
        self.ensure_one()
        # sudo: posted from a public page; the message is built by the server
        self.sudo().message_post(
            body=_(
                "%s wrong codes were typed: the link is locked. Unlock it if the recipient "
                "asks for it.",
                CODE_MAX_ATTEMPTS,
            ),
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
            author_id=self.company_id.partner_id.id,
        )
