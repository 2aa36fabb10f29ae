from odoo import api, models


class ReceivableDunningRun(models.Model):
    _inherit = "receivable.dunning.run"

    @api.model
    def _cron_run_daily(self):
        """The daily run also records the day's collection KPIs of each company."""
        result = super()._cron_run_daily()
        self.env["receivable.kpi.snapshot"]._cron_take_snapshots()
        return result
