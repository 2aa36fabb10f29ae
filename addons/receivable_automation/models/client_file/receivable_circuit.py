from odoo import _, api, fields, models


class ReceivableCircuit(models.Model):
    """An approval circuit: the ordered steps a client file goes through (collect documents,
    approve, sign, send invoices, archive, notify), edited by credit managers."""

    _name = "receivable.circuit"
    _description = "Approval Circuit"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(translate=True)
    step_ids = fields.One2many("receivable.circuit.step", "circuit_id", "Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    file_count = fields.Integer("Client Files", compute="_compute_file_count")

    @api.depends("step_ids")
    def _compute_step_count(self):
        for circuit in self:
            circuit.step_count = len(circuit.step_ids)

    def _compute_file_count(self):
        counts = dict(
            self.env["receivable.client.file"]._read_group(
                [("circuit_id", "in", self.ids)], ["circuit_id"], ["__count"]
            )
        )
        for circuit in self:
            circuit.file_count = counts.get(circuit, 0)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for circuit, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = _("%s (copy)", circuit.name)
        return vals_list

    def action_open_files(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_client_file_action"
        )
        action["domain"] = [("circuit_id", "=", self.id)]
        action["context"] = {"default_circuit_id": self.id}
        return action

    def _get_sorted_steps(self):
        self.ensure_one()
        return self.step_ids.sorted(lambda step: (step.sequence, step.id))
