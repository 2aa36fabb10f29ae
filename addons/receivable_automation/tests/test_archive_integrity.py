from odoo.tests import tagged
from odoo.tools import SQL

from .archive_common import ArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveIntegrity(ArchiveCommon):
    def _tamper_file(self, archive):
        """Flip one byte of the archived file where Odoo stores it (file store)."""
        attachment = archive.attachment_id.sudo()
        self.assertTrue(attachment.store_fname, "the test database keeps files in the file store")
        path = attachment._full_path(attachment.store_fname)
        with open(path, "r+b") as handle:
            handle.seek(10)
            byte = handle.read(1)
            handle.seek(10)
            handle.write(bytes([byte[0] ^ 0x01]))

    def _manager_activities(self, archive):
        return archive.activity_ids.filtered(lambda a: a.user_id == self.manager)

    def test_check_marks_untouched_entries_intact(self):
        archives = self._archives(3)
        self.assertEqual(set(archives.mapped("integrity_state")), {"unchecked"})
        action = archives.with_user(self.collector).action_check_integrity()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(set(archives.mapped("integrity_state")), {"intact"})
        self.assertTrue(all(archives.mapped("integrity_checked_on")))

    def test_one_altered_byte_is_detected_and_alerted_once(self):
        intact, tampered = self._archives(2, prefix="tamper")
        self._tamper_file(tampered)
        self.env["receivable.archive"]._cron_check_integrity()
        self.assertEqual(intact.integrity_state, "intact")
        self.assertEqual(tampered.integrity_state, "altered")
        self.assertIn("SHA-256 differs", tampered.integrity_message)
        self.assertIn("ALTERED", tampered.message_ids[0].body)
        self.assertEqual(len(self._manager_activities(tampered)), 1)
        # the next night: still altered, no second alert
        messages = len(tampered.message_ids)
        self.env["receivable.archive"]._cron_check_integrity()
        self.assertEqual(tampered.integrity_state, "altered")
        self.assertEqual(len(tampered.message_ids), messages)
        self.assertEqual(len(self._manager_activities(tampered)), 1)
        # the form's button says so too
        action = tampered.action_check_integrity()
        self.assertEqual(action["params"]["type"], "danger")

    def test_changed_metadata_breaks_the_chain_hash(self):
        """A sealed value changed in the database, behind Odoo's back, is detected."""
        first, second = self._archives(2)
        self.env.cr.execute(
            SQL(
                "UPDATE receivable_archive SET partner_id = %s WHERE id = %s",
                self.other_debtor.id,
                first.id,
            )
        )
        self.env.invalidate_all()
        (first | second)._check_integrity()
        self.assertEqual(first.integrity_state, "altered")
        self.assertIn("chain hash differs", first.integrity_message)
        self.assertEqual(second.integrity_state, "intact")

    def test_removed_entry_breaks_the_chain(self):
        first, middle, last = self._archives(3)
        self.env.cr.execute(SQL("DELETE FROM receivable_archive WHERE id = %s", middle.id))
        self.env.invalidate_all()
        self.env["receivable.archive"]._cron_check_integrity()
        self.assertEqual(first.integrity_state, "intact")
        self.assertEqual(last.integrity_state, "altered")
        self.assertIn("is missing: the chain is broken", last.integrity_message)

    def test_replaced_previous_hash_breaks_the_chain(self):
        first, second = self._archives(2)
        self.env.cr.execute(
            SQL("UPDATE receivable_archive SET chain_hash = %s WHERE id = %s", "0" * 64, first.id)
        )
        self.env.invalidate_all()
        (first | second)._check_integrity()
        self.assertEqual(second.integrity_state, "altered")
        self.assertIn("previous entry's chain hash differs", second.integrity_message)

    def test_removed_last_entries_are_detected(self):
        first, last = self._archives(2)
        self.env.cr.execute(SQL("DELETE FROM receivable_archive WHERE id = %s", last.id))
        self.env.invalidate_all()
        self.env["receivable.archive"]._cron_check_integrity()
        self.assertEqual(first.integrity_state, "altered")
        self.assertIn("are missing", first.integrity_message)
        self.assertEqual(len(self._manager_activities(first)), 1)
