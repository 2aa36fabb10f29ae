from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestAccess(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing_user = new_test_user(
            cls.env,
            login="ra_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.portal_user = new_test_user(
            cls.env, login="ra_portal", groups="base.group_portal", company_id=cls.company.id
        )

    def test_collector_runs_and_validates_but_does_not_configure(self):
        self.level_1.validation_mode = "manual"
        self._invoice(self.debtor, 100)
        run = (
            self.env["receivable.dunning.run"]
            .with_user(self.collector)
            .create({"date": date(2026, 1, 11)})
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            run.action_run()
            run.action_ids.action_validate()
        self.assertEqual(run.action_ids.state, "sent")
        with self.assertRaises(AccessError):
            self.policy.with_user(self.collector).name = "Renamed"
        with self.assertRaises(AccessError):
            self.env["receivable.dunning.level"].with_user(self.collector).create(
                {"policy_id": self.policy.id, "name": "Mine", "days": 99, "send_email": False}
            )
        with self.assertRaises(AccessError):
            self.env.ref("receivable_automation.category_nct").with_user(
                self.collector
            ).dunning_effect = "stop"

    def test_manager_configures(self):
        level = (
            self.env["receivable.dunning.level"]
            .with_user(self.manager)
            .create({"policy_id": self.policy.id, "name": "Extra", "days": 99, "send_email": False})
        )
        self.assertEqual(level.company_id, self.company)

    def test_invoicing_user_sees_reminders_but_cannot_run_or_send(self):
        self.level_1.validation_mode = "manual"
        self._invoice(self.debtor, 100)
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.with_user(self.invoicing_user).amount_residual, 100)
        with self.assertRaises(AccessError):
            self.env["receivable.dunning.run"].with_user(self.invoicing_user).create(
                {"date": date(2026, 1, 12)}
            )
        with self.assertRaises(AccessError):
            reminder.with_user(self.invoicing_user).action_validate()

    def test_portal_user_has_no_access(self):
        self._invoice(self.debtor, 100)
        self._run(date(2026, 1, 11))
        for model in (
            "receivable.dunning.action",
            "receivable.dunning.run",
            "receivable.dunning.policy",
            "receivable.item.report",
            "receivable.effectiveness.report",
            "receivable.kpi.snapshot",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])

    def test_other_company_reminders_are_invisible(self):
        other = self.setup_other_company(name="Other Co")["company"]
        policy_b = self.policy.copy({"company_id": other.id, "name": "Policy B"})
        other.receivable_policy_id = policy_b
        invoice_b = self._invoice(self.other_debtor, 500, company=other)
        self._invoice(self.debtor, 100)
        run_a = self._run(date(2026, 1, 11))
        run_b = self._run(date(2026, 1, 11), company=other)
        self.assertEqual(run_a.action_ids.partner_id, self.debtor, "company A's invoices only")
        self.assertEqual(run_b.action_ids.line_ids.move_id, invoice_b)
        self.assertEqual(run_b.action_ids.level_id.policy_id, policy_b)
        visible = self.env["receivable.dunning.action"].with_user(self.collector).search([])
        self.assertIn(run_a.action_ids, visible)
        self.assertNotIn(run_b.action_ids, visible)
        with self.assertRaises(AccessError):
            run_b.action_ids.with_user(self.collector).read(["amount_residual"])
        with self.assertRaises(AccessError):
            policy_b.with_user(self.collector).read(["name"])
