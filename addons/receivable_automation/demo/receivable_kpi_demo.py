from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _receivable_load_demo_kpi_snapshots(self):
        """The KPI trend of the demo: snapshots at the last 6 month ends and today (a rerun
        replaces them)."""
        company = self.env.ref("base.main_company")
        self.env["receivable.kpi.snapshot"]._backfill(company, months=6)
