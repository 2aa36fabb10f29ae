import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import EVENTS


class EsignLog(models.Model):
    """Append-only evidence log of a signature request.

    Each row is chained to the previous row of the same request by a SHA-256 hash, so that
    changing, inserting or deleting one row afterwards is detected by ``_check_chain``.
    """

    _name = "esign.log"
    _description = "Signature Evidence Log"
    _order = "request_id, sequence, id"
    _rec_name = "event"

    request_id = fields.Many2one(
        "esign.request", required=True, readonly=True, index=True, ondelete="restrict"
    )
    signer_id = fields.Many2one("esign.signer", readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    sequence = fields.Integer(readonly=True, required=True)
    event = fields.Selection(EVENTS, required=True, readonly=True)
    event_date = fields.Datetime("Time (UTC)", required=True, readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", "Done By", readonly=True)
    description = fields.Char(readonly=True)
    data_hash = fields.Char(
        "Document Fingerprint", readonly=True, help="SHA-256 of the document concerned."
    )
    previous_hash = fields.Char(readonly=True)
    entry_hash = fields.Char("Entry Hash", readonly=True, index=True)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("esign_log_append"):
            raise AccessError(self.env._("Evidence log entries are only written by the system."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise AccessError(self.env._("Evidence log entries can never be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self:
            raise AccessError(self.env._("Evidence log entries can never be deleted."))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _compute_entry_hash(self, values):
        """Hash of one entry from its values (a dict) and the previous entry's hash."""
        payload = {
            "request": values["request_id"],
            "signer": values.get("signer_id") or 0,
            "sequence": values["sequence"],
            "event": values["event"],
            "date": fields.Datetime.to_string(values["event_date"]),
            "ip": values.get("ip_address") or "",
            "user_agent": values.get("user_agent") or "",
            "user": values.get("user_id") or 0,
            "description": values.get("description") or "",
            "data_hash": values.get("data_hash") or "",
            "previous": values.get("previous_hash") or "",
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=True).encode()
        return hashlib.sha256(blob).hexdigest()

    @api.model
    def _append(self, request, event, signer=None, description=None, data_hash=None, http=None):
        """Append one entry to ``request``'s chain; the only way to write the log."""
        request.ensure_one()
        # lock the request row: two signers of the same rank may sign at the same time
        self.env.cr.execute(
            SQL("SELECT id FROM esign_request WHERE id = %s FOR UPDATE", request.id)
        )
        # sudo: the log is readable by esign users only and written only here
        last_sudo = self.sudo().search(
            [("request_id", "=", request.id)], order="sequence desc", limit=1
        )
        http = http or {}
        values = {
            "request_id": request.id,
            "signer_id": signer.id if signer else False,
            "sequence": (last_sudo.sequence or 0) + 1,
            "event": event,
            "event_date": fields.Datetime.now(),
            "ip_address": (http.get("ip") or "")[:64],
            "user_agent": (http.get("user_agent") or "")[:512],
            "user_id": self.env.uid if not self.env.user._is_public() else False,
            "description": description or "",
            "data_hash": data_hash or "",
            "previous_hash": last_sudo.entry_hash or "",
        }
        values["entry_hash"] = self._compute_entry_hash(values)
        # sudo: signers are public users; the entry is built above from trusted values only
        entry = self.sudo().with_context(esign_log_append=True).create(values)
        # sudo: the head of the chain lets a deleted last entry be detected too
        request.sudo().log_head_hash = entry.entry_hash
        return entry

    def _check_chain(self):
        """Return the first entry of ``self`` (one request's log, ordered) that breaks the chain."""
        previous = ""
        expected_sequence = 1
        for entry in self.sorted(lambda e: (e.sequence, e.id)):
            values = {
                "request_id": entry.request_id.id,
                "signer_id": entry.signer_id.id,
                "sequence": entry.sequence,
                "event": entry.event,
                "event_date": entry.event_date,
                "ip_address": entry.ip_address,
                "user_agent": entry.user_agent,
                "user_id": entry.user_id.id,
                "description": entry.description,
                "data_hash": entry.data_hash,
                "previous_hash": entry.previous_hash,
            }
            if (
                entry.sequence != expected_sequence
                or (entry.previous_hash or "") != previous
                or entry.entry_hash != self._compute_entry_hash(values)
            ):
                return entry
            previous = entry.entry_hash
            expected_sequence += 1
        return self.browse()
