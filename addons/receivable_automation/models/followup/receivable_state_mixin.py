from odoo import _, api, models
from odoo.exceptions import AccessError

USER_GROUP = "receivable_automation.group_receivable_user"
MANAGER_GROUP = "receivable_automation.group_receivable_manager"
STATE_OWNER_KEY = "receivable_state_owner"


class ReceivableStateMixin(models.AbstractModel):
    """For records whose ``state`` changes only through their actions (a dispute, a promise, a
    payment plan, a hand-off...).

    Each action first calls its ``_check_can_<action>()`` (who may do it, in which state), then
    writes the new state with ``_write_state()``. Any other write of ``state`` (RPC, import, a
    form, another module's code) is refused: ``_write_state`` passes the records themselves in
    the context, as a recordset, which a client cannot forge.
    """

    _name = "receivable.state.mixin"
    _description = "Status Changed by Actions Only"

    # written by the actions only, like the state (e.g. who approved)
    _state_protected_fields = ("state",)

    @api.model_create_multi
    def create(self, vals_list):
        default = self._fields["state"].default(self)
        if any(
            vals.get("state", default) != default
            or any(vals.get(name) for name in self._state_protected_fields if name != "state")
            for vals in vals_list
        ):
            self._check_state_owner()
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in self._state_protected_fields):
            self._check_state_owner()
        return super().write(vals)

    def _write_state(self, state, values=None):
        """Write ``state`` (and ``values``) from the records' own action code."""
        return self.with_context(**{STATE_OWNER_KEY: self}).write(
            {**(values or {}), "state": state}
        )

    def _check_state_owner(self):
        owner = self.env.context.get(STATE_OWNER_KEY)
        if (
            isinstance(owner, models.BaseModel)
            and owner._name == self._name
            and set(self.ids) <= set(owner.ids)
        ):
            return
        raise AccessError(
            _(
                "The status of a %(model)s changes only through its buttons, which check who "
                "may change it and when.",
                model=self.env["ir.model"]._get(self._name).name,
            )
        )

    def _check_user_group(self, user, group, message):
        """Raise ``message`` unless ``user`` (the current user by default) is in ``group``.

        The superuser mode of the code that calls an action does not stand for a user: code
        that runs an action in sudo on behalf of someone passes that someone as ``user``.
        """
        if user is None:
            if self.env.su:
                return
            user = self.env.user
        if not user.has_group(group):
            raise AccessError(message)
