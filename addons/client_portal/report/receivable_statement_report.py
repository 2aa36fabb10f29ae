from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# a statement's account activity covers at most this many days (a few years)
MAX_ACTIVITY_DAYS = 5 * 366


class ReceivableStatementReport(models.AbstractModel):
    """The account statement as a PDF: open items with their age, and the account's activity
    between two dates with its opening and closing balances."""

    _name = "report.client_portal.report_receivable_statement"
    _description = "Account Statement (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self.env["res.company"].browse(data.get("company_id")).exists() or (
            self.env.company
        )
        debtors = self.env["res.partner"].browse(docids).commercial_partner_id
        date_from, date_to = self._parse_period(data.get("date_from"), data.get("date_to"))
        return {
            "doc_ids": debtors.ids,
            "doc_model": "res.partner",
            "docs": debtors,
            "company": company,
            "today": fields.Date.context_today(self),
            "date_from": date_from,
            "date_to": date_to,
            "statements": {
                debtor.id: self._get_statement(debtor, company, date_from, date_to)
                for debtor in debtors
            },
        }

    @api.model
    def _parse_period(self, date_from, date_to):
        """(date_from, date_to) of the activity, or (None, None) for open items only."""
        if not date_from and not date_to:
            return None, None
        try:
            date_from = fields.Date.to_date(date_from) or date(1900, 1, 1)
            date_to = fields.Date.to_date(date_to) or fields.Date.context_today(self)
        except ValueError as error:
            raise UserError(_("Dates are written YYYY-MM-DD.")) from error
        if date_from > date_to:
            raise UserError(_("The period starts after it ends."))
        if (date_to - date_from).days > MAX_ACTIVITY_DAYS:
            raise UserError(_("A statement covers at most five years of activity."))
        return date_from, date_to

    def _get_statement(self, debtor, company, date_from, date_to):
        MoveLine = self.env["account.move.line"]
        base = [
            ("partner_id", "child_of", debtor.id),
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
        ]
        statement = {
            "summary": debtor._receivable_statement_summary(company),
            "open_items": MoveLine.search(
                [*base, ("reconciled", "=", False), ("amount_residual", "!=", 0)],
                order="date_maturity, id",
            ),
        }
        if date_from:
            opening = MoveLine._read_group(
                [*base, ("date", "<", date_from)], aggregates=["balance:sum"]
            )[0][0]
            lines = MoveLine.search(
                [*base, ("date", ">=", date_from), ("date", "<=", date_to)], order="date, id"
            )
            running, activity = opening, []
            for line in lines:
                running += line.balance
                activity.append((line, running))
            statement.update(opening=opening, activity=activity, closing=running)
        return statement
