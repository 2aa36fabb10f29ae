"""Who may do what: states change only through checked actions, debtor settings and fee
waivers belong to credit staff, new and portal users get nothing from the add-on."""

import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .common import ReceivableCommon

RECEIVABLE_GROUPS = (
    "receivable_automation.group_receivable_user",
    "receivable_automation.group_receivable_manager",
)


@tagged("post_install", "-at_install")
class TestAuthority(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="auth_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.contact_manager = new_test_user(
            cls.env,
            login="auth_contacts",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.esign_user = new_test_user(
            cls.env,
            login="auth_esign",
            groups="esign.group_esign_user",
            company_id=cls.company.id,
        )
        cls.lawyer = cls.env["res.partner"].create({"name": "Maître Dupont", "is_company": True})

    def _plan(self, amount, user=None):
        plan = (
            self.env["receivable.payment.plan"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(self._invoice(self.debtor, amount).ids)],
                    "first_date": date(2026, 2, 1),
                }
            )
        )
        plan.action_compute_instalments()
        return plan

    def _promise(self):
        return (
            self.env["receivable.promise"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(self._invoice(self.debtor, 500).ids)],
                    "amount": 500,
                    "date": date(2026, 1, 20),
                }
            )
        )

    def _dispute(self):
        return (
            self.env["receivable.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                    "deadline": date(2026, 1, 31),
                    "line_ids": [Command.create({"move_id": self._invoice(self.debtor, 400).id})],
                }
            )
        )

    def _handoff(self):
        self._invoice(self.debtor, 800)
        return (
            self.env["receivable.handoff"]
            .with_user(self.collector)
            .create({"partner_id": self.debtor.id, "lawyer_id": self.lawyer.id})
        )

    def _esign_request(self, plan, user):
        with file_open("esign/demo/esign_demo_contract.pdf", "rb") as pdf_file:
            pdf = pdf_file.read()
        return (
            self.env["esign.request"]
            .with_user(user)
            .create(
                {
                    "subject": "My own plan",
                    "res_model": plan._name,
                    "res_id": plan.id,
                    "original_pdf": base64.b64encode(pdf),
                    "original_filename": "plan.pdf",
                    "signer_ids": [
                        Command.create({"sequence": 1, "partner_id": user.partner_id.id})
                    ],
                }
            )
        )

    # ------------------------------------------------------------------------------------------
    # Payment plans
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-01-05")
    def test_collector_cannot_approve_a_large_plan_by_writing_its_state(self):
        """Above the approval amount: writing 'approved' then activating is refused."""
        plan = self._plan(6000)
        self.assertTrue(plan.needs_manager_approval)
        with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
            plan.write({"state": "approved"})
        with self.assertRaises(AccessError):
            plan.state = "approved"
        with self.assertRaises(AccessError):
            plan.sudo().write({"state": "approved"})
        with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
            plan.write({"approved_by_id": self.manager.id})
        with self.assertRaisesRegex(UserError, "is Draft: this cannot be done now"):
            plan.action_activate()
        with self.assertRaisesRegex(AccessError, "only a credit manager can approve"):
            plan.action_approve()
        self.assertEqual(plan.state, "draft")
        with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
            self.env["receivable.payment.plan"].with_user(self.collector).create(
                {"partner_id": self.debtor.id, "state": "active"}
            )

        plan.with_user(self.manager).action_approve()
        self.assertEqual(plan.approved_by_id, self.manager)
        plan.action_activate()
        self.assertEqual(plan.state, "active")

    @freeze_time("2026-01-05")
    def test_approved_plan_is_frozen(self):
        """What was approved is what starts: its invoices and fee stay as they were."""
        plan = self._plan(1000)
        plan.action_approve()
        self.assertEqual(plan.approved_by_id, self.collector)
        large = self._invoice(self.debtor, 9000)
        with self.assertRaisesRegex(UserError, "no longer in negotiation"):
            plan.move_ids = [Command.link(large.id)]
        with self.assertRaisesRegex(UserError, "no longer in negotiation"):
            plan.fee_amount = 50
        plan.action_draft()
        self.assertFalse(plan.approved_by_id)
        plan.move_ids = [Command.link(large.id)]
        self.assertEqual(plan.state, "draft")

    @freeze_time("2026-01-05")
    def test_billing_user_cannot_move_a_plan(self):
        plan = self._plan(1000)
        for action in ("action_request", "action_approve", "action_cancel"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(plan.with_user(self.billing), action)()
        self.assertEqual(plan.state, "draft")

    @freeze_time("2026-01-05")
    def test_esign_only_user_cannot_activate_a_plan_by_signing_it(self):
        """The completion hook runs in sudo: it starts the plan only if whoever created the
        request may start it."""
        plan = self._plan(1000)
        plan.action_approve()
        request = self._esign_request(plan, self.esign_user)
        # the hook, as esign calls it when the last signer signs (in the signer's env)
        request.with_user(self.esign_user)._call_linked_hook("completed")
        self.assertEqual(plan.state, "approved", "not started by an eSign-only user's request")
        self.assertFalse(plan.receivable_hold_ids)
        self.assertIn("not started", plan.message_ids[0].body)
        self.assertIn("is not a credit controller", plan.message_ids[0].body)
        self.assertEqual(plan.activity_ids.user_id, plan.user_id)

        # the same request sent by a credit controller starts it
        self.collector.groups_id = [Command.link(self.env.ref("esign.group_esign_user").id)]
        request = self._esign_request(plan, self.collector)
        request.with_user(self.esign_user)._call_linked_hook("completed")
        self.assertEqual(plan.state, "active")

    @freeze_time("2026-01-05")
    def test_signed_plan_above_the_limit_needs_a_manager_approval(self):
        """A collector's signature request does not start a plan a manager did not approve."""
        plan = self._plan(6000, user=self.manager)
        plan.action_approve()
        self.assertTrue(plan.needs_manager_approval)
        self.collector.groups_id = [Command.link(self.env.ref("esign.group_esign_user").id)]
        request = self._esign_request(plan, self.collector)
        request._call_linked_hook("completed")
        self.assertEqual(plan.state, "active", "approved by a manager, sent by a collector")

    # ------------------------------------------------------------------------------------------
    # Disputes, promises, hand-offs
    # ------------------------------------------------------------------------------------------

    def test_dispute_state_changes_through_its_actions_only(self):
        dispute = self._dispute()
        with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
            dispute.write({"state": "resolved"})
        with self.assertRaisesRegex(AccessError, "is not a credit controller"):
            dispute.with_user(self.billing).action_start()
        dispute.action_start()
        self.assertEqual(dispute.state, "in_progress")
        dispute.rejection_reason = "Delivered as ordered."
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        with self.assertRaisesRegex(UserError, "already closed"):
            dispute.action_start()
        copy = dispute.sudo().copy(
            {"line_ids": [Command.create(vals) for vals in dispute.line_ids.copy_data()]}
        )
        self.assertEqual(copy.state, "new")

    @freeze_time("2026-01-05")
    def test_promise_state_changes_through_its_actions_only(self):
        promise = self._promise()
        with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
            promise.write({"state": "kept"})
        with self.assertRaisesRegex(AccessError, "is not a credit controller"):
            promise.with_user(self.billing).action_cancel()
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaisesRegex(UserError, "only an open promise can be cancelled"):
            promise.action_cancel()

    def test_handoff_state_changes_through_its_actions_only(self):
        with self.mock_mail_gateway():
            handoff = self._handoff()
            with self.assertRaisesRegex(AccessError, "changes only through its buttons"):
                handoff.write({"state": "closed"})
            with self.assertRaisesRegex(AccessError, "is not a credit controller"):
                handoff.with_user(self.billing).action_close()
            self.assertTrue(self.debtor.receivable_hold_ids)
            handoff.action_close()
        self.assertEqual(handoff.state, "closed")
        self.assertFalse(self.debtor.receivable_hold_ids)

    def test_handoff_lawyer_cannot_become_the_debtor(self):
        """Checked on every change, not only at creation."""
        with self.mock_mail_gateway():
            handoff = self._handoff()
        for lawyer in (self.debtor, self.contact):
            with (
                self.subTest(lawyer=lawyer.name),
                self.assertRaisesRegex(ValidationError, "debtor itself"),
            ):
                handoff.lawyer_id = lawyer

    # ------------------------------------------------------------------------------------------
    # Debtor settings, holds, fee waivers, interest rates
    # ------------------------------------------------------------------------------------------

    def test_contact_manager_cannot_change_how_a_debtor_is_dunned(self):
        debtor = self.debtor.with_user(self.contact_manager)
        profile = self.env["receivable.debtor.profile"].create({"name": "Key accounts"})
        for name, value in (
            ("receivable_policy_id", self.policy.id),
            ("receivable_profile_id", profile.id),
            ("receivable_collector_id", self.contact_manager.id),
            ("receivable_extra_days", 30),
            ("receivable_contract_rate", 1.0),
        ):
            with (
                self.subTest(field=name),
                self.assertRaisesRegex(
                    AccessError, "Only credit controllers can change how a debtor is dunned"
                ),
            ):
                debtor.write({name: value})
        # the same values again (a merge or an import of the contacts) are no change
        debtor.write({"receivable_extra_days": 0, "receivable_policy_id": False})
        with self.assertRaises(AccessError):
            self.env["receivable.dunning.hold"].with_user(self.contact_manager).create(
                {"partner_id": self.debtor.id, "reason": "Friend of the boss"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.contact_manager).create(
                {"name": "New debtor", "receivable_extra_days": 90}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.contact_manager).with_context(
                default_receivable_policy_id=self.policy.id
            ).create({"name": "New debtor"})
        # who receives the reminders is contact data: contact managers keep it
        self.contact.with_user(self.contact_manager).receivable_dunning_contact = True
        self.assertEqual(self.debtor._get_dunning_contacts(), self.contact)

    def test_collector_changes_dunning_settings_with_tracking(self):
        """Credit controllers change the settings; each change is kept in the debtor's history
        (Odoo's tracking, disabled by the accounting tests' context)."""
        self.debtor.with_user(self.collector).write(
            {"receivable_extra_days": 15, "receivable_contract_rate": 12.0}
        )
        self.assertEqual(self.debtor.receivable_extra_days, 15)
        for name in (
            "receivable_policy_id",
            "receivable_profile_id",
            "receivable_collector_id",
            "receivable_extra_days",
            "receivable_contract_rate",
            "receivable_dunning_contact",
        ):
            with self.subTest(field=name):
                self.assertTrue(self.env["res.partner"]._fields[name].tracking)

    def test_billing_user_cannot_create_an_invoice_with_fees_waived(self):
        values = {
            "move_type": "out_invoice",
            "partner_id": self.debtor.id,
            "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 100})],
        }
        Move = self.env["account.move"].with_user(self.billing)
        with self.assertRaisesRegex(AccessError, "Only a credit manager can waive"):
            Move.create(
                {**values, "receivable_fees_waived": True, "receivable_fees_waiver_reason": "x"}
            )
        with self.assertRaisesRegex(AccessError, "Only a credit manager can waive"):
            Move.with_context(
                default_receivable_fees_waived=True, default_receivable_fees_waiver_reason="x"
            ).create(values)
        invoice = Move.create(values)
        with self.assertRaisesRegex(AccessError, "Only a credit manager can waive"):
            invoice.receivable_fees_waiver_reason = "Good customer"
        waived = (
            self.env["account.move"]
            .with_user(self.manager)
            .create(
                {
                    **values,
                    "receivable_fees_waived": True,
                    "receivable_fees_waiver_reason": "Goodwill",
                }
            )
        )
        self.assertTrue(waived.receivable_fees_waived)

    def test_interest_rates_of_another_company_are_invisible(self):
        other = self.setup_other_company(name="Other Rates Co")["company"]
        Rate = self.env["receivable.interest.rate"]
        shared = Rate.create({"date_from": date(2040, 1, 1), "reference_rate": 4.0})
        own = Rate.create(
            {"date_from": date(2040, 7, 1), "reference_rate": 4.5, "company_id": self.company.id}
        )
        foreign = Rate.create(
            {"date_from": date(2040, 7, 1), "reference_rate": 9.0, "company_id": other.id}
        )
        visible = Rate.with_user(self.collector).search([("date_from", ">=", date(2040, 1, 1))])
        self.assertEqual(visible, shared | own)
        self.assertNotIn(foreign, visible)

    # ------------------------------------------------------------------------------------------
    # New users, portal users
    # ------------------------------------------------------------------------------------------

    def test_new_users_get_no_receivables_group(self):
        plain = new_test_user(self.env, login="auth_plain", groups="base.group_user")
        billing_admin = new_test_user(
            self.env, login="auth_billing_admin", groups="account.group_account_manager"
        )
        # no groups given: the default user template's (Billing Administrator among them)
        templated = self.env["res.users"].create({"name": "Templated", "login": "auth_tpl"})
        self.assertTrue(templated.has_group("base.group_user"))
        for user in (plain, billing_admin, templated):
            for group in RECEIVABLE_GROUPS:
                with self.subTest(user=user.login, group=group):
                    self.assertFalse(user.has_group(group))
        with self.assertRaises(AccessError):
            self.env["receivable.dunning.hold"].with_user(templated).create(
                {"partner_id": self.debtor.id, "reason": "Friend of the boss"}
            )
        self.assertTrue(self.env.ref("base.user_admin").has_group(RECEIVABLE_GROUPS[1]))

    @mute_logger("odoo.models")
    def test_portal_user_cannot_read_internal_dunning_data(self):
        invoice = self._invoice(self.debtor, 100)
        portal = new_test_user(
            self.env,
            login="auth_portal",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        invoice.message_subscribe(partner_ids=self.contact.ids)
        self.assertEqual(invoice.with_user(portal).read(["name"])[0]["name"], invoice.name)
        for name in (
            "receivable_category_id",
            "receivable_hold_ids",
            "receivable_promise_date",
            "receivable_fees_waived",
            "receivable_fees_waiver_reason",
        ):
            with self.subTest(field=name), self.assertRaises(AccessError):
                invoice.with_user(portal).read([name])
        for name in ("receivable_level_id", "receivable_last_reminder_date"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                invoice.line_ids.with_user(portal).read([name])
        self.assertEqual(self.contact.with_user(portal).read(["name"])[0]["name"], portal.name)
        for partner in (self.contact, self.debtor):
            for name in (
                "receivable_profile_id",
                "receivable_policy_id",
                "receivable_collector_id",
                "receivable_hold_ids",
                "receivable_level_id",
                "receivable_dunning_contact",
            ):
                with self.subTest(partner=partner.name, field=name), self.assertRaises(AccessError):
                    partner.with_user(portal).read([name])


@tagged("post_install", "-at_install")
class TestAuthorityPortalPage(HttpCase):
    def test_portal_invoice_page_still_works(self):
        """The customer's invoice page renders for its portal user despite the hidden fields."""
        debtor = self.env["res.partner"].create({"name": "Portal Debtor SA", "is_company": True})
        contact = self.env["res.partner"].create(
            {"name": "Paula Portal", "parent_id": debtor.id, "email": "paula@example.com"}
        )
        portal = new_test_user(
            self.env, login="auth_portal_page", groups="base.group_portal", partner_id=contact.id
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": date(2026, 1, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Service", "price_unit": 321, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        invoice.message_subscribe(partner_ids=contact.ids)
        self.assertTrue(invoice.receivable_category_id)
        self.authenticate(portal.login, portal.login)
        response = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(invoice.name, response.text)
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200)
        self.assertIn(invoice.name, response.text)
