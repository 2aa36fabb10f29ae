from datetime import date

from odoo.tests import tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestRunQueries(ReceivableCommon):
    """The run's SQL queries grow with the number of debtors, not with their invoices."""

    def _queries_for(self, debtors, invoices_per_debtor, when):
        partners = self._create_debtors(debtors, prefix=f"Q{when.month}")
        for partner in partners:
            for _ in range(invoices_per_debtor):
                self._invoice(partner, 100, due=when.replace(day=1))
        run = self.env["receivable.dunning.run"].create({"date": when})
        # warm the caches that a long-running server has warm (templates, views, rules)
        self.env.invalidate_all()
        with self.mock_mail_gateway(), self.mockSMSGateway(), self._count_queries() as queries:
            run.action_run()
        self.assertEqual(run.action_ids.partner_id, partners)
        self.assertEqual(set(run.action_ids.mapped("invoice_count")), {invoices_per_debtor})
        # out of the next measurements
        self.env["receivable.dunning.hold"].create(
            [{"partner_id": partner.id, "reason": "Measured"} for partner in partners]
        )
        return queries["count"]

    def test_queries_do_not_grow_with_invoices_per_debtor(self):
        # a first run warms the registry caches (templates, rules) for the measured ones
        self._queries_for(2, 1, date(2026, 3, 11))
        few = self._queries_for(4, 1, date(2026, 4, 11))
        many = self._queries_for(4, 8, date(2026, 5, 11))
        self.assertLessEqual(many - few, 2, f"1 invoice: {few} queries, 8 invoices: {many}")

    def test_queries_are_flat_from_1_to_50_invoices_per_debtor(self):
        """Issue 12: a debtor's 50 invoices cost the run no more queries than its one."""
        self._queries_for(2, 1, date(2026, 3, 11))
        one = self._queries_for(2, 1, date(2026, 4, 11))
        fifty = self._queries_for(2, 50, date(2026, 5, 11))
        self.assertLessEqual(fifty - one, 2, f"1 invoice: {one} queries, 50 invoices: {fifty}")

    def test_queries_per_debtor_are_bounded(self):
        self._queries_for(2, 1, date(2026, 3, 11))
        small = self._queries_for(4, 2, date(2026, 4, 11))
        large = self._queries_for(12, 2, date(2026, 5, 11))
        per_debtor = (large - small) / 8
        self.assertLessEqual(per_debtor, 5, f"{small} queries for 4, {large} for 12 debtors")

    def test_planning_reads_all_items_in_one_query(self):
        for i in range(5):
            partner = self.env["res.partner"].create({"name": f"P{i}", "email": f"p{i}@e.com"})
            for _ in range(3):
                self._invoice(partner, 50)
        run = self.env["receivable.dunning.run"].create({"date": date(2026, 1, 11)})
        run._get_due_items()  # warm
        with self.assertQueryCount(2):  # the company's levels, then every due item
            items = run._get_due_items()
        self.assertEqual(len(items), 15)
