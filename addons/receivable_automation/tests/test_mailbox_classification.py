import email
import email.policy
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from . import mailbox_samples as samples
from .common import ReceivableCommon

TODAY = date(2026, 3, 2)  # a Monday
MAILBOX = "receivables@company.example.com"


@tagged("post_install", "-at_install")
class TestMailboxClassification(ReceivableCommon):
    """E-mails attached to a customer's question are classified by local rules (French and
    English); each class has its effect, never more than a draft for what the e-mail alone
    cannot prove."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1000)
        cls.big_invoice = cls._invoice(cls.debtor, 2000)
        cls.Rule = cls.env["receivable.inquiry.rule"]

    def _parse(self, raw, **values):
        raw = raw.format(to=MAILBOX, **values)
        message = email.message_from_bytes(raw.encode(), policy=email.policy.SMTP)
        return self.env["mail.thread"].message_parse(message)

    def _incoming(self, raw, **values):
        """A question of Agrolait created from the e-mail, then classified."""
        msg_dict = self._parse(raw, **values)
        inquiry = self._new_inquiry(msg_dict)
        inquiry._receivable_process_incoming(msg_dict)
        return inquiry

    def _new_inquiry(self, msg_dict):
        return self.env["receivable.inquiry"].create(
            {
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "source": "email",
                "subject": msg_dict.get("subject") or "?",
                "body": msg_dict.get("body"),
            }
        )

    def _draft_form(self, action):
        """The form a button of the inquiry opens, as the collector sees it."""
        model = self.env[action["res_model"]].with_user(self.collector)
        return Form(model.with_context(**action["context"]))

    def _holds(self, inquiry):
        return self.env["receivable.dunning.hold"].search(
            [
                ("res_model", "=", "receivable.inquiry"),
                ("res_id", "=", inquiry.id),
                ("state", "=", "active"),
            ]
        )

    def _notes(self, inquiry):
        return "\n".join(inquiry.message_ids.mapped("body"))

    # ------------------------------------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------------------------------------

    def test_message_parse_keeps_the_automatic_reply_headers(self):
        msg_dict = self._parse(samples.OUT_OF_OFFICE_HEADER)
        self.assertEqual(msg_dict["receivable_headers"]["auto-submitted"], "auto-replied")
        self.assertIn("text/plain", msg_dict["receivable_headers"]["content-type"])

    def test_gateway_still_posts_a_reply_with_the_extra_headers(self):
        """Odoo's mail gateway hands the parsed e-mail to message_post: the headers kept for
        the classification do not disturb it."""
        inquiry = self._incoming(samples.QUESTION_FR)
        raw = samples.OUT_OF_OFFICE_HEADER.format(to=MAILBOX)
        self.env["mail.thread"].message_process("receivable.inquiry", raw, thread_id=inquiry.id)
        self.assertIn("de retour le 16 mars", inquiry.message_ids[0].body)

    # ------------------------------------------------------------------------------------------
    # Promise
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_promise_fr_and_en_extracted_never_confirmed(self):
        for raw, rule in (
            (samples.PROMISE_FR, "receivable_automation.inquiry_rule_promise_fr"),
            (samples.PROMISE_EN, "receivable_automation.inquiry_rule_promise_en"),
        ):
            with self.subTest(rule=rule):
                inquiry = self._incoming(raw)
                self.assertEqual(inquiry.kind, "promise")
                self.assertEqual(inquiry.kind_rule_id, self.env.ref(rule))
                self.assertEqual(inquiry.promise_date, date(2026, 3, 15), "quoted dates ignored")
                self.assertEqual(inquiry.promise_amount, 1234.56)
                self.assertEqual(inquiry.state, "to_answer")
                self.assertFalse(inquiry.promise_id)
                self.assertFalse(self._holds(inquiry))
                self.assertIn("Create Promise", self._notes(inquiry))
        self.assertFalse(
            self.env["receivable.promise"].search([("partner_id", "=", self.debtor.id)]),
            "an e-mail alone never creates nor confirms a promise",
        )

    @freeze_time(TODAY)
    def test_promise_created_by_the_collector_from_the_prefilled_form(self):
        inquiry = self._incoming(samples.PROMISE_EN).with_user(self.collector)
        action = inquiry.action_create_promise()
        self.assertEqual(action["res_model"], "receivable.promise")
        with self._draft_form(action) as form:
            self.assertEqual(form.partner_id, self.debtor)
            self.assertEqual(form.amount, 1234.56)
            self.assertEqual(form.date, date(2026, 3, 15))
        promise = form.record
        self.assertEqual(promise.state, "open")
        self.assertEqual(inquiry.promise_id, promise)

    @freeze_time(TODAY)
    def test_promise_bad_or_past_values_left_empty(self):
        """31/02 is no date, 15/01/2026 is past: the collector fills the fields."""
        inquiry = self._incoming(samples.PROMISE_BAD_VALUES)
        self.assertEqual(inquiry.kind, "promise")
        self.assertFalse(inquiry.promise_date)
        self.assertFalse(inquiry.promise_amount)
        self.assertIn("an unknown amount", self._notes(inquiry))

    # ------------------------------------------------------------------------------------------
    # Dispute
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_dispute_fr_and_en_opened_only_by_the_collector(self):
        for raw in (samples.DISPUTE_FR, samples.DISPUTE_EN):
            inquiry = self._incoming(raw)
            self.assertEqual(inquiry.kind, "dispute")
            self.assertFalse(inquiry.dispute_id)
        self.assertFalse(
            self.env["receivable.dispute"].search([("partner_id", "=", self.debtor.id)])
        )

        inquiry = inquiry.with_user(self.collector)
        action = inquiry.action_create_dispute()
        with self._draft_form(action) as form:
            self.assertEqual(form.partner_id, self.debtor)
            form.reason_id = self.env.ref("receivable_automation.dispute_reason_quality")
            form.deadline = date(2026, 3, 31)
        self.assertEqual(inquiry.dispute_id, form.record)
        self.assertIn("damaged", str(form.record.description))

    # ------------------------------------------------------------------------------------------
    # Payment announced
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_paid_holds_a_few_days_and_hints_the_invoice(self):
        for raw in (samples.PAID_FR, samples.PAID_EN):
            with self.subTest(raw=raw[:200]):
                inquiry = self._incoming(raw)
                self.assertEqual(inquiry.kind, "paid")
                self.assertEqual(inquiry.promise_date, date(2026, 2, 27))
                self.assertEqual(inquiry.promise_amount, 1000)
                hold = self._holds(inquiry)
                self.assertEqual(len(hold), 1)
                self.assertEqual(
                    (hold.partner_id, hold.move_id, hold.date_until),
                    (self.debtor, self.env["account.move"], date(2026, 3, 7)),
                    "the whole debtor, the company's announced-payment days (5)",
                )
                self.assertIn(self.invoice.name, self._notes(inquiry))
                self.assertNotIn(self.big_invoice.name, self._notes(inquiry))

        action = inquiry.with_user(self.collector).action_create_payment_claim()
        with self._draft_form(action) as form:
            self.assertEqual(form.amount, 1000)
            self.assertEqual(form.payment_date, date(2026, 2, 27))
        self.assertEqual(form.record.line_ids.move_id, self.invoice)
        self.assertEqual(inquiry.payment_claim_id, form.record)

    @freeze_time(TODAY)
    def test_paid_about_one_invoice_holds_that_invoice(self):
        msg_dict = self._parse(samples.PAID_FR)
        inquiry = self.env["receivable.inquiry"].create(
            {
                "partner_id": self.debtor.id,
                "move_id": self.big_invoice.id,
                "source": "email",
                "subject": "Avis de paiement",
            }
        )
        inquiry._receivable_process_incoming(msg_dict)
        self.assertEqual(self._holds(inquiry).move_id, self.big_invoice)

    # ------------------------------------------------------------------------------------------
    # Question, other
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_questions_and_others_wait_for_an_answer(self):
        for raw, kind in (
            (samples.QUESTION_FR, "question"),
            (samples.QUESTION_EN, "question"),
            (samples.OTHER_FR, "other"),
        ):
            inquiry = self._incoming(raw)
            self.assertEqual(inquiry.kind, kind)
            self.assertEqual(inquiry.state, "to_answer")
            self.assertTrue(inquiry.activity_ids, "the collector answers")
            self.assertFalse(self._holds(inquiry))
        self.assertFalse(inquiry.kind_rule_id, "no rule matched")

    # ------------------------------------------------------------------------------------------
    # Out of office
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_out_of_office_by_header_closed_held_until_return_no_mail(self):
        msg_dict = self._parse(samples.OUT_OF_OFFICE_HEADER)
        inquiry = self._new_inquiry(msg_dict)
        with self.mock_mail_gateway():
            inquiry._receivable_process_incoming(msg_dict)
            self.env.flush_all()
        self.assertEqual(inquiry.kind, "out_of_office")
        self.assertEqual(
            inquiry.kind_rule_id,
            self.env.ref("receivable_automation.inquiry_rule_ooo_auto_submitted"),
        )
        self.assertEqual(inquiry.return_date, date(2026, 3, 16))
        self.assertEqual(inquiry.state, "closed")
        self.assertFalse(inquiry.activity_ids)
        self.assertEqual(self._holds(inquiry).date_until, date(2026, 3, 17), "return date + 1")
        self.assertFalse(self._new_mails, "an automatic reply is never answered")
        self.assertTrue(
            inquiry._receivable_is_automatic_reply(self._parse(samples.OUT_OF_OFFICE_HEADER))
        )
        self.assertFalse(inquiry._receivable_is_automatic_reply(self._parse(samples.QUESTION_EN)))

    @freeze_time(TODAY)
    def test_out_of_office_by_phrasing_or_without_date(self):
        inquiry = self._incoming(samples.OUT_OF_OFFICE_EN)
        self.assertEqual(inquiry.kind, "out_of_office")
        self.assertEqual(self._holds(inquiry).date_until, date(2026, 3, 21))

        self.company.receivable_out_of_office_days = 7
        inquiry = self._incoming(samples.OUT_OF_OFFICE_FR_NO_DATE)
        self.assertEqual((inquiry.kind, inquiry.state), ("out_of_office", "closed"))
        self.assertFalse(inquiry.return_date)
        self.assertEqual(self._holds(inquiry).date_until, date(2026, 3, 9))

    def test_out_of_office_postpones_the_next_reminder(self):
        with freeze_time(TODAY):
            self._incoming(samples.OUT_OF_OFFICE_HEADER)
        with freeze_time("2026-03-10"):
            self._run(date(2026, 3, 10))
        self.assertFalse(self._reminders(self.debtor), "held until the 17th")
        with freeze_time("2026-03-18"):
            self._run(date(2026, 3, 18))
        self.assertTrue(self._reminders(self.debtor))

    @freeze_time(TODAY)
    def test_each_email_has_its_effects_once(self):
        msg_dict = self._parse(samples.OUT_OF_OFFICE_EN)
        inquiry = self._incoming(samples.OUT_OF_OFFICE_EN)
        notes = len(inquiry.message_ids)
        inquiry._receivable_process_incoming(msg_dict)
        inquiry._receivable_apply_classification()
        self.assertEqual(len(inquiry.message_ids), notes)
        self.assertEqual(len(self._holds(inquiry)), 1)

    # ------------------------------------------------------------------------------------------
    # Bounce
    # ------------------------------------------------------------------------------------------

    def _sent_reminder(self):
        with freeze_time("2026-01-11"):
            self._run(date(2026, 1, 11))
        reminder = self._reminders(self.debtor)
        self.assertEqual(reminder.state, "sent")
        self.assertIn(self.contact, reminder.recipient_ids)
        return reminder

    def test_bounce_report_flags_contact_and_fails_the_reminder(self):
        reminder = self._sent_reminder()
        with freeze_time("2026-01-12"):
            inquiry = self._incoming(samples.BOUNCE_DSN, message_id=reminder.message_id.message_id)
        self.assertEqual(inquiry.kind, "bounce")
        self.assertEqual(inquiry.bounce_email, "ann@agrolait.example.com")
        self.assertEqual(inquiry.bounce_action_id, reminder)
        self.assertEqual(self.contact.message_bounce, 1, "the contact is flagged")
        self.assertEqual(Form(self.contact.with_user(self.collector)).message_bounce, 1)
        self.assertEqual(reminder.state, "failed")
        self.assertIn("ann@agrolait.example.com bounced", reminder.error_message)
        self.assertEqual(inquiry.state, "closed")

    def test_bounce_in_plain_words_finds_the_last_reminder_to_the_address(self):
        reminder = self._sent_reminder()
        with freeze_time("2026-01-12"):
            inquiry = self._incoming(samples.BOUNCE_PLAIN)
        self.assertEqual(
            inquiry.kind_rule_id,
            self.env.ref("receivable_automation.inquiry_rule_bounce_subject_en"),
        )
        self.assertEqual(inquiry.bounce_email, "ann@agrolait.example.com")
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(self.contact.message_bounce, 1)

    def test_bounce_through_odoo_gateway_fails_the_reminder(self):
        """A delivery report Odoo recognises never reaches the alias: the reminder it is
        about is told directly."""
        reminder = self._sent_reminder()
        raw = samples.BOUNCE_DSN.format(to=MAILBOX, message_id=reminder.message_id.message_id)
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(self.contact.message_bounce, 1)

    def test_common_phrasings(self):
        """One line each, as customers write them (subject "RE: Relance")."""
        phrasings = [
            ("Nous avons déjà réglé cette facture le 10/02.", "paid"),
            ("Le virement est parti hier.", "paid"),
            ("Veuillez trouver ci-joint notre avis de paiement.", "paid"),
            ("Our remittance advice is attached; the credit note was deducted.", "paid"),
            ("This invoice has already been paid.", "paid"),
            ("Le paiement sera effectué le 20 mars.", "promise"),
            ("Nous procéderons au règlement fin de semaine prochaine.", "promise"),
            ("We'll pay next Monday.", "promise"),
            ("Payment will be made on 2026-03-20.", "promise"),
            ("Nous contestons le montant facturé.", "dispute"),
            ("La marchandise n'a jamais été livrée.", "dispute"),
            ("Please issue a credit note for the damaged parts.", "dispute"),
            ("Avez-vous reçu notre paiement ?", "question"),
            ("When is the invoice due?", "question"),
            ("Je suis absent du bureau jusqu'au 20 mars.", "out_of_office"),
            ("Thanks, noted.", "other"),
        ]
        wrong = []
        for body, kind in phrasings:
            raw = samples._customer_email("RE: Relance", "x@agrolait.example.com", body)
            found, _rule = self.env["receivable.inquiry"]._get_email_kind(
                self._parse(raw), self.company
            )
            if found != kind:
                wrong.append((body, found))
        self.assertEqual(wrong, [])

    # ------------------------------------------------------------------------------------------
    # Corrections
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_correction_kept_beside_the_rule_and_effects_applied(self):
        inquiry = self._incoming(samples.QUESTION_EN)
        rule = inquiry.kind_rule_id
        with Form(inquiry.with_user(self.collector)) as form:
            form.kind = "paid"
            form.promise_amount = 1000
        example = rule.example_ids
        self.assertEqual(len(example), 1)
        self.assertEqual(
            (example.kind_from, example.kind_to, example.user_id, example.inquiry_id),
            ("question", "paid", self.collector, inquiry),
        )
        self.assertIn("Could you send us a copy", example.excerpt)
        self.assertEqual(len(self._holds(inquiry)), 1, "the effects of the new class")

        with Form(rule.with_user(self.manager)) as rule_form:
            self.assertEqual(len(rule_form.example_ids), 1)

    @freeze_time(TODAY)
    def test_correction_of_an_automatic_reply_reopens_and_releases(self):
        inquiry = self._incoming(samples.OUT_OF_OFFICE_EN)
        inquiry.with_user(self.collector).kind = "question"
        self.assertEqual(inquiry.state, "to_answer")
        self.assertFalse(self._holds(inquiry))
        self.assertEqual(inquiry.kind_example_ids.kind_from, "out_of_office")

        inquiry.kind = False
        self.assertEqual(len(inquiry.kind_example_ids), 1, "no class is no correction")

    @freeze_time(TODAY)
    def test_class_chosen_by_hand_on_a_new_question(self):
        with Form(self.env["receivable.inquiry"].with_user(self.collector)) as form:
            form.partner_id = self.debtor
            form.subject = "Called: the accountant is away until 9 March"
            form.kind = "out_of_office"
            form.return_date = date(2026, 3, 9)
        inquiry = form.record
        self.assertEqual(inquiry.state, "closed")
        self.assertEqual(self._holds(inquiry).date_until, date(2026, 3, 10))
        self.assertFalse(inquiry.kind_example_ids, "a first choice is no correction")

    # ------------------------------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------------------------------

    def test_invalid_regular_expression_refused(self):
        with self.assertRaisesRegex(ValidationError, "is not valid"):
            self.Rule.create({"name": "Broken", "kind": "other", "pattern": "(unclosed"})

    @freeze_time(TODAY)
    def test_rule_form_case_and_accent_insensitive(self):
        with Form(self.Rule.with_user(self.manager)) as form:
            form.name = "Réglé en espèces"
            form.kind = "paid"
            form.sequence = 0
            form.where = "body"
            form.pattern = r"réglé en espèces"
        inquiry = self._incoming(samples.OTHER_FR.replace("Bien reçu, merci.", "REGLE EN ESPECES"))
        self.assertEqual((inquiry.kind, inquiry.kind_rule_id), ("paid", form.record))

    def test_language_of_a_rule(self):
        """A French rule does not read an English e-mail."""
        self.Rule.create(
            {"name": "fr", "kind": "dispute", "language": "fr", "pattern": "copy", "sequence": 0}
        )
        with freeze_time(TODAY):
            self.assertEqual(self._incoming(samples.QUESTION_EN).kind, "question")

    def test_access(self):
        rule = self.env.ref("receivable_automation.inquiry_rule_promise_fr")
        self.assertTrue(rule.with_user(self.collector).name)
        with self.assertRaises(AccessError):
            rule.with_user(self.collector).pattern = "x"
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.collector).create(
                {"name": "x", "kind": "other", "pattern": "x"}
            )
        for model in ("receivable.inquiry.rule", "receivable.inquiry.example"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesperson).search([])

        other = self.setup_other_company(name="Other Co")["company"]
        own = self.Rule.create(
            {"name": "other co", "kind": "other", "pattern": "x", "company_id": other.id}
        )
        visible = self.Rule.with_user(self.manager).search([])
        self.assertIn(rule, visible, "shared rules")
        self.assertNotIn(own, visible, "another company's rules")
