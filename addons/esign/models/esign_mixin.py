from odoo import _, fields, models


class EsignMixin(models.AbstractModel):
    """Inherit it to send a record's PDF for signature and to be told of the outcome.

    The request calls ``_esign_on_completed``, ``_esign_on_refused`` and ``_esign_on_expired``
    on its linked record when the record's model has them: override them to react.
    """

    _name = "esign.mixin"
    _description = "Electronic Signature Mixin"

    esign_request_count = fields.Integer(
        "Signature Requests", compute="_compute_esign_request_count"
    )

    def _compute_esign_request_count(self):
        counts = dict(
            self.env["esign.request"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        for record in self:
            record.esign_request_count = counts.get(record.id, 0)

    def action_esign_send(self):
        """Open the "Send for signature" wizard on this record."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send for Signature"),
            "res_model": "esign.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_record_ref": f"{self._name},{self.id}"},
        }

    def action_esign_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("esign.esign_request_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        return action

    def _esign_on_completed(self, request):
        """All signers signed ``request``; the signed PDF is already posted on the record."""

    def _esign_on_refused(self, request):
        """A signer refused ``request`` (reason in ``request.refusal_reason``)."""

    def _esign_on_expired(self, request):
        """``request`` passed its validity date unsigned."""
