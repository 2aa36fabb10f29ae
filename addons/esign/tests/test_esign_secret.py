import hashlib
import hmac
import json
import os
import stat
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, config

from ..tools import esign_key
from .common import HTTP_VALUES, KNOWN_CODE, EsignCase


def _public_chain_hash(values):
    """The chain hash anyone can compute from the database values alone (no secret)."""
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


@tagged("post_install", "-at_install")
class TestEsignEvidenceKey(EsignCase):
    """A database administrator alone can neither forge evidence nor compute a code."""

    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.signer = self.request.signer_ids.sorted("sequence")[0]

    def _last_row(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT * FROM esign_log WHERE request_id = %s ORDER BY sequence DESC LIMIT 1",
                self.request.id,
            )
        )
        return self.env.cr.dictfetchone()

    def _forge_signed_entry(self, compute_hash):
        """Append a backdated "signed" entry the way a database administrator could: grant
        themselves the rights, copy the last row, chain it to it and move the head."""
        row = self._last_row()
        row.pop("id")
        row.update(
            sequence=row["sequence"] + 1,
            event="signed",
            event_date=row["event_date"] - timedelta(days=2),
            description="draw",
            ip_address="198.51.100.9",
            previous_hash=row["entry_hash"],
            signer_id=self.signer.id,
        )
        row["entry_hash"] = compute_hash(row)
        columns = list(row)
        self.env.cr.execute(
            SQL(
                "INSERT INTO esign_log (%s) VALUES %s",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                tuple(row[column] for column in columns),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE esign_request SET log_head_hash = %s WHERE id = %s",
                row["entry_hash"],
                self.request.id,
            )
        )
        self.env.invalidate_all()

    def test_entry_chained_with_public_hash_is_altered(self):
        """A forged entry chained with the hash computable from the database is caught."""
        self.assertEqual(self.request._verify_integrity()["status"], "intact")
        self._forge_signed_entry(_public_chain_hash)
        self.assertEqual(len(self.request.log_ids.filtered(lambda e: e.event == "signed")), 1)
        self.assertEqual(self.request._verify_integrity()["status"], "altered")
        action = self.request.action_check_integrity()
        self.assertEqual(action["params"]["type"], "danger")

    def test_entry_sealed_with_another_key_is_altered(self):
        """The code is public: sealing an entry with any key but the server's one fails."""
        log_model = type(self.env["esign.log"])
        other_key = b"0" * 64

        def forge(values):
            with patch.object(log_model, "_get_evidence_key", lambda self: other_key):
                return self.env["esign.log"]._compute_entry_hash(values)

        self._forge_signed_entry(forge)
        self.assertEqual(self.request._verify_integrity()["status"], "altered")

    def test_code_hash_cannot_be_computed_from_the_database(self):
        """Neither the database secret nor any other stored parameter keys the code hash."""
        self.assertFalse(self._send_code(self.signer))
        signer_sudo = self.signer.sudo()
        code_hash, salt = signer_sudo.code_hash, signer_sudo.code_salt
        self.env.flush_all()
        self.env.cr.execute("SELECT value FROM ir_config_parameter WHERE value IS NOT NULL")
        stored = [value for (value,) in self.env.cr.fetchall()]
        messages = [
            f"{self.signer.id}:{salt}:{KNOWN_CODE}".encode(),
            f"{salt}{KNOWN_CODE}".encode(),
        ]
        for message in messages:
            self.assertNotEqual(hashlib.sha256(message).hexdigest(), code_hash)
            for value in stored:
                candidate = hmac.new(value.encode(), message, hashlib.sha256).hexdigest()
                self.assertNotEqual(candidate, code_hash, "the code hash is keyed by a DB value")
        with self.mock_mail_gateway():
            self.assertFalse(self.signer._sign(KNOWN_CODE, self._signature(), http=HTTP_VALUES))

    def test_key_lives_outside_the_database(self):
        key = self.env["esign.log"]._get_evidence_key()
        self.env.cr.execute(SQL("SELECT 1 FROM ir_config_parameter WHERE value = %s", key.decode()))
        self.assertFalse(self.env.cr.fetchall())
        path = esign_key.get_key_path(self.env.cr.dbname)
        self.assertTrue(path.startswith(os.path.join(config["data_dir"], "esign")))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_key_file_created_once_private(self):
        dbname = f"esign_key_test_{os.getpid()}"
        path = esign_key.get_key_path(dbname)
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))
        self.addCleanup(esign_key.clear_cache)
        self.assertFalse(os.path.exists(path))
        key = esign_key.get_evidence_key(dbname)
        self.assertGreaterEqual(len(key), 32)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) & 0o077, 0)
        esign_key.clear_cache()
        self.assertEqual(esign_key.get_evidence_key(dbname), key, "the file is reused")

    def test_server_option_wins(self):
        with patch.dict(config.options, {"esign_secret_key": "k" * 64}):
            self.assertEqual(self.env["esign.log"]._get_evidence_key(), b"k" * 64)
            # evidence sealed with the file's key is reported honestly, not as forged
            result = self.request._verify_integrity()
        self.assertEqual(result["status"], "unverifiable")
        self.assertIn("another evidence key", result["message"])
        self.assertEqual(self.request._verify_integrity()["status"], "intact")

    def _make_legacy(self, request):
        """Rewrite ``request``'s log as it was before evidence keys: SHA-256 chain, no key."""
        self.env.flush_all()
        previous = ""
        for entry in request.log_ids.sorted("sequence"):
            row = {
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
                "previous_hash": previous,
            }
            previous = _public_chain_hash(row)
            self.env.cr.execute(
                SQL(
                    "UPDATE esign_log SET key_id = NULL, previous_hash = %s, entry_hash = %s "
                    "WHERE id = %s",
                    row["previous_hash"],
                    previous,
                    entry.id,
                )
            )
        self.env.cr.execute(
            SQL(
                "UPDATE esign_request SET log_head_hash = %s WHERE id = %s",
                previous,
                request.id,
            )
        )
        self.env.invalidate_all()

    def test_evidence_made_before_the_key_is_reported_honestly(self):
        """Entries sealed before evidence keys existed are neither intact nor forged."""
        self._make_legacy(self.request)
        result = self.request._verify_integrity()
        self.assertEqual(result["status"], "unverifiable")
        self.assertIn("before", result["message"])
        # new entries are sealed with the key after the old ones
        self.request.action_cancel()
        self.assertEqual(self.request._verify_integrity()["status"], "unverifiable")
        # one changed old value is still seen
        self.env.cr.execute(
            SQL(
                "UPDATE esign_log SET ip_address = '1.2.3.4' WHERE request_id = %s "
                "AND sequence = 1",
                self.request.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self.request._verify_integrity()["status"], "altered")

    def test_update_seals_draft_requests_only(self):
        """On update, drafts made before the key are sealed; sent requests stay as they were."""
        draft = self._create_request()
        self._make_legacy(draft)
        self._make_legacy(self.request)
        self.assertEqual(draft._verify_integrity()["status"], "unverifiable")
        self.assertEqual(self.env["esign.request"]._seal_draft_legacy_evidence(), draft)
        self.assertEqual(draft._verify_integrity()["status"], "intact")
        self.assertEqual(self.request._verify_integrity()["status"], "unverifiable")
        with self.mock_mail_gateway():
            draft.action_send()
        self.assertEqual(draft._verify_integrity()["status"], "intact")


@tagged("post_install", "-at_install")
class TestEsignCodeNotKept(EsignCase):
    def setUp(self):
        super().setUp()
        self.request = self._sent_request()
        self.signer = self.request.signer_ids.sorted("sequence")[0]

    def _assert_code_nowhere(self):
        self.env.flush_all()
        self.assertFalse(self.env["sms.sms"].sudo().search([("body", "ilike", KNOWN_CODE)]))
        self.assertFalse(self.env["mail.message"].sudo().search([("body", "ilike", KNOWN_CODE)]))
        self.assertFalse(
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id.body", "ilike", KNOWN_CODE)])
        )

    def test_sent_code_sms_is_not_kept(self):
        """Once handed to the gateway, no SMS record nor message holds the code."""
        with self._known_code(), self.mockSMSGateway():
            self.assertFalse(self.signer._send_code(http=HTTP_VALUES))
        self.assertEqual(len(self._sms), 1)
        self.assertIn(KNOWN_CODE, self._sms[0]["body"])
        self._assert_code_nowhere()

    def test_failed_code_sms_is_not_kept(self):
        for sim_error in ("credit", "jsonrpc_exception"):
            self.signer.sudo().code_last_sent = False
            with self._known_code(), self.mockSMSGateway(sim_error=sim_error):
                self.assertTrue(self.signer._send_code(http=HTTP_VALUES))
            self._assert_code_nowhere()
