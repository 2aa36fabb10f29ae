from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ACTIVITY_ASSIGNEES = [
    ("salesperson", "Salesperson"),
    ("collector", "Collector"),
    ("user", "Specific User"),
]


class ReceivableDunningLevel(models.Model):
    """One step of a dunning policy: when it is due, how it is sent, what a person must do."""

    _name = "receivable.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one(
        "receivable.dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    days = fields.Integer(
        "Days From Due Date",
        required=True,
        help="Days after the due date when this level is reached; negative for a courtesy "
        "reminder before the due date. Between two levels, at least the difference of their "
        "days must have passed since the previous reminder.",
    )
    min_overdue_amount = fields.Monetary(
        "Minimum Amount",
        currency_field="currency_id",
        help="Below this total (in the company's currency), the debtor is not reminded at "
        "this level.",
    )
    validation_mode = fields.Selection(
        [("auto", "Send Automatically"), ("manual", "To Validate")],
        required=True,
        default="auto",
        help="To Validate: the run prepares the reminder and a collector validates it.",
    )
    # Channels
    send_email = fields.Boolean("E-mail", default=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        "E-mail Template",
        domain=[("model", "=", "receivable.dunning.action")],
    )
    send_sms = fields.Boolean("SMS")
    sms_template_id = fields.Many2one(
        "sms.template",
        "SMS Template",
        domain=[("model", "=", "receivable.dunning.action")],
    )
    send_letter = fields.Boolean(
        "Letter", help="A PDF letter is prepared, to print from the reminders list."
    )
    send_post = fields.Boolean("Post", help="The letter is posted through Odoo's snailmail.")
    letter_text = fields.Html(
        translate=True,
        sanitize_attributes=False,
        help="Text of the letter, above the list of invoices.",
    )
    copy_salesperson = fields.Boolean(
        "Copy to Salesperson",
        help="The debtor's salesperson receives a copy of the e-mail.",
    )
    handoff_partner_id = fields.Many2one(
        "res.partner",
        "Hand Over To",
        help="At this level the debtor's file is handed to this lawyer or collection agency: "
        "dunning stops and they receive the whole dossier.",
    )
    # Activity for a person
    activity_type_id = fields.Many2one("mail.activity.type", "Activity")
    activity_summary = fields.Char(translate=True)
    activity_assignee = fields.Selection(
        ACTIVITY_ASSIGNEES, "Assign To", default="salesperson", required=True
    )
    activity_user_id = fields.Many2one("res.users", "Activity User")
    activity_delay_days = fields.Integer("Activity Due In (days)", default=0)

    _sql_constraints = [
        (
            "days_policy_uniq",
            "unique(policy_id, days)",
            "Two levels of a policy cannot be reached on the same day.",
        ),
        (
            "min_overdue_amount_positive",
            "CHECK(min_overdue_amount >= 0)",
            "The minimum amount of a level cannot be negative.",
        ),
    ]

    @api.constrains("send_email", "mail_template_id", "send_sms", "sms_template_id")
    def _check_channel_templates(self):
        for level in self:
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    _(
                        "Level “%s” sends e-mails: choose its e-mail template.",
                        level.name,
                    )
                )
            if level.send_sms and not level.sms_template_id:
                raise ValidationError(
                    _("Level “%s” sends SMS: choose its SMS template.", level.name)
                )

    @api.constrains("activity_type_id", "activity_assignee", "activity_user_id")
    def _check_activity_user(self):
        for level in self:
            if (
                level.activity_type_id
                and level.activity_assignee == "user"
                and not level.activity_user_id
            ):
                raise ValidationError(
                    _(
                        "Level “%s” assigns its activity to a user: choose the user.",
                        level.name,
                    )
                )

    def _get_channel_labels(self):
        self.ensure_one()
        field_names = ("send_email", "send_sms", "send_letter", "send_post")
        return [
            self._fields[name].get_description(self.env)["string"]
            for name in field_names
            if self[name]
        ]
