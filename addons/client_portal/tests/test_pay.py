from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_statement import TODAY, StatementCase


@tagged("post_install", "-at_install")
class TestPortalPay(StatementCase):
    """The customer pays one, several or all overdue invoices, a plan's instalment or the
    undisputed rest of an invoice in one transaction of Odoo's payment; the amount is always
    the server's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue_2 = cls._invoice(cls.debtor, 400, due=date(2026, 2, 1))
        cls.provider = cls.payment_provider
        if cls.env["ir.module.module"]._get("payment_demo").state == "installed":
            cls.payment_provider.state = "disabled"
            Provider = cls.env["payment.provider"].sudo()
            cls.provider = Provider.search([("code", "=", "demo")], limit=1).copy(
                {"company_id": cls.company.id}
            )
            cls.provider.write({"state": "test", "is_published": True})

    def setUp(self):
        super().setUp()
        if self.provider.code != "demo":
            self.skipTest("needs Odoo's payment_demo (setup/test.sh installs it)")

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _pay_page(self, token=None, **params):
        query = [("access_token", token)] if token else []
        for key, value in params.items():
            values = value if isinstance(value, list) else [value]
            query += [(key, item) for item in values]
        url = "/my/receivables/pay?" + "&".join(f"{key}={value}" for key, value in query)
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False)

    def _transaction_route(self, page):
        return page.text.split('data-transaction-route="')[1].split('"')[0]

    def _start_transaction(self, route, token=None, amount=1.0):
        """What Odoo's payment form sends to the transaction route, with the amount it
        shows (a browser may change it)."""
        method = self.provider.payment_method_ids[:1]
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": method.id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/somewhere/else",
            "is_validation": False,
            "access_token": token,
        }
        with mute_logger("odoo.http"):
            return self.url_open(
                route,
                data=fields.json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
                headers={"Content-Type": "application/json"},
            ).json()

    def _transaction(self, reference):
        return self.env["payment.transaction"].sudo().search([("reference", "=", reference)])

    def _demo_pays(self, transaction):
        transaction._handle_notification_data(
            "demo", {"reference": transaction.reference, "simulated_state": "done"}
        )
        transaction._post_process()

    # ------------------------------------------------------------------------------------------
    # Paying
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_two_invoices_out_of_three_in_one_payment(self):
        _url, token = self._link()
        statement = self._statement(token).text
        self.assertIn('id="o_receivable_pay_form"', statement)
        checkbox = f'name="invoice_ids" form="o_receivable_pay_form" value="{self.overdue.id}"'
        self.assertEqual(statement.count(checkbox), 2, "on the phone card and the table row")
        self.assertIn("Pay all overdue", statement)

        page = self._pay_page(token, invoice_ids=[self.overdue.id, self.not_due.id])
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="o_payment_form"', page.text)
        self.assertIn(f'data-provider-id="{self.provider.id}"', page.text)
        self.assertIn(self.overdue.name, page.text)
        self.assertIn(self.not_due.name, page.text)
        self.assertNotIn(self.overdue_2.name, page.text)
        route = self._transaction_route(page)
        self.assertEqual(
            route,
            f"/my/receivables/pay/transaction/invoices/{self.overdue.id},{self.not_due.id}",
        )

        # a browser that says 1.00 pays what is due all the same
        result = self._start_transaction(route, token, amount=1.0)
        self.assertNotIn("error", result)
        transaction = self._transaction(result["result"]["reference"])
        self.assertEqual(len(transaction), 1)
        self.assertAlmostEqual(transaction.amount, 1500.0)
        self.assertEqual(transaction.invoice_ids, self.overdue | self.not_due)
        self.assertEqual(transaction.partner_id, self.debtor)
        self.assertTrue(transaction.landing_route.startswith("/my/receivables?"), "not /somewhere")
        self.assertIn(f"access_token={token}", transaction.landing_route)
        event = self.env["receivable.portal.event"].search(
            [("partner_id", "=", self.debtor.id), ("kind", "=", "pay")]
        )
        self.assertEqual(len(event), 1)
        self.assertAlmostEqual(event.amount, 1500.0)
        self.assertEqual(event.link_id.token, token)
        self.assertEqual((event.res_model, event.res_id), ("payment.transaction", transaction.id))

        self._demo_pays(transaction)
        self.assertEqual(transaction.state, "done")
        self.assertIn(self.overdue.payment_state, ("in_payment", "paid"))
        self.assertIn(self.not_due.payment_state, ("in_payment", "paid"))
        self.assertEqual(self.overdue_2.payment_state, "not_paid", "the third is still due")
        self.assertAlmostEqual(self.overdue_2.amount_residual, 400.0)
        paid = self.env["receivable.portal.event"].search(
            [("partner_id", "=", self.debtor.id), ("kind", "=", "paid")]
        )
        self.assertAlmostEqual(paid.amount, 1500.0)
        self.assertEqual(paid.link_id.token, token)
        self.assertIn("Paid online from the portal", self.debtor.message_ids[0].body)
        activity = self.debtor.activity_ids.filtered(
            lambda act: act.summary == "Paid online from the portal"
        )
        self.assertEqual(activity.user_id, self.collector)
        # post-processing again (the cron) logs nothing twice
        transaction._post_process()
        self.assertEqual(
            self.env["receivable.portal.event"].search_count(
                [("partner_id", "=", self.debtor.id), ("kind", "=", "paid")]
            ),
            1,
        )

    @freeze_time(TODAY)
    def test_pay_all_overdue(self):
        _url, token = self._link()
        page = self._pay_page(token, overdue=1)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.overdue.name, page.text)
        self.assertIn(self.overdue_2.name, page.text)
        self.assertNotIn(self.not_due.name, page.text)
        result = self._start_transaction(self._transaction_route(page), token)
        transaction = self._transaction(result["result"]["reference"])
        self.assertAlmostEqual(transaction.amount, 1400.0)
        self.assertEqual(transaction.invoice_ids, self.overdue | self.overdue_2)

    @freeze_time(TODAY)
    def test_a_portal_user_pays_for_its_company(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        page = self._pay_page(invoice_ids=self.overdue_2.id)
        self.assertEqual(page.status_code, 200)
        result = self._start_transaction(self._transaction_route(page))
        transaction = self._transaction(result["result"]["reference"])
        self.assertEqual(transaction.invoice_ids, self.overdue_2)
        self.assertEqual(transaction.partner_id, self.contact, "the contact's own saved cards")
        self.assertAlmostEqual(transaction.amount, 400.0)

    # ------------------------------------------------------------------------------------------
    # Bad input, no access
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_mixed_currencies_refused_with_a_message(self):
        other_currency = self.setup_other_currency("EUR" if self.currency.name != "EUR" else "USD")
        foreign = self._invoice(self.debtor, 250, due=date(2026, 2, 1), currency=other_currency)
        _url, token = self._link()
        page = self._pay_page(token, invoice_ids=[self.overdue.id, foreign.id])
        self.assertEqual(page.status_code, 400)
        self.assertIn("different currencies", page.text)
        self.assertNotIn('id="o_payment_form"', page.text)
        route = f"/my/receivables/pay/transaction/invoices/{self.overdue.id},{foreign.id}"
        result = self._start_transaction(route, token)
        self.assertIn("different currencies", result["error"]["data"]["message"])
        self.assertFalse(
            self.env["payment.transaction"].sudo().search([("invoice_ids", "=", foreign.id)])
        )

    @freeze_time(TODAY)
    def test_other_debtors_invoice_is_not_found(self):
        _url, token = self._link()
        page = self._pay_page(token, invoice_ids=[self.overdue.id, self.other_invoice.id])
        self.assertEqual(page.status_code, 404)
        self.assertNotIn(self.other_invoice.name, page.text)
        for junk in ("abc", "0", "-4", str(2**40)):
            self.assertEqual(self._pay_page(token, invoice_ids=junk).status_code, 404)
        route = f"/my/receivables/pay/transaction/invoices/{self.other_invoice.id}"
        result = self._start_transaction(route, token)
        self.assertEqual(result["error"]["code"], 404)
        self.assertFalse(self.other_invoice.transaction_ids)

    @freeze_time(TODAY)
    def test_nothing_picked_or_nothing_left_gets_a_message(self):
        _url, token = self._link()
        page = self._pay_page(token)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Tick the invoices to pay first", page.text)
        page = self._pay_page(token, invoice_ids=self.paid.id)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Nothing is left to pay", page.text)

    def test_no_valid_access_pays_nothing(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            _url, expired = self._link()
        _url, revoked = self._link()
        self.debtor.action_revoke_receivable_portal_links()
        with freeze_time(TODAY):
            page = self._pay_page(invoice_ids=self.overdue.id)
            self.assertEqual(page.status_code, 403, "public, no token")
            for token in (expired, revoked, "not-a-token"):
                page = self._pay_page(token, invoice_ids=self.overdue.id)
                self.assertIn(page.status_code, (403, 404))
                self.assertNotIn(self.overdue.name, page.text)
                route = f"/my/receivables/pay/transaction/invoices/{self.overdue.id}"
                self.assertIn("error", self._start_transaction(route, token))
            self.assertIn("error", self._start_transaction(route))
        self.assertFalse(self.overdue.transaction_ids)

    @freeze_time(TODAY)
    def test_over_the_rate_limit_a_message(self):
        _url, token = self._link()
        route = f"/my/receivables/pay/transaction/invoices/{self.overdue.id}"
        for _i in range(10):
            self.assertNotIn("error", self._start_transaction(route, token))
        result = self._start_transaction(route, token)
        self.assertIn("try again later", result["error"]["data"]["message"])
        self.assertEqual(len(self.overdue.transaction_ids), 10)

    # ------------------------------------------------------------------------------------------
    # A plan's instalment, a dispute's rest
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_undisputed_rest_of_a_disputed_invoice(self):
        dispute = self.env["receivable.dispute"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.debtor.id,
                "reason_id": self.env["receivable.dispute.reason"].search([], limit=1).id,
                "deadline": date(2026, 3, 15),
                "line_ids": [fields.Command.create({"move_id": self.overdue.id, "amount": 300})],
            }
        )
        _url, token = self._link()
        self.assertIn("o_receivable_pay_dispute_rest", self._statement(token).text)
        page = self._pay_page(token, dispute_id=dispute.id)
        self.assertEqual(page.status_code, 200)
        result = self._start_transaction(self._transaction_route(page), token, amount=1000)
        transaction = self._transaction(result["result"]["reference"])
        self.assertAlmostEqual(transaction.amount, 700.0, msg="1000 less the 300 disputed")
        self.assertEqual(transaction.invoice_ids, self.overdue)
        # picked on the statement, the disputed amount is left out as well
        page = self._pay_page(token, invoice_ids=[self.overdue.id, self.overdue_2.id])
        result = self._start_transaction(self._transaction_route(page), token)
        self.assertAlmostEqual(self._transaction(result["result"]["reference"]).amount, 1100.0)
        # another debtor's dispute is not found
        self.assertEqual(self._pay_page(token, dispute_id=dispute.id + 1000).status_code, 404)

    @freeze_time(TODAY)
    def test_next_instalment_of_a_running_plan(self):
        plan = (
            self.env["receivable.payment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [fields.Command.set((self.overdue | self.overdue_2).ids)],
                    "instalment_count": 2,
                    "interval_number": 1,
                    "interval_type": "months",
                    "first_date": date(2026, 3, 10),
                }
            )
        )
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        _url, token = self._link()
        self.assertIn(f"plan_id={plan.id}", self._statement(token).text.replace("&amp;", "&"))
        page = self._pay_page(token, plan_id=plan.id)
        self.assertEqual(page.status_code, 200)
        result = self._start_transaction(self._transaction_route(page), token, amount=1400)
        transaction = self._transaction(result["result"]["reference"])
        self.assertAlmostEqual(transaction.amount, 700.0, msg="the first of two instalments")
        self.assertEqual(transaction.invoice_ids, self.overdue | self.overdue_2)
        self._demo_pays(transaction)
        self.assertAlmostEqual(
            plan._portal_get_statement_values()["paid"], 700.0, msg="the instalment is paid"
        )
        # a plan that is not the debtor's (or not running) is not found
        self.assertEqual(self._pay_page(token, plan_id=plan.id + 1000).status_code, 404)

    # ------------------------------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------------------------------

    def test_tour_pay_two_invoices_on_a_phone(self):
        _url, token = self._link()
        self.browser_size = "375x812"
        self.start_tour(f"/my/receivables?access_token={token}", "client_portal_pay_tour")
        transaction = (
            self.env["payment.transaction"].sudo().search([("invoice_ids", "in", self.overdue.ids)])
        )
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.invoice_ids, self.overdue | self.not_due)
        self.assertAlmostEqual(transaction.amount, 1500.0)
        self.assertIn(self.overdue.payment_state, ("in_payment", "paid"))
        self.assertIn(self.not_due.payment_state, ("in_payment", "paid"))
        self.assertEqual(self.overdue_2.payment_state, "not_paid")
