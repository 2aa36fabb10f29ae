from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .archive_common import ArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveRetention(ArchiveCommon):
    def test_retention_years_from_settings(self):
        """The settings of the Receivables page set the years per retention class."""
        with Form(self.env["res.config.settings"]) as settings:
            settings.receivable_retention_commercial_years = 12
            settings.receivable_retention_tax_years = 7
        contract = self._archive()
        self.assertEqual(contract.retention_years, 12)
        self.assertEqual(
            contract.retention_end_date, contract.archive_date.date() + relativedelta(years=12)
        )
        tax_type = self.type_contract.copy({"code": "tax_doc", "retention_class": "tax"})
        tax_document = self._archive(document_type=tax_type)
        self.assertEqual(tax_document.retention_class, "tax")
        self.assertEqual(tax_document.retention_years, 7)

    def test_retention_years_cannot_be_zero(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation), self.cr.savepoint():
            self.company.receivable_retention_tax_years = 0
            self.company.flush_recordset()

    def test_retention_rule_overrides_the_class(self):
        """A rule of the document type wins; a rule of the company's country wins over one of
        every country."""
        self.company.country_id = self.env.ref("base.fr")
        Rule = self.env["receivable.retention.rule"]
        Rule.create({"document_type_id": self.type_contract.id, "years": 15, "company_id": False})
        self.assertEqual(self._archive().retention_years, 15)
        Rule.create(
            {
                "document_type_id": self.type_contract.id,
                "years": 20,
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self.assertEqual(self._archive().retention_years, 20)
        Rule.create(
            {
                "document_type_id": self.type_contract.id,
                "years": 30,
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.assertEqual(self._archive().retention_years, 20)
        # another type keeps the company's setting
        self.assertEqual(self._archive(document_type=self.type_invoice).retention_years, 10)
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation), self.cr.savepoint():
            Rule.create({"document_type_id": self.type_contract.id, "years": 0})

    def test_legal_hold_with_reason_in_chatter(self):
        """A credit manager puts a hold with a reason from the form; it shows in the chatter
        and the entry can no longer be purged; lifting it needs a reason too."""
        archive = self._archive()
        action = archive.with_user(self.manager).action_open_legal_hold()
        form = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )
        self.assertEqual(form.mode, "put")
        form.reason = "Litigation with Agrolait, case 2026-17"
        form.save().action_confirm()
        self.assertTrue(archive.legal_hold)
        self.assertEqual(archive.legal_hold_user_id, self.manager)
        self.assertIn("case 2026-17", archive.message_ids[0].body)
        action = archive.with_user(self.manager).action_open_legal_hold()
        self.assertEqual(action["context"]["default_mode"], "lift")
        form = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )
        form.reason = "Case closed"
        form.save().action_confirm()
        self.assertFalse(archive.legal_hold)
        self.assertIn("Case closed", archive.message_ids[0].body)

    def test_legal_hold_needs_a_reason(self):
        archive = self._archive()
        wizard = (
            self.env["receivable.archive.hold.wizard"]
            .with_user(self.manager)
            .create({"archive_ids": archive.ids, "mode": "put", "reason": "   "})
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        self.assertFalse(archive.legal_hold)

    def test_held_entry_cannot_be_deleted_even_past_its_date(self):
        with freeze_time("2010-01-15 10:00:00"):
            archive = self._archive()
        archive.with_user(self.manager)._set_legal_hold("Tax audit")
        with freeze_time("2026-06-01"), self.assertRaisesRegex(UserError, "legal hold"):
            archive.sudo().unlink()

    def test_expired_entry_is_deleted_only_by_an_approved_purge(self):
        with freeze_time("2010-01-15 10:00:00"):
            archive = self._archive()
        with freeze_time("2026-06-01"), self.assertRaisesRegex(UserError, "approved"):
            archive.sudo().unlink()

    def test_purge_lists_reviews_and_deletes_with_destruction_records(self):
        with freeze_time("2010-01-15 10:00:00"):
            old_1, old_2, held = self._archives(3, prefix="old")
        recent = self._archive()
        held.with_user(self.manager)._set_legal_hold("Dispute still open")
        removed = {archive.id: archive.attachment_id.id for archive in old_1 | old_2}
        values = {a.id: (a.name, a.sha256, a.chain_hash, a.sequence) for a in old_1 | old_2}
        with freeze_time("2026-06-01"):
            purge = self.env["receivable.archive.purge"].with_user(self.manager).create({})
            purge.action_prepare()
            self.assertEqual(purge.archive_ids, (old_1 | old_2).with_user(self.manager))
            self.assertEqual(purge.state, "draft")
            purge.action_approve()
        self.assertEqual(purge.state, "done")
        self.assertEqual(purge.approved_by_id, self.manager)
        self.assertFalse((old_1 | old_2).exists())
        self.assertFalse(self.env["ir.attachment"].browse(list(removed.values())).exists())
        self.assertTrue(held.exists() and recent.exists())
        destructions = purge.destruction_ids
        self.assertEqual(len(destructions), 2)
        for destruction in destructions:
            name, sha256, chain_hash, sequence = next(
                v for v in values.values() if v[3] == destruction.sequence
            )
            self.assertEqual(destruction.name, name)
            self.assertEqual(destruction.sha256, sha256)
            self.assertEqual(destruction.chain_hash, chain_hash)
            self.assertEqual(destruction.approved_by_id, self.manager)
            self.assertEqual(destruction.partner_id, self.debtor)
            self.assertEqual(destruction.document_type_id, self.type_contract)
            self.assertEqual(str(destruction.archive_date), "2010-01-15 10:00:00")
            self.assertEqual(str(destruction.retention_end_date), "2020-01-15")
            self.assertIn("L123-22", destruction.legal_basis)
        # the chain stays verifiable across the removed entries
        self.assertFalse((held | recent)._check_integrity())
        self.assertEqual(held.integrity_state, "intact")
        # destruction records are never changed nor deleted
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            destructions.sudo().write({"name": "forged"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            destructions.sudo().unlink()

    def test_purge_with_nothing_expired_says_so(self):
        self._archive()
        purge = self.env["receivable.archive.purge"].with_user(self.manager).create({})
        with self.assertRaisesRegex(UserError, "Nothing to purge"):
            purge.action_prepare()
        with self.assertRaisesRegex(UserError, "Prepare the list"):
            purge.action_approve()

    def test_purge_refuses_an_entry_held_after_listing(self):
        with freeze_time("2010-01-15 10:00:00"):
            archive = self._archive()
        with freeze_time("2026-06-01"):
            purge = self.env["receivable.archive.purge"].with_user(self.manager).create({})
            purge.action_prepare()
            archive.with_user(self.manager)._set_legal_hold("Late claim")
            with self.assertRaisesRegex(UserError, "no longer be deleted"):
                purge.action_approve()
        self.assertTrue(archive.exists())

    def test_purge_cannot_be_created_already_approved(self):
        with self.assertRaisesRegex(UserError, "starts empty"):
            self.env["receivable.archive.purge"].with_user(self.manager).create(
                {"state": "approved"}
            )

    def test_controller_cannot_hold_or_purge(self):
        archive = self._archive()
        with self.assertRaises(AccessError):
            archive.with_user(self.collector).action_open_legal_hold()
        with self.assertRaises(AccessError):
            archive.with_user(self.collector)._set_legal_hold("Not mine to decide")
        with self.assertRaises(AccessError):
            self.env["receivable.archive.purge"].with_user(self.collector).create({})
        purge = self.env["receivable.archive.purge"].with_user(self.manager).create({})
        with self.assertRaises(AccessError):
            purge.with_user(self.collector).action_prepare()
