import re
from datetime import date
from urllib.parse import urlsplit

from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import ReceivableCommon


def _module_installed(env, name):
    return env["ir.module.module"]._get(name).state == "installed"


@tagged("post_install", "-at_install")
class TestPaymentLink(ReceivableCommon):
    """A reminder links each invoice to its portal page in the debtor's language, and says
    "Pay online" only when the company takes payments online (issue 8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.invoice = cls._invoice(cls.debtor, 1000)

    def _portal_path(self, invoice=None):
        invoice = invoice or self.invoice
        return f"/my/invoices/{invoice.id}?access_token={invoice.access_token}"

    def _send_first_reminder(self):
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "sent")
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        return reminder, mail

    def _letter_html(self, reminder):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "receivable_automation.action_report_dunning_letter", reminder.ids
        )
        return html.decode()

    def test_french_debtor_gets_the_french_page(self):
        self.debtor.lang = "fr_FR"
        _reminder, mail = self._send_first_reminder()
        base_url = self.invoice.get_base_url()
        self.assertIn(f'href="{base_url}/fr{self._portal_path()}"', mail.body_html)

    def test_english_debtor_gets_the_english_page(self):
        self.debtor.lang = "en_US"
        _reminder, mail = self._send_first_reminder()
        self.assertIn(f"/en{self._portal_path()}", mail.body_html)
        self.assertNotIn("/fr/", mail.body_html)

    def test_language_not_active_gets_no_prefix(self):
        """The page of a language that is not active does not exist: no prefix then (a
        debtor imported with a language that was never installed, say)."""
        self.assertFalse(self.env["res.lang"]._lang_get("de_DE"), "German is not active")
        # in SQL: the ORM only takes active languages
        self.env.cr.execute("UPDATE res_partner SET lang = 'de_DE' WHERE id = %s", [self.debtor.id])
        self.debtor.invalidate_recordset(["lang"])
        url = self.invoice._get_receivable_payment_url()
        self.assertEqual(url, self.invoice.get_base_url() + self._portal_path())

    def test_sms_links_to_the_page_in_the_debtors_language(self):
        reminder, _mail = self._send_first_reminder()
        template = self.env.ref("receivable_automation.sms_template_reminder")
        body = template._render_field("body", reminder.ids, compute_lang=True)[reminder.id]
        self.assertIn(f"Pay online: {self.invoice.get_base_url()}/en{self._portal_path()}", body)
        self.payment_provider.state = "disabled"
        reminder.invalidate_recordset(["online_payment"])
        body = template._render_field("body", reminder.ids, compute_lang=True)[reminder.id]
        self.assertIn(f"View invoice: {self.invoice.get_base_url()}/en", body)
        self.assertNotIn("Pay online", body)
        self.debtor.lang = "fr_FR"
        body = template._render_field("body", reminder.ids, compute_lang=True)[reminder.id]
        self.assertIn(f"/fr{self._portal_path()}", body)

    def test_letter_links_each_invoice(self):
        """In the PDF, each invoice number opens its page."""
        reminder, _mail = self._send_first_reminder()
        html = self._letter_html(reminder)
        self.assertIn(f'href="{self.invoice.get_base_url()}/en{self._portal_path()}"', html)
        self.assertIn("pay each invoice online", html)

    def test_no_payment_provider_warns_and_promises_no_payment(self):
        """Without a provider the debtor is never promised a payment that cannot be made,
        and the collector is told before the reminder goes out."""
        self.payment_provider.state = "disabled"
        preview = self._run(date(2026, 1, 11), preview=True).action_ids
        self.assertIn("takes no payment online", preview.gate_warning)
        self.assertIn("Payment Providers", preview.gate_warning)
        self.assertFalse(preview.gate_blocking, "a warning: the reminder still goes out")

        reminder, mail = self._send_first_reminder()
        self.assertIn(self._portal_path(), mail.body_html, "the invoice can still be seen")
        self.assertIn("View invoice", mail.body_html)
        self.assertNotIn("Pay online", mail.body_html)
        self.assertNotIn("pay each of them online", mail.body_html)
        html = self._letter_html(reminder)
        self.assertNotIn("pay each invoice online", html)
        self.assertIn("Please pay by bank transfer", html)

    def test_provider_ready_no_warning(self):
        preview = self._run(date(2026, 1, 11), preview=True).action_ids
        self.assertFalse(preview.gate_warning)
        _reminder, mail = self._send_first_reminder()
        self.assertIn("Pay online", mail.body_html)
        self.assertIn("pay each of them online", mail.body_html)

    def test_what_makes_a_provider_ready(self):
        """Enabled or in test mode, published, with a payment method, of the company, and
        portal payment switched on."""
        company = self.company
        ready = company._receivable_get_online_payment_companies
        self.assertEqual(ready(), company)
        self.payment_provider.is_published = False
        self.assertFalse(ready(), "an unpublished provider is not offered to customers")
        self.payment_provider.write({"is_published": True, "state": "enabled"})
        self.assertEqual(ready(), company)
        method = self.payment_provider.payment_method_ids
        method.active = False
        self.assertFalse(ready(), "no payment method to pay with")
        method.active = True
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.assertEqual(
            (company | other_company)._receivable_get_online_payment_companies(),
            company,
            "another company's provider does not count",
        )
        self.env["ir.config_parameter"].set_param("account_payment.enable_portal_payment", False)
        self.assertFalse(ready(), "portal payment is switched off")

    def test_collector_sees_the_warning_without_reading_providers(self):
        self.payment_provider.state = "disabled"
        self.level_1.validation_mode = "manual"
        reminder = self._run(date(2026, 1, 11)).action_ids
        self.assertEqual(reminder.state, "to_validate")
        self.assertIn("takes no payment online", reminder.with_user(self.collector).gate_warning)

    def test_settings_say_whether_debtors_can_pay_online(self):
        settings = Form(self.env["res.config.settings"])
        self.assertTrue(settings.receivable_online_payment)
        self.payment_provider.state = "disabled"
        settings = Form(self.env["res.config.settings"])
        self.assertFalse(settings.receivable_online_payment)


@tagged("post_install", "-at_install")
class TestPaymentLinkPage(ReceivableCommon, HttpCase):
    """The link of a French debtor's reminder opens, without a login, the invoice's page in
    French where it can be paid; nothing else opens with it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        # the portal's and the payment form's French (the reminder's own French is not needed)
        cls.env["ir.module.module"]._load_module_terms(
            ["portal", "payment", "account_payment"], ["fr_FR"]
        )
        if _module_installed(cls.env, "payment_demo"):
            # Odoo's demo provider takes the payment, as in the demo database
            cls.payment_provider.state = "disabled"
            cls.payment_provider = cls._enable_demo_provider(cls.company)
        cls.debtor.lang = "fr_FR"
        cls.invoice = cls._invoice(cls.debtor, 1000)
        cls.other_invoice = cls._invoice(cls.other_debtor, 700)
        cls.other_invoice._portal_ensure_tokens()

    @classmethod
    def _enable_demo_provider(cls, company):
        # the demo provider that payment_demo installs is the main company's, out of the test
        # user's companies: copied for the test company
        Provider = cls.env["payment.provider"].sudo()
        provider = Provider.search([("code", "=", "demo"), ("company_id", "=", company.id)])
        if not provider:
            provider = Provider.search([("code", "=", "demo")], limit=1).copy(
                {"company_id": company.id}
            )
        provider.write({"state": "test", "is_published": True})
        return provider

    def _link_of_the_reminder(self):
        self._run(date(2026, 1, 11))
        mail = self._mails_to(self.contact)
        pattern = rf'href="([^"]*/my/invoices/{self.invoice.id}\?[^"]*)"'
        links = re.findall(pattern, mail.body_html)
        self.assertEqual(len(links), 1)
        url = urlsplit(links[0])
        return f"{url.path}?{url.query}"

    def test_link_opens_the_french_page_with_the_payment_form(self):
        path = self._link_of_the_reminder()
        self.assertTrue(path.startswith("/fr/my/invoices/"))
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/web/login", response.url)
        page = response.text
        self.assertIn(self.invoice.name, page)
        self.assertIn("Payer maintenant", page, "the Pay Now button, in French")
        self.assertIn("Choisissez un mode de paiement", page)
        self.assertIn('id="o_payment_form"', page)
        self.assertIn(f'data-provider-id="{self.payment_provider.id}"', page)

    def _assert_no_access(self, path, invoice=None):
        invoice = invoice or self.invoice
        with mute_logger("odoo.http"):
            response = self.url_open(path)
        self.assertIn("/web/login", response.url, "sent to the login page")
        self.assertNotIn(invoice.name, response.text)

    def test_wrong_or_missing_token_opens_nothing(self):
        path = self._link_of_the_reminder()
        self._assert_no_access(path.replace(self.invoice.access_token, "not-the-token"))
        self._assert_no_access(path.split("?")[0])

    def test_token_does_not_open_another_customers_invoice(self):
        self._link_of_the_reminder()
        self._assert_no_access(
            f"/fr/my/invoices/{self.other_invoice.id}?access_token={self.invoice.access_token}",
            self.other_invoice,
        )

    def test_debtor_pays_from_the_link(self):
        """The whole way, in Chromium: the link, the French page, Odoo's demo provider."""
        if not _module_installed(self.env, "payment_demo"):
            self.skipTest("needs Odoo's payment_demo (setup/test.sh installs it)")
        path = self._link_of_the_reminder()
        self.start_tour(path, "receivable_payment_link_tour")
        transaction = self.invoice.transaction_ids
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.provider_id, self.payment_provider)
        self.assertIn(self.invoice.payment_state, ("in_payment", "paid"))
