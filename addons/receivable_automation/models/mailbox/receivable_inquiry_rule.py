import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .mailbox_text import strip_accents

INQUIRY_KINDS = [
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute"),
    ("paid", "Payment Announced"),
    ("question", "Question"),
    ("out_of_office", "Out of Office"),
    ("bounce", "Bounce"),
    ("other", "Other"),
]


class ReceivableInquiryRule(models.Model):
    """A local rule that classifies incoming e-mails of the receivables mailbox: the first
    active rule, by sequence, whose regular expression is found in the e-mail gives its class."""

    _name = "receivable.inquiry.rule"
    _description = "Mailbox Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=100)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: every company.")
    kind = fields.Selection(INQUIRY_KINDS, "Class", required=True)
    language = fields.Selection(
        [("fr", "French"), ("en", "English"), ("any", "Any")],
        required=True,
        default="any",
        help="The rule applies to e-mails written in this language (or when it is unclear).",
    )
    where = fields.Selection(
        [
            ("subject", "Subject"),
            ("body", "Body"),
            ("both", "Subject and Body"),
            ("headers", "Headers"),
        ],
        "Look In",
        required=True,
        default="both",
        help="Headers are read as lines 'name: value' (Auto-Submitted, Precedence, "
        "Content-Type, From...).",
    )
    pattern = fields.Char(
        "Regular Expression",
        required=True,
        help="Python regular expression, found anywhere in the text; case and accents do "
        "not matter.",
    )
    example_ids = fields.One2many(
        "receivable.inquiry.example", "rule_id", "Corrections", readonly=True
    )
    example_count = fields.Integer(compute="_compute_example_count")

    @api.depends("example_ids")
    def _compute_example_count(self):
        for rule in self:
            rule.example_count = len(rule.example_ids)

    @api.constrains("pattern")
    def _check_pattern(self):
        for rule in self:
            try:
                rule._get_regex()
            except re.error as error:
                raise ValidationError(
                    _(
                        "The regular expression of the rule %(rule)s is not valid: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    def _get_regex(self):
        self.ensure_one()
        return re.compile(strip_accents(self.pattern), re.IGNORECASE | re.MULTILINE)

    def _get_text(self, texts):
        """The part of the e-mail the rule looks in: ``texts`` has subject, body, headers."""
        self.ensure_one()
        if self.where == "both":
            return f"{texts['subject']}\n{texts['body']}"
        return texts[self.where]

    def _matches(self, texts, language):
        self.ensure_one()
        if self.language != "any" and language and self.language != language:
            return False
        return bool(self._get_regex().search(self._get_text(texts)))

    @api.model
    def _find_rule(self, texts, language, company):
        """The first rule of ``company`` (or of every company) that matches."""
        rules = self.search(["|", ("company_id", "=", False), ("company_id", "=", company.id)])
        return next((rule for rule in rules if rule._matches(texts, language)), self.browse())
