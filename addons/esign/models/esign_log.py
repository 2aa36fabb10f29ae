import hashlib
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, consteq

from ..tools import EVENTS, get_evidence_key, get_key_id, keyed_hash

# events anyone holding a link can trigger again and again: logged at most once per
# interval and at most LOG_REPEAT_MAX times per signer
LOG_REPEAT_INTERVALS = {
    "opened": timedelta(hours=1),
    "code_refused": timedelta(minutes=10),
}
LOG_REPEAT_MAX = 20


class EsignLog(models.Model):
    """Append-only evidence log of a signature request.

    Each row is chained to the previous row of the same request and sealed with an HMAC keyed
    by the evidence key, a secret kept outside the database (``tools/esign_key.py``): changing,
    inserting or deleting a row afterwards is detected by ``_verify_chain``, even by someone
    who can write the database, since the seal cannot be computed without the key.
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
    entry_hash = fields.Char(
        readonly=True, index=True, help="Seal of the entry: HMAC-SHA256 keyed by the evidence key."
    )
    key_id = fields.Char(
        "Evidence Key",
        readonly=True,
        help="Fingerprint of the evidence key that sealed the entry; empty for entries made "
        "before evidence keys existed.",
    )

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
    def _get_evidence_key(self):
        """The secret that seals the log and keys the code hashes, never in the database."""
        return get_evidence_key(self.env.cr.dbname)

    @api.model
    def _get_chain_blob(self, values):
        """Bytes sealed for one entry: its values (a dict) and the previous entry's seal."""
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
        if values.get("key_id"):
            payload["key"] = values["key_id"]
        return json.dumps(payload, sort_keys=True, ensure_ascii=True).encode()

    @api.model
    def _compute_entry_hash(self, values):
        """Seal of one entry: HMAC with the evidence key; plain SHA-256 for the entries made
        before evidence keys existed (no ``key_id``), only to check their links."""
        blob = self._get_chain_blob(values)
        if not values.get("key_id"):
            return hashlib.sha256(blob).hexdigest()
        return keyed_hash(self._get_evidence_key(), blob)

    def _get_chain_values(self):
        self.ensure_one()
        return {
            "request_id": self.request_id.id,
            "signer_id": self.signer_id.id,
            "sequence": self.sequence,
            "event": self.event,
            "event_date": self.event_date,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "user_id": self.user_id.id,
            "description": self.description,
            "data_hash": self.data_hash,
            "previous_hash": self.previous_hash,
            "key_id": self.key_id,
        }

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
            "key_id": get_key_id(self._get_evidence_key()),
        }
        values["entry_hash"] = self._compute_entry_hash(values)
        # sudo: signers are public users; the entry is built above from trusted values only
        entry = self.sudo().with_context(esign_log_append=True).create(values)
        # sudo: the head of the chain lets a deleted last entry be detected too
        request.sudo().log_head_hash = entry.entry_hash
        return entry

    @api.model
    def _append_throttled(self, request, event, signer, description=None, http=None):
        """Append ``event`` unless the same one (same signer, same description) was logged
        within its repeat interval or already ``LOG_REPEAT_MAX`` times: a link holder cannot
        grow the log without limit. Return the entry, or an empty recordset."""
        domain = [
            ("request_id", "=", request.id),
            ("signer_id", "=", signer.id),
            ("event", "=", event),
        ]
        # sudo: signers are public users; only counts are read
        log_sudo = self.sudo()
        if log_sudo.search_count(domain, limit=LOG_REPEAT_MAX) >= LOG_REPEAT_MAX:
            return self.browse()
        since = fields.Datetime.now() - LOG_REPEAT_INTERVALS.get(event, timedelta(0))
        recent = domain + [("event_date", ">", since), ("description", "=", description or "")]
        if log_sudo.search_count(recent, limit=1):
            return self.browse()
        return self._append(request, event, signer=signer, description=description, http=http)

    def _verify_chain(self):
        """Check ``self`` (one request's whole log).

        :return: dict with ``status``: ``intact``; ``altered`` (``entry``: the first entry that
            breaks the chain); or ``unverifiable`` when the chain is consistent but holds
            entries this server cannot check (``reason``: ``legacy`` for entries made before
            evidence keys existed, ``other_key`` for entries sealed with another key).
        """
        current_key_id = get_key_id(self._get_evidence_key())
        previous = ""
        expected_sequence = 1
        seen = set()  # kinds of entries met so far: legacy, other_key, current
        reason = False
        for entry in self.sorted(lambda e: (e.sequence, e.id)):
            values = entry._get_chain_values()
            broken = entry.sequence != expected_sequence or (entry.previous_hash or "") != previous
            if entry.key_id == current_key_id:
                seen.add("current")
                expected = self._compute_entry_hash(values)
                broken = broken or not consteq(entry.entry_hash or "", expected)
            elif "current" in seen:
                # once sealed with this server's key, a chain never goes back to another key
                broken = True
            elif entry.key_id:
                # sealed with another key: the seal cannot be checked here, the links can
                seen.add("other_key")
                reason = "other_key"
            else:
                broken = broken or "other_key" in seen
                broken = broken or entry.entry_hash != self._compute_entry_hash(values)
                reason = reason or "legacy"
            if broken:
                return {"status": "altered", "entry": entry}
            previous = entry.entry_hash
            expected_sequence += 1
        if reason:
            return {"status": "unverifiable", "reason": reason, "entry": self.browse()}
        return {"status": "intact", "entry": self.browse()}

    def _check_chain(self):
        """Return the first entry of ``self`` (one request's log) that breaks the chain."""
        return self._verify_chain()["entry"]

    def _seal_legacy_entries(self):
        """Seal ``self`` (one request's whole log, made before evidence keys existed) with the
        evidence key. Only for requests still in draft, on which nothing was signed yet."""
        key_id = get_key_id(self._get_evidence_key())
        previous = ""
        for entry in self.sorted(lambda e: (e.sequence, e.id)):
            values = dict(entry._get_chain_values(), previous_hash=previous, key_id=key_id)
            entry_hash = self._compute_entry_hash(values)
            # the ORM refuses any change to evidence: the seal is set in SQL
            self.env.cr.execute(
                SQL(
                    "UPDATE esign_log SET previous_hash = %s, key_id = %s, entry_hash = %s "
                    "WHERE id = %s",
                    previous,
                    key_id,
                    entry_hash,
                    entry.id,
                )
            )
            previous = entry_hash
        self.invalidate_recordset(["previous_hash", "key_id", "entry_hash"])
        return previous
