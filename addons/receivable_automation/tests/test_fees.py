from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestLatePaymentFees(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "receivable_fees_enabled": True,
                "receivable_fee_margin": 10.0,
                "receivable_fee_indemnity": 40.0,
            }
        )
        Rate = cls.env["receivable.interest.rate"]
        Rate.create({"date_from": date(2025, 7, 1), "reference_rate": 2.0, "legal_rate": 1.0})
        Rate.create({"date_from": date(2026, 1, 1), "reference_rate": 4.0, "legal_rate": 1.0})

    def test_interest_by_half_year_period(self):
        Rate = self.env["receivable.interest.rate"]
        # 10,000 late 31 days in 2025 at 12% then 10 days in 2026 at 14%
        interest = Rate._get_interest(10000, date(2025, 12, 1), date(2026, 1, 11), self.company)
        self.assertAlmostEqual(
            interest, round(10000 * 0.12 * 31 / 365 + 10000 * 0.14 * 10 / 365, 2)
        )

    def test_floor_of_three_times_the_legal_rate_and_contract_rate(self):
        Rate = self.env["receivable.interest.rate"]
        Rate.search([]).legal_rate = 5.0  # 3 x 5 = 15% > 2 + 10
        interest = Rate._get_interest(1000, date(2025, 7, 1), date(2025, 8, 1), self.company)
        self.assertAlmostEqual(interest, round(1000 * 0.15 * 31 / 365, 2))
        contract = Rate._get_interest(
            1000, date(2025, 7, 1), date(2025, 8, 1), self.company, contract_rate=20.0
        )
        self.assertAlmostEqual(contract, round(1000 * 0.20 * 31 / 365, 2))

    def test_reminder_shows_interest_and_one_indemnity_per_invoice(self):
        invoice = self._invoice(self.debtor, 1000)
        self._pay(invoice, 400, when=date(2026, 1, 2))
        reminder = self._run(date(2026, 1, 11)).action_ids
        line = reminder.line_ids
        self.assertAlmostEqual(line.interest_amount, round(600 * 0.14 * 10 / 365, 2))
        self.assertEqual(line.indemnity_amount, 40, "not split on partial payments")
        self.assertAlmostEqual(reminder.amount_fees, line.interest_amount + 40)
        self.assertAlmostEqual(reminder.amount_residual, 600, "fees come on top")
        mail = self._mails_to(self.contact)
        self.assertIn("fixed recovery indemnity of $&nbsp;40.00", mail.body_html)
        self.assertIn(invoice, line.move_id)

    def test_no_fees_for_consumers_or_when_waived(self):
        consumer = self.env["res.partner"].create({"name": "Jane Doe", "email": "jane@e.com"})
        self._invoice(consumer, 100)
        waived = self._invoice(self.debtor, 300)
        waived.with_user(self.manager).write(
            {"receivable_fees_waived": True, "receivable_fees_waiver_reason": "Goodwill"}
        )
        run = self._run(date(2026, 1, 11))
        self.assertFalse(run.action_ids.filtered(lambda a: a.partner_id == consumer).amount_fees)
        self.assertFalse(run.action_ids.filtered(lambda a: a.partner_id == self.debtor).amount_fees)
        self.assertEqual(waived._receivable_fees(date(2026, 1, 11)), (0.0, 0.0))

    def test_only_a_manager_waives_with_a_reason(self):
        invoice = self._invoice(self.debtor, 300)
        with self.assertRaisesRegex(AccessError, "Only a credit manager"):
            invoice.with_user(self.collector).write(
                {"receivable_fees_waived": True, "receivable_fees_waiver_reason": "Nice customer"}
            )
        with self.assertRaisesRegex(ValidationError, "Say why"):
            invoice.with_user(self.manager).receivable_fees_waived = True

    def test_fees_invoiced_once_as_a_debit_note(self):
        invoice = self._invoice(self.debtor, 1000)
        reminder = self._run(date(2026, 1, 11)).action_ids
        reminder.action_invoice_fees()
        fee_invoice = invoice.receivable_fees_move_id
        self.assertEqual(fee_invoice.state, "posted")
        self.assertEqual(fee_invoice.partner_id, self.debtor)
        self.assertAlmostEqual(fee_invoice.amount_total, reminder.amount_fees)
        self.assertFalse(fee_invoice.invoice_line_ids.tax_ids, "outside the scope of VAT")
        with self.assertRaisesRegex(UserError, "No late-payment fees to invoice"):
            reminder.action_invoice_fees()

    def test_no_fees_before_the_due_date(self):
        self.env["receivable.dunning.level"].create(
            {
                "policy_id": self.policy.id,
                "name": "Courtesy",
                "days": -3,
                "mail_template_id": self.env.ref("receivable_automation.mail_template_courtesy").id,
            }
        )
        self._invoice(self.debtor, 1000, due=date(2026, 1, 13))
        courtesy = self._run(date(2026, 1, 10)).action_ids
        self.assertEqual(courtesy.level_id.name, "Courtesy")
        self.assertFalse(courtesy.amount_fees, "nothing is late yet")

    def test_fees_off_by_default(self):
        self.company.receivable_fees_enabled = False
        self._invoice(self.debtor, 1000)
        self.assertFalse(self._run(date(2026, 1, 11)).action_ids.amount_fees)

    def test_rate_dates_are_half_years(self):
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            self.env["receivable.interest.rate"].create(
                {"date_from": date(2026, 3, 1), "reference_rate": 1.0}
            )

    def test_fees_cost_no_query_per_invoice(self):
        """The rate table is read once per run, not once per invoice."""
        for count, when in ((1, date(2026, 4, 11)), (6, date(2026, 5, 11))):
            debtor = self._create_debtors(1, prefix=f"Fees{count}")
            debtor.is_company = True
            for _ in range(count):
                self._invoice(debtor, 100, due=when.replace(day=1))
            run = self.env["receivable.dunning.run"].create({"date": when})
            self.env.invalidate_all()
            with self.mock_mail_gateway(), self._count_queries() as queries:
                run.action_run()
            self.assertTrue(run.action_ids.amount_fees)
            self.env["receivable.dunning.hold"].create({"partner_id": debtor.id, "reason": "Done"})
            if count == 1:
                one = queries["count"]
        self.assertLessEqual(queries["count"] - one, 6, f"{one} then {queries['count']} queries")
