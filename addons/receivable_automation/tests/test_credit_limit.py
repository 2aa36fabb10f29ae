from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestCreditLimit(ReceivableCommon):
    """Odoo's credit limit, with a company setting that blocks posting above it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"account_use_credit_limit": True, "receivable_credit_limit_mode": "block"}
        )
        cls.debtor.with_company(cls.company).credit_limit = 1000

    def test_block_above_the_limit_consolidated_over_contacts(self):
        """800 owed by the contact Ann + 300 invoiced to the company: 1,100 > 1,000."""
        self._invoice(self.contact, 800)
        invoice = self._invoice(self.debtor, 300, post=False)
        self.env.invalidate_all()  # Odoo's banner reads the balance of a new request
        self.assertIn("has reached its credit limit", invoice.partner_credit_warning)
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        self.assertEqual(
            str(error.exception),
            "Draft Invoice would take Agrolait to $\xa01,100.00, above its credit limit of "
            "$\xa01,000.00. A credit manager can post it anyway, with a reason.",
        )
        self.assertEqual(invoice.state, "draft")

    def test_invoices_posted_together_add_up(self):
        invoices = self._invoice(self.debtor, 600, post=False) | self._invoice(
            self.debtor, 600, post=False
        )
        with self.assertRaisesRegex(UserError, "to \\$\xa01,200.00, above"):
            invoices.action_post()

    def test_below_the_limit_posts(self):
        self._invoice(self.debtor, 600)
        invoice = self._invoice(self.debtor, 400)
        self.assertEqual(invoice.state, "posted", "1,000 is not above 1,000")

    def test_warn_mode_posts_with_odoos_banner(self):
        self.company.receivable_credit_limit_mode = "warn"
        self._invoice(self.debtor, 800)
        invoice = self._invoice(self.debtor, 300, post=False)
        self.env.invalidate_all()
        self.assertTrue(invoice.partner_credit_warning)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_no_limit_or_setting_off_posts(self):
        self.other_debtor.with_company(self.company).credit_limit = 0
        self.assertEqual(self._invoice(self.other_debtor, 5000).state, "posted", "no limit")
        self.company.account_use_credit_limit = False
        self.assertEqual(self._invoice(self.debtor, 5000).state, "posted", "setting off")

    def test_manager_overrides_with_a_reason_logged(self):
        self._invoice(self.debtor, 800)
        invoice = self._invoice(self.debtor, 300, post=False).with_user(self.manager)
        action = invoice.action_receivable_post_anyway()
        self.assertEqual(action["res_model"], "receivable.credit.override.wizard")
        form = Form(
            self.env["receivable.credit.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertEqual(form.exposure, 1100)
        self.assertEqual(form.credit_limit, 1000)
        form.reason = "Framework contract signed, payment guaranteed"
        form.save().action_confirm()
        self.assertEqual(invoice.state, "posted")
        expected = (
            f"Mona Manager validated {invoice.name} above the credit limit",
            "exposure $&nbsp;1,100.00, limit $&nbsp;1,000.00",
            "Reason: Framework contract signed, payment guaranteed",
        )
        for record in (invoice, self.debtor):
            note = record.message_ids.filtered(lambda m: "above the credit limit" in m.body)
            self.assertEqual(len(note), 1)
            self.assertEqual(note.author_id, self.manager.partner_id)
            for text in expected:
                self.assertIn(text, note.body)

    def test_non_manager_cannot_override(self):
        self._invoice(self.debtor, 800)
        invoice = self._invoice(self.debtor, 300, post=False)
        with self.assertRaises(AccessError):
            invoice.with_user(self.collector).action_receivable_post_anyway()
        with self.assertRaises(AccessError):
            self.env["receivable.credit.override.wizard"].with_user(self.collector).create(
                {"res_model": "account.move", "res_id": invoice.id, "reason": "Because"}
            )

    def test_override_needs_a_reason_and_a_known_model(self):
        self._invoice(self.debtor, 800)
        invoice = self._invoice(self.debtor, 300, post=False)
        Wizard = self.env["receivable.credit.override.wizard"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "Say why"):
            Wizard.create(
                {"res_model": "account.move", "res_id": invoice.id, "reason": "  "}
            ).action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be overridden on res.partner"):
            Wizard.create(
                {"res_model": "res.partner", "res_id": self.debtor.id, "reason": "x"}
            ).action_confirm()
        self.assertEqual(invoice.state, "draft")

    def test_invoice_form_shows_post_anyway(self):
        self._invoice(self.debtor, 800)
        invoice = self._invoice(self.debtor, 300, post=False)
        self.env.invalidate_all()
        form = Form(invoice.with_user(self.manager))
        self.assertEqual(form.receivable_credit_limit_mode, "block")
        self.assertTrue(form.partner_credit_warning)

    @freeze_time("2026-06-30")
    def test_review_date_activity_for_the_collector_once(self):
        self.debtor.with_company(self.company).receivable_credit_review_date = date(2026, 6, 30)
        self.other_debtor.with_company(self.company).receivable_credit_review_date = date(
            2026, 7, 15
        )
        Partner = self.env["res.partner"]
        Partner._cron_receivable_credit_review()
        activity_type = self.env.ref("receivable_automation.mail_activity_type_credit_review")
        activity = self.debtor.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("(limit $&nbsp;1,000.00)", str(activity.note))
        self.assertFalse(self.other_debtor.activity_ids, "not yet")
        Partner._cron_receivable_credit_review()
        self.assertEqual(len(self.debtor.activity_ids), 1, "once")

    def test_settings_form(self):
        settings = Form(self.env["res.config.settings"])
        settings.receivable_credit_limit_mode = "warn"
        settings.receivable_score_weight_returns = 5
        settings.save().execute()
        self.assertEqual(self.company.receivable_credit_limit_mode, "warn")
        self.assertEqual(self.company.receivable_score_weight_returns, 5)

    def test_partner_form_review_date(self):
        view = self.env.ref("account.view_partner_property_form")
        form = Form(self.debtor.with_user(self.collector), view=view)
        form.receivable_credit_review_date = date(2026, 12, 31)
        form.save()
        self.assertEqual(
            self.debtor.with_company(self.company).receivable_credit_review_date,
            date(2026, 12, 31),
        )
