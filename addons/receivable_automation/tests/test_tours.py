from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

FAR_DATE = date(2099, 12, 31)  # the date the tours type for promises


class ReceivableTourCase(HttpCase):
    """A credit controller of the database's one company, a dunning policy, and helpers that
    create debtors with overdue invoices: shared by the tour tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.collector = new_test_user(
            cls.env,
            login="tours_collector",
            name="Tours Collector",
            email="tours.collector@example.com",
            groups="receivable_automation.group_receivable_user",
        )
        cls.policy = cls._create_policy("Tour policy")

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    @classmethod
    def _create_policy(cls, name, **level_values):
        return cls.env["receivable.dunning.policy"].create(
            {
                "name": name,
                "level_ids": [
                    Command.create(
                        {
                            "name": f"{name} reminder",
                            "days": 10,
                            "mail_template_id": cls.env.ref(
                                "receivable_automation.mail_template_first"
                            ).id,
                            **level_values,
                        }
                    )
                ],
            }
        )

    @classmethod
    def _create_debtor(cls, name, amounts, policy=None, due=date(2026, 1, 1)):
        """A company customer with posted invoices of ``amounts``, due on ``due``."""
        debtor = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"pay@{'-'.join(name.lower().split())}.example.com",
            }
        )
        debtor.receivable_policy_id = policy or cls.policy
        invoices = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": due - relativedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
                for amount in amounts
            ]
        )
        invoices.action_post()
        return debtor, invoices


@tagged("post_install", "-at_install")
class TestTours(ReceivableTourCase):
    """Real clicks in Chromium on the real views, as a credit controller of the database's one
    company: every button of the client file, the follow-up forms from empty, categorizing from
    the invoice list, the reminder buttons, a run by hand and the settings."""

    # ------------------------------------------------------------------------------------------
    # Client file
    # ------------------------------------------------------------------------------------------

    def test_client_file_promise_and_hand_off(self):
        """From the partner form, the client file: a promise to pay, then a hand-off."""
        debtor, invoices = self._create_debtor("Tour Client SARL", [1000, 500])
        lawyer = self.env["res.partner"].create(
            {"name": "Tour Lawyer", "is_company": True, "email": "lawyer@example.com"}
        )
        self.start_tour(
            f"/odoo/res.partner/{debtor.id}",
            "receivable_client_file_promise_handoff_tour",
            login="tours_collector",
        )
        promise = self.env["receivable.promise"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual((promise.amount, promise.date), (600, FAR_DATE))
        self.assertEqual((promise.state, promise.user_id), ("open", self.collector))
        self.assertEqual(promise.move_ids, invoices, "the debtor's whole open balance")
        grace = self.company.receivable_promise_grace_days
        self.assertEqual(
            set(promise._get_active_holds().mapped("date_until")),
            {FAR_DATE + relativedelta(days=grace)},
        )
        self.assertEqual(promise._get_active_holds().move_id, invoices)

        handoff = self.env["receivable.handoff"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(len(handoff), 1)
        self.assertEqual((handoff.lawyer_id, handoff.state), (lawyer, "in_recovery"))
        self.assertEqual(handoff.note, "Please start with a formal notice.")
        self.assertEqual(handoff.move_ids, invoices)
        self.assertAlmostEqual(handoff.amount_handed, 1500)
        self.assertTrue(handoff._get_active_holds(), "dunning stops for the debtor")
        self.assertIn(lawyer, handoff.message_ids.partner_ids, "the dossier went to the lawyer")

    def test_client_file_payment_plan(self):
        """From the client file, a payment plan in two instalments, approved and started."""
        debtor, invoices = self._create_debtor("Tour Plan SAS", [900, 300])
        self.start_tour(
            f"/odoo/res.partner/{debtor.id}",
            "receivable_client_file_plan_tour",
            login="tours_collector",
        )
        plan = self.env["receivable.payment.plan"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.approved_by_id, self.collector)
        self.assertEqual(plan.move_ids, invoices)
        self.assertEqual(plan.instalment_ids.mapped("amount"), [600, 600])
        # a month from the browser's today, a day off the test's today around midnight UTC
        # (their time zones differ)
        first_date = plan.first_date
        self.assertLessEqual(
            abs((first_date - relativedelta(months=1)) - fields.Date.today()).days, 1
        )
        self.assertEqual(
            plan.instalment_ids.mapped("date"), [first_date, first_date + relativedelta(months=1)]
        )
        self.assertEqual(set(plan.instalment_ids.mapped("state")), {"pending"})
        self.assertEqual(plan._get_active_holds().move_id, invoices, "the invoices leave dunning")

    # ------------------------------------------------------------------------------------------
    # Follow-up from the menus, and the invoices
    # ------------------------------------------------------------------------------------------

    def test_promise_from_the_menu(self):
        """Follow-up > Promises to Pay > New: saving the empty form is refused, then filled and
        saved; then cancelled."""
        debtor, invoices = self._create_debtor("Tour Promise SA", [200, 100])
        self.start_tour("/odoo", "receivable_promise_from_menu_tour", login="tours_collector")
        promise = self.env["receivable.promise"].search([("partner_id", "=", debtor.id)])
        self.assertEqual((promise.amount, promise.date), (250, FAR_DATE))
        self.assertEqual(promise.move_ids, invoices, "the debtor's whole open balance")
        self.assertEqual(promise.state, "cancelled")
        self.assertFalse(promise._get_active_holds(), "its holds are released")
        self.assertEqual(
            promise.receivable_hold_ids.mapped("date_until"),
            [FAR_DATE + relativedelta(days=self.company.receivable_promise_grace_days)] * 2,
            "it held both invoices until the date plus the grace days",
        )
        self.assertNotIn("PDP", invoices.mapped("receivable_category_id.code"), "chased again")

    def test_categorize_from_the_invoice_list(self):
        """Invoices list: select a customer's invoices, Actions > Categorize as a promise."""
        debtor, invoices = self._create_debtor("Tour Category SARL", [400, 800])
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "receivable_categorize_tour",
            login="tours_collector",
        )
        self.assertEqual(
            invoices.receivable_category_id, self.env.ref("receivable_automation.category_pdp")
        )
        self.assertEqual(set(invoices.mapped("receivable_promise_date")), {FAR_DATE})
        for invoice in invoices:
            self.assertIn(
                "<p>Will pay both at the end of the month.</p>", invoice.message_ids.mapped("body")
            )

    # ------------------------------------------------------------------------------------------
    # Reminders and runs
    # ------------------------------------------------------------------------------------------

    def test_reminder_buttons(self):
        """All Reminders: Mark as Reminded and Cancel from the list, Print Letter from a form."""
        policy = self._create_policy("Tour letters", validation_mode="manual", send_letter=True)
        debtors = self.env["res.partner"]
        for name in ("Tour Reminder A", "Tour Reminder B", "Tour Reminder C"):
            debtors |= self._create_debtor(name, [300], policy=policy)[0]
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 20)})
        run.action_run()
        reminder_a, reminder_b, reminder_c = (
            run.action_ids.filtered(lambda action, debtor=debtor: action.partner_id == debtor)
            for debtor in debtors
        )
        self.assertEqual(
            (reminder_a + reminder_b + reminder_c).mapped("state"), ["to_validate"] * 3
        )
        reminder_c.action_validate()
        self.assertEqual((reminder_c.state, reminder_c.letter_state), ("sent", "to_print"))

        self.start_tour(
            "/odoo/action-receivable_automation.receivable_dunning_action_action",
            "receivable_reminder_buttons_tour",
            login="tours_collector",
        )
        self.assertEqual((reminder_a.state, reminder_a.sent_by_id), ("marked", self.collector))
        self.assertEqual(reminder_b.state, "cancelled")
        self.assertEqual((reminder_c.state, reminder_c.letter_state), ("sent", "printed"))
        self.assertEqual(
            debtors[0].receivable_level_id, policy.level_ids, "marked: the level was reached"
        )

    def test_run_preview_then_run(self):
        """Runs > New: a date, Preview (nothing sent), then Run (the reminder is sent)."""
        debtor, _invoices = self._create_debtor("Tour Run SARL", [700])
        self.start_tour(
            "/odoo/action-receivable_automation.receivable_dunning_run_action",
            "receivable_run_tour",
            login="tours_collector",
        )
        run = self.env["receivable.dunning.run"].search([("create_uid", "=", self.collector.id)])
        self.assertEqual((run.date, run.state), (date(2026, 1, 20), "done"))
        reminder = run.action_ids.filtered(lambda action: action.partner_id == debtor)
        self.assertEqual(reminder.state, "sent")
        self.assertFalse(
            self.env["receivable.dunning.action"].search(
                [("partner_id", "=", debtor.id), ("state", "=", "preview")]
            ),
            "the preview was replaced by the run",
        )
        mail = self.env["mail.mail"].search([("recipient_ids", "in", debtor.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn("700.00", mail.body_html)

    # ------------------------------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------------------------------

    def test_settings(self):
        """Receivables > Configuration > Settings opens on the Receivables block and saves."""
        new_test_user(
            self.env,
            login="tours_manager",
            name="Tours Manager",
            email="tours.manager@example.com",
            groups="base.group_system,receivable_automation.group_receivable_manager",
        )
        policy = self._create_policy("Tour Settings policy")
        self.assertNotEqual(self.company.receivable_promise_grace_days, 7)
        self.start_tour("/odoo", "receivable_settings_tour", login="tours_manager")
        self.assertEqual(self.company.receivable_policy_id, policy)
        self.assertEqual(self.company.receivable_promise_grace_days, 7)
