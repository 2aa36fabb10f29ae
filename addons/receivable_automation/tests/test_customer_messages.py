"""Messages to customers and lawyers: mail templates, in the recipient's language."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestCustomerMessages(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["receivable_automation"], ["fr_FR"])
        cls.lawyer = cls.env["res.partner"].create(
            {"name": "Maître Dupont", "is_company": True, "email": "dupont@avocats.example.com"}
        )

    def _reject_dispute(self, reason):
        invoice = self._invoice(self.debtor, 1000)
        dispute = (
            self.env["receivable.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "reason_id": self.env.ref("receivable_automation.dispute_reason_quality").id,
                    "deadline": date(2026, 1, 31),
                    "line_ids": [Command.create({"move_id": invoice.id, "amount": 400})],
                    "rejection_reason": reason,
                }
            )
        )
        with self.mock_mail_gateway():
            dispute.action_reject()
        return dispute, invoice

    def _check_plans(self, when):
        with freeze_time(when), self.mock_mail_gateway():
            self.env["receivable.payment.plan"]._check_payment_plans(when)

    # ------------------------------------------------------------------------------------------
    # Dispute rejected
    # ------------------------------------------------------------------------------------------

    def test_dispute_rejection_in_the_french_contacts_language(self):
        """The debtor's file is in English, its dunning contact reads French: French text,
        with the reason, to the contact."""
        self.contact.lang = "fr_FR"
        dispute, invoice = self._reject_dispute("Les marchandises ont été livrées le 2 janvier.")
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"votre litige {dispute.name} est rejeté", mail.subject)
        self.assertIn("nous ne pouvons pas l'accepter", mail.body_html)
        self.assertIn("Les marchandises ont été livrées le 2 janvier.", mail.body_html)
        self.assertIn(invoice.name, mail.body_html)
        self.assertNotIn("is rejected", mail.subject)
        self.assertIn(mail.mail_message_id, dispute.message_ids)

    def test_dispute_rejection_in_english(self):
        dispute, invoice = self._reject_dispute("Delivered and signed for on 2 January.")
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"your dispute {dispute.name} is rejected", mail.subject)
        self.assertIn("we cannot accept it", mail.body_html)
        self.assertIn("Delivered and signed for on 2 January.", mail.body_html)
        self.assertIn(invoice.name, mail.body_html)

    def test_dispute_rejection_reason_is_text_not_html(self):
        """What the user typed is shown as text, never run as HTML."""
        self._reject_dispute("<b>No</b> & no")
        mail = self._mails_to(self.contact)
        self.assertIn("&lt;b&gt;No&lt;/b&gt; &amp; no", mail.body_html)

    # ------------------------------------------------------------------------------------------
    # Payment plans
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-01-05")
    def test_late_instalment_reminder_to_a_french_debtor_in_french(self):
        """Issue #7: the reminder of a late instalment went to a French debtor in English."""
        self.debtor.lang = "fr_FR"
        self.contact.lang = "fr_FR"
        invoice = self._invoice(self.debtor, 900)
        plan = self._active_plan(invoice)
        self._pay(invoice, 100, when=date(2026, 1, 30))
        self._check_plans(date(2026, 2, 2))
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertIn("échéance de", mail.subject)
        self.assertIn("200,00", mail.subject)
        self.assertIn("Sauf erreur de notre part", mail.body_html)
        self.assertIn("01/02/2026", mail.body_html, "the French date format")
        self.assertIn(plan.name, mail.body_html)
        self.assertNotIn("Unless we are mistaken", mail.body_html)

    @freeze_time("2026-01-05")
    def test_late_instalment_reminder_in_english(self):
        invoice = self._invoice(self.debtor, 900)
        self._active_plan(invoice)
        self._check_plans(date(2026, 2, 2))
        mail = self._mails_to(self.contact)
        self.assertIn("instalment of", mail.subject)
        self.assertIn("300.00", mail.subject)
        self.assertIn("Unless we are mistaken", mail.body_html)
        self.assertIn("02/01/2026", mail.body_html)

    @freeze_time("2026-01-15")
    def test_broken_plan_notice_in_the_french_contacts_language(self):
        """The notice says, in French, which instalment was missed and the balance now due."""
        self.contact.lang = "fr_FR"
        self.company.receivable_plan_grace_days = 2
        invoice = self._invoice(self.debtor, 1000)
        plan = self._active_plan(
            invoice, instalment_count=2, interval_type="weeks", first_date=date(2026, 1, 16)
        )
        self._pay(invoice, 100, when=date(2026, 1, 16))
        self._check_plans(date(2026, 1, 19))
        self.assertEqual(plan.state, "broken")
        mail = self._mails_to(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"échéancier de paiement {plan.name}", mail.subject)
        self.assertIn("900,00", mail.subject, "the balance now due")
        self.assertIn("400,00", mail.body_html, "what was left to pay on the missed instalment")
        self.assertIn("16/01/2026", mail.body_html)
        self.assertIn("immédiatement exigible", mail.body_html)
        self.assertEqual(mail.mail_message_id.partner_ids, self.contact)
        self.assertIn(mail.mail_message_id, plan.message_ids)

    @freeze_time("2026-01-15")
    def test_broken_plan_notice_in_english(self):
        self.company.receivable_plan_grace_days = 2
        invoice = self._invoice(self.debtor, 1000)
        plan = self._active_plan(
            invoice, instalment_count=2, interval_type="weeks", first_date=date(2026, 1, 16)
        )
        self._check_plans(date(2026, 1, 19))
        mail = self._mails_to(self.contact)
        self.assertIn(f"payment plan {plan.name} ended", mail.subject)
        self.assertIn("1,000.00", mail.subject)
        self.assertIn("500.00", mail.body_html)
        self.assertIn("01/16/2026", mail.body_html)
        self.assertIn("now due at once", mail.body_html)

    # ------------------------------------------------------------------------------------------
    # Hand-off dossier
    # ------------------------------------------------------------------------------------------

    def _hand_over(self, note=""):
        with self.mock_mail_gateway():
            return (
                self.env["receivable.handoff"]
                .with_user(self.collector)
                .create({"partner_id": self.debtor.id, "lawyer_id": self.lawyer.id, "note": note})
            )

    def test_dossier_to_a_french_lawyer_in_french(self):
        """The lawyer reads French: the debtor, the amount handed and both attachments."""
        self.lawyer.lang = "fr_FR"
        self._invoice(self.debtor, 950)
        handoff = self._hand_over(note="Commencez par une mise en demeure.")
        mail = self._mails_to(self.lawyer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent inline")
        self.assertIn(f"Dossier {handoff.name} : Agrolait", mail.subject)
        self.assertIn("Nous vous transmettons le dossier", mail.body_html)
        self.assertIn("Agrolait", mail.body_html)
        self.assertIn("950,00", mail.body_html)
        self.assertIn("Commencez par une mise en demeure.", mail.body_html)
        self.assertIn(handoff.dossier_zip_id.name, mail.body_html)
        self.assertEqual(
            mail.mail_message_id.attachment_ids, handoff.dossier_zip_id | handoff.dossier_pdf_id
        )
        self.assertEqual(len(mail.attachment_ids), 2)

    def test_dossier_to_an_english_lawyer_in_english(self):
        self._invoice(self.debtor, 1234)
        handoff = self._hand_over()
        mail = self._mails_to(self.lawyer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, f"File {handoff.name}: Agrolait")
        self.assertIn("We hand over to you the file", mail.body_html)
        self.assertIn("1,234.00", mail.body_html)
        self.assertNotIn("Our instructions", mail.body_html, "no note, no instructions")
