from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestSeeBeforeSend(ReceivableCommon):
    """A waiting reminder shows its recipients per channel and the e-mail, SMS and letter the
    debtor will get, rendered as the run will send them; a sent one shows what went out."""

    def _preview_level_2(self):
        self.invoice = self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        reminder = self._run(date(2026, 1, 26), preview=True).action_ids
        self.assertEqual((reminder.state, reminder.level_id), ("preview", self.level_2))
        return reminder.with_user(self.collector)

    def test_preview_shows_recipients_email_and_sms_as_they_will_go_out(self):
        reminder = self._preview_level_2()
        mails_before = self._mails_to(self.contact)
        self.assertIn(
            "Ann Accountant &lt;ann@agrolait.example.com&gt;", reminder.preview_recipients
        )
        self.assertIn("copy to Sally Sales", reminder.preview_recipients)
        self.assertIn("Ann Accountant (+32 470 12 34 56)", reminder.preview_recipients)
        self.assertIn("second reminder", reminder.preview_email_subject)
        self.assertIn("1,000.00", reminder.preview_email_subject)
        self.assertIn(self.invoice.name, reminder.preview_email_body)
        self.assertIn("1,000.00", reminder.preview_sms_body)
        self.assertFalse(reminder.preview_has_letter, "level 2 sends no letter")
        self.assertEqual(self._mails_to(self.contact), mails_before, "looking sends nothing")

        # what the run then sends is what was shown
        subject, sms_body = reminder.preview_email_subject, reminder.preview_sms_body
        run = self._run(date(2026, 1, 26))
        self.assertEqual(run.action_ids.state, "sent")
        mail = self._mails_to(self.contact) - mails_before
        self.assertEqual(mail.subject, subject)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.contact.id)])
        # a link made only when the reminder goes out (the portal's statement link) may follow
        self.assertTrue(sms.body.startswith(sms_body.splitlines()[0]), sms.body)

    def test_sent_reminder_shows_what_went_out(self):
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids.with_user(self.collector)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.preview_email_subject, reminder.message_id.subject)
        self.assertIn("e-mail", reminder.preview_recipients)
        self.assertIn("Ann Accountant", reminder.preview_recipients)

    def test_unreachable_debtor_is_said_before_sending(self):
        self.contact.write({"email": False, "mobile": False})
        self.debtor.email = False
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11), preview=True).action_ids
        self.assertIn("no e-mail address for Ann Accountant", reminder.preview_recipients)
        self.assertIn("text-danger", reminder.preview_recipients)
        self.assertIn("No e-mail address for Ann Accountant", reminder.gate_warning)

    def test_letter_preview_does_not_count_as_printed(self):
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        self._run(date(2026, 1, 26))
        reminder = self._run(date(2026, 2, 10)).action_ids.with_user(self.collector)
        self.assertEqual((reminder.level_id, reminder.state), (self.level_3, "to_validate"))
        self.assertTrue(reminder.preview_has_letter)
        self.assertIn("Letter to print", reminder.preview_recipients)
        self.assertIn("Agrolait, 69 rue de Namur, 1300 Wavre, Belgium", reminder.preview_recipients)
        action = reminder.action_preview_letter()
        self.assertEqual(action["report_name"], "receivable_automation.report_dunning_letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("receivable_automation.action_report_dunning_letter", reminder.ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Agrolait", html)
        self.assertEqual(reminder.letter_state, "none", "not printed: only looked at")

    def test_a_broken_template_is_shown_not_raised(self):
        template = self.level_1.mail_template_id.copy({"subject": "{{ object.no_such_field }}"})
        self.level_1.mail_template_id = template
        self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11), preview=True).action_ids
        self.assertIn("cannot be rendered", reminder.preview_email_subject)

    def test_form_opens_on_the_real_view(self):
        reminder = self._preview_level_2()
        form = Form(reminder)
        self.assertIn("second reminder", form.preview_email_subject)
        self.assertIn("Ann Accountant", form.preview_recipients)

    def test_only_invoicing_users_see_the_content(self):
        reminder = self._preview_level_2()
        with self.assertRaises(AccessError):
            reminder.with_user(self.salesperson).preview_email_body  # noqa: B018

    def test_french_formal_notice_states_no_euro_amount_in_a_dollar_company(self):
        """The French formal notice said "40 EUR" next to $ amounts: the indemnity is written
        once, in the company's currency, by the fees line."""
        self.env["res.lang"]._activate_lang("fr_FR")
        # the template is noupdate: a French body loaded earlier in this database would stay
        self.env.cr.execute("UPDATE mail_template SET body_html = body_html - 'fr_FR'")
        self.env["mail.template"].invalidate_model(["body_html"])
        self.env["ir.module.module"]._load_module_terms(["receivable_automation"], ["fr_FR"])
        self.debtor.lang = "fr_FR"
        self.assertEqual(self.company.currency_id.name, "USD")
        self._invoice(self.debtor, 1000)
        self._run(date(2026, 1, 11))
        self._run(date(2026, 1, 26))
        reminder = self._run(date(2026, 2, 10)).action_ids
        self.assertEqual(reminder.level_id, self.level_3)
        self.assertIn("mise en demeure", reminder.preview_email_subject)
        self.assertNotIn("EUR", reminder.preview_email_body)
