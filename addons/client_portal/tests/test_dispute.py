from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.receivable_automation.tests.common import ReceivableCommon

TODAY = date(2026, 3, 1)
PDF = b"%PDF-1.4\n% delivery note\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@tagged("post_install", "-at_install")
class TestPortalDispute(ReceivableCommon, HttpCase):
    """From its statement a customer disputes (part of) an invoice with documents, or says it
    has already paid one: the back office gets the dispute or the announced payment, the
    reminders hold what they must, and the statement shows where it stands."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 1000, due=date(2026, 1, 1))
        cls.second = cls._invoice(cls.debtor, 500, due=date(2026, 1, 15))
        cls.paid = cls._invoice(cls.debtor, 300, due=date(2026, 1, 15))
        cls._pay(cls.paid, 300)
        cls.other_invoice = cls._invoice(cls.other_debtor, 777, due=date(2026, 1, 1))
        cls.reason = cls.env.ref("receivable_automation.dispute_reason_quality")
        cls.portal_user = new_test_user(
            cls.env,
            login="ra_dispute_portal",
            password="ra_dispute_portal_pw",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            email=cls.contact.email,
            company_id=cls.company.id,
        )

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _link(self, partner=None):
        url = (partner or self.debtor)._get_receivable_portal_url(company=self.company)
        return url.rsplit("/", 1)[1]

    def _statement(self, token=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        url = "/my/receivables" + ("?access_token=" + token if token else "")
        if query:
            url += ("&" if token else "?") + query
        return self.url_open(url, allow_redirects=False)

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="')[1].split('"')[0]

    def _post(self, move, action, token=None, files=(), **data):
        data = {"csrf_token": self._csrf(), **data}
        if token:
            data["access_token"] = token
        return self.url_open(
            f"/my/receivables/invoice/{move.id}/{action}",
            data=data,
            files=[("attachments", upload) for upload in files] or None,
            allow_redirects=False,
        )

    def _dispute(self, move=None, token=None, files=(), **data):
        values = {
            "reason_id": self.reason.id,
            "amount": "300.00",
            "description": "Two pallets arrived broken.",
            **data,
        }
        return self._post(move or self.invoice, "dispute", token, files, **values)

    def _paid_claim(self, move=None, token=None, files=(), **data):
        values = {
            "amount": "500.00",
            "payment_date": "2026-02-27",
            "bank_reference": "TRF-0227-AGRO",
            **data,
        }
        return self._post(move or self.second, "paid", token, files, **values)

    def _disputes(self):
        return self.env["receivable.dispute"].search([("partner_id", "=", self.debtor.id)])

    def _claims(self):
        return self.env["receivable.payment.claim"].search([("partner_id", "=", self.debtor.id)])

    # ------------------------------------------------------------------------------------------
    # Dispute
    # ------------------------------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_dispute_part_of_an_invoice_with_documents(self):
        token = self._link()
        statement = self._statement(token).text
        self.assertIn(f"/my/receivables/invoice/{self.invoice.id}/dispute?access_token=", statement)
        form = self.url_open(
            f"/my/receivables/invoice/{self.invoice.id}/dispute?access_token={token}"
        )
        self.assertEqual(form.status_code, 200)
        self.assertIn("Quality", form.text, "the back office's reasons")
        self.assertIn('value="1000.00"', form.text, "what is left to pay, by default")

        response = self._dispute(
            token=token,
            description="<b>Two</b> pallets\narrived broken",
            files=[("note.pdf", PDF, "application/pdf"), ("photo", PNG, "image/png")],
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("notice=dispute_sent", response.headers["Location"])
        self.assertIn(f"access_token={token}", response.headers["Location"])

        dispute = self._disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "new")
        self.assertAlmostEqual(dispute.amount, 300)
        self.assertEqual(dispute.line_ids.move_id, self.invoice)
        self.assertEqual(dispute.reason_id, self.reason)
        self.assertEqual(dispute.owner_id, self.collector)
        self.assertEqual(dispute.deadline, TODAY + timedelta(days=14))
        self.assertIn("&lt;b&gt;Two&lt;/b&gt;", dispute.description, "the customer's text, escaped")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), ["note.pdf", "photo.png"], "named by content"
        )
        self.assertEqual(
            {att.name: att.raw for att in attachments}, {"note.pdf": PDF, "photo.png": PNG}
        )
        self.assertEqual(set(attachments.mapped("mimetype")), {"application/pdf", "image/png"})
        from_portal = dispute.message_ids.filtered(lambda msg: "from the portal" in msg.body)
        self.assertEqual(from_portal.attachment_ids, attachments)
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        self.assertIn("opened from the portal", self.debtor.message_ids[0].body)
        self.assertEqual(self.debtor.message_ids[0].author_id, self.debtor)
        event = self.env["receivable.portal.event"].search([("kind", "=", "dispute")])
        self.assertEqual(
            (event.partner_id, event.amount, event.res_id), (self.debtor, 300, dispute.id)
        )
        self.assertEqual(event.link_id.channel, "email")

        hold = dispute.receivable_hold_ids
        self.assertEqual((hold.move_id, hold.amount), (self.invoice, 300), "only 300 is held")
        reminder = self._run(TODAY).action_ids
        lines = {line.move_id: line for line in reminder.line_ids}
        self.assertAlmostEqual(lines[self.invoice].amount_residual, 700, msg="the rest is due")

        page = self._statement(token, notice="dispute_sent").text
        self.assertIn("your dispute was sent", page)
        self.assertIn(dispute.name, page)
        self.assertIn("Received, under review", page)
        rest = page.split("o_receivable_dispute_rest", 1)[1][:300]
        self.assertIn("700.00", rest, "the rest of the invoice, to pay now")
        form = self.url_open(
            f"/my/receivables/invoice/{self.invoice.id}/dispute?access_token={token}"
        )
        self.assertIn('value="700.00"', form.text, "what is not disputed yet")

    @freeze_time(TODAY)
    def test_the_statement_shows_the_back_offices_answer(self):
        token = self._link()
        self._dispute(token=token, amount="100")
        self._dispute(move=self.second, token=token, amount="50")
        rejected, accepted = self._disputes().sorted(lambda dispute: dispute.line_ids.move_id.id)
        rejected.rejection_reason = "The delivery note is signed without reserve."
        with self.mock_mail_gateway():
            rejected.with_user(self.collector).action_reject()
        accepted.accepted_amount = 50
        accepted.with_user(self.collector).action_resolve_with_credit_note()

        page = self._statement(token).text
        self.assertIn("Not accepted", page)
        self.assertIn("signed without reserve", page)
        self.assertIn("Accepted", page)
        self.assertIn(accepted.credit_note_id.name, page)
        self.assertIn(accepted.credit_note_id.access_token, page, "the credit note downloads")
        for internal in ("LIT", "RDE", "in_progress", "rejected"):
            self.assertNotIn(f">{internal}<", page)

    @freeze_time(TODAY)
    def test_bad_dispute_input_gets_a_message_and_creates_nothing(self):
        token = self._link()
        # lines, as in a real file: the HTTP layer refuses a 10 MB single line by itself
        big = b"%PDF-1.4\r\n" + (b"0" * 1022 + b"\r\n") * (10 * 1024)
        cases = [
            ({"amount": "1000.01"}, "cannot be more than"),
            ({"amount": "-5"}, "more than zero"),
            ({"amount": "abc"}, "Enter an amount"),
            ({"amount": "nan"}, "Enter an amount"),
            ({"reason_id": "999999"}, "Choose the reason"),
            ({"reason_id": "x"}, "Choose the reason"),
            ({"description": "   "}, "what is wrong"),
            (
                {"files": [("invoice.pdf", b"<html><script>x</script></html>", "application/pdf")]},
                "is not a PDF, PNG or JPEG",
            ),
            ({"files": [("empty.pdf", b"", "application/pdf")]}, "is not a PDF"),
            ({"files": [(f"{n}.pdf", PDF, "application/pdf") for n in range(6)]}, "at most 5"),
            ({"files": [("big.pdf", big, "application/pdf")]}, "larger than 10 MB"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self._dispute(token=token, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("o_receivable_dispute_form", response.text, "the form, to correct")
        self.assertFalse(self._disputes())
        self.assertFalse(self.env["receivable.portal.event"].search([("kind", "=", "dispute")]))

        self._dispute(token=token, amount="300")
        response = self._dispute(token=token, amount="800")
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be more than", response.text, "700 left undisputed")
        self.assertEqual(len(self._disputes()), 1)

    @freeze_time(TODAY)
    def test_ids_of_other_debtors_and_closed_invoices_are_not_found(self):
        token = self._link()
        credit_note = self.invoice._reverse_moves()
        for move in (self.other_invoice, self.paid, credit_note):
            for action in ("dispute", "paid"):
                with self.subTest(move=move.name, action=action):
                    response = self._post(move, action, token, amount="1", reason_id=self.reason.id)
                    self.assertEqual(response.status_code, 404)
                    page = self.url_open(
                        f"/my/receivables/invoice/{move.id}/{action}?access_token={token}"
                    )
                    self.assertEqual(page.status_code, 404)
        response = self.url_open(f"/my/receivables/invoice/999999/dispute?access_token={token}")
        self.assertEqual(response.status_code, 404)
        # another debtor's link does not reach this debtor's invoice
        response = self._dispute(token=self._link(self.other_debtor))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._disputes())
        self.assertFalse(
            self.env["receivable.dispute"].search([("partner_id", "=", self.other_debtor.id)])
        )

    def test_no_valid_access_no_action(self):
        revoked = self._link()
        self.debtor.with_user(self.collector).action_revoke_receivable_portal_links()
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            expired = self._link()
        valid = self._link()
        for token in (expired, revoked, "not-a-token-at-all-0000"):
            with self.subTest(token=token):
                self.assertIn(self._dispute(token=token).status_code, (403, 404))
                self.assertIn(self._paid_claim(token=token).status_code, (403, 404))
                form = self.url_open(
                    f"/my/receivables/invoice/{self.invoice.id}/dispute?access_token={token}"
                )
                self.assertIn(form.status_code, (403, 404))
                self.assertNotIn(self.invoice.name, form.text)
        # public without a link: sent to log in, or refused
        form = self.url_open(
            f"/my/receivables/invoice/{self.invoice.id}/dispute", allow_redirects=False
        )
        self.assertEqual(form.status_code, 303)
        self.assertIn("/web/login", form.headers["Location"])
        self.assertEqual(self._dispute().status_code, 403)
        # no CSRF token
        response = self.url_open(
            f"/my/receivables/invoice/{self.invoice.id}/dispute",
            data={
                "access_token": valid,
                "reason_id": self.reason.id,
                "amount": "10",
                "description": "x",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._disputes())
        self.assertFalse(self._claims())

    def test_over_the_rate_limit_a_message(self):
        token = self._link()
        Event = self.env["receivable.portal.event"]
        for _index in range(5):
            Event._record(self.debtor, self.company, "dispute")
            Event._record(self.debtor, self.company, "paid_claim")
        response = self._dispute(token=token)
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again later", response.text)
        response = self._paid_claim(token=token)
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self._disputes())
        self.assertFalse(self._claims())

    @freeze_time(TODAY)
    def test_a_contact_disputes_for_its_company(self):
        self.authenticate("ra_dispute_portal", "ra_dispute_portal_pw")
        page = self._statement().text
        self.assertIn(f'/my/receivables/invoice/{self.invoice.id}/dispute"', page)
        response = self._dispute(amount="120")
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("access_token", response.headers["Location"])
        dispute = self._disputes()
        self.assertEqual(dispute.partner_id, self.debtor, "the company's dispute")
        self.assertEqual(self.debtor.message_ids[0].author_id, self.contact)
        event = self.env["receivable.portal.event"].search([("kind", "=", "dispute")])
        self.assertEqual(event.user_id, self.portal_user)
        # the portal user cannot read the dispute nor its documents through the back office
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            dispute.with_user(self.portal_user).read(["name"])

    # ------------------------------------------------------------------------------------------
    # I have already paid
    # ------------------------------------------------------------------------------------------

    def test_already_paid_holds_the_invoice_then_alerts_the_collector(self):
        with freeze_time(TODAY):
            token = self._link()
            form = self.url_open(
                f"/my/receivables/invoice/{self.second.id}/paid?access_token={token}"
            )
            self.assertEqual(form.status_code, 200)
            self.assertIn('value="500.00"', form.text)
            response = self._paid_claim(
                token=token, files=[("transfer.pdf", PDF, "application/pdf")]
            )
            self.assertEqual(response.status_code, 303)
            self.assertIn("notice=paid_claim_sent", response.headers["Location"])

            claim = self._claims()
            self.assertEqual(
                (claim.source, claim.amount, claim.payment_date, claim.bank_reference),
                ("portal", 500, date(2026, 2, 27), "TRF-0227-AGRO"),
            )
            self.assertEqual(claim.line_ids.move_id, self.second)
            self.assertEqual(claim.date_until, TODAY + timedelta(days=5), "the setting's 5 days")
            self.assertEqual(claim.attachment_ids.mapped("name"), ["transfer.pdf"])
            self.assertEqual(claim.attachment_ids.res_id, claim.id)
            self.assertEqual(self.second.receivable_category_id.code, "RDE")
            self.assertEqual(claim.receivable_hold_ids.move_id, self.second)
            self.assertEqual(claim.activity_ids.user_id, self.collector)
            self.assertIn("TRF-0227-AGRO", self.debtor.message_ids[0].body)
            event = self.env["receivable.portal.event"].search([("kind", "=", "paid_claim")])
            self.assertEqual((event.amount, event.res_model), (500, "receivable.payment.claim"))

            reminder = self._run(TODAY).action_ids
            self.assertNotIn(self.second, reminder.line_ids.move_id)
            self.assertIn(self.invoice, reminder.line_ids.move_id)

            page = self._statement(token, notice="paid_claim_sent").text
            self.assertIn("we are looking for your payment", page)
            self.assertIn("Payment announced, being checked", page)
            self.assertNotIn(f"/my/receivables/invoice/{self.second.id}/paid", page, "asked once")
            again = self._paid_claim(token=token)
            self.assertEqual(again.status_code, 400)
            self.assertIn("already checking a payment", again.text)

        with freeze_time(TODAY + timedelta(days=6)):
            self.env["receivable.payment.claim"]._cron_check_claims()
            self.assertEqual(claim.state, "expired")
            self.assertEqual(self.second.receivable_category_id.code, "NCT")
            self.assertIn("not received", claim.activity_ids.summary)
            self.assertEqual(claim.activity_ids.user_id, self.collector)
            page = self._statement(token, filterby="all").text
            self.assertIn("Payment not found", page)

    @freeze_time(TODAY)
    def test_bad_already_paid_input(self):
        token = self._link()
        cases = [
            ({"amount": "500.01"}, "cannot be more than"),
            ({"payment_date": "2026-03-02"}, "cannot be in the future"),
            ({"payment_date": "2025-01-01"}, "over a year ago"),
            ({"payment_date": "2026-13-45"}, "Enter the date"),
            ({"payment_date": ""}, "Enter the date"),
            ({"bank_reference": " "}, "reference of your transfer"),
            ({"bank_reference": "x" * 141}, "too long"),
            ({"files": [("proof.pdf", b"GIF89a....", "application/pdf")]}, "is not a PDF"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self._paid_claim(token=token, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self._claims())
        self.assertEqual(self.second.receivable_category_id.code, "NCT")

    # ------------------------------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------------------------------

    def test_tour_dispute_and_already_paid_on_a_phone(self):
        token = self._link()
        self.browser_size = "375x812"
        self.start_tour(f"/my/receivables?access_token={token}", "client_portal_dispute_tour")
        dispute = self._disputes()
        self.assertAlmostEqual(dispute.amount, 120)
        self.assertEqual(dispute.line_ids.move_id, self.invoice)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachments.mimetype, "application/pdf")
        claim = self._claims()
        self.assertEqual(claim.line_ids.move_id, self.second)
        self.assertEqual(claim.bank_reference, "VIR 2026-0042")
