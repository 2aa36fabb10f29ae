from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class ReceivableShareLinkWizard(models.TransientModel):
    """Share chosen documents with a customer or a third party (auditor, lawyer) by a link
    that expires, optionally protected by a code sent to the recipient's e-mail."""

    _name = "receivable.share.link.wizard"
    _description = "Share Documents by Link"
    _check_company_auto = True

    def _default_date_expiry(self):
        days = self.env.company.receivable_share_days or 14
        return fields.Date.context_today(self) + timedelta(days=days)

    def _default_name(self):
        return _("Documents from %s", self.env.company.name)

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    name = fields.Char("Subject", required=True, default=lambda self: self._default_name())
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "receivable_share_link_wizard_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="Documents",
    )
    res_model = fields.Char("Shared From Model", readonly=True)
    res_id = fields.Many2oneReference("Shared From ID", model_field="res_model", readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", check_company=True)
    recipient_name = fields.Char(
        compute="_compute_recipient", store=True, readonly=False, precompute=True
    )
    recipient_email = fields.Char(
        compute="_compute_recipient", store=True, readonly=False, precompute=True
    )
    date_expiry = fields.Date(
        "Valid Until", required=True, default=lambda self: self._default_date_expiry()
    )
    require_code = fields.Boolean(
        "Ask for a Code",
        help="The recipient types a code sent to its e-mail address before seeing the "
        "documents.",
    )
    note = fields.Text("Message", help="Added to the e-mail that carries the link.")
    send_now = fields.Boolean("Send the Link Now", default=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        active_model, active_ids = context.get("active_model"), context.get("active_ids") or []
        if not active_ids and context.get("active_id"):
            active_ids = [context["active_id"]]
        if active_model == "ir.attachment" and active_ids and not values.get("attachment_ids"):
            values["attachment_ids"] = [Command.set(active_ids)]
        elif active_model and active_model in self.env and len(active_ids) == 1:
            # opened from a record: its documents are proposed, the link remembers the record
            values.setdefault("res_model", active_model)
            values.setdefault("res_id", active_ids[0])
            if "attachment_ids" in fields_list and not values.get("attachment_ids"):
                record = self.env[active_model].browse(active_ids[0])
                values["attachment_ids"] = [Command.set(self._get_record_documents(record).ids)]
        return values

    @api.depends("partner_id")
    def _compute_recipient(self):
        for wizard in self:
            if wizard.partner_id:
                wizard.recipient_name = wizard.partner_id.name
                wizard.recipient_email = wizard.partner_id.email

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_share(self):
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(_("Choose at least one document to share."))
        if not self.recipient_email:
            raise UserError(_("Give the e-mail address of the recipient."))
        if self.date_expiry < fields.Date.context_today(self):
            raise UserError(_("A link must be valid until today at least."))
        link = self.env["receivable.share.link"].create(self._prepare_link_values())
        # files uploaded in this window now belong to the link
        uploaded = self.attachment_ids.filtered(
            lambda attachment: attachment.res_model == self._name
        )
        if uploaded:
            uploaded.write({"res_model": link._name, "res_id": link.id})
        if self.send_now:
            link.action_send()
        return {
            "type": "ir.actions.act_window",
            "name": _("Share Link"),
            "res_model": link._name,
            "res_id": link.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_share_action(self, attachments, source=None, partner=None):
        """The window that shares ``attachments`` by link (from ``source``, a record, for a
        customer ``partner`` when given)."""
        context = {"default_attachment_ids": [Command.set(attachments.ids)]}
        if source:
            context.update(default_res_model=source._name, default_res_id=source.id)
            if "company_id" in source._fields and source.company_id:
                context["default_company_id"] = source.company_id.id
        if partner:
            context["default_partner_id"] = partner.id
        return {
            "type": "ir.actions.act_window",
            "name": _("Share by Link"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.model
    def _get_record_documents(self, record):
        """The files attached to ``record`` (and its main document, e.g. an invoice's PDF)."""
        documents = self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("type", "=", "binary")]
        )
        if "message_main_attachment_id" in record._fields:
            documents |= record.message_main_attachment_id
        return documents

    def _prepare_link_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "recipient_name": self.recipient_name,
            "recipient_email": self.recipient_email,
            "attachment_ids": [Command.set(self.attachment_ids.ids)],
            "date_expiry": self.date_expiry,
            "require_code": self.require_code,
            "note": self.note,
            "res_model": self.res_model,
            "res_id": self.res_id,
        }
