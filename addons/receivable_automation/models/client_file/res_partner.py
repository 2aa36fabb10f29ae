from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_client_file_ids = fields.One2many(
        "receivable.client.file", "partner_id", "Client Files"
    )
    receivable_client_file_count = fields.Integer(
        "Client Files Count", compute="_compute_receivable_client_file_count"
    )

    def _compute_receivable_client_file_count(self):
        if not self.env["receivable.client.file"].has_access("read"):
            self.receivable_client_file_count = 0
            return
        counts = dict(
            self.env["receivable.client.file"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.receivable_client_file_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_receivable_client_files(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_client_file_action"
        )
        partner = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
