from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TransactionCase

from .common import DUE, ReceivableCommon

# Today in these tests: the invoices due on DUE (1 January) are 5 days late.
TODAY = "2026-01-06"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDebtorWorklist(ReceivableCommon):
    """Receivables > Debtors: the collector's worklist of what each debtor owes and when it
    is reminded next."""

    def _row(self, partner, user=None):
        """The debtor's row as a new request reads it (the worklist is computed afresh)."""
        Debtor = self.env["receivable.debtor"].with_user(user or self.collector)
        Debtor.invalidate_model()
        return Debtor.search([("partner_id", "=", partner.id)])

    def _refund(self, partner, amount, due=DUE):
        refund = self._invoice(partner, 0, due=due, post=False)
        refund.write(
            {
                "move_type": "out_refund",
                "invoice_line_ids": [
                    Command.clear(),
                    Command.create({"name": "Refund", "price_unit": amount, "tax_ids": []}),
                ],
            }
        )
        refund.action_post()
        return refund

    # ------------------------------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------------------------------

    def test_total_due_and_overdue_are_net_of_credit_notes(self):
        """Two invoices and a credit note: the credit pays the oldest invoice first; a debtor
        whose credit note covers its invoice owes nothing and is not listed."""
        self._invoice(self.debtor, 1000)  # 5 days late
        self._invoice(self.debtor, 400, due=date(2026, 1, 20))  # not due yet
        self._refund(self.debtor, 300)
        self._invoice(self.other_debtor, 500)
        self._refund(self.other_debtor, 500)

        row = self._row(self.debtor)
        self.assertEqual(len(row), 1, "one row per debtor")
        self.assertAlmostEqual(row.total_due, 1100, msg="1,000 + 400 - 300")
        self.assertAlmostEqual(row.overdue_amount, 700, msg="the credit paid the late invoice")
        self.assertEqual(row.item_count, 2)
        self.assertEqual(row.max_days_late, 5)
        self.assertEqual(row.currency_id, self.currency)
        self.assertEqual(row.user_id, self.salesperson)
        self.assertEqual(row.collector_id, self.collector)
        self.assertEqual(row.policy_id, self.policy, "the company's default policy")
        self.assertEqual(row.category_id.code, "NCT")
        self.assertFalse(self._row(self.other_debtor), "owes nothing: not in the worklist")
        Debtor = self.env["receivable.debtor"].with_user(self.collector)
        self.assertFalse(Debtor.search([("total_due", "<=", 0)]))
        self.assertEqual(
            Debtor.search([("overdue_amount", ">", 0)]).partner_id, self.debtor, "filter Overdue"
        )

    def test_next_reminder_is_the_next_level_of_the_policy(self):
        """Levels at 10, 25 and 40 days: an invoice due 5 days ago is reminded at the first
        level on its due date + 10, then at the second 25 days after its due date; the
        debtor's extra days push every level."""
        invoice = self._invoice(self.debtor, 1000)
        row = self._row(self.debtor)
        self.assertFalse(row.level_id, "never reminded")
        self.assertEqual(row.next_reminder_date, DUE + timedelta(days=10))
        self.assertEqual(row.next_level_id, self.level_1)
        self.assertEqual(row.next_level_id.name, "First reminder")

        with freeze_time("2026-01-11"):
            self._run(date(2026, 1, 11))
            self.assertEqual(invoice.line_ids.receivable_level_id, self.level_1)
            row = self._row(self.debtor)
            self.assertEqual(row.level_id, self.level_1, "highest level reached")
            self.assertEqual(row.next_level_id, self.level_2)
            self.assertEqual(row.next_reminder_date, date(2026, 1, 26))
            self.debtor.receivable_extra_days = 3
            self.assertEqual(self._row(self.debtor).next_reminder_date, date(2026, 1, 29))

    def test_a_next_reminder_already_due_is_for_today(self):
        """An invoice late enough for a level it was never reminded at is reminded at the
        next run: today, at the first level (items climb one level at a time)."""
        self._invoice(self.debtor, 1000, due=date(2025, 11, 1))
        row = self._row(self.debtor)
        self.assertEqual(row.next_reminder_date, date(2026, 1, 6))
        self.assertEqual(row.next_level_id, self.level_1)
        self.assertEqual(row.max_days_late, 66)

    def test_a_prepared_reminder_waits_and_its_items_are_not_planned_again(self):
        self.level_1.validation_mode = "manual"
        self._invoice(self.debtor, 1000)
        with freeze_time("2026-01-12"):
            self._run(date(2026, 1, 11))
            row = self._row(self.debtor)
            self.assertEqual(row.waiting_reminder_date, date(2026, 1, 11), "to validate")
            self.assertFalse(row.next_reminder_date, "its only invoice waits in that reminder")

    def test_categories_and_promise_dates_as_the_run_counts_them(self):
        """A do-not-contact invoice is never reminded; a promised one after its promise date;
        the category filter finds the debtors with an invoice in it."""
        stopped = self._invoice(self.debtor, 1000)
        stopped.receivable_category_id = self.env.ref("receivable_automation.category_npc")
        row = self._row(self.debtor)
        self.assertAlmostEqual(row.overdue_amount, 1000, msg="still owed")
        self.assertFalse(row.next_reminder_date, "do not contact")
        promised = self._invoice(self.other_debtor, 500)
        promised.write(
            {
                "receivable_category_id": self.env.ref("receivable_automation.category_pdp").id,
                "receivable_promise_date": date(2026, 1, 20),
            }
        )
        self.assertEqual(self._row(self.other_debtor).next_reminder_date, date(2026, 1, 21))
        Debtor = self.env["receivable.debtor"].with_user(self.collector)
        self.assertEqual(Debtor.search([("category_ids", "ilike", "NPC")]).partner_id, self.debtor)
        self.assertEqual(
            Debtor.search([("category_ids", "not ilike", "NPC")]).partner_id, self.other_debtor
        )
        self.assertEqual(self._row(self.debtor).category_ids.mapped("code"), ["NPC"])
        with self.assertRaises(UserError):
            Debtor.search([("category_ids", ">", 1)])

    def test_the_client_file_shows_the_worklists_figures(self):
        """The debtor's client file: overdue net of credits, and its next reminder (a waiting
        reminder's date first)."""
        self._invoice(self.debtor, 1000)
        self._refund(self.debtor, 300)
        self.assertAlmostEqual(self.debtor.receivable_overdue_amount, 700)
        self.assertEqual(self.debtor.receivable_next_action_date, date(2026, 1, 11))
        self.assertFalse(self.other_debtor.receivable_next_action_date)
        self.level_1.validation_mode = "manual"
        with freeze_time("2026-01-12"):
            self._run(date(2026, 1, 11))
            self.debtor.invalidate_recordset()
            self.assertEqual(self.debtor.receivable_next_action_date, date(2026, 1, 11))

    # ------------------------------------------------------------------------------------------
    # Holds, promises, plans, disputes
    # ------------------------------------------------------------------------------------------

    def test_held_debtor_is_on_hold_and_found_by_the_filter(self):
        self._invoice(self.debtor, 1000)
        self._invoice(self.other_debtor, 500)
        Hold = self.env["receivable.dunning.hold"].with_user(self.collector)
        hold = Hold.create({"partner_id": self.debtor.id, "reason": "Safeguard procedure"})
        Debtor = self.env["receivable.debtor"].with_user(self.collector)
        row = self._row(self.debtor)
        self.assertTrue(row.on_hold)
        self.assertFalse(row.next_reminder_date, "held until released")
        self.assertEqual(Debtor.search([("on_hold", "=", True)]), row)
        self.assertFalse(self._row(self.other_debtor).on_hold)
        hold.date_until = date(2026, 2, 15)
        self.assertEqual(
            self._row(self.debtor).next_reminder_date, date(2026, 2, 16), "once the hold ends"
        )
        hold.action_release()
        self.assertFalse(self._row(self.debtor).on_hold)
        self.assertEqual(self._row(self.debtor).next_reminder_date, date(2026, 1, 11))

    def test_a_hold_on_one_invoice_is_not_the_debtor_on_hold(self):
        held = self._invoice(self.debtor, 1000)
        self._invoice(self.debtor, 200, due=date(2026, 1, 3))
        self.env["receivable.dunning.hold"].create(
            {"partner_id": self.debtor.id, "move_id": held.id, "reason": "Checking"}
        )
        row = self._row(self.debtor)
        self.assertFalse(row.on_hold)
        self.assertEqual(row.next_reminder_date, date(2026, 1, 13), "the other invoice's")

    def test_promise_plan_and_dispute_flags(self):
        promising = self.debtor
        planning = self.other_debtor
        disputing = self.env["res.partner"].create({"name": "Disputing SA", "is_company": True})
        promised = self._invoice(promising, 1000)
        planned = self._invoice(planning, 600)
        disputed = self._invoice(disputing, 800)
        self.env["receivable.promise"].with_user(self.collector).create(
            {
                "partner_id": promising.id,
                "move_ids": [Command.set(promised.ids)],
                "amount": 1000,
                "date": date(2026, 1, 20),
                "grace_days": 2,
            }
        )
        plan = (
            self.env["receivable.payment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": planning.id,
                    "move_ids": [Command.set(planned.ids)],
                    "instalment_count": 3,
                    "first_date": date(2026, 2, 1),
                }
            )
        )
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.env["receivable.dispute"].with_user(self.collector).create(
            {
                "partner_id": disputing.id,
                "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                "deadline": date(2026, 1, 31),
                "line_ids": [Command.create({"move_id": disputed.id, "amount": 300})],
            }
        )
        Debtor = self.env["receivable.debtor"].with_user(self.collector)
        flags = {
            row.partner_id: (row.has_promise, row.has_plan, row.has_dispute, row.on_hold)
            for row in Debtor.search([])
        }
        self.assertEqual(flags[promising], (True, False, False, False))
        self.assertEqual(flags[planning], (False, True, False, False))
        self.assertEqual(flags[disputing], (False, False, True, False))
        self.assertEqual(Debtor.search([("has_promise", "=", True)]).partner_id, promising)
        self.assertEqual(Debtor.search([("has_plan", "=", True)]).partner_id, planning)
        self.assertEqual(Debtor.search([("has_dispute", "=", True)]).partner_id, disputing)
        # what they hold is reminded later, or not at all
        self.assertEqual(self._row(promising).next_reminder_date, date(2026, 1, 23), "+ grace")
        self.assertFalse(self._row(planning).next_reminder_date, "the plan's instalments are")
        self.assertEqual(
            self._row(disputing).next_reminder_date, date(2026, 1, 11), "the undisputed 500"
        )
        self.assertEqual(self._row(disputing).category_id.code, "LIT")

    # ------------------------------------------------------------------------------------------
    # Sorting, opening, menu
    # ------------------------------------------------------------------------------------------

    def test_sort_by_next_reminder_and_by_overdue(self):
        soon = self._create_debtors(1, prefix="Soon")
        later = self._create_debtors(1, prefix="Later")
        self._invoice(self.debtor, 300, due=date(2025, 12, 30))  # reminded on 9 January
        self._invoice(soon, 2000, due=date(2025, 12, 28))  # on 7 January
        self._invoice(later, 100, due=date(2026, 1, 4))  # on 14 January
        Debtor = self.env["receivable.debtor"].with_user(self.collector)
        by_date = Debtor.search([], order="next_reminder_date, id")
        self.assertEqual(by_date.partner_id.mapped("name"), ["Soon 0", "Agrolait", "Later 0"])
        by_overdue = Debtor.search([], order="overdue_amount desc")
        self.assertEqual(by_overdue.mapped("overdue_amount"), [2000, 300, 100])
        next_week = Debtor.search([("next_reminder_date", "<=", date(2026, 1, 11))])
        self.assertEqual(next_week.partner_id.mapped("name"), ["Soon 0", "Agrolait"])

    def test_a_row_opens_the_debtors_client_file(self):
        self._invoice(self.debtor, 1000)
        action = self._row(self.debtor).action_open_receivable_file()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.debtor.id))
        form = self.env.ref("receivable_automation.res_partner_view_form_receivable")
        self.assertEqual(action["views"], [(form.id, "form")])
        arch = self.env["receivable.debtor"].get_view(view_type="list")["arch"]
        self.assertIn('action="action_open_receivable_file"', arch, "a row click calls it")

    def test_the_debtors_menu_opens_the_worklist(self):
        menu = self.env.ref("receivable_automation.menu_receivable_debtors")
        self.assertEqual(menu.action.res_model, "receivable.debtor")
        self.assertIn("No customer owes anything", menu.action.help)

    def test_reading_the_list_costs_a_bounded_number_of_queries(self):
        """The list's columns for 5 or 20 debtors: the same queries (one for the rows, one
        per related model for the names)."""
        fields_list = list(
            self.env["receivable.debtor"].get_views([(False, "list")])["models"][
                "receivable.debtor"
            ]["fields"]
        )
        Debtor = self.env["receivable.debtor"].with_user(self.collector)

        def read(count, prefix):
            for partner in self._create_debtors(count, prefix=prefix):
                partner.with_company(self.company).receivable_collector_id = self.collector
                self._invoice(partner, 100)
                self._invoice(partner, 200, due=date(2026, 2, 1))
            self.env.invalidate_all()
            with self._count_queries() as queries:
                rows = Debtor.search_read(
                    [("partner_id.name", "=like", f"{prefix}%")], fields_list, limit=20
                )
            self.assertEqual(len(rows), count)
            return queries["count"]

        read(2, "Warm")
        few = read(5, "Few")
        many = read(20, "Many")
        self.assertEqual(few, many, f"5 debtors: {few} queries, 20 debtors: {many}")
        self.assertLessEqual(many, 12)

    # ------------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------------

    def test_another_companys_debtors_are_not_visible(self):
        other_company = self.setup_other_company(name="Other Co")["company"]
        self._invoice(self.debtor, 1000)
        self._invoice(self.debtor, 700, company=other_company)
        self._invoice(self.other_debtor, 300, company=other_company)
        rows = self.env["receivable.debtor"].with_user(self.collector).search([])
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(rows.partner_id, self.debtor)
        both = self.env["receivable.debtor"].with_context(
            allowed_company_ids=[self.company.id, other_company.id]
        )
        totals = {
            (row.partner_id, row.company_id): row.total_due
            for row in both.search([("partner_id", "in", (self.debtor | self.other_debtor).ids)])
        }
        self.assertEqual(
            totals,
            {
                (self.debtor, self.company): 1000,
                (self.debtor, other_company): 700,
                (self.other_debtor, other_company): 300,
            },
            "one row per debtor and company",
        )

    def test_only_credit_controllers_read_the_worklist(self):
        self._invoice(self.debtor, 1000)
        for groups in ("base.group_portal", "base.group_user", "account.group_account_invoice"):
            user = new_test_user(
                self.env, login=f"wl_{groups}", groups=groups, company_id=self.company.id
            )
            with self.assertRaises(AccessError, msg=groups):
                self.env["receivable.debtor"].with_user(user).search_read([], ["total_due"])
        self.assertTrue(self._row(self.debtor, user=self.manager))


@tagged("post_install", "-at_install")
class TestDebtorWorklistDemo(TransactionCase):
    """On the demo database: a debtor whose credit note pays its invoice is not listed, and
    every debtor listed owes its balance."""

    def test_demo_worklist_matches_the_debtors_balances(self):
        moreau = self.env.ref("receivable_automation.demo_partner_moreau", raise_if_not_found=False)
        if not moreau or not self.env.ref(
            "receivable_automation.demo_credit_note_moreau", raise_if_not_found=False
        ):
            self.skipTest("demo data not loaded")
        rows = self.env["receivable.debtor"].search([("company_id", "=", self.env.company.id)])
        self.assertNotIn(moreau, rows.partner_id, "its credit note pays its invoice")
        self.assertTrue(rows.filtered("next_reminder_date"), "Next Reminder is filled")
        for row in rows:
            self.assertAlmostEqual(row.total_due, row.partner_id.credit, msg=row.partner_id.name)


@tagged("post_install", "-at_install")
class TestDebtorWorklistTour(HttpCase):
    def test_collector_filters_the_worklist_and_opens_a_client_file(self):
        """In the browser: My Debtors keeps the collector's debtor, with its next level; a
        click on its line opens its client file."""
        collector = new_test_user(
            self.env,
            login="tour_worklist",
            name="Tour Worklist",
            email="tour.worklist@example.com",
            groups="receivable_automation.group_receivable_user",
        )
        policy = self.env["receivable.dunning.policy"].create(
            {
                "name": "Worklist policy",
                "level_ids": [
                    Command.create({"name": "Worklist reminder", "days": 10, "send_email": False})
                ],
            }
        )
        debtor = self.env["res.partner"].create({"name": "Worklist Debtor SA", "is_company": True})
        debtor.write({"receivable_policy_id": policy.id, "receivable_collector_id": collector.id})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": date(2025, 12, 1),
                "invoice_date_due": date(2026, 1, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Service", "price_unit": 900, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self.start_tour(
            "/odoo/action-receivable_automation.receivable_debtor_action",
            "receivable_debtor_worklist_tour",
            login="tour_worklist",
        )
