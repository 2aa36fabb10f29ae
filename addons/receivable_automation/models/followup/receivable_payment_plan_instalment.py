from odoo import api, fields, models


class ReceivablePaymentPlanInstalment(models.Model):
    _name = "receivable.payment.plan.instalment"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, sequence, id"

    plan_id = fields.Many2one(
        "receivable.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(related="plan_id.partner_id")
    sequence = fields.Integer(default=10)
    date = fields.Date("Due Date", required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    amount_paid = fields.Monetary("Paid", currency_field="currency_id", readonly=True)
    amount_residual = fields.Monetary(
        "Left to Pay", compute="_compute_amount_residual", currency_field="currency_id"
    )
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("late", "Late")],
        default="pending",
        required=True,
        readonly=True,
    )
    last_reminder_date = fields.Date(readonly=True)

    @api.depends("amount", "amount_paid")
    def _compute_amount_residual(self):
        for instalment in self:
            instalment.amount_residual = instalment.amount - instalment.amount_paid

    def _send_reminder(self, date):
        """E-mail the debtor's dunning contacts about each instalment, logged on its plan, in
        the language given by the template (the template is on the instalment, the message on
        its plan: rendered here rather than by ``message_post_with_source``)."""
        template = self.env.ref("receivable_automation.mail_template_payment_plan_instalment")
        # in each record's language, as the template's ``lang`` says
        rendered = template._generate_template(
            self.ids, ("subject", "body_html", "email_from", "lang")
        )
        for instalment in self:
            plan = instalment.plan_id
            values = rendered[instalment.id]
            plan.message_post(
                body=values["body_html"],
                subject=values["subject"],
                email_from=values["email_from"],
                force_email_lang=values["lang"],
                partner_ids=plan.partner_id._get_dunning_contacts().ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            instalment.last_reminder_date = date
