from odoo.tests import TransactionCase, tagged


@tagged("at_install", "-post_install")
class TestInstall(TransactionCase):
    """Checked while the module installs (the install pass runs these)."""

    def test_default_data(self):
        for code in ("nct", "cec", "pdp", "rde", "npc", "lit"):
            category = self.env.ref(f"receivable_automation.category_{code}")
            self.assertEqual(category.code, code.upper())
        cron = self.env.ref("receivable_automation.ir_cron_dunning_run")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        for xmlid in (
            "mail_template_first",
            "mail_template_second",
            "mail_template_formal_notice",
            "mail_template_courtesy",
        ):
            template = self.env.ref(f"receivable_automation.{xmlid}")
            self.assertEqual(template.model, "receivable.dunning.action")

    def test_existing_invoices_start_as_not_contacted(self):
        """The install hook categorised the customer invoices that were already there."""
        nct = self.env.ref("receivable_automation.category_nct")
        uncategorised = self.env["account.move"].search_count(
            [("move_type", "=", "out_invoice"), ("receivable_category_id", "=", False)]
        )
        self.assertEqual(uncategorised, 0)
        self.assertTrue(nct)

    def test_every_company_has_its_receivables_mailbox(self):
        """Companies that existed before the install got their mailbox alias too."""
        companies = self.env["res.company"].with_context(active_test=False).search([])
        for company in companies:
            alias = company.receivable_alias_id
            self.assertEqual(alias.alias_model_id.model, "receivable.inquiry")
            self.assertTrue(alias.alias_name.startswith("receivables"))
            self.assertIn(f"'company_id': {company.id}", alias.alias_defaults)
