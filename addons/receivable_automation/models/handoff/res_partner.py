from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_handoff_ids = fields.One2many(
        "receivable.handoff", "partner_id", "Hand-offs", groups="base.group_user"
    )
    receivable_handoff_count = fields.Integer(
        compute="_compute_receivable_handoff_count", groups="base.group_user"
    )

    @api.depends("receivable_handoff_ids")
    def _compute_receivable_handoff_count(self):
        counts = dict(
            self.env["receivable.handoff"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.receivable_handoff_count = counts.get(partner.commercial_partner_id, 0)

    def action_receivable_hand_off(self):
        """Choose the lawyer or agency to hand this debtor's file over to."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand Over"),
            "res_model": "receivable.handoff.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_open_receivable_handoffs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_handoff_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
