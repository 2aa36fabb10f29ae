from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models

DEMO_DAYS = 70  # the demo's daily runs start this many days ago

# xml id suffix: (debtor xml id, days from today to the due date, amount, amount paid 5 days
# after the due date)
DEMO_INVOICES = {
    "martin_1": ("demo_partner_martin", -38, 1800.0, 0.0),
    "martin_2": ("demo_partner_martin", -20, 960.0, 400.0),
    "martin_3": ("demo_partner_martin", -5, 540.0, 0.0),
    "dupont_1": ("demo_partner_dupont", -18, 2400.0, 0.0),
    "dupont_2": ("demo_partner_dupont", -10, 310.0, 0.0),
    "dupont_3": ("demo_partner_dupont", 2, 720.0, 0.0),
    "northwind_1": ("demo_partner_northwind", -32, 5200.0, 2000.0),
    "northwind_2": ("demo_partner_northwind", -20, 1250.0, 0.0),
    "northwind_3": ("demo_partner_northwind", -11, 830.0, 0.0),
    "bluebell_1": ("demo_partner_bluebell", -16, 640.0, 0.0),
    "bluebell_2": ("demo_partner_bluebell", -40, 1420.0, 0.0),
    "lumiere_1": ("demo_partner_lumiere", -45, 980.0, 0.0),
    "bernard_1": ("demo_partner_bernard", -50, 1200.0, 0.0),
    "roux_1": ("demo_partner_roux", -45, 860.0, 0.0),
    "girard_1": ("demo_partner_girard", -75, 1500.0, 0.0),
    "girard_2": ("demo_partner_girard", -62, 900.0, 0.0),
    "batisud_1": ("demo_partner_batisud", -58, 3200.0, 0.0),
    "batisud_2": ("demo_partner_batisud", -30, 1150.0, 0.0),
    "moreau_1": ("demo_partner_moreau", -30, 450.0, 0.0),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _receivable_activate_demo_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        # the reminders, and the portal page where their links lead (to pay with Odoo's demo
        # provider when the demo database has it: setup/start.sh installs it)
        modules = ["web", "mail", "account", "portal", "payment", "account_payment"]
        if self.env["ir.module.module"]._get("payment_demo").state == "installed":
            modules.append("payment_demo")
        self.env["ir.module.module"]._load_module_terms(
            [*modules, "receivable_automation"], ["fr_FR"]
        )

    @api.model
    def _receivable_load_demo_story(self):
        """The demo's past: customer invoices, then the daily runs of the last weeks, with
        what the credit controller did between them (promises, a payment plan, a validated
        formal notice) and the customers' payments on their dates, then today's dispute,
        promise and hand-off. Done by the demo's users through the models' own actions, as
        Mitchell Admin (a credit manager), so that every check applies."""
        company = self.env.ref("base.main_company")
        if not self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            return  # no chart of accounts: nothing to invoice with
        if self.env.ref("receivable_automation.demo_invoice_martin_1", raise_if_not_found=False):
            return  # already loaded
        admin = self.env.ref("base.user_admin")
        # e-mails (reminders, activity notices) are queued, never sent during the install
        demo = (
            self.with_user(admin).with_company(company).with_context(mail_notify_force_send=False)
        )
        demo._receivable_demo_invoices()
        today = fields.Date.context_today(demo)
        for day in range(DEMO_DAYS, 0, -1):
            demo._receivable_demo_day(today - relativedelta(days=day), day)
        demo._receivable_demo_today(today)

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    def _receivable_demo_ref(self, name):
        return self.env.ref(f"receivable_automation.{name}")

    def _receivable_demo_name(self, record, name):
        """Give ``record`` the xml id ``receivable_automation.<name>``."""
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": f"receivable_automation.{name}", "record": record, "noupdate": True}]
        )
        return record

    def _receivable_demo_pay(self, move, amount, date):
        """The customer pays ``amount`` of ``move`` on ``date``, registered as a user would."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": date})._create_payments()

    def _receivable_demo_move(self, move_type, partner, date, due, amount, label):
        product = self.env.ref("product.product_product_4", raise_if_not_found=False)
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "product_id": product.id if product else False,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.invoice_date_due = due
        move.action_post()
        return move

    # ------------------------------------------------------------------------------------------
    # The story
    # ------------------------------------------------------------------------------------------

    def _receivable_demo_invoices(self):
        """Customer invoices at various ages, some partly paid; a credit note of the same
        amount as its invoice for Librairie Moreau (goods returned), still to be matched."""
        today = fields.Date.context_today(self)
        for name, (partner_ref, due_in_days, amount, paid) in DEMO_INVOICES.items():
            due = today + relativedelta(days=due_in_days)
            move = self._receivable_demo_move(
                "out_invoice",
                self._receivable_demo_ref(partner_ref),
                due - relativedelta(days=30),
                due,
                amount,
                "Services",
            )
            self._receivable_demo_name(move, f"demo_invoice_{name}")
            if paid:
                self._receivable_demo_pay(move, paid, due + relativedelta(days=5))
        date = today - relativedelta(days=45)
        refund = self._receivable_demo_move(
            "out_refund",
            self._receivable_demo_ref("demo_partner_moreau"),
            date,
            date,
            450.0,
            "Books returned unsold",
        )
        self._receivable_demo_name(refund, "demo_credit_note_moreau")
        # A dispute about a damaged delivery, which Claire is looking into.
        dispute = self.env["receivable.dispute"].create(
            {
                "partner_id": self._receivable_demo_ref("demo_partner_bluebell").id,
                "reason_id": self._receivable_demo_ref("dispute_reason_quality").id,
                "description": "Part of the delivery arrived damaged: the customer sent photos "
                "of the crushed boxes and pays the rest.",
                "owner_id": self._receivable_demo_ref("demo_user_claire").id,
                "deadline": today + relativedelta(days=10),
                "line_ids": [
                    Command.create(
                        {
                            "move_id": self._receivable_demo_ref("demo_invoice_bluebell_2").id,
                            "amount": 710.0,
                        }
                    )
                ],
            }
        )
        dispute.action_start()
        self._receivable_demo_name(dispute, "demo_dispute_bluebell")

    def _receivable_demo_day(self, date, days_ago):
        """One day of the past, ``days_ago`` days before today: what happened before the run
        (promises checked, payments received, instalments checked), the run, then what the
        credit controller did after it."""
        claire = self._receivable_demo_ref("demo_user_claire")
        # The promise checks of that morning.
        if days_ago == 26:  # Garage Bernard paid by the promised date: kept
            self._receivable_demo_decide_promise(
                "demo_promise_bernard", date - relativedelta(days=4), "Paid as promised."
            )
        if days_ago == 21:  # Imprimerie Roux did not pay: broken, dunning resumes at once
            self._receivable_demo_decide_promise(
                "demo_promise_roux",
                date - relativedelta(days=4),
                "Not paid by the promised date: dunning resumes.",
            )
        # The payments received that day.
        if days_ago == 31:
            bernard = self._receivable_demo_ref("demo_invoice_bernard_1")
            self._receivable_demo_pay(bernard, bernard.amount_residual, date)
        if days_ago == 37:  # Menuiserie Girard's first instalment
            self._receivable_demo_pay(self._receivable_demo_ref("demo_invoice_girard_1"), 800, date)
        self.env["receivable.payment.plan"]._check_payment_plans(date)
        # The daily run.
        run = self.env["receivable.dunning.run"].create({"date": date})
        run.action_run()
        if not run.action_ids:
            run.unlink()  # an empty run tells nothing: keep the runs that reminded someone
        # The credit controller's day.
        if days_ago == 38:  # called after the first reminder, Garage Bernard promises to pay
            self._receivable_demo_promise("demo_promise_bernard", "demo_invoice_bernard_1", claire)
        if days_ago == 33:  # so does Imprimerie Roux
            self._receivable_demo_promise("demo_promise_roux", "demo_invoice_roux_1", claire)
        if days_ago == 50:  # after its second reminder, Menuiserie Girard asks for instalments
            self._receivable_demo_plan(date, claire)
        if days_ago == 22:  # Claire checks Bâti Sud's formal notice and sends it
            self.env["receivable.dunning.action"].search(
                [
                    ("partner_id", "=", self._receivable_demo_ref("demo_partner_batisud").id),
                    ("state", "=", "to_validate"),
                ]
            ).with_user(claire).action_validate()

    def _receivable_demo_promise(self, name, invoice_name, user):
        """A promise by phone to pay the whole invoice. Noted with today's date, as a promise
        cannot be entered in the past; its date is set when it is decided."""
        invoice = self._receivable_demo_ref(invoice_name)
        promise = self.env["receivable.promise"].create(
            {
                "partner_id": invoice.partner_id.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": invoice.amount_residual,
                "date": fields.Date.context_today(self),
                "source": "phone",
                "user_id": user.id,
            }
        )
        return self._receivable_demo_name(promise, name)

    def _receivable_demo_decide_promise(self, name, promised_date, feedback):
        """The daily check decides the promise once its date and grace days have passed; the
        promise then gets its date in the past, and Claire closes the follow-up of its
        invoices."""
        promise = self._receivable_demo_ref(name)
        noted_name, noted_date = promise.name, str(promise.date)
        promise._decide()
        promise.with_context(mail_notrack=True).date = promised_date
        dated_name = promise.name  # recomputed now, in Mitchell Admin's language
        for activity in promise.activity_ids:  # the alert of a broken promise names it
            activity.write(
                {
                    "summary": (activity.summary or "").replace(noted_name, dated_name),
                    "note": Markup(str(activity.note or "")).replace(
                        noted_date, str(promised_date)
                    ),
                }
            )
            activity._compute_res_name()
        promised = self._receivable_demo_ref("category_pdp").next_activity_type_id
        promise.move_ids.activity_ids.filtered(
            lambda activity: activity.activity_type_id == promised
        ).with_user(promise.user_id).action_feedback(feedback=feedback)

    def _receivable_demo_plan(self, date, user):
        """Menuiserie Girard's two invoices in three monthly instalments, approved by Mitchell
        Admin and started the same day."""
        plan = self.env["receivable.payment.plan"].create(
            {
                "partner_id": self._receivable_demo_ref("demo_partner_girard").id,
                "user_id": user.id,
                "instalment_count": 3,
                "interval_number": 1,
                "interval_type": "months",
                "first_date": date + relativedelta(days=14),
            }
        )
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        plan.date_activated = date
        return self._receivable_demo_name(plan, "demo_plan_girard")

    def _receivable_demo_today(self, today):
        """Today: Northwind promises to pay its second invoice, Bâti Sud's file goes to the
        lawyer. The dossier is built when the hand-off is sent again from its form: its PDFs
        need the running HTTP server, which an install does not start."""
        claire = self._receivable_demo_ref("demo_user_claire")
        promise = self.env["receivable.promise"].create(
            {
                "partner_id": self._receivable_demo_ref("demo_partner_northwind").id,
                "move_ids": [
                    Command.set(self._receivable_demo_ref("demo_invoice_northwind_2").ids)
                ],
                "amount": 1250.0,
                "date": today + relativedelta(days=5),
                "source": "phone",
                "user_id": claire.id,
            }
        )
        self._receivable_demo_name(promise, "demo_promise_northwind")
        wizard = self.env["receivable.handoff.wizard"].create(
            {
                "partner_id": self._receivable_demo_ref("demo_partner_batisud").id,
                "lawyer_id": self._receivable_demo_ref("demo_partner_lawyer").id,
                "note": "Formal notice unanswered, the manager's call too. Please start the "
                "recovery procedure.",
            }
        )
        action = wizard.with_context(receivable_handoff_defer_dossier=True).action_hand_over()
        handoff = self.env["receivable.handoff"].browse(action["res_id"])
        handoff.user_id = claire
        self._receivable_demo_name(handoff, "demo_handoff_batisud")
