from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class ReceivableShareInternalWizard(models.TransientModel):
    """Share a record (or one of its documents) with colleagues: each follows the record and
    gets an activity with the note, and the record's chatter says who shared it with whom."""

    _name = "receivable.share.internal.wizard"
    _description = "Share with Colleagues"

    def _default_activity_type_id(self):
        return self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)

    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", readonly=True)
    record_name = fields.Char("Shared", compute="_compute_record_name")
    attachment_id = fields.Many2one("ir.attachment", "Document", readonly=True)
    user_ids = fields.Many2many(
        "res.users",
        string="Colleagues",
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", help="Its leader and members are added to the colleagues."
    )
    note = fields.Text(help="What the colleagues should do, e.g. pass this order detail on.")
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        "Activity",
        default=lambda self: self._default_activity_type_id(),
        domain="['|', ('res_model', '=', False), ('res_model', '=', res_model)]",
    )
    date_deadline = fields.Date("Due Date", default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if not values.get("res_model") and context.get("active_model") and context.get("active_id"):
            values["res_model"] = context["active_model"]
            values["res_id"] = context["active_id"]
        if values.get("res_model") == "ir.attachment" and values.get("res_id"):
            # a document: the record it belongs to is shared, the activity names the document
            attachment = self.env["ir.attachment"].browse(values["res_id"])
            values.update(
                attachment_id=attachment.id,
                res_model=attachment.res_model or "ir.attachment",
                res_id=attachment.res_id,
            )
        return values

    @api.depends("res_model", "res_id", "attachment_id")
    def _compute_record_name(self):
        for wizard in self:
            record = wizard._get_record()
            name = record.display_name if record else ""
            document = wizard.attachment_id.name
            if document:
                name = f"{document} ({name})" if name else document
            wizard.record_name = name

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_share(self):
        self.ensure_one()
        record = self._get_record()
        if not record or not hasattr(record, "message_subscribe"):
            raise UserError(
                _(
                    "This cannot be shared with colleagues: it belongs to no record with a "
                    "chatter. Share it by link instead."
                )
            )
        record.check_access("read")
        users = self._get_colleagues()
        if not users:
            raise UserError(_("Choose at least one colleague or a sales team with members."))
        denied = self._get_users_without_access(record, self.user_ids)
        if denied:
            raise UserError(
                _(
                    "%(names)s cannot open %(record)s (another company or no access rights): "
                    "choose someone else.",
                    names=", ".join(denied.mapped("name")),
                    record=record.display_name,
                )
            )
        # members of the team who cannot open the record are left out (named in the chatter)
        users -= self._get_users_without_access(record, users)
        if not users:
            raise UserError(
                _(
                    "Nobody of the team %(team)s can open %(record)s.",
                    team=self.team_id.name,
                    record=record.display_name,
                )
            )
        self._share(record, users)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Shared with %s.", ", ".join(users.mapped("name"))),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_share_action(self, record, attachment=None):
        """The window that shares ``record`` (or its ``attachment``) with colleagues."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Share with Colleagues"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": record._name,
                "default_res_id": record.id,
                "default_attachment_id": attachment.id if attachment else False,
            },
        }

    def _get_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def _get_colleagues(self):
        users = self.user_ids | self.team_id.user_id | self.team_id.member_ids
        return users.filtered(lambda user: user.active and not user.share)

    def _get_users_without_access(self, record, users):
        """Those of ``users`` who cannot read ``record`` in any of their companies."""
        denied = self.env["res.users"]
        for user in users:
            as_user = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
            if not as_user.has_access("read"):
                denied |= user
        return denied

    def _share(self, record, users):
        note = self.note or ""
        document = self.attachment_id.name
        if document:
            summary = _("%(user)s shares %(document)s", user=self.env.user.name, document=document)
        else:
            summary = _("%s shares this with you", self.env.user.name)
        # sudo: following a record and getting an activity on it normally needs write access;
        # the sharer and every colleague were checked above to be able to read the record
        record_sudo = record.sudo()
        record_sudo.message_subscribe(partner_ids=users.partner_id.ids)
        model_id = self.env["ir.model"]._get_id(record._name)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": self.activity_type_id.id
                    or self._default_activity_type_id().id,
                    "summary": summary,
                    "note": plaintext2html(note) if note else False,
                    "date_deadline": self.date_deadline or fields.Date.context_today(self),
                    "user_id": user.id,
                }
                for user in users
            ]
        )
        if document:
            body = _(
                "%(user)s shared %(document)s with %(names)s.",
                user=self.env.user.name,
                document=document,
                names=", ".join(users.mapped("name")),
            )
        else:
            body = _(
                "%(user)s shared this with %(names)s.",
                user=self.env.user.name,
                names=", ".join(users.mapped("name")),
            )
        if note:
            body = _("%(body)s Note: %(note)s", body=body, note=note)
        record_sudo.message_post(body=body, subtype_xmlid="mail.mt_note")
