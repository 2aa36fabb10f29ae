import importlib.util
import itertools
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestHolds(ReceivableCommon):
    """What stops a reminder besides a category: a hold, owned by the record that decided it
    and released by that record only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Hold = cls.env["receivable.dunning.hold"]
        cls.lawyer = cls.env["res.partner"].create(
            {"name": "Maître Durand", "is_company": True, "email": "durand@avocats.example.com"}
        )

    def _new_debtor(self, name):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "email": f"{name.lower()}@example.com"}
        )

    def _dispute(self, debtor, invoice, amount):
        return self.env["receivable.dispute"].create(
            {
                "partner_id": debtor.id,
                "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                "owner_id": self.manager.id,
                "deadline": date(2026, 1, 31),
                "line_ids": [Command.create({"move_id": invoice.id, "amount": amount})],
            }
        )

    def _active_plan(self, debtor, invoices, user=None):
        return super()._active_plan(invoices, partner=debtor, user=user, instalment_count=2)

    def _handoff(self, debtor):
        return self.env["receivable.handoff"].create(
            {"partner_id": debtor.id, "lawyer_id": self.lawyer.id, "date": date(2026, 1, 5)}
        )

    # ------------------------------------------------------------------------------------------
    # Owners place and release their own holds
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-01-05")
    def test_plan_activated_in_french_and_broken_by_the_english_cron_releases_its_holds(self):
        """Regression: the plan found its exclusion again by comparing translated text."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.collector.lang = "fr_FR"
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(self.debtor, invoice)
        self.assertEqual(invoice.receivable_hold_ids.owner_ref, plan)
        self.assertFalse(self._run(date(2026, 1, 12)).action_ids, "held while the plan runs")
        # nothing paid: the daily cron (English, superuser) breaks the plan after the grace days
        with freeze_time("2026-02-15"), self.mock_mail_gateway():
            self.env["receivable.payment.plan"].with_context(lang="en_US")._check_payment_plans(
                date(2026, 2, 15)
            )
        self.assertEqual(plan.state, "broken")
        self.assertFalse(invoice.receivable_hold_ids, "the plan's hold is released")
        self.assertEqual(plan.receivable_hold_ids.state, "released")
        self.assertTrue(self._run(date(2026, 2, 16)).action_ids, "dunning resumes")

    @freeze_time("2026-01-05")
    def test_three_owners_on_one_invoice_ended_in_any_order(self):
        """A hand-off, a plan and a dispute on the same invoice, ended in any order, leave
        exactly the holds of those still open."""

        def reject(dispute):
            dispute.rejection_reason = "Delivered as ordered."
            dispute.action_reject()

        enders = {
            "dispute": lambda records: reject(records["dispute"]),
            "plan": lambda records: records["plan"].action_cancel(),
            "handoff": lambda records: records["handoff"].action_close(),
        }
        for number, order in enumerate(itertools.permutations(enders)):
            with self.subTest(order=order), self.mock_mail_gateway():
                debtor = self._new_debtor(f"Debtor{number}")
                invoice = self._invoice(debtor, 1000)
                records = {
                    "dispute": self._dispute(debtor, invoice, 200),
                    "plan": self._active_plan(debtor, invoice),
                    "handoff": self._handoff(debtor),
                }
                self.assertEqual(len(debtor.receivable_hold_ids), 3)
                still_open = set(enders)
                for name in order:
                    enders[name](records)
                    still_open.discard(name)
                    debtor.invalidate_recordset(["receivable_hold_ids"])
                    owners = {hold.owner_ref._name for hold in debtor.receivable_hold_ids}
                    self.assertEqual(
                        owners,
                        {records[owner]._name for owner in still_open},
                        f"after ending {name} in {order}",
                    )

    def test_dispute_holds_its_amount_and_follows_its_changes(self):
        invoice = self._invoice(self.debtor, 1000)
        dispute = self._dispute(self.debtor, invoice, 300)
        hold = invoice.receivable_hold_ids
        self.assertEqual((hold.owner_ref, hold.amount), (dispute, 300))
        dispute.line_ids.amount = 400
        self.assertEqual(invoice.receivable_hold_ids.amount, 400, "the hold follows the line")
        self.assertEqual(hold.state, "released", "the old amount no longer holds")
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertAlmostEqual(reminder.amount_residual, 600)
        self.assertAlmostEqual(reminder.amount_disputed, 400)

    @freeze_time("2026-01-05")
    def test_plan_and_handoff_leave_the_disputed_amount_out(self):
        """A payment plan schedules, and a lawyer receives, what is not under dispute."""
        invoice = self._invoice(self.debtor, 1000)
        self._dispute(self.debtor, invoice, 300)
        plan = self._active_plan(self.debtor, invoice)
        self.assertAlmostEqual(plan.amount_disputed, 300, msg="the form warns about it")
        self.assertAlmostEqual(plan.amount_total, 700)
        self.assertAlmostEqual(sum(plan.instalment_ids.mapped("amount")), 700)
        other = self._new_debtor("Handed")
        other_invoice = self._invoice(other, 1000)
        self._dispute(other, other_invoice, 400)
        with self.mock_mail_gateway():
            handoff = self._handoff(other)
        self.assertAlmostEqual(handoff.amount_handed, 600)
        self.assertAlmostEqual(handoff.amount_disputed, 400)

    def test_disputed_amount_of_a_foreign_currency_invoice_in_company_currency(self):
        """1,000 EUR at 2 EUR per USD, 300 EUR disputed: 350 USD claimed, 150 USD held."""
        eur = self.setup_other_currency("EUR")
        invoice = self._invoice(self.debtor, 1000, currency=eur)
        self.assertAlmostEqual(invoice.amount_residual_signed, 500)
        self._dispute(self.debtor, invoice, 300)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.currency_id, self.company.currency_id)
        self.assertAlmostEqual(reminder.amount_residual, 350)
        self.assertAlmostEqual(reminder.amount_disputed, 150)
        line = reminder.line_ids
        self.assertEqual(line.currency_id.name, "EUR")
        self.assertAlmostEqual(line.amount_residual, 700)
        self.assertAlmostEqual(line.amount_disputed, 300)
        self.assertIn("150.00", reminder.dispute_note)

    @freeze_time("2026-01-05")
    def test_promise_holds_until_its_deadline_then_releases_on_decision(self):
        invoice = self._invoice(self.debtor, 1000)
        promise = self.env["receivable.promise"].create(
            {
                "partner_id": self.debtor.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 1000,
                "date": date(2026, 1, 20),
            }
        )
        hold = invoice.receivable_hold_ids
        self.assertEqual(hold.owner_ref, promise)
        self.assertEqual(hold.date_until, promise._get_deadline())
        promise.action_cancel()
        self.assertEqual(hold.state, "released")

    # ------------------------------------------------------------------------------------------
    # Manual holds
    # ------------------------------------------------------------------------------------------

    def test_manual_hold_with_end_date_and_release(self):
        invoice = self._invoice(self.debtor, 1000)
        hold = self.Hold.with_user(self.collector).create(
            {
                "partner_id": self.debtor.id,
                "reason": "Safeguard procedure",
                "date_until": date(2026, 1, 20),
            }
        )
        self.assertIn("Reminders held", self.debtor.message_ids[0].body)
        self.assertEqual(invoice.receivable_hold_ids, hold, "a debtor hold shows on its invoices")
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids)
        self.assertTrue(self._run(date(2026, 1, 21)).action_ids, "ended by its date")
        hold.with_user(self.collector).action_release()
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.collector)

    def test_manual_hold_from_the_client_file_form(self):
        action = self.debtor.with_user(self.collector).action_receivable_hold()
        self.assertEqual(action["context"]["default_partner_id"], self.debtor.id)
        hold = (
            self.Hold.with_user(self.collector)
            .with_context(**action["context"])
            .create({"reason": "Customer in hospital"})
        )
        self.assertEqual(hold.partner_id, self.debtor)
        self.assertEqual(self.debtor.receivable_hold_ids, hold)

    def test_bad_input(self):
        invoice = self._invoice(self.debtor, 1000)
        other_invoice = self._invoice(self.other_debtor, 500)
        cases = [
            ({"partner_id": self.debtor.id}, "Say why"),
            ({"partner_id": self.contact.id, "reason": "x"}, "not on one of its contacts"),
            ({"partner_id": self.debtor.id, "move_id": other_invoice.id, "reason": "x"}, "not"),
            ({"partner_id": self.debtor.id, "amount": 10, "reason": "x"}, "one invoice"),
            (
                {"partner_id": self.debtor.id, "move_id": invoice.id, "amount": -5, "reason": "x"},
                "negative",
            ),
            (
                {
                    "partner_id": self.debtor.id,
                    "reason": "x",
                    "date_from": date(2026, 2, 1),
                    "date_until": date(2026, 1, 1),
                },
                "end before it starts",
            ),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                with self.cr.savepoint():
                    self.Hold.create(values)

    # ------------------------------------------------------------------------------------------
    # Authority over holds
    # ------------------------------------------------------------------------------------------

    def test_an_owned_hold_ends_only_with_its_owner(self):
        invoice = self._invoice(self.debtor, 1000)
        dispute = self._dispute(self.debtor, invoice, 300)
        hold = invoice.receivable_hold_ids
        with self.assertRaisesRegex(UserError, "ends with"):
            hold.with_user(self.collector).action_release()
        for forged in ({}, {"receivable_hold_owner": "receivable.dispute"}):
            with self.subTest(context=forged), self.assertRaises(AccessError):
                hold.with_user(self.manager).with_context(**forged).write({"state": "released"})
        with self.assertRaises(AccessError):
            hold.with_user(self.manager).write({"amount": 1})
        with self.assertRaises(AccessError):
            hold.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.Hold.with_user(self.manager).create(
                {"partner_id": self.debtor.id, "res_model": dispute._name, "res_id": dispute.id}
            )
        self.assertEqual(hold.state, "active")

    def test_access_rights(self):
        hold = self.Hold.create({"partner_id": self.debtor.id, "reason": "Insolvency"})
        billing = new_test_user(
            self.env, login="ra_billing", groups="account.group_account_invoice"
        )
        self.assertEqual(hold.with_user(billing).name, "Insolvency", "invoicing users read")
        with self.assertRaises(AccessError):
            self.Hold.with_user(billing).create({"partner_id": self.debtor.id, "reason": "x"})
        with self.assertRaises(AccessError):
            hold.with_user(billing).action_release()
        employee = new_test_user(self.env, login="ra_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            hold.with_user(employee).read(["reason"])

    def test_another_companys_holds_are_invisible_and_do_not_apply(self):
        other_company = self.setup_other_company(name="Other Co")["company"]
        hold = self.Hold.create(
            {
                "partner_id": self.debtor.id,
                "reason": "Other company",
                "company_id": other_company.id,
            }
        )
        self.assertFalse(self.Hold.with_user(self.collector).search([("id", "=", hold.id)]))
        self._invoice(self.debtor, 1000)
        self.assertTrue(self._run(date(2026, 1, 11)).action_ids, "held in the other company only")

    # ------------------------------------------------------------------------------------------
    # Migration
    # ------------------------------------------------------------------------------------------

    def test_exclusions_of_an_older_version_become_holds(self):
        """18.0.1.1.0 migration: a debtor excluded by hand keeps a manual hold with its reason
        and end date, an invoice of an active plan gets the plan's own hold instead."""
        migration = self._load_migration("18.0.1.1.0", "post-migrate.py")
        invoice = self._invoice(self.debtor, 1000)
        plan_invoice = self._invoice(self.other_debtor, 500)
        plan = self._active_plan(self.other_debtor, plan_invoice)
        # as if the plan had been activated before holds existed
        plan.sudo().receivable_hold_ids.with_context(receivable_hold_owner=plan).unlink()
        for table in ("res_partner", "account_move"):
            self.cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN receivable_excluded boolean,"
                    " ADD COLUMN receivable_exclusion_reason varchar,"
                    " ADD COLUMN receivable_excluded_until date",
                    SQL.identifier(table),
                )
            )
        self.cr.execute(
            "UPDATE res_partner SET receivable_excluded = TRUE,"
            " receivable_exclusion_reason = 'Safeguard', receivable_excluded_until = '2026-03-01'"
            " WHERE id = %s",
            [self.debtor.id],
        )
        self.cr.execute(
            "UPDATE account_move SET receivable_excluded = TRUE,"
            " receivable_exclusion_reason = 'Payment plan' WHERE id = ANY(%s)",
            [(invoice + plan_invoice).ids],
        )
        migration.migrate_exclusions(self.env)
        self.env.invalidate_all()
        debtor_hold = self.debtor.receivable_hold_ids.filtered(lambda hold: not hold.move_id)
        self.assertEqual(
            (debtor_hold.reason, debtor_hold.date_until, debtor_hold.res_model),
            ("Safeguard", date(2026, 3, 1), False),
        )
        self.assertEqual(
            invoice.receivable_hold_ids.filtered("move_id").reason, "Payment plan", "manual"
        )
        self.assertEqual(plan_invoice.receivable_hold_ids.owner_ref, plan, "the plan's own")

    def _load_migration(self, version, name):
        path = Path(__file__).parents[1] / "migrations" / version / name
        spec = importlib.util.spec_from_file_location("receivable_migration", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
