from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_statement import TODAY, StatementCase

MANY = 300


@tagged("post_install", "-at_install")
class TestStatementScale(StatementCase):
    """The statement of a debtor with hundreds of invoices costs the same queries as with a
    few (tests/benchmark_portal_statement.py measures its time up to 1,000)."""

    def _add_invoices(self, count):
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.debtor.id,
                    "invoice_date": date(2026, 1, 1),
                    # overdue and not yet due, in every aging bucket
                    "invoice_date_due": TODAY + timedelta(days=count // 2 - index),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": 10 + index, "tax_ids": []})
                    ],
                }
                for index in range(count)
            ]
        )
        moves.action_post()
        return moves

    def _statement_queries(self, token, **params):
        self._statement(token, **params)  # warm the caches
        self.env.flush_all()
        before = self._sql_count()
        page = self._statement(token, **params)
        self.assertEqual(page.status_code, 200)
        return self._sql_count() - before, page

    @freeze_time(TODAY)
    def test_statement_queries_do_not_grow_from_3_to_300_invoices(self):
        _url, token = self._link()
        self.authenticate(None, None)
        small = {
            filterby: self._statement_queries(token, filterby=filterby)[0]
            for filterby in ("open", "all", "overdue")
        }
        moves = self._add_invoices(MANY)
        for filterby, few in small.items():
            many, page = self._statement_queries(token, filterby=filterby)
            self.assertLessEqual(
                many, few + 2, f"{filterby}: {few} queries for 3 invoices, {many} for {MANY + 3}"
            )
            self.assertIn("/my/receivables/page/2", page.text, "the page is paged")
        last = moves.sorted(lambda move: (move.invoice_date_due, move.id))[0]
        self.assertIn(last.name, self._statement(token, filterby="overdue").text)

    @freeze_time(TODAY)
    def test_logged_in_statement_queries_do_not_grow_with_invoices(self):
        self.authenticate("ra_portal", "ra_portal_pw")
        few = self._statement_queries(None, filterby="all")[0]
        self._add_invoices(MANY)
        many = self._statement_queries(None, filterby="all")[0]
        self.assertLessEqual(many, few + 2, f"{few} queries for 3 invoices, {many} for {MANY + 3}")
