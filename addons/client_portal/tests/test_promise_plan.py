import base64
import io
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from lxml import html
from PIL import Image

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.receivable_automation.tests.common import ReceivableCommon

KNOWN_CODE = "135790"


@tagged("post_install", "-at_install")
class TestPromisePlan(ReceivableCommon, HttpCase):
    """A customer promises to pay or asks for a payment plan on its statement, within the
    company's rules; the back office gets the promise or the plan, reminders stop, the
    collector is told; an approved plan is signed with a code by SMS and then runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.late = cls._invoice(cls.debtor, 1000, due=cls.today - timedelta(days=20))
        cls.later = cls._invoice(cls.debtor, 600, due=cls.today - timedelta(days=5))
        cls.not_due = cls._invoice(cls.debtor, 400, due=cls.today + timedelta(days=20))
        cls.other_invoice = cls._invoice(cls.other_debtor, 777, due=cls.today - timedelta(days=20))
        cls.portal_user = new_test_user(
            cls.env,
            login="ra_portal",
            password="ra_portal_pw",
            name="Ann Accountant",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            email=cls.contact.email,
            company_id=cls.company.id,
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login="ra_other_portal",
            password="ra_other_portal_pw",
            groups="base.group_portal",
            name="Other Customer User",
            company_id=cls.company.id,
        )
        cls.other_portal_user.partner_id.parent_id = cls.other_debtor
        # wkhtmltopdf fetches a report's assets from this address: none answers, so that a
        # plan's PDF rendered during a test request does not wait for the test server, which
        # serves one request at a time
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        cls.Promise = cls.env["receivable.promise"]
        cls.Plan = cls.env["receivable.payment.plan"]

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _link(self, partner=None):
        url = (partner or self.debtor)._get_receivable_portal_url(company=self.company)
        return url.rsplit("/", 1)[1]

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]

    def _get(self, path, token=None, **params):
        query = dict(params)
        if token:
            query["access_token"] = token
        return self.url_open(
            path + ("?" + "&".join(f"{k}={v}" for k, v in self._flatten(query)) if query else ""),
            allow_redirects=False,
        )

    def _post(self, path, token=None, csrf=True, **data):
        data = dict(data)
        if token:
            data["access_token"] = token
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open(path, data=list(self._flatten(data)), allow_redirects=False)

    def _flatten(self, params):
        for key, value in params.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                yield key, item

    def _promise(self, token, moves=None, amount=1000, date=None, **extra):
        moves = self.late + self.later if moves is None else moves
        data = {
            "invoice_ids": moves.ids,
            "amount": amount,
            "date": date or self.today + timedelta(days=10),
            **extra,
        }
        return self._post("/my/receivables/promise/confirm", token, **data)

    def _ticked(self, page):
        """The ids of the invoices ticked on a form."""
        tree = html.fromstring(page.text)
        return {
            int(box.get("value")) for box in tree.xpath("//input[@name='invoice_ids'][@checked]")
        }

    def _plan(self, token, moves=None, count=3, first_date=None, confirm=True):
        moves = self.late + self.later + self.not_due if moves is None else moves
        params = {
            "invoice_ids": moves.ids,
            "instalment_count": count,
            "first_date": first_date or self.today + relativedelta(months=1),
        }
        if confirm:
            return self._post("/my/receivables/plan/confirm", token, **params)
        return self._get("/my/receivables/plan", token, **params)

    def _promises(self, partner=None):
        return self.Promise.search([("partner_id", "=", (partner or self.debtor).id)])

    def _plans(self, partner=None):
        return self.Plan.search([("partner_id", "=", (partner or self.debtor).id)])

    def _events(self, kind):
        return self.env["receivable.portal.event"].search(
            [("partner_id", "=", self.debtor.id), ("kind", "=", kind)]
        )

    def _signature_requests(self, plan):
        return (
            self.env["esign.request"]
            .sudo()
            .search([("res_model", "=", plan._name), ("res_id", "=", plan.id)], order="id")
        )

    @contextmanager
    def _sms_code(self):
        """SMS go to Odoo's mock gateway, and the code sent is a known one."""
        Signer = type(self.env["esign.signer"])
        with (
            patch.object(Signer, "_generate_code", lambda signer: KNOWN_CODE),
            self.mockSMSGateway(sms_allow_unlink=True),
            self.mock_mail_gateway(),
        ):
            yield

    # ------------------------------------------------------------------------------------------
    # Promise to pay
    # ------------------------------------------------------------------------------------------

    def test_promise_from_the_statement_holds_the_reminders_until_its_date(self):
        token = self._link()
        statement = self._get("/my/receivables", token)
        self.assertIn("o_receivable_promise_button", statement.text)

        form = self._get("/my/receivables/promise", token)
        self.assertEqual(form.status_code, 200)
        self.assertEqual(form.headers["Cache-Control"], "no-store")
        # the overdue invoices are ticked, the amount is what is left to pay on them
        self.assertEqual(self._ticked(form), {self.late.id, self.later.id})
        self.assertIn('value="1600.00"', form.text)
        self.assertNotIn(self.other_invoice.name, form.text)

        date = self.today + timedelta(days=10)
        response = self._promise(token, amount="1000", date=date)
        self.assertEqual(response.status_code, 303)
        self.assertIn("notice=promise_made", response.headers["Location"])
        self.assertIn(f"access_token={token}", response.headers["Location"])

        promise = self._promises()
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "open",
                    "source": "portal",
                    "amount": 1000.0,
                    "date": date,
                    "user_id": self.collector.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, self.late + self.later)
        holds = promise.receivable_hold_ids.filtered(lambda hold: hold.state == "active")
        self.assertEqual(holds.move_id, self.late + self.later)
        self.assertEqual(set(holds.mapped("date_until")), {date + timedelta(days=3)})
        self.assertIn("Promise to pay made on the portal", self.debtor.message_ids[0].body)
        self.assertEqual(self.debtor.message_ids[0].author_id, self.debtor, "a link's holder")
        activity = promise.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        event = self._events("promise")
        self.assertEqual(
            (event.amount, event.res_id, bool(event.link_id)), (1000.0, promise.id, True)
        )

        # the daily run sends nothing about the promised invoices; the other debtor's goes out
        run = self._run(self.today)
        self.assertFalse(run.action_ids.filtered(lambda action: action.partner_id == self.debtor))
        self.assertTrue(
            run.action_ids.filtered(lambda action: action.partner_id == self.other_debtor)
        )

        page = self._get("/my/receivables", token, notice="promise_made").text
        self.assertIn("your promise is noted", page)
        self.assertIn("o_receivable_promise_line", page)
        form = self._get("/my/receivables/promise", token)
        self.assertEqual(self._ticked(form), {self.not_due.id}, "the others are promised")

    def test_a_logged_in_contact_promises_for_its_company(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        response = self._promise(None, amount=800)
        self.assertEqual(response.status_code, 303)
        promise = self._promises()
        self.assertEqual(promise.amount, 800)
        self.assertEqual(self.debtor.message_ids[0].author_id, self.contact)
        self.assertEqual(self._events("promise").user_id, self.portal_user)

    def test_promise_out_of_the_rules_gets_a_message(self):
        token = self._link()
        cases = {
            "below half of what is due": {"amount": 700},
            "more than what is due": {"amount": 1600.01},
            "negative": {"amount": -5},
            "not a number": {"amount": "lots"},
            "infinite": {"amount": "inf"},
            "too far": {"date": self.today + timedelta(days=31)},
            "in the past": {"date": self.today - timedelta(days=1)},
            "not a date": {"date": "tomorrow"},
            "no invoice": {"moves": self.env["account.move"]},
        }
        for case, values in cases.items():
            with self.subTest(case):
                response = self._promise(token, **values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_receivable_form_error", response.text)
                self.assertNotIn("Traceback", response.text)
        self.assertFalse(self._promises())
        self.assertFalse(self._events("promise"))
        # within the rules at the edges: half of what is due, the last day allowed
        response = self._promise(token, amount=800, date=self.today + timedelta(days=30))
        self.assertEqual(response.status_code, 303)

    def test_promise_rules_are_settings(self):
        self.company.write(
            {"receivable_portal_promise_days": 60, "receivable_portal_promise_min_percent": 100}
        )
        token = self._link()
        response = self._promise(token, amount=1599, date=self.today + timedelta(days=45))
        self.assertEqual(response.status_code, 400)
        self.assertIn("between", response.text)
        response = self._promise(token, amount=1600, date=self.today + timedelta(days=45))
        self.assertEqual(response.status_code, 303)

    def test_invoice_ids_are_checked_on_the_server(self):
        token = self._link()
        for bad in ([self.other_invoice.id], ["abc"], [0], [2**40], [self.late.id, 999999999]):
            with self.subTest(bad):
                response = self._promise(token, moves=self.env["account.move"], invoice_ids=bad)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(self.other_invoice.name, response.text)
        self._pay(self.later, 600)
        response = self._promise(token, amount=800)
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"{self.later.name} can no longer be chosen", response.text)
        self.assertFalse(self._promises() | self._promises(self.other_debtor))

    def test_nobody_else_promises_for_the_debtor(self):
        token = self._link()
        # public, no link
        self.assertEqual(self._promise(None).status_code, 403)
        form = self._get("/my/receivables/promise")
        self.assertEqual(form.status_code, 303)
        self.assertIn("/web/login", form.headers["Location"])
        # no CSRF token
        self.assertEqual(self._promise(token, csrf=False).status_code, 400)
        # another debtor's link: our invoices are not found
        self.assertEqual(self._promise(self._link(self.other_debtor)).status_code, 404)
        # another debtor's portal user
        self.authenticate("ra_other_portal", "ra_other_portal_pw")
        self.assertEqual(self._promise(None).status_code, 404)
        self.authenticate(None, None)
        # a revoked link
        self.debtor.with_user(self.collector).action_revoke_receivable_portal_links()
        response = self._promise(token)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._get("/my/receivables/promise", token).status_code, 403)
        self.assertFalse(self._promises())

    def test_expired_link_promises_nothing(self):
        token = self._link()
        link = self.env["receivable.portal.link"].sudo().search([("token", "=", token)])
        link.expires_at = fields.Datetime.now() - timedelta(minutes=1)
        response = self._promise(token)
        self.assertEqual(response.status_code, 403)
        self.assertIn("Send me a new link", response.text)
        self.assertFalse(self._promises())

    def test_promises_are_rate_limited(self):
        token = self._link()
        Event = self.env["receivable.portal.event"]
        for _index in range(5):
            Event._record(self.debtor, self.company, "promise")
        response = self._promise(token)
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again later", response.text)
        self.assertFalse(self._promises())

    # ------------------------------------------------------------------------------------------
    # Payment plan
    # ------------------------------------------------------------------------------------------

    def test_plan_shows_schedule_and_fee_before_confirming_then_is_requested(self):
        self.company.receivable_portal_plan_fee = 30
        token = self._link()
        self.assertIn("o_receivable_plan_button", self._get("/my/receivables", token).text)
        form = self._get("/my/receivables/plan", token)
        self.assertEqual(form.status_code, 200)
        self.assertIn("2 to 6 monthly", form.text)

        first = self.today + relativedelta(months=1)
        preview = self._plan(token, first_date=first, confirm=False)
        self.assertEqual(preview.status_code, 200)
        # 2,000 over three months, the fee on the first instalment; nothing saved yet
        self.assertIn("o_receivable_plan_confirm", preview.text)
        for amount in ("696.67", "666.67", "666.66", "2,030.00"):
            self.assertIn(amount, preview.text)
        self.assertFalse(self._plans())

        response = self._plan(token, first_date=first)
        self.assertEqual(response.status_code, 303)
        self.assertIn("notice=plan_requested", response.headers["Location"])
        plan = self._plans()
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "requested",
                    "portal_requested": True,
                    "instalment_count": 3,
                    "fee_amount": 30.0,
                    "amount_total": 2000.0,
                    "user_id": self.collector.id,
                    "first_date": first,
                }
            ],
        )
        self.assertEqual(plan.move_ids, self.late + self.later + self.not_due)
        self.assertEqual(plan.instalment_ids.mapped("amount"), [696.67, 666.67, 666.66])
        self.assertEqual(
            plan.instalment_ids.mapped("date"),
            [first, first + relativedelta(months=1), first + relativedelta(months=2)],
        )
        self.assertEqual(plan.activity_ids.user_id, self.collector)
        self.assertIn("approve or cancel", plan.activity_ids.summary)
        self.assertIn("asked for on the portal", self.debtor.message_ids[0].body)
        self.assertEqual(self._events("plan").amount, 2030.0)
        self.assertFalse(self._signature_requests(plan))

        page = self._get("/my/receivables", token).text
        self.assertIn("Waiting for our approval", page)
        self.assertIn("696.67", page)
        self.assertNotIn("o_receivable_plan_button", page, "one request at a time")
        again = self._plan(token, moves=self.late)
        self.assertEqual(again.status_code, 400)
        self.assertIn("under way", again.text)

    def test_plan_out_of_the_rules_gets_a_message(self):
        token = self._link()
        month = relativedelta(months=1)
        cases = {
            "too many instalments": {"count": 7},
            "too few": {"count": 1},
            "not a number": {"count": "three"},
            "first date in the past": {"first_date": self.today - timedelta(days=1)},
            "longer than six months": {"count": 6, "first_date": self.today + month * 2},
            "instalments below the minimum": {"moves": self.not_due, "count": 6},
            "no invoice": {"moves": self.env["account.move"]},
        }
        for case, values in cases.items():
            for confirm in (False, True):
                with self.subTest(case, confirm=confirm):
                    response = self._plan(token, confirm=confirm, **values)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn("o_receivable_form_error", response.text)
                    self.assertNotIn("o_receivable_plan_confirm", response.text)
        self.assertFalse(self._plans())
        self.assertIn(
            "choose fewer instalments", self._plan(token, moves=self.not_due, count=6).text
        )
        # six instalments from today end within six months
        response = self._plan(token, count=6, first_date=self.today + timedelta(days=1))
        self.assertEqual(response.status_code, 303)

    def test_plan_ids_and_access_are_checked(self):
        token = self._link()
        self.assertEqual(self._plan(token, moves=self.other_invoice).status_code, 404)
        self.assertEqual(
            self._plan(token, moves=self.other_invoice, confirm=False).status_code, 404
        )
        self.assertEqual(self._plan(None).status_code, 403)
        self.assertEqual(self._plan(self._link(self.other_debtor)).status_code, 404)
        for _index in range(3):
            self.env["receivable.portal.event"]._record(self.debtor, self.company, "plan")
        self.assertEqual(self._plan(token).status_code, 429)
        self.assertFalse(self._plans() | self._plans(self.other_debtor))

    def test_plan_approved_by_the_collector_is_signed_by_sms_code_and_runs(self):
        token = self._link()
        self._plan(token, count=2)
        plan = self._plans()
        with self._sms_code():
            plan.with_user(self.collector).action_approve()
            invitation = self._new_mails.filtered(lambda mail: mail.email_to == self.contact.email)
        self.assertEqual(len(invitation), 1, "the customer gets the signature request by e-mail")
        self.assertEqual(plan.state, "approved")
        esign_request = (
            self.env["esign.request"]
            .sudo()
            .search([("res_model", "=", plan._name), ("res_id", "=", plan.id)])
        )
        self.assertEqual(esign_request.state, "sent")
        self.assertEqual(esign_request.create_uid, self.collector, "who may start the plan")
        signer = esign_request.signer_ids
        self.assertEqual((signer.partner_id, signer.state), (self.contact, "sent"))

        page = self._get("/my/receivables", token).text
        self.assertIn("Approved: sign it to start it", page)
        self.assertIn(f'href="/esign/sign/{signer.id}/', page)

        with self._sms_code():
            self.assertFalse(signer._send_code())
            self.assertEqual(len(self._sms), 1)
            self.assertFalse(signer._sign(KNOWN_CODE, self._signature_png(), "draw"))
        self.assertEqual(esign_request.state, "completed")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.receivable_hold_ids.filtered("is_effective").move_id, plan.move_ids)

        # the customer pays part of the first instalment: the statement shows what is paid
        self._pay(self.late, 400, when=self.today)
        page = self._get("/my/receivables", token).text
        self.assertIn("Running", page)
        self.assertIn("Partly paid", page)
        self.assertIn("o_receivable_plan_pay_actions", page)
        values = plan._portal_get_statement_values()
        self.assertEqual(values["instalment_to_pay"], plan.instalment_ids[0])
        self.assertAlmostEqual(values["amount_to_pay"], 600.0)
        self.assertAlmostEqual(values["paid"], 400.0)

    def test_plan_approved_automatically_within_the_rules(self):
        self.company.receivable_portal_plan_auto_approve = True
        token = self._link()
        with self._sms_code():
            response = self._plan(token)
        self.assertIn("notice=plan_approved", response.headers["Location"])
        plan = self._plans()
        self.assertEqual(plan.state, "approved")
        self.assertFalse(plan.approved_by_id)
        self.assertIn("Approved automatically", " ".join(plan.message_ids.mapped("body")))
        esign_request = self._signature_requests(plan)
        self.assertEqual(esign_request.state, "sent")
        self.assertEqual(esign_request.create_uid, self.collector)
        self.assertIn(
            "sign it below", self._get("/my/receivables", token, notice="plan_approved").text
        )
        signer = esign_request.signer_ids
        with self._sms_code():
            signer._send_code()
            signer._sign(KNOWN_CODE, self._signature_png(), "type")
        self.assertEqual(plan.state, "active")

    def test_plan_above_the_managers_amount_waits_for_a_person(self):
        self.company.write(
            {"receivable_portal_plan_auto_approve": True, "receivable_plan_approval_amount": 1500}
        )
        self._plan(self._link())
        plan = self._plans()
        self.assertEqual(plan.state, "requested")
        self.assertTrue(plan.needs_manager_approval)

    def test_plan_not_sent_for_signature_without_a_mobile(self):
        self.contact.mobile = False
        self._plan(self._link())
        plan = self._plans()
        with self._sms_code():
            plan.with_user(self.collector).action_approve()
        self.assertEqual(plan.state, "approved")
        self.assertFalse(self._signature_requests(plan))
        self.assertIn("could not be sent", plan.message_ids[0].body)
        self.assertIn(
            f"Send payment plan {plan.name} for signature", plan.activity_ids.mapped("summary")
        )

    def test_plan_approved_again_can_only_be_signed_once(self):
        token = self._link()
        self._plan(token, count=2)
        plan = self._plans().with_user(self.collector)
        with self._sms_code():
            plan.action_approve()
            plan.action_draft()
            plan.action_approve()
        requests = (
            self.env["esign.request"]
            .sudo()
            .search([("res_model", "=", plan._name), ("res_id", "=", plan.id)], order="id")
        )
        self.assertEqual(requests.mapped("state"), ["cancelled", "sent"])
        page = self._get("/my/receivables", token).text
        self.assertIn(f'href="/esign/sign/{requests[1].signer_ids.id}/', page)
        self.assertNotIn(f'href="/esign/sign/{requests[0].signer_ids.id}/', page)

    def _signature_png(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (60, 20), (0, 0, 80, 255)).save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    # ------------------------------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------------------------------

    def test_rules_in_the_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.receivable_portal_promise_days, 30)
        self.assertEqual(settings.receivable_portal_promise_min_percent, 50)
        self.assertEqual(
            (settings.receivable_portal_plan_min_count, settings.receivable_portal_plan_max_count),
            (2, 6),
        )
        self.assertEqual(settings.receivable_portal_plan_months, 6)
        self.assertFalse(settings.receivable_portal_plan_auto_approve)
        settings.receivable_portal_plan_max_count = 12
        settings.receivable_portal_plan_auto_approve = True
        settings.save().execute()
        self.assertEqual(self.env.company.receivable_portal_plan_max_count, 12)
        with self.assertRaises(ValidationError):
            self.env.company.receivable_portal_plan_min_count = 13
        with self.assertRaises(ValidationError):
            self.env.company.receivable_portal_promise_min_percent = 120

    # ------------------------------------------------------------------------------------------
    # In a browser, on a phone
    # ------------------------------------------------------------------------------------------

    def test_tour_promise_then_plan_then_sign_on_a_phone(self):
        self.browser_size = "375x812"
        token = self._link()
        url = f"/my/receivables?access_token={token}"
        self.start_tour(url, "client_portal_promise_plan_tour", login=None)
        promise = self._promises()
        self.assertEqual((promise.amount, promise.source), (1000.0, "portal"))
        plan = self._plans()
        self.assertEqual((plan.state, plan.instalment_count), ("requested", 3))

        # the collector approves it in the back office; the customer signs on its phone
        with self._sms_code():
            plan.with_user(self.collector).action_approve()
            self.start_tour(url, "client_portal_plan_sign_tour", login=None)
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(plan.state, "active")
        self.assertIn("Running", self._get("/my/receivables", token).text)
