import base64
import hashlib

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# what makes an archived file what it is: its bytes and the record it belongs to
SEALED_ATTACHMENT_FIELDS = {
    "datas",
    "raw",
    "db_datas",
    "store_fname",
    "checksum",
    "file_size",
    "res_model",
    "res_id",
    "res_field",
    "type",
    "url",
    "company_id",
}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        if SEALED_ATTACHMENT_FIELDS & set(vals):
            self._check_not_archived_file(vals)
        return super().write(vals)

    def unlink(self):
        # checked before Odoo's access rights: the refusal says why, to everyone
        self._check_archived_file_unlink()
        return super().unlink()

    def _check_archived_file_unlink(self):
        sealed = self._get_archived_files()
        if sealed:
            raise UserError(
                _(
                    "%s is the sealed copy of an archived document: it is deleted only with "
                    "its archive entry, by an approved purge after its retention date.",
                    ", ".join(row[0] for row in sealed.values()),
                )
            )

    def _get_archived_files(self):
        """``{attachment id: (archive name, archive id, sha256)}`` of these attachments that are
        the sealed copy of an archived document (read in SQL: independent of the caller's rights
        and of the cache)."""
        if not self.ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT attachment_id, name, id, sha256 FROM receivable_archive"
                " WHERE attachment_id = ANY(%s)",
                self.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _check_not_archived_file(self, vals):
        sealed = self._get_archived_files()
        if not sealed:
            return
        new_sha256 = self._get_new_content_sha256(vals)
        for attachment in self.filtered(lambda a: a.id in sealed):
            name, archive_id, sha256 = sealed[attachment.id]
            if self._is_allowed_archive_change(attachment, vals, archive_id, sha256, new_sha256):
                continue
            raise UserError(
                _(
                    "%s is the sealed copy of an archived document: its content and the record "
                    "it belongs to cannot be changed, by anyone.",
                    name,
                )
            )

    def _get_new_content_sha256(self, vals):
        if "raw" in vals:
            raw = vals["raw"]
            return hashlib.sha256(raw.encode() if isinstance(raw, str) else raw or b"").hexdigest()
        if "datas" in vals:
            return hashlib.sha256(base64.b64decode(vals["datas"] or b"")).hexdigest()
        return None

    def _is_allowed_archive_change(self, attachment, vals, archive_id, sha256, new_sha256):
        """Two changes keep an archived file what it is: linking the new copy to its entry
        once (``res_id`` from 0 to the entry's id), and moving the same bytes to another
        storage (database / file store)."""
        keys = SEALED_ATTACHMENT_FIELDS & set(vals)
        # read in SQL: the cache may hold the values being written
        self.env.cr.execute(
            SQL("SELECT res_id, res_model FROM ir_attachment WHERE id = %s", attachment.id)
        )
        res_id, res_model = self.env.cr.fetchone()
        if keys <= {"res_id", "res_model"}:
            return (
                not res_id
                and vals.get("res_id") == archive_id
                and vals.get("res_model", res_model) == "receivable.archive"
            )
        if keys <= {"raw", "datas", "db_datas", "store_fname", "checksum", "file_size"}:
            return new_sha256 is not None and new_sha256 == sha256
        return False
