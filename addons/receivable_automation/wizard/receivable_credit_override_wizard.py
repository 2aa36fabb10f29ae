from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.followup.receivable_state_mixin import MANAGER_GROUP


class ReceivableCreditOverrideWizard(models.TransientModel):
    """A credit manager validates a document (an invoice, a sale order) above the customer's
    credit limit, with a reason that is logged on the document and on the debtor."""

    _name = "receivable.credit.override.wizard"
    _description = "Override the Credit Limit"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    document = fields.Char(compute="_compute_figures")
    partner_id = fields.Many2one("res.partner", "Customer", compute="_compute_figures")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")
    exposure = fields.Monetary(compute="_compute_figures", currency_field="currency_id")
    credit_limit = fields.Monetary(compute="_compute_figures", currency_field="currency_id")
    reason = fields.Text(required=True)

    @api.depends("res_model", "res_id")
    def _compute_figures(self):
        for wizard in self:
            record = wizard._get_record()
            exposure, limit = record._get_receivable_credit_figures()
            wizard.document = record.display_name
            wizard.partner_id = record.partner_id.commercial_partner_id
            wizard.currency_id = record.company_id.currency_id
            wizard.exposure = exposure
            wizard.credit_limit = limit

    @api.model
    def _open_for(self, record):
        self._check_can_override()
        return {
            "type": "ir.actions.act_window",
            "name": _("Validate Above the Credit Limit"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": record._name, "default_res_id": record.id},
        }

    @api.model
    def _check_can_override(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a credit manager can validate above a credit limit."))

    @api.model
    def _get_overridable_models(self):
        """Models whose documents a credit manager can validate above the limit (they implement
        ``_get_receivable_credit_figures`` and ``_receivable_override_credit_limit``)."""
        return ["account.move"]

    def _get_record(self):
        self.ensure_one()
        if self.res_model not in self._get_overridable_models():
            raise UserError(_("The credit limit cannot be overridden on %s.", self.res_model))
        return self.env[self.res_model].browse(self.res_id).exists()

    def action_confirm(self):
        self.ensure_one()
        self._check_can_override()
        if not (self.reason or "").strip():
            raise UserError(_("Say why the credit limit is overridden."))
        record = self._get_record()
        exposure, limit = record._get_receivable_credit_figures()
        result = record._receivable_override_credit_limit()
        record.partner_id._log_receivable_credit_override(record, exposure, limit, self.reason)
        return result if isinstance(result, dict) else {"type": "ir.actions.act_window_close"}
