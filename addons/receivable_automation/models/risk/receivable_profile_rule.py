from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ReceivableProfileRule(models.Model):
    """Gives a debtor profile to the debtors whose payment score falls in a range: the first
    rule (by sequence) whose range holds the score applies, nightly after scoring, to the
    debtors whose profile is automatic."""

    _name = "receivable.profile.rule"
    _description = "Debtor Profile Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    score_from = fields.Integer(default=0, required=True)
    score_to = fields.Integer(default=100, required=True, help="Included.")
    profile_id = fields.Many2one(
        "receivable.debtor.profile",
        required=True,
        ondelete="cascade",
        check_company=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )

    @api.depends("score_from", "score_to", "profile_id")
    def _compute_name(self):
        for rule in self:
            rule.name = _(
                "score %(score_from)s to %(score_to)s: %(profile)s",
                score_from=rule.score_from,
                score_to=rule.score_to,
                profile=rule.profile_id.name or "",
            )

    @api.constrains("score_from", "score_to")
    def _check_range(self):
        for rule in self:
            if not 0 <= rule.score_from <= rule.score_to <= 100:
                raise ValidationError(
                    _(
                        "A profile rule needs 0 <= Score From <= Score To <= 100 "
                        "(here %(score_from)s to %(score_to)s).",
                        score_from=rule.score_from,
                        score_to=rule.score_to,
                    )
                )

    def _match(self, score):
        """The first of these rules whose range holds ``score``."""
        return next(
            (rule for rule in self if rule.score_from <= score <= rule.score_to), self.browse()
        )

    @api.model
    def _apply_rules(self, scores):
        """Give the profile of the matching rule to the debtors of ``scores`` whose profile is
        automatic, and note each change on the debtor. No matching rule: no change."""
        if not scores:
            return
        company = scores.company_id
        rules = self.search([("company_id", "=", company.id)])
        if not rules:
            return
        changes = {}
        for score in scores.filtered("partner_id.receivable_profile_auto"):
            rule = rules._match(score.score)
            if rule and score.partner_id.receivable_profile_id != rule.profile_id:
                changes.setdefault(rule, []).append(score)
        for rule, rule_scores in changes.items():
            self._change_profiles(rule, rule_scores)

    def _change_profiles(self, rule, scores):
        partners = self.env["res.partner"].browse([score.partner_id.id for score in scores])
        previous = {partner: partner.receivable_profile_id for partner in partners}
        partners.with_context(receivable_profile_rule=True).write(
            {"receivable_profile_id": rule.profile_id.id}
        )
        for score in scores:
            partner = score.partner_id
            partner.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "Debtor profile changed from %(old)s to %(new)s: payment score %(score)s "
                    "(rule: %(rule)s).",
                    old=previous[partner].name or _("none"),
                    new=rule.profile_id.name,
                    score=score.score,
                    rule=rule.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
