from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .archive_common import ArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveAccess(ArchiveCommon):
    def test_controller_reads_and_downloads_but_changes_nothing(self):
        archive = self._archive()
        as_collector = archive.with_user(self.collector)
        self.assertEqual(as_collector.name, archive.name)
        self.assertEqual(as_collector.attachment_id.raw, archive.attachment_id.raw)
        action = as_collector.action_download()
        self.assertIn(f"/web/content/{archive.attachment_id.id}", action["url"])
        found = self.Archive.with_user(self.collector).search(
            [("partner_id", "=", self.debtor.id), ("document_type_id", "=", self.type_contract.id)]
        )
        self.assertEqual(found, as_collector)
        with self.assertRaises(AccessError):
            as_collector.write({"legal_hold": True})
        with self.assertRaises(AccessError):
            as_collector.write({"integrity_state": "intact"})
        with self.assertRaises(UserError):
            as_collector.unlink()
        with self.assertRaises(AccessError):
            self.env["receivable.archive.destruction"].with_user(self.collector).search([])

    def test_nobody_creates_entries_from_the_interface(self):
        attachment = self._attachment(b"direct")
        for user in (self.collector, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Archive.with_user(user).create(
                    {
                        "company_id": self.company.id,
                        "name": "direct",
                        "file_name": "direct.pdf",
                        "document_type_id": self.type_contract.id,
                        "attachment_id": attachment.id,
                    }
                )

    def test_manager_cannot_mark_an_entry_intact_by_hand(self):
        archive = self._archive()
        with self.assertRaises(AccessError):
            archive.with_user(self.manager).write({"integrity_state": "intact"})

    def test_salesperson_sees_no_archive(self):
        archive = self._archive()
        with self.assertRaises(AccessError):
            archive.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            archive.attachment_id.with_user(self.salesperson).read(["raw"])

    def test_other_company_cannot_read(self):
        archive = self._archive()
        other = archive.with_user(self.other_manager)
        self.assertFalse(self.Archive.with_user(self.other_manager).search([]) & archive)
        with self.assertRaises(AccessError):
            other.read(["name"])
        with self.assertRaises(AccessError):
            archive.attachment_id.with_user(self.other_manager).read(["raw"])
        with self.assertRaises(AccessError):
            other._set_legal_hold("Not my company")
        export = self.env["receivable.archive.export"].with_user(self.other_manager)
        with self.assertRaises(AccessError):
            export.create({"archive_ids": archive.ids}).action_export()

    def test_views_and_menus_load_for_each_role(self):
        menu = self.env.ref("receivable_automation.menu_receivable_archive")
        purges = self.env.ref("receivable_automation.menu_receivable_archive_purges")
        for user in (self.collector, self.manager):
            with self.subTest(user=user.login):
                views = self.Archive.with_user(user).get_views(
                    [(False, "list"), (False, "form"), (False, "search")]
                )
                self.assertIn("integrity_state", views["views"]["form"]["arch"])
                visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                self.assertIn(menu.id, visible)
                self.assertEqual(purges.id in visible, user == self.manager)
        self.env["receivable.archive.purge"].with_user(self.manager).get_views([(False, "form")])
        self.env["receivable.archive.destruction"].with_user(self.manager).get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )
