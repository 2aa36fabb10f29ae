import base64
import csv
import io
import re
import zipfile

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open

MANIFEST_COLUMNS = (
    "document",
    "path",
    "file_name",
    "sha256",
    "sequence",
    "previous_hash",
    "chain_hash",
    "archive_date",
    "retention_end",
    "retention_class",
    "company",
    "document_type",
    "partner",
    "partner_name",
    "source_model",
    "source_id",
)
VERIFIER = "receivable_automation/tools/verify_archive.py"


class ReceivableArchiveExport(models.TransientModel):
    """Audit export: a ZIP of the chosen archived documents with a manifest, a SHA256SUMS file
    and a verifier that a third party runs with Python alone."""

    _name = "receivable.archive.export"
    _description = "Audit Export of Archived Documents"

    archive_ids = fields.Many2many("receivable.archive", string="Documents", required=True)
    export_file = fields.Binary("ZIP File", readonly=True, attachment=False)
    export_filename = fields.Char(readonly=True)

    def action_export(self):
        self.ensure_one()
        if not self.archive_ids:
            raise UserError(_("Choose the archived documents to export."))
        self.archive_ids.check_access("read")
        self.write(
            {
                "export_file": base64.b64encode(self._build_zip()),
                "export_filename": (
                    f"archive-export-{fields.Datetime.now().strftime('%Y%m%d-%H%M%S')}.zip"
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/export_file/"
            f"{self.export_filename}?download=true",
            "target": "self",
        }

    def _build_zip(self):
        archives = self.archive_ids.sorted(lambda a: (a.company_id.id, a.sequence))
        buffer = io.BytesIO()
        rows, sums = [], []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_zip:
            for archive in archives:
                path = self._get_file_path(archive)
                # sudo: the user may read the entry; its sealed file is read with it
                raw = archive.attachment_id.sudo().with_context(bin_size=False).raw or b""
                archive_zip.writestr(path, raw)
                rows.append(self._prepare_manifest_row(archive, path))
                sums.append(f"{archive.sha256}  {path}\n")
            archive_zip.writestr("manifest.csv", self._build_manifest(rows))
            archive_zip.writestr("SHA256SUMS", "".join(sums))
            with file_open(VERIFIER, "rb") as verifier:
                archive_zip.writestr("verify_archive.py", verifier.read())
            archive_zip.writestr("README.txt", self._get_readme())
        return buffer.getvalue()

    def _get_file_path(self, archive):
        safe_name = re.sub(r"[^\w.\-]+", "_", archive.file_name or "document").strip("._")
        return f"files/{archive.company_id.id}-{archive.sequence:06d}-{safe_name or 'document'}"

    def _prepare_manifest_row(self, archive, path):
        row = dict(archive._get_chain_values())
        row.update(
            {
                "path": path,
                "chain_hash": archive.chain_hash,
                "partner_name": archive.partner_id.display_name or "",
            }
        )
        return row

    def _build_manifest(self, rows):
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in MANIFEST_COLUMNS})
        return output.getvalue().encode("utf-8")

    def _get_readme(self):
        return _(
            "Archived documents exported on %(date)s.\n\n"
            "Check the files against their SHA-256:\n"
            "    sha256sum -c SHA256SUMS\n\n"
            "Check the files, the manifest and the hash chain (Python 3, nothing to install):\n"
            "    python3 verify_archive.py\n\n"
            "manifest.csv lists each document with its SHA-256, its position in the company's "
            "chain, the previous entry's chain hash and its own chain hash, which covers the "
            "file's SHA-256 and the document's metadata (verify_archive.py says how).\n",
            date=fields.Datetime.to_string(fields.Datetime.now()),
        )
