from odoo import api, fields, models


class ReceivableHoldMixin(models.AbstractModel):
    """For records that stop reminders while they last (a dispute, a promise, a payment plan, a
    hand-off...): they place their holds when they start and release them, and only them, when
    they end.

    An owner implements ``_prepare_hold_values()``; it calls ``_hold_place()`` when it starts,
    ``_hold_release()`` when it ends and ``_hold_refresh()`` when what it holds changes.
    """

    _name = "receivable.hold.mixin"
    _description = "Owner of Dunning Holds"

    receivable_hold_ids = fields.One2many(
        "receivable.dunning.hold",
        "res_id",
        string="Dunning Holds",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )

    def _prepare_hold_values(self):
        """[{partner_id, move_id, amount, date_until, company_id}] for this record's holds."""
        self.ensure_one()
        return []

    def _hold_place(self):
        Hold = self.env["receivable.dunning.hold"]
        vals_list = [
            {**vals, "res_model": record._name, "res_id": record.id}
            for record in self
            for vals in record._prepare_hold_values()
        ]
        return Hold.with_context(receivable_hold_owner=self).create(vals_list)

    def _hold_release(self):
        holds = self._get_active_holds()
        holds.with_context(receivable_hold_owner=self)._release()
        return holds

    def _hold_refresh(self):
        """Replace the active holds by the ones the record asks for now."""
        for record in self:
            wanted = record._prepare_hold_values()
            current = record._get_active_holds()
            if [record._hold_key(vals) for vals in wanted] == [
                record._hold_key(hold) for hold in current
            ]:
                continue
            record._hold_release()
            record._hold_place()

    def _get_active_holds(self):
        return self.env["receivable.dunning.hold"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "=", "active")],
            order="id",
        )

    @api.model
    def _hold_key(self, values):
        def get(name):
            if isinstance(values, models.BaseModel):
                value = values[name]
            else:
                value = values.get(name)
            return (value.id if isinstance(value, models.BaseModel) else value) or False

        return tuple(get(name) for name in ("partner_id", "move_id", "amount", "date_until"))

    @api.ondelete(at_uninstall=False)
    def _unlink_release_holds(self):
        # A deleted owner must not leave its holds behind.
        self._hold_release()
