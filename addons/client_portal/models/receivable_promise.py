from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

INVOICE_ORDER = "invoice_date_due asc, id asc"


def get_portal_responsible(debtor, company):
    """Who handles in the back office what a customer did on its statement: the debtor's
    collector, else its salesperson; may be no one."""
    return debtor._get_receivable_responsible(company)


def post_portal_note(records, body):
    """Log ``body`` on ``records`` as written by the customer: the logged-in contact, or the
    debtor itself for whoever came with the statement's link."""
    user = records.env.user
    for record in records:
        author = user.partner_id
        if user._is_public():
            author = record.partner_id if record._name != "res.partner" else record
        record.message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )


def _get_open_invoices_domain(debtor, company, excluded):
    """The debtor's open invoices in ``company``, but ``excluded`` (as the engine's promises
    and plans take them)."""
    return [
        ("commercial_partner_id", "=", debtor.id),
        ("company_id", "=", company.id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "not in", ("paid", "in_payment", "reversed")),
        ("id", "not in", excluded.ids),
    ]


class ReceivablePromise(models.Model):
    _inherit = "receivable.promise"

    # ------------------------------------------------------------------------------------------
    # The portal: a promise the customer makes on its statement, within the company's rules.
    # Called in sudo by the portal's controller, on the debtor and company it resolved.
    # ------------------------------------------------------------------------------------------

    @api.model
    def _portal_get_invoices_domain(self, debtor, company):
        """The debtor's open invoices that its customer may promise to pay: not promised
        already, not in a payment plan under way."""
        promised = self.search(
            [
                ("partner_id", "=", debtor.id),
                ("company_id", "=", company.id),
                ("state", "=", "open"),
            ]
        ).move_ids
        planned = self.env["receivable.payment.plan"]._portal_get_live_plans(debtor, company)
        return _get_open_invoices_domain(debtor, company, promised | planned.move_ids)

    @api.model
    def _portal_get_invoices(self, debtor, company):
        """Those invoices, oldest due first."""
        return self.env["account.move"].search(
            self._portal_get_invoices_domain(debtor, company), order=INVOICE_ORDER
        )

    @api.model
    def _portal_get_amount_due(self, moves):
        """What is left to pay on ``moves`` and not disputed, in the company's currency."""
        return sum(moves.mapped("amount_residual_signed")) - moves._receivable_get_held_amount()

    @api.model
    def _portal_get_rules(self, company):
        today = fields.Date.context_today(self)
        return {
            "date_min": today,
            "date_max": today + timedelta(days=company.receivable_portal_promise_days),
            "min_percent": company.receivable_portal_promise_min_percent,
        }

    @api.model
    def _portal_get_bounds(self, company, moves):
        """(smallest, largest) amount that may be promised on ``moves``."""
        currency = company.currency_id
        due = currency.round(self._portal_get_amount_due(moves))
        minimum = currency.round(due * self._portal_get_rules(company)["min_percent"] / 100)
        return max(minimum, currency.rounding), due

    @api.model
    def _portal_check_still_open(self, moves, invoices):
        """The invoices picked that the action no longer takes (paid, promised or in a plan
        since the page was shown): a message, not an error page."""
        gone = moves - invoices
        if gone:
            raise UserError(
                _(
                    "%s can no longer be chosen: it is paid, already promised or in a payment "
                    "plan. Please check your choice.",
                    ", ".join(gone.mapped("name")),
                )
            )

    @api.model
    def _portal_check_promise(self, company, moves, amount, date, debtor):
        """Raise a ``UserError`` telling the customer which rule the promise breaks."""
        currency = company.currency_id
        rules = self._portal_get_rules(company)
        if not moves:
            raise UserError(_("Choose the invoices you promise to pay."))
        self._portal_check_still_open(moves, self._portal_get_invoices(debtor, company))
        minimum, due = self._portal_get_bounds(company, moves)
        if currency.compare_amounts(due, 0) <= 0:
            raise UserError(_("Nothing is left to pay on these invoices."))
        if not date or not rules["date_min"] <= date <= rules["date_max"]:
            raise UserError(
                _(
                    "Choose a date between %(first)s and %(last)s.",
                    first=format_date(self.env, rules["date_min"]),
                    last=format_date(self.env, rules["date_max"]),
                )
            )
        if (
            amount is None
            or currency.compare_amounts(amount, minimum) < 0
            or currency.compare_amounts(amount, due) > 0
        ):
            raise UserError(
                _(
                    "Promise an amount between %(minimum)s (%(percent)s%% of what is due) and "
                    "%(due)s.",
                    minimum=currency.format(minimum),
                    percent=format(rules["min_percent"], "g"),
                    due=currency.format(due),
                )
            )

    @api.model
    def _portal_create_promise(self, debtor, company, moves, amount, date, link=None):
        """The promise the customer made: it holds the reminders of ``moves`` until ``date``
        (and the grace days), the debtor's chatter says so and its collector gets an
        activity."""
        self._portal_check_promise(company, moves, amount, date, debtor)
        responsible = get_portal_responsible(debtor, company)
        promise = (
            self.with_company(company)
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "partner_id": debtor.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount": company.currency_id.round(amount),
                    "date": date,
                    "grace_days": company.receivable_promise_grace_days,
                    "source": "portal",
                    # no one of the company noted it: its handler answers for it
                    "user_id": (responsible or self.env.ref("base.user_root")).id,
                }
            )
        )
        summary = _(
            "Promise to pay made on the portal: %(amount)s by %(date)s for %(invoices)s.",
            amount=company.currency_id.format(promise.amount),
            date=format_date(self.env, date),
            invoices=", ".join(moves.mapped("name")),
        )
        post_portal_note(debtor, summary)
        post_portal_note(promise, summary)
        if responsible:
            promise.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Promise to pay made on the portal"),
                note=summary,
                user_id=responsible.id,
            )
        self.env["receivable.portal.event"]._record(
            debtor, company, "promise", link=link, record=promise, amount=promise.amount
        )
        return promise
