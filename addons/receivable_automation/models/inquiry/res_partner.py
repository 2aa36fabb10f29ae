from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_inquiry_count = fields.Integer(
        "Questions to Answer",
        compute="_compute_receivable_inquiry_count",
        groups="receivable_automation.group_receivable_user",
    )

    def _compute_receivable_inquiry_count(self):
        groups = self.env["receivable.inquiry"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "to_answer")],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.receivable_inquiry_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_open_receivable_inquiries(self):
        """The debtor's questions, those to answer first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_inquiry_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "search_default_to_answer": 1,
        }
        return action
