from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

# (partner xml id, days from today to the due date, amount, paid amount, category code)
DEMO_INVOICES = [
    ("demo_partner_martin", -70, 1800.0, 0.0, None),
    ("demo_partner_martin", -38, 960.0, 400.0, None),
    ("demo_partner_martin", -12, 540.0, 0.0, None),
    ("demo_partner_dupont", -27, 2400.0, 0.0, None),
    ("demo_partner_dupont", -8, 310.0, 0.0, None),
    ("demo_partner_dupont", 2, 720.0, 0.0, None),
    ("demo_partner_northwind", -50, 5200.0, 2000.0, None),
    ("demo_partner_northwind", -20, 1250.0, 0.0, "PDP"),
    ("demo_partner_northwind", -11, 830.0, 0.0, None),
    ("demo_partner_bluebell", -16, 640.0, 0.0, None),
    ("demo_partner_bluebell", -40, 1420.0, 0.0, "LIT"),
    ("demo_partner_lumiere", -45, 980.0, 0.0, None),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _receivable_activate_demo_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["mail", "account", "receivable_automation"], ["fr_FR"]
        )

    @api.model
    def _receivable_load_demo_invoices(self):
        """Customer invoices at various ages, some partly paid, for the demo policies."""
        company = self.env.ref("base.main_company")
        if not self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            return  # no chart of accounts: nothing to invoice with
        env = self.with_company(company).env
        today = fields.Date.context_today(self)
        product = env.ref("product.product_product_4", raise_if_not_found=False)
        for xmlid, due_in_days, amount, paid, code in DEMO_INVOICES:
            due = today + relativedelta(days=due_in_days)
            vals = {
                "move_type": "out_invoice",
                "partner_id": env.ref(f"receivable_automation.{xmlid}").id,
                "invoice_date": due - relativedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "product_id": product.id if product else False,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            move = env["account.move"].create(vals)
            move.invoice_date_due = due
            move.action_post()
            if paid:
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids
                ).create(
                    {"amount": paid, "payment_date": due + relativedelta(days=5)}
                )._create_payments()
            if code == "PDP":
                env["receivable.promise"].create(
                    {
                        "partner_id": move.partner_id.id,
                        "move_ids": [Command.set(move.ids)],
                        "amount": amount,
                        "date": today + relativedelta(days=5),
                        "source": "phone",
                    }
                )
            elif code == "LIT":
                env["receivable.dispute"].create(
                    {
                        "partner_id": move.partner_id.id,
                        "reason_id": env.ref("receivable_automation.dispute_reason_quality").id,
                        "description": "Part of the delivery arrived damaged.",
                        "deadline": today + relativedelta(days=10),
                        "line_ids": [Command.create({"move_id": move.id, "amount": amount / 2})],
                    }
                )
