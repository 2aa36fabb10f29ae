from odoo import _, api, fields, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    receivable_shared = fields.Boolean(
        "Shared with the Customer",
        copy=False,
        groups="base.group_user",
        help="A document of the client file that the customer can download from its account "
        "statement on the portal.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        # most attachments are not about sharing: nothing to read for them
        if any(vals.get("receivable_shared") for vals in vals_list):
            attachments.filtered("receivable_shared")._log_receivable_sharing(shared=True)
        return attachments

    def write(self, vals):
        if "receivable_shared" not in vals:
            return super().write(vals)
        # only the documents whose sharing changes are logged
        changed = self.filtered(
            lambda att: att.receivable_shared != bool(vals["receivable_shared"])
        )
        result = super().write(vals)
        changed._log_receivable_sharing(shared=bool(vals["receivable_shared"]))
        return result

    def _get_receivable_share_debtors(self):
        """{attachment: client file} for the attachments of a partner's file."""
        partner_attachments = self.filtered(
            lambda att: att.res_model == "res.partner" and att.res_id and not att.res_field
        )
        partners = self.env["res.partner"].browse(partner_attachments.mapped("res_id")).exists()
        return {
            att: partners.filtered(lambda partner, att=att: partner.id == att.res_id)
            for att in partner_attachments
        }

    def _log_receivable_sharing(self, shared):
        """A note on the client file: who shared (or stopped sharing) which document."""
        for attachment, partner in self._get_receivable_share_debtors().items():
            if not partner:
                continue
            if shared:
                body = _(
                    "%(user)s shared the document %(name)s with the customer: it can be "
                    "downloaded from the account statement on the portal.",
                    user=self.env.user.name,
                    name=attachment.name,
                )
            else:
                body = _(
                    "%(user)s stopped sharing the document %(name)s with the customer.",
                    user=self.env.user.name,
                    name=attachment.name,
                )
            partner.message_post(body=body)
