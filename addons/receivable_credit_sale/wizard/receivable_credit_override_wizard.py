from odoo import api, models


class ReceivableCreditOverrideWizard(models.TransientModel):
    _inherit = "receivable.credit.override.wizard"

    @api.model
    def _get_overridable_models(self):
        return [*super()._get_overridable_models(), "sale.order"]
