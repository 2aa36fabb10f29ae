from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..followup.receivable_state_mixin import USER_GROUP
from .receivable_partner_score import BANDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    receivable_score_id = fields.Many2one(
        "receivable.partner.score",
        "Payment Score Record",
        compute="_compute_receivable_score_id",
        groups="base.group_user",
    )
    receivable_score = fields.Integer(
        "Payment Score",
        compute="_compute_receivable_score_id",
        help="0 to 100, computed nightly from how the debtor paid in the last 12 months.",
        groups="base.group_user",
    )
    receivable_score_band = fields.Selection(
        BANDS, "Score Band", compute="_compute_receivable_score_id", groups="base.group_user"
    )
    receivable_score_date = fields.Date(
        "Score Computed On", compute="_compute_receivable_score_id", groups="base.group_user"
    )
    receivable_score_factor_ids = fields.One2many(
        "receivable.partner.score.factor",
        string="Score Factors",
        compute="_compute_receivable_score_id",
        groups="base.group_user",
    )
    receivable_profile_auto = fields.Boolean(
        "Automatic Profile",
        default=True,
        tracking=True,
        help="The profile rules set the debtor's profile from its payment score. Choosing a "
        "profile by hand turns this off.",
        groups="base.group_user",
    )
    receivable_credit_review_date = fields.Date(
        "Credit Limit Review",
        company_dependent=True,
        tracking=True,
        help="On this date the debtor's collector gets an activity to review its credit limit.",
        groups="base.group_user",
    )

    @api.depends_context("company")
    def _compute_receivable_score_id(self):
        scores = self.env["receivable.partner.score"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {score.partner_id: score for score in scores}
        for partner in self:
            score = by_partner.get(partner.commercial_partner_id, scores.browse())
            partner.receivable_score_id = score
            partner.receivable_score = score.score
            partner.receivable_score_band = score.band
            partner.receivable_score_date = score.date
            partner.receivable_score_factor_ids = score.factor_ids

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._receivable_profile_set_by_hand(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._receivable_profile_set_by_hand(vals)
        return super().write(vals)

    def _receivable_profile_set_by_hand(self, vals):
        """A profile chosen by hand stays: the rules no longer change it."""
        if (
            vals.get("receivable_profile_id")
            and "receivable_profile_auto" not in vals
            and not self.env.context.get("receivable_profile_rule")
        ):
            vals["receivable_profile_auto"] = False

    def action_receivable_compute_score(self):
        """Recompute the payment score of these debtors now, and apply the profile rules."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only credit controllers can recompute payment scores."))
        company = self.env.company
        scores = self.env["receivable.partner.score"]._compute_scores(
            company, self.commercial_partner_id
        )
        self.env["receivable.profile.rule"]._apply_rules(scores)
        return True

    def _get_receivable_exposure(self, company, amount=0.0, exclude_amount=0.0):
        """What the commercial entity of this partner owes or will owe ``company``, in the
        company's currency: its open receivable (all its contacts included), what its confirmed
        orders still have to invoice (with Sales), minus ``exclude_amount`` (already counted in
        those orders), plus ``amount`` (the document being validated)."""
        self.ensure_one()
        # the receivable balance and what is left to invoice are accounting figures: the credit
        # check needs them whoever validates the document (as Odoo's own credit warning does)
        debtor = self.commercial_partner_id.with_company(company).sudo()
        entity = debtor.with_context(active_test=False).search([("id", "child_of", debtor.id)])
        # computed without dependencies: what an earlier step of the transaction posted counts
        entity.invalidate_recordset(["credit", "credit_to_invoice"])
        to_invoice = sum(entity.mapped("credit_to_invoice"))
        return debtor.credit + to_invoice - exclude_amount + amount

    def _get_receivable_credit_limit(self, company):
        """The credit limit of this partner's commercial entity in ``company`` (0: none)."""
        # see _get_receivable_exposure
        return self.commercial_partner_id.with_company(company).sudo().credit_limit

    def _log_receivable_credit_override(self, record, exposure, limit, reason):
        """Note on ``record`` and on the debtor that a credit manager validated ``record`` above
        the credit limit."""
        company = record.company_id
        body = _(
            "%(user)s validated %(document)s above the credit limit on %(when)s: exposure "
            "%(exposure)s, limit %(limit)s. Reason: %(reason)s",
            user=self.env.user.name,
            document=record.display_name,
            when=fields.Datetime.to_string(fields.Datetime.now()),
            exposure=company.currency_id.format(exposure),
            limit=company.currency_id.format(limit),
            reason=reason,
        )
        record.message_post(body=body, subtype_xmlid="mail.mt_note")
        self.commercial_partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    @api.model
    def _cron_receivable_credit_review(self):
        """An activity for the collector of each debtor whose credit limit review date has
        come, once."""
        activity_type = self.env.ref("receivable_automation.mail_activity_type_credit_review")
        today = fields.Date.context_today(self)
        for company in self.env.user.company_ids:
            partners = self.with_company(company).search(
                [("receivable_credit_review_date", "<=", today)]
            )
            planned = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            for partner in partners.browse(set(partners.ids) - set(planned.mapped("res_id"))):
                partner._schedule_receivable_credit_review(company, activity_type)

    def _schedule_receivable_credit_review(self, company, activity_type):
        self.ensure_one()
        responsible = self._get_receivable_responsible(company)
        self.activity_schedule(
            activity_type_id=activity_type.id,
            summary=_("Review the credit limit"),
            note=_(
                "Credit limit review date reached in %(company)s (limit %(limit)s).",
                company=company.name,
                limit=company.currency_id.format(self._get_receivable_credit_limit(company)),
            ),
            user_id=(responsible or self.env.user).id,
        )
