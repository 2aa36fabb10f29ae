import mimetypes
import re
import secrets
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.mimetypes import guess_mimetype

# what secrets.token_urlsafe(32) makes; anything else is not a token
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
UPLOAD_ROUTE = "/my/client-file/upload"
# files Odoo recognises by their content only as text: any readable text is accepted for them
TEXT_MIMETYPES = ("text/plain", "text/csv")


class ReceivableClientFileUploadLink(models.Model):
    """A link e-mailed to the customer, opening without a login a page where the documents a
    collecting step still misses are uploaded. It expires, and a newer link of the same step
    revokes it."""

    _name = "receivable.client.file.upload.link"
    _description = "Client File Upload Link"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    file_step_id = fields.Many2one(
        "receivable.client.file.step",
        "Step",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    file_id = fields.Many2one(related="file_step_id.file_id", store=True, index=True)
    company_id = fields.Many2one(related="file_step_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Recipient",
        required=True,
        readonly=True,
        help="The customer's contact who received the link.",
    )
    # the secret of the link: readable by administrators only, compared in constant time
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
    )
    date_expiry = fields.Datetime("Valid Until", required=True, readonly=True)
    revoked = fields.Boolean(readonly=True, copy=False)
    date_revoked = fields.Datetime("Revoked On", readonly=True, copy=False)
    last_opened = fields.Datetime(readonly=True, copy=False)
    document_ids = fields.One2many(
        "receivable.client.file.document", "upload_link_id", "Uploaded Documents", readonly=True
    )
    upload_count = fields.Integer("Uploads", compute="_compute_upload_count")
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
    )

    _sql_constraints = [("token_unique", "UNIQUE(token)", "An upload link's token is unique.")]

    @api.depends("document_ids")
    def _compute_upload_count(self):
        for link in self:
            link.upload_count = len(link.with_context(active_test=False).document_ids)

    @api.depends("date_expiry", "revoked")
    def _compute_state(self):
        now = fields.Datetime.now()
        for link in self:
            if link.revoked:
                link.state = "revoked"
            elif link.date_expiry <= now:
                link.state = "expired"
            else:
                link.state = "valid"

    @api.depends("partner_id", "file_step_id")
    def _compute_display_name(self):
        for link in self:
            link.display_name = _(
                "Upload link of %(step)s for %(recipient)s",
                step=link.file_step_id.name,
                recipient=link.partner_id.name,
            )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_revoke(self):
        self._revoke()
        for link in self:
            link.file_id.message_post(
                body=_(
                    "Upload link sent to %(recipient)s revoked by %(user)s.",
                    recipient=link.partner_id.name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _prepare_link_values(self, step):
        days = step.company_id.receivable_upload_link_days or 14
        return {
            "file_step_id": step.id,
            "partner_id": step.file_id._get_customer_contact().id,
            "date_expiry": fields.Datetime.now() + timedelta(days=days),
        }

    @api.model
    def _find_valid(self, token):
        """The valid link behind ``token``, or an empty recordset: an unknown, expired or
        revoked token gives the same answer."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.browse()
        # sudo: the customer holding the link is a public user; the token is its only right
        link = self.sudo().search([("token", "=", token)], limit=1)
        if not link or not consteq(link.token, token) or link.state != "valid":
            return self.browse()
        return link

    def _get_url(self):
        self.ensure_one()
        # sudo: the token is readable by administrators only; it goes into the customer's mail
        lang_prefix = self.partner_id._get_receivable_url_lang_prefix() if self.partner_id else ""
        return f"{self.company_id.get_base_url()}{lang_prefix}{UPLOAD_ROUTE}/{self.sudo().token}"

    def _revoke(self):
        self.filtered(lambda link: not link.revoked).write(
            {"revoked": True, "date_revoked": fields.Datetime.now()}
        )

    def _send(self):
        """E-mail the link to its recipient. The link is personal: the mail is attached to no
        record (no chatter shows it) and deleted once sent; the file gets a note without it."""
        template = self.env.ref("receivable_automation.mail_template_client_file_upload_link")
        for link in self:
            template.send_mail(
                link.id,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "auto_delete": True,
                    "author_id": link.company_id.partner_id.id,
                },
            )
            link.file_id.message_post(
                body=_(
                    "Upload link for step %(step)s sent to %(recipient)s (%(email)s), valid "
                    "until %(date)s.",
                    step=link.file_step_id.name,
                    recipient=link.partner_id.name,
                    email=link.partner_id.email,
                    date=fields.Date.to_string(link.date_expiry.date()),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _record_opened(self):
        self.write({"last_opened": fields.Datetime.now()})

    def _get_upload_rate_limit(self):
        """How many documents a link accepts per hour."""
        return 20

    def _check_rate_limit(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = self.with_context(active_test=False).document_ids.filtered(
            lambda doc: doc.date_uploaded and doc.date_uploaded > since
        )
        if len(recent) >= self._get_upload_rate_limit():
            raise UserError(
                _(
                    "Too many files were sent through this link in the last hour. Please try "
                    "again later."
                )
            )

    def _get_missing_document_types(self):
        """What the customer can still upload through this link."""
        self.ensure_one()
        step = self.file_step_id
        if step.state != "open" or step.file_id.state != "in_progress":
            return self.env["receivable.document.type"]
        return step._get_missing_document_types()

    @api.model
    def _check_upload_content(self, document_type, filename, content):
        """Raise a clear error unless ``content`` is a file ``document_type`` accepts: an
        allowed extension, a content that is really of that kind, not empty, not too big."""
        if not content:
            raise UserError(_("%s is empty.", filename or _("The file")))
        Document = self.env["receivable.client.file.document"]
        Document._check_document_file(document_type, filename, len(content))
        expected = mimetypes.guess_type(f"file.{filename.rsplit('.', 1)[-1].lower()}")[0]
        sniffed = guess_mimetype(content, default="application/octet-stream")
        if expected in TEXT_MIMETYPES:
            matches = sniffed in TEXT_MIMETYPES
        else:
            matches = bool(expected) and sniffed == expected
        if not matches:
            raise UserError(
                _(
                    "%(name)s does not look like what its name says: send a real %(extension)s "
                    "file.",
                    name=filename,
                    extension=filename.rsplit(".", 1)[-1].upper(),
                )
            )

    def _upload(self, document_type, filename, content):
        """Add the customer's file as a document of ``document_type`` to the link's step.

        :return: the new ``receivable.client.file.document``, to be checked by the verifier
        """
        self.ensure_one()
        if self.state != "valid":
            raise UserError(_("This link is no longer valid."))
        self._check_rate_limit()
        if document_type not in self._get_missing_document_types():
            raise UserError(_("This document is not expected on this page."))
        self._check_upload_content(document_type, filename, content)
        step = self.file_step_id
        if self.env.user.share:
            # the customer uploads as the public user: the file's own notes and the verifier's
            # activity come from the system, not from "Public user"
            step = step.with_user(SUPERUSER_ID)
        document = step._add_document_from_data(
            document_type, filename, content, "portal", uploaded_by=self.env["res.users"]
        )
        document.upload_link_id = self
        step.file_id.message_post(
            body=_(
                "%(type)s uploaded by the customer through the upload link: %(name)s.",
                type=document_type.name,
                name=filename,
            ),
            author_id=self.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return document


class ReceivableClientFileStep(models.Model):
    _inherit = "receivable.client.file.step"

    upload_link_ids = fields.One2many(
        "receivable.client.file.upload.link", "file_step_id", "Upload Links", readonly=True
    )

    def action_send_upload_link(self):
        """E-mail the customer a new upload link (the previous one stops working)."""
        for step in self:
            step._check_open()
            if step.kind != "collect":
                raise UserError(_("Step %s does not collect documents.", step.name))
            if not step._get_missing_document_types():
                raise UserError(
                    _("Step %s misses no document: there is nothing to upload.", step.name)
                )
            step._check_upload_recipient()
        for step in self:
            step._send_upload_link()
        return True

    def _on_step_started(self):
        """A step that collects documents e-mails the customer a link to upload them."""
        result = super()._on_step_started()
        if self.kind != "collect" or not self._get_missing_document_types():
            return result
        contact = self.file_id._get_customer_contact()
        if contact.email:
            self._send_upload_link()
        else:
            self.file_id.message_post(
                body=_(
                    "%s has no e-mail address: no upload link was sent. Add one, then click "
                    "Send Upload Link.",
                    contact.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return result

    def _check_upload_recipient(self):
        self.ensure_one()
        contact = self.file_id._get_customer_contact()
        if not contact.email:
            raise UserError(
                _(
                    "%s has no e-mail address: the upload link cannot be sent.",
                    contact.display_name,
                )
            )

    def _send_upload_link(self):
        """Create a new upload link for this step, revoking the previous ones, and e-mail it to
        the customer."""
        self.ensure_one()
        Link = self.env["receivable.client.file.upload.link"]
        self.upload_link_ids._revoke()
        link = Link.create(Link._prepare_link_values(self))
        link._send()
        return link

    def _reset_to_pending(self):
        self.upload_link_ids._revoke()
        return super()._reset_to_pending()


class ReceivableClientFile(models.Model):
    _inherit = "receivable.client.file"

    current_step_kind = fields.Selection(related="current_step_id.kind", string="Current Kind")

    def action_send_upload_link(self):
        self.ensure_one()
        if not self.current_step_id:
            raise UserError(_("Client file %s has no step in progress.", self.name))
        return self.current_step_id.action_send_upload_link()

    def action_cancel(self):
        result = super().action_cancel()
        self.file_step_ids.upload_link_ids._revoke()
        return result


class ReceivableClientFileDocument(models.Model):
    _inherit = "receivable.client.file.document"

    upload_link_id = fields.Many2one(
        "receivable.client.file.upload.link",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer's upload link this document came through.",
    )
    uploaded_by_partner_id = fields.Many2one(
        related="upload_link_id.partner_id", string="Uploaded By (Customer)"
    )
