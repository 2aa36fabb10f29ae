import threading
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

DUE = date(2026, 1, 1)  # due date of the test invoices unless told otherwise


class ReceivableCommon(AccountTestInvoicingCommon, MockEmail, MockSMS):
    """A company with a three-level policy, a salesperson, a collector and debtors.

    Levels: 10 days after due, e-mail; 25 days, e-mail + SMS with the salesperson in copy;
    40 days, formal notice to validate (e-mail, letter, post) with a call for the collector.
    """

    @classmethod
    def get_default_groups(cls):
        # The test user (a Billing Administrator) also configures dunning: being one does not
        # make a Credit Manager.
        return super().get_default_groups() | cls.env.ref(
            "receivable_automation.group_receivable_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write({"email": "credit@company.example.com", "street": "1 Main St"})
        cls.currency = cls.company.currency_id
        cls.salesperson = new_test_user(
            cls.env,
            login="ra_salesperson",
            name="Sally Sales",
            email="sally@company.example.com",
            groups="base.group_user",
            notification_type="email",
            company_id=cls.company.id,
        )
        cls.collector = new_test_user(
            cls.env,
            login="ra_collector",
            name="Colin Collector",
            email="colin@company.example.com",
            groups="receivable_automation.group_receivable_user",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="ra_manager",
            name="Mona Manager",
            email="mona@company.example.com",
            groups="receivable_automation.group_receivable_manager",
            company_id=cls.company.id,
        )
        cls.policy = cls.env["receivable.dunning.policy"].create(
            {
                "name": "Standard",
                "company_id": cls.company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": "First reminder",
                            "days": 10,
                            "mail_template_id": cls.env.ref(
                                "receivable_automation.mail_template_first"
                            ).id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Second reminder",
                            "days": 25,
                            "mail_template_id": cls.env.ref(
                                "receivable_automation.mail_template_second"
                            ).id,
                            "send_sms": True,
                            "sms_template_id": cls.env.ref(
                                "receivable_automation.sms_template_reminder"
                            ).id,
                            "copy_salesperson": True,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Formal notice",
                            "days": 40,
                            "validation_mode": "manual",
                            "mail_template_id": cls.env.ref(
                                "receivable_automation.mail_template_formal_notice"
                            ).id,
                            "send_letter": True,
                            "send_post": True,
                            "activity_type_id": cls.env.ref(
                                "receivable_automation.mail_activity_type_dunning_call"
                            ).id,
                            "activity_assignee": "collector",
                        }
                    ),
                ],
            }
        )
        cls.level_1, cls.level_2, cls.level_3 = cls.policy._get_sorted_levels()
        cls.company.receivable_policy_id = cls.policy

        cls.debtor = cls.env["res.partner"].create(
            {
                "name": "Agrolait",
                "is_company": True,
                "email": "info@agrolait.example.com",
                "street": "69 rue de Namur",
                "city": "Wavre",
                "zip": "1300",
                "country_id": cls.env.ref("base.be").id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.debtor.with_company(cls.company).receivable_collector_id = cls.collector
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ann Accountant",
                "parent_id": cls.debtor.id,
                "email": "ann@agrolait.example.com",
                "mobile": "+32 470 12 34 56",
                "receivable_dunning_contact": True,
            }
        )
        cls.other_debtor = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True, "email": "other@example.com"}
        )
        # the company takes payments online, as the reminders' "Pay online" links promise
        cls.payment_provider = cls._enable_online_payment(cls.company)

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    @classmethod
    def _enable_online_payment(cls, company):
        """A payment provider in test mode, published, for the company's customers: a
        provider without implementation (enough for the portal to offer its payment form)."""
        method = cls.env.ref("payment.payment_method_unknown")
        provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.active = True  # once a provider of it is enabled
        return provider

    @classmethod
    def _invoice(cls, partner, amount, due=DUE, company=None, post=True, currency=None):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    **({"currency_id": currency.id} if currency else {}),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, when=DUE):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": when})._create_payments()

    def _create_debtors(self, count, prefix="Debtor"):
        return self.env["res.partner"].create(
            [
                {"name": f"{prefix} {i}", "email": f"{prefix.lower()}{i}@example.com"}
                for i in range(count)
            ]
        )

    def _run(self, when, company=None, preview=False):
        run = self.env["receivable.dunning.run"].create(
            {"date": when, "company_id": (company or self.company).id}
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            if preview:
                run.action_preview()
            else:
                run.action_run()
        return run

    def _mails_to(self, partner):
        """Queued e-mails of which this partner is a recipient."""
        return self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])

    def _reminders(self, partner=None, **domain):
        search_domain = [("company_id", "=", self.company.id), ("state", "!=", "preview")]
        if partner:
            search_domain.append(("partner_id", "=", partner.id))
        search_domain += [(key, "=", value) for key, value in domain.items()]
        return self.env["receivable.dunning.action"].search(search_domain)

    @contextmanager
    def _count_queries(self):
        """Yields a dict whose "count" holds the SQL queries run in the block."""
        result = {}
        self.env.flush_all()
        start = self.cr.sql_log_count
        yield result
        self.env.flush_all()
        result["count"] = self.cr.sql_log_count - start

    def _active_plan(self, invoices, partner=None, user=None, **values):
        """An approved and started payment plan over ``invoices``: three monthly instalments
        from 1 February 2026 unless ``values`` say otherwise."""
        plan = (
            self.env["receivable.payment.plan"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": (partner or self.debtor).id,
                    "move_ids": [Command.set(invoices.ids)],
                    "instalment_count": 3,
                    "interval_number": 1,
                    "interval_type": "months",
                    "first_date": date(2026, 2, 1),
                    **values,
                }
            )
        )
        plan.action_compute_instalments()
        plan.action_approve()
        plan.action_activate()
        return plan


def setup_committed_company(registry, debtor_count):
    """A company of its own with a one-level policy (batches of 2) and ``debtor_count``
    debtors with one invoice due 2026-01-01 each, COMMITTED: for tests of concurrent workers,
    whose cursors are real ones (the data outlives the test, hence a unique company name).
    Returns (company id, debtor ids)."""
    # pylint: disable=invalid-commit
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # committed data outlives the test: a company of its own, with a unique name
        company = env["res.company"].create({"name": f"Concurrency Test {uuid.uuid4().hex[:8]}"})
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        env = env(context={"allowed_company_ids": [company.id]})
        template = env.ref("receivable_automation.mail_template_first")
        policy = env["receivable.dunning.policy"].create(
            {
                "name": "Concurrency",
                "company_id": company.id,
                "level_ids": [
                    Command.create({"name": "First", "days": 10, "mail_template_id": template.id})
                ],
            }
        )
        company.write(
            {
                "receivable_policy_id": policy.id,
                "receivable_batch_size": 2,
                "email": "credit@concurrency.example.com",
            }
        )
        debtors = env["res.partner"].create(
            [
                {"name": f"Parallel {i}", "email": f"parallel{i}@example.com"}
                for i in range(debtor_count)
            ]
        )
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": date(2025, 12, 1),
                    "invoice_date_due": date(2026, 1, 1),
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": 100, "tax_ids": []})
                    ],
                }
                for debtor in debtors
            ]
        )
        moves.action_post()
        cr.commit()
        return company.id, debtors.ids


def run_concurrently(target, count):
    """Runs ``target()`` in ``count`` threads at once; returns the exceptions they raised."""
    errors = []

    def guarded():
        try:
            target()
        except Exception as error:  # reported to the test
            errors.append(error)

    threads = [threading.Thread(target=guarded) for _i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def assert_each_debtor_reminded_once(test, env, company_id, debtor_ids):
    """Committed data of concurrent workers: one sent reminder and one e-mail per debtor."""
    reminders = env["receivable.dunning.action"].search(
        [("company_id", "=", company_id), ("state", "!=", "preview")]
    )
    test.assertEqual(len(reminders), len(debtor_ids), "one reminder per debtor")
    test.assertEqual(set(reminders.mapped("state")), {"sent"})
    for debtor_id in debtor_ids:
        mails = env["mail.mail"].search([("recipient_ids", "in", [debtor_id])])
        test.assertEqual(len(mails), 1, "each debtor e-mailed exactly once")
    return reminders
