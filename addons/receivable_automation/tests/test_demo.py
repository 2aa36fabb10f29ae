from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """A database installed with demo data tells the product's story (issue #8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.martin = cls.env.ref(
            "receivable_automation.demo_partner_martin", raise_if_not_found=False
        )
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def setUp(self):
        super().setUp()
        if not self.martin or not self.env.ref(
            "receivable_automation.demo_invoice_martin_1", raise_if_not_found=False
        ):
            self.skipTest("demo data not loaded")

    def ref(self, name):
        return self.env.ref(f"receivable_automation.{name}")

    def reminders(self, partner_name, **domain):
        return self.env["receivable.dunning.action"].search(
            [
                ("partner_id", "=", self.ref(partner_name).id),
                ("state", "!=", "preview"),
                *[(field, "=", value) for field, value in domain.items()],
            ]
        )

    def test_reminders_in_the_past_at_different_levels(self):
        """Past runs reminded several debtors, who now sit at different levels."""
        sent = self.env["receivable.dunning.action"].search(
            [("state", "=", "sent"), ("date", "<", self.today)]
        )
        debtors = sent.partner_id & self.env["res.partner"].browse(
            [
                self.ref(name).id
                for name in (
                    "demo_partner_martin",
                    "demo_partner_dupont",
                    "demo_partner_northwind",
                    "demo_partner_roux",
                    "demo_partner_batisud",
                )
            ]
        )
        self.assertEqual(len(debtors), 5, "five demo debtors were reminded in the past")
        self.assertTrue(sent.run_id, "the reminders come from runs")
        self.assertTrue(
            self.reminders("demo_partner_dupont", level_id=self.ref("demo_level_gentle_first").id),
            "Atelier Dupont had its first reminder",
        )
        self.assertTrue(
            self.reminders(
                "demo_partner_northwind",
                level_id=self.ref("demo_level_gentle_second").id,
                state="sent",
            ),
            "Northwind had its second reminder",
        )
        self.assertTrue(
            self.reminders(
                "demo_partner_martin",
                level_id=self.ref("demo_level_firm_notice").id,
                state="to_validate",
            ),
            "Boulangerie Martin's formal notice waits for a collector",
        )
        self.assertTrue(
            self.reminders(
                "demo_partner_batisud",
                level_id=self.ref("demo_level_firm_notice").id,
                state="sent",
            ),
            "Bâti Sud's formal notice was validated and sent before its hand-off",
        )
        failed = self.reminders("demo_partner_bluebell", state="failed")
        self.assertTrue(failed, "the reminders of the debtor without e-mail failed")
        self.assertIn("e-mail", failed[0].error_message)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", sent.message_id.ids)])
        self.assertTrue(mails, "the reminders' e-mails are in the queue")

    def test_promises_kept_broken_and_open(self):
        kept = self.ref("demo_promise_bernard")
        broken = self.ref("demo_promise_roux")
        self.assertEqual(kept.state, "kept")
        self.assertEqual(kept.amount_paid, kept.amount)
        self.assertEqual(broken.state, "broken")
        self.assertFalse(broken.amount_paid)
        self.assertLess(kept.date, self.today)
        self.assertLess(broken.date, self.today)
        self.assertEqual(self.ref("demo_promise_northwind").state, "open")
        self.assertTrue(
            self.reminders(
                "demo_partner_roux", level_id=self.ref("demo_level_gentle_second").id
            ).filtered(lambda action: action.date > broken.date),
            "dunning resumed after the broken promise",
        )

    def test_active_plan_with_a_paid_and_a_late_instalment(self):
        plan = self.ref("demo_plan_girard")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.approved_by_id, self.env.ref("base.user_admin"))
        self.assertEqual(
            plan.instalment_ids.sorted("date").mapped("state"), ["paid", "late", "pending"]
        )

    def test_dispute_and_handoff(self):
        dispute = self.ref("demo_dispute_bluebell")
        self.assertEqual(dispute.state, "in_progress")
        self.assertEqual(dispute.owner_id, self.ref("demo_user_claire"))
        handoff = self.ref("demo_handoff_batisud")
        self.assertEqual(handoff.state, "handed_over")
        self.assertEqual(handoff.lawyer_id, self.ref("demo_partner_lawyer"))
        self.assertEqual(handoff.amount_handed, 4350.0)

    def test_netted_debtor_gets_no_reminder(self):
        """Librairie Moreau's open credit note pays its invoice: no run reminds it."""
        credit_note = self.ref("demo_credit_note_moreau")
        invoice = self.ref("demo_invoice_moreau_1")
        self.assertEqual(credit_note.payment_state, "not_paid", "the credit note is open")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(credit_note.amount_total, invoice.amount_total)
        self.assertFalse(self.reminders("demo_partner_moreau"))
        run = self.env["receivable.dunning.run"].create({"date": self.today})
        run.action_preview()
        self.assertFalse(
            run.action_ids.filtered(
                lambda action: action.partner_id == self.ref("demo_partner_moreau")
            )
        )

    def test_portal_user_is_a_debtor_contact(self):
        portal_user = self.env.ref("base.demo_user0")
        northwind = self.ref("demo_partner_northwind")
        self.assertEqual(portal_user.partner_id.commercial_partner_id, northwind)
        invoices = (
            self.env["account.move"]
            .with_user(portal_user)
            .search([("move_type", "=", "out_invoice")])
        )
        self.assertIn(self.ref("demo_invoice_northwind_1"), invoices)

    def test_nothing_owned_by_odoobot(self):
        odoobot = self.env.ref("base.user_root")
        self.assertFalse(self.env["receivable.dispute"].search([("owner_id", "=", odoobot.id)]))
        for model in ("receivable.promise", "receivable.payment.plan", "receivable.handoff"):
            self.assertFalse(self.env[model].search([("user_id", "=", odoobot.id)]), model)
        demo_debtors = self.env["ir.model.data"].search(
            [
                ("module", "=", "receivable_automation"),
                ("model", "=", "res.partner"),
                ("name", "=like", "demo_partner_%"),
            ]
        )
        activities = self.env["mail.activity"].search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", demo_debtors.mapped("res_id")),
                ("res_model", "like", "receivable.%"),
            ]
        )
        self.assertTrue(activities, "the demo has activities")
        self.assertFalse(activities.filtered(lambda activity: activity.user_id == odoobot))

    def test_french_debtor_can_pay_online(self):
        """Boulangerie Martin's reminder links open its invoices in French, where the demo
        company takes the payment with Odoo's demo provider (setup/start.sh installs it)."""
        if self.env["ir.module.module"]._get("payment_demo").state != "installed":
            self.skipTest("payment_demo not installed")
        company = self.env.ref("base.main_company")
        self.assertEqual(company._receivable_get_online_payment_companies(), company)
        url = self.ref("demo_invoice_martin_1")._get_receivable_payment_url()
        self.assertIn("/fr/my/invoices/", url)
        notice = self.reminders("demo_partner_martin", state="to_validate")
        self.assertTrue(notice.online_payment)
        self.assertFalse(notice.gate_warning, "nothing to warn the collector about")

    def test_mailbox_received_the_customers_emails(self):
        """The receivables mailbox got five e-mails: each on its debtor with its class, an
        unknown sender in triage."""
        inquiries = self.env["receivable.inquiry"].search([("source", "=", "email")])
        found = {inquiry.kind: inquiry for inquiry in inquiries}
        self.assertEqual(
            set(found), {"promise", "paid", "out_of_office", "dispute", "question"}, inquiries
        )
        self.assertEqual(found["promise"].partner_id, self.martin)
        self.assertEqual(found["paid"].partner_id, self.ref("demo_partner_northwind"))
        self.assertEqual(found["out_of_office"].state, "closed")
        self.assertEqual(found["dispute"].partner_id, self.ref("demo_partner_batisud"))
        self.assertFalse(found["question"].partner_id, "an unknown sender waits in triage")
