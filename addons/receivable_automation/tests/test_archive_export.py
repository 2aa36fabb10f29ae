import base64
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

from odoo.tests import Form, tagged

from odoo.addons.receivable_automation.tools.verify_archive import compute_chain_hash

from .archive_common import ArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveExport(ArchiveCommon):
    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp(prefix="archive_export_")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def _export(self, archives):
        """Export from the list's action as a collector; return the extracted folder."""
        action = archives.with_user(self.collector).action_export()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.collector)
            .with_context(**action["context"])
        )
        wizard = form.save()
        result = wizard.action_export()
        self.assertIn("/web/content/receivable.archive.export/", result["url"])
        data = base64.b64decode(wizard.export_file)
        with zipfile.ZipFile(io.BytesIO(data)) as archive_zip:
            archive_zip.extractall(self.folder)
            return archive_zip.namelist()

    def _run(self, *command):
        return subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=60, check=False
        )

    def _manifest(self):
        with open(os.path.join(self.folder, "manifest.csv"), newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def test_export_contains_files_manifest_sums_and_verifier(self):
        archives = self._archives(3, prefix="export")
        names = self._export(archives)
        self.assertIn("manifest.csv", names)
        self.assertIn("SHA256SUMS", names)
        self.assertIn("verify_archive.py", names)
        self.assertIn("README.txt", names)
        rows = self._manifest()
        self.assertEqual(
            [int(r["sequence"]) for r in rows], archives.sorted("sequence").mapped("sequence")
        )
        for row, archive in zip(rows, archives.sorted("sequence"), strict=True):
            self.assertEqual(row["sha256"], archive.sha256)
            self.assertEqual(row["chain_hash"], archive.chain_hash)
            self.assertEqual(row["previous_hash"], archive.previous_hash or "")
            self.assertEqual(row["document"], archive.name)
            self.assertEqual(row["retention_class"], "commercial")
            self.assertEqual(row["retention_end"], str(archive.retention_end_date))
            with open(os.path.join(self.folder, row["path"]), "rb") as f:
                self.assertEqual(f.read(), archive.attachment_id.raw)

    def test_export_verifies_and_a_changed_file_fails(self):
        archives = self._archives(3, prefix="verify")
        self._export(archives)
        checked = self._run(sys.executable, "verify_archive.py")
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertIn("OK", checked.stdout)
        if shutil.which("sha256sum"):
            sums = self._run("sha256sum", "-c", "SHA256SUMS")
            self.assertEqual(sums.returncode, 0, sums.stdout + sums.stderr)
        # one byte changed in one file: both checks fail
        path = os.path.join(self.folder, self._manifest()[1]["path"])
        with open(path, "ab") as f:
            f.write(b" ")
        checked = self._run(sys.executable, "verify_archive.py")
        self.assertEqual(checked.returncode, 1)
        self.assertIn("file altered", checked.stdout)
        if shutil.which("sha256sum"):
            self.assertNotEqual(self._run("sha256sum", "-c", "SHA256SUMS").returncode, 0)

    def test_a_changed_manifest_line_fails(self):
        """Changing a date or a name in the manifest breaks the chain hash of the line."""
        self._export(self._archives(2, prefix="manifest"))
        rows = self._manifest()
        rows[0]["retention_end"] = "2099-12-31"
        with open(
            os.path.join(self.folder, "manifest.csv"), "w", newline="", encoding="utf-8"
        ) as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        checked = self._run(sys.executable, "verify_archive.py")
        self.assertEqual(checked.returncode, 1)
        self.assertIn("chain hash differs", checked.stdout)

    def test_a_forged_chain_hash_fails_the_link(self):
        """A line whose chain hash is recomputed after a change no longer links to the next."""
        self._export(self._archives(2, prefix="link"))
        rows = self._manifest()
        rows[0]["document"] = "forged"
        rows[0]["chain_hash"] = compute_chain_hash(rows[0])
        with open(
            os.path.join(self.folder, "manifest.csv"), "w", newline="", encoding="utf-8"
        ) as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        checked = self._run(sys.executable, "verify_archive.py")
        self.assertEqual(checked.returncode, 1)
        self.assertIn("chain broken", checked.stdout)
