from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_dispute_ids = fields.One2many("receivable.dispute", "partner_id", "Disputes")
    receivable_promise_ids = fields.One2many("receivable.promise", "partner_id", "Promises")
    receivable_promise_kept_rate = fields.Float(
        "Promises Kept (%)",
        compute="_compute_receivable_promise_kept_rate",
        help="Share of the debtor's decided promises to pay that were kept.",
    )

    @api.depends("receivable_promise_ids.state")
    def _compute_receivable_promise_kept_rate(self):
        for partner in self:
            decided = partner.commercial_partner_id.receivable_promise_ids.filtered(
                lambda promise: promise.state in ("kept", "partly_kept", "broken")
            )
            kept = decided.filtered(lambda promise: promise.state == "kept")
            partner.receivable_promise_kept_rate = 100 * len(kept) / len(decided) if decided else 0
