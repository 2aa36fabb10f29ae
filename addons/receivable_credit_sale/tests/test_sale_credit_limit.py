from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.receivable_automation.tests.common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestSaleCreditLimit(ReceivableCommon):
    """Confirming a sales order above the credit limit, with the company blocking."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"account_use_credit_limit": True, "receivable_credit_limit_mode": "block"}
        )
        cls.debtor.with_company(cls.company).credit_limit = 1000
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting", "type": "service", "list_price": 100, "taxes_id": []}
        )
        cls.seller = new_test_user(
            cls.env,
            login="ra_credit_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )

    def _order(self, partner, amount):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.seller.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_id": []}
                    )
                ],
            }
        )

    def test_block_consolidates_invoices_and_confirmed_orders(self):
        """600 invoiced to the contact Ann + 300 ordered and confirmed, not invoiced + 200:
        1,100 > 1,000."""
        self._invoice(self.contact, 600)
        self._order(self.contact, 300).action_confirm()
        order = self._order(self.debtor, 200).with_user(self.seller)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertEqual(
            str(error.exception),
            f"{order.name} would take Agrolait to $\xa01,100.00, above its credit limit of "
            "$\xa01,000.00. A credit manager can confirm it anyway, with a reason.",
        )
        self.assertEqual(order.state, "draft")

    def test_below_the_limit_or_warn_confirms(self):
        order = self._order(self.debtor, 900)
        order.with_user(self.seller).action_confirm()
        self.assertEqual(order.state, "sale")
        self.company.receivable_credit_limit_mode = "warn"
        other = self._order(self.debtor, 900)
        other.with_user(self.seller).action_confirm()
        self.assertEqual(other.state, "sale", "warn: Odoo's banner only")

    def test_manager_overrides_logged_on_order_and_debtor(self):
        self._invoice(self.debtor, 800)
        order = self._order(self.debtor, 300)
        action = order.with_user(self.manager).action_receivable_confirm_anyway()
        wizard = Form(
            self.env["receivable.credit.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.exposure, 1100)
        wizard.reason = "Prepaid by bank transfer"
        wizard.save().action_confirm()
        self.assertEqual(order.state, "sale")
        for record in (order, self.debtor):
            note = record.message_ids.filtered(lambda m: "above the credit limit" in m.body)
            self.assertEqual(len(note), 1, record)
            self.assertIn(f"Mona Manager validated {order.name}", note.body)
            self.assertIn("Reason: Prepaid by bank transfer", note.body)

    def test_non_manager_cannot_override(self):
        self._invoice(self.debtor, 800)
        order = self._order(self.debtor, 300)
        for user in (self.seller, self.collector):
            with self.assertRaises(AccessError):
                order.with_user(user).action_receivable_confirm_anyway()

    def test_order_form_shows_the_mode(self):
        self._invoice(self.debtor, 800)
        order = self._order(self.debtor, 300)
        self.env.invalidate_all()
        form = Form(order.with_user(self.manager))
        self.assertEqual(form.receivable_credit_limit_mode, "block")
        self.assertTrue(form.partner_credit_warning)
