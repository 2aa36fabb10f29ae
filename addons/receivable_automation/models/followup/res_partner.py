from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .receivable_state_mixin import USER_GROUP

# How a debtor is dunned: set by credit controllers only (the dunning contact flag stays with
# whoever keeps the contacts: it says who receives the reminders, not whether or when).
RECEIVABLE_SETTINGS_FIELDS = (
    "receivable_policy_id",
    "receivable_profile_id",
    "receivable_collector_id",
    "receivable_extra_days",
    "receivable_contract_rate",
    "receivable_hold_ids",
    "receivable_profile_auto",
    "receivable_credit_review_date",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_dispute_ids = fields.One2many(
        "receivable.dispute", "partner_id", "Disputes", groups="base.group_user"
    )
    receivable_promise_ids = fields.One2many(
        "receivable.promise", "partner_id", "Promises", groups="base.group_user"
    )
    receivable_promise_kept_rate = fields.Float(
        "Promises Kept (%)",
        compute="_compute_receivable_promise_kept_rate",
        help="Share of the debtor's decided promises to pay that were kept.",
        groups="base.group_user",
    )

    @api.depends("receivable_promise_ids.state")
    def _compute_receivable_promise_kept_rate(self):
        for partner in self:
            decided = partner.commercial_partner_id.receivable_promise_ids.filtered(
                lambda promise: promise.state in ("kept", "partly_kept", "broken")
            )
            kept = decided.filtered(lambda promise: promise.state == "kept")
            partner.receivable_promise_kept_rate = 100 * len(kept) / len(decided) if decided else 0

    @api.model_create_multi
    def create(self, vals_list):
        context_defaults = {
            name for name in RECEIVABLE_SETTINGS_FIELDS if self.env.context.get(f"default_{name}")
        }
        if (
            context_defaults
            or any(vals.get(name) for vals in vals_list for name in RECEIVABLE_SETTINGS_FIELDS)
        ) and not self._may_change_receivable_settings():
            self._raise_receivable_settings_access()
        return super().create(vals_list)

    def write(self, vals):
        if (
            any(name in vals for name in RECEIVABLE_SETTINGS_FIELDS)
            and not self._may_change_receivable_settings()
            and self._receivable_settings_change(vals)
        ):
            self._raise_receivable_settings_access()
        return super().write(vals)

    def action_receivable_new_promise(self):
        """Note a promise to pay on the debtor's open balance, e.g. during a call."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("New Promise to Pay"),
            "res_model": "receivable.promise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _receivable_settings_change(self, vals):
        """Whether ``vals`` changes a dunning setting of ``self`` (writing the same value, as a
        merge or an import does, is no change)."""
        for name in RECEIVABLE_SETTINGS_FIELDS:
            if name not in vals:
                continue
            field = self._fields[name]
            if field.type == "one2many":
                if vals[name]:
                    return True
                continue
            for partner in self:
                value = field.convert_to_record(
                    field.convert_to_cache(vals[name], partner), partner
                )
                if value != partner[name]:
                    return True
        return False

    def _may_change_receivable_settings(self):
        return self.env.su or self.env.user.has_group(USER_GROUP)

    def _raise_receivable_settings_access(self):
        raise AccessError(
            _(
                "Only credit controllers can change how a debtor is dunned (policy, profile, "
                "automatic profile, collector, extra days, contractual rate, holds, credit "
                "limit review)."
            )
        )
