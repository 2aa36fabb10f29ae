from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ReceivableInterestRate(models.Model):
    """Reference rates per half-year for late-payment interest (France / EU, B2B): the ECB
    refinancing rate of the half-year plus the company's margin (10 points by law), and never
    less than three times the legal interest rate."""

    _name = "receivable.interest.rate"
    _description = "Late-Payment Reference Rate"
    _order = "date_from desc"

    date_from = fields.Date(
        "Half-Year From", required=True, help="1 January or 1 July: the rate applies from then."
    )
    reference_rate = fields.Float("ECB Refinancing Rate (%)", digits=(16, 4), required=True)
    legal_rate = fields.Float(
        "Legal Interest Rate (%)",
        digits=(16, 4),
        help="Late-payment interest is never less than three times this rate.",
    )
    company_id = fields.Many2one("res.company", help="Leave empty for every company.")

    _sql_constraints = [
        ("date_company_uniq", "unique(date_from, company_id)", "One rate per half-year."),
    ]

    @api.constrains("date_from")
    def _check_half_year(self):
        for rate in self:
            if (rate.date_from.month, rate.date_from.day) not in ((1, 1), (7, 1)):
                raise ValidationError(_("A rate applies from 1 January or 1 July."))

    @api.model
    def _get_rates(self, company, date_to):
        """The rate table up to ``date_to``, oldest first: read once, used for many items."""
        return self.search(
            [("company_id", "in", (False, company.id)), ("date_from", "<=", date_to)],
            order="date_from",
        )

    @api.model
    def _get_interest(self, amount, date_from, date_to, company, contract_rate=0.0, rates=None):
        """Interest on ``amount`` late from ``date_from`` (excluded) to ``date_to``, period by
        period of the rate table: the contractual rate or the reference rate plus the company's
        margin, never less than three times the legal rate."""
        if amount <= 0 or date_to <= date_from:
            return 0.0
        if rates is None:
            rates = self._get_rates(company, date_to)
        interest = 0.0
        for index, rate in enumerate(rates):
            start = max(rate.date_from, date_from)
            next_start = rates[index + 1].date_from if index + 1 < len(rates) else None
            end = min(next_start, date_to) if next_start else date_to
            days = (end - start).days
            if days <= 0:
                continue
            yearly = max(
                contract_rate or rate.reference_rate + company.receivable_fee_margin,
                3 * rate.legal_rate,
            )
            interest += amount * yearly / 100 * days / self._days_in_year(start)
        return company.currency_id.round(interest)

    @api.model
    def _days_in_year(self, day):
        first = day.replace(month=1, day=1)
        return (first + relativedelta(years=1) - first).days
