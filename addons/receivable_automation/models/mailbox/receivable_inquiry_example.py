from odoo import fields, models

from .receivable_inquiry_rule import INQUIRY_KINDS


class ReceivableInquiryExample(models.Model):
    """A collector corrected the class of an e-mail: kept as an example beside the rule that
    had matched, to improve the rules."""

    _name = "receivable.inquiry.example"
    _description = "Mailbox Classification Correction"
    _order = "id desc"
    _check_company_auto = True

    inquiry_id = fields.Many2one(
        "receivable.inquiry", "Question", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="inquiry_id.company_id", store=True, index=True)
    rule_id = fields.Many2one(
        "receivable.inquiry.rule",
        "Rule That Matched",
        ondelete="set null",
        index="btree_not_null",
        context={"active_test": False},
    )
    excerpt = fields.Text(help="The text of the e-mail as the rules read it.")
    kind_from = fields.Selection(INQUIRY_KINDS, "Classified As", required=True)
    kind_to = fields.Selection(INQUIRY_KINDS, "Corrected To", required=True)
    user_id = fields.Many2one(
        "res.users", "Corrected By", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime("Corrected On", required=True, default=fields.Datetime.now)
