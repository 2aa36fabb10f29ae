from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestProfileRules(ReceivableCommon):
    """Debtor profiles follow the payment score, unless chosen by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Profile = cls.env["receivable.debtor.profile"]
        cls.late_profile = Profile.create(
            {"name": "Chronic late payers", "policy_id": cls.policy.id}
        )
        cls.good_profile = Profile.create({"name": "Good payers"})
        cls.rules = cls.env["receivable.profile.rule"].create(
            [
                {
                    "sequence": 10,
                    "score_from": 0,
                    "score_to": 39,
                    "profile_id": cls.late_profile.id,
                },
                {
                    "sequence": 20,
                    "score_from": 80,
                    "score_to": 100,
                    "profile_id": cls.good_profile.id,
                },
            ]
        )

    def _very_late(self, partner):
        """An invoice paid 60 days late in January and one unpaid 90 days after its due date:
        75 days late on average (the worst), 30 days worse lately (the worst). With days late
        weighing 55 and the trend 10, the score is 100 - 65 = 35."""
        self.company.receivable_score_weight_promises = 0
        self.company.receivable_score_weight_days_late = 55
        old = self._invoice(partner, 1000, due=date(2025, 12, 1))
        self._pay(old, 1000, when=date(2026, 1, 30))
        self._invoice(partner, 1000, due=date(2026, 4, 1))

    def _scored(self):
        return self.env["receivable.partner.score"]._compute_scores(self.company)

    @freeze_time("2026-06-30")
    def test_rule_applied_and_logged(self):
        self._very_late(self.debtor)
        scores = self._scored()
        self.assertEqual(scores.score, 35, "55 for 75 days late (capped), 10 for the trend")
        self.env["receivable.profile.rule"]._apply_rules(scores)
        self.assertEqual(self.debtor.receivable_profile_id, self.late_profile)
        self.assertTrue(self.debtor.receivable_profile_auto, "still automatic")
        self.assertEqual(self.debtor._get_dunning_policy(), self.policy)
        note = self.debtor.message_ids.filtered(lambda m: "Debtor profile changed" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn(
            "Debtor profile changed from none to Chronic late payers: payment score 35 "
            "(rule: score 0 to 39: Chronic late payers).",
            note.body,
        )
        self.env["receivable.profile.rule"]._apply_rules(scores)
        self.assertEqual(
            len(self.debtor.message_ids.filtered(lambda m: "Debtor profile changed" in m.body)),
            1,
            "no change, no note",
        )

    @freeze_time("2026-06-30")
    def test_cron_scores_then_applies_rules(self):
        on_time = self._invoice(self.other_debtor, 1000, due=date(2026, 6, 1))
        self._pay(on_time, 1000, when=date(2026, 6, 1))
        self.env["receivable.partner.score"]._cron_compute_scores()
        self.assertEqual(self.other_debtor.receivable_score, 100)
        self.assertEqual(self.other_debtor.receivable_profile_id, self.good_profile)

    @freeze_time("2026-06-30")
    def test_no_matching_rule_changes_nothing(self):
        self.debtor.with_context(
            receivable_profile_rule=True
        ).receivable_profile_id = self.good_profile
        invoice = self._invoice(self.debtor, 1000, due=date(2026, 5, 1))
        self._pay(invoice, 1000, when=date(2026, 6, 20))  # 50 days late: 29.17 points, 71
        scores = self._scored()
        self.assertEqual(scores.score, 71)
        self.env["receivable.profile.rule"]._apply_rules(scores)
        self.assertEqual(self.debtor.receivable_profile_id, self.good_profile)

    @freeze_time("2026-06-30")
    def test_manual_profile_not_overwritten(self):
        self.debtor.with_user(self.collector).receivable_profile_id = self.good_profile
        self.assertFalse(self.debtor.receivable_profile_auto, "set by hand")
        self._very_late(self.debtor)
        self.debtor.with_user(self.collector).action_receivable_compute_score()
        self.assertLess(self.debtor.receivable_score, 40)
        self.assertEqual(self.debtor.receivable_profile_id, self.good_profile)
        self.debtor.receivable_profile_auto = True  # back to automatic
        self.debtor.with_user(self.collector).action_receivable_compute_score()
        self.assertEqual(self.debtor.receivable_profile_id, self.late_profile)

    def test_bad_range(self):
        with self.assertRaisesRegex(ValidationError, "Score From <= Score To"):
            self.env["receivable.profile.rule"].create(
                {"score_from": 60, "score_to": 40, "profile_id": self.late_profile.id}
            )
        with self.assertRaisesRegex(ValidationError, "Score To <= 100"):
            self.env["receivable.profile.rule"].create(
                {"score_from": 60, "score_to": 140, "profile_id": self.late_profile.id}
            )

    def test_first_rule_by_sequence(self):
        wide = self.env["receivable.profile.rule"].create(
            {"sequence": 1, "score_from": 0, "score_to": 100, "profile_id": self.good_profile.id}
        )
        rules = self.env["receivable.profile.rule"].search([("company_id", "=", self.company.id)])
        self.assertEqual(rules._match(20), wide)
        wide.sequence = 30
        rules = self.env["receivable.profile.rule"].search([("company_id", "=", self.company.id)])
        self.assertEqual(rules._match(20).profile_id, self.late_profile)
        self.assertEqual(rules._match(50), wide)

    def test_only_controllers_change_the_automatic_profile(self):
        with self.assertRaisesRegex(AccessError, "automatic profile"):
            self.debtor.with_user(self.salesperson).receivable_profile_auto = False
        self.debtor.with_user(self.collector).receivable_profile_auto = False
        self.assertFalse(self.debtor.receivable_profile_auto)

    def test_access(self):
        """Managers configure the rules; controllers read them; salespeople nothing."""
        rule = self.rules[0].with_user(self.collector)
        self.assertEqual(rule.profile_id, self.late_profile)
        with self.assertRaises(AccessError):
            rule.score_to = 45
        with self.assertRaises(AccessError):
            self.rules[0].with_user(self.salesperson).read(["score_to"])
        self.rules[0].with_user(self.manager).score_to = 45

    def test_other_company_rules_ignored(self):
        other = self.setup_other_company(name="Other Co")["company"]
        profile = self.env["receivable.debtor.profile"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        self.env["receivable.profile.rule"].create(
            {"company_id": other.id, "score_from": 0, "score_to": 100, "profile_id": profile.id}
        )
        rules = self.env["receivable.profile.rule"].search([("company_id", "=", self.company.id)])
        self.assertEqual(rules, self.rules)

    def test_rule_form(self):
        form = Form(self.env["receivable.profile.rule"].with_user(self.manager))
        form.score_from = 40
        form.score_to = 59
        form.profile_id = self.late_profile
        rule = form.save()
        self.assertEqual(rule.name, "score 40 to 59: Chronic late payers")
        self.assertEqual(rule.company_id, self.company)
        action = self.env.ref("receivable_automation.receivable_profile_rule_action")
        menu = self.env.ref("receivable_automation.menu_receivable_profile_rules")
        self.assertEqual(menu.action, action)
