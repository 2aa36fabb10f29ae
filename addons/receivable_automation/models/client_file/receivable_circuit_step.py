from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

STEP_KINDS = [
    ("collect", "Collect Documents"),
    ("approve", "Approve"),
    ("esign", "Electronic Signature"),
    ("send_invoices", "Send Invoices"),
    ("archive", "Archive"),
    ("notify", "Notify"),
]
VERIFIER_TYPES = [
    ("user", "A User"),
    ("group", "A Group"),
    ("salesperson_manager", "The Salesperson's Manager"),
]


class ReceivableCircuitStep(models.Model):
    """A step of an approval circuit: what it needs, who verifies it, by when, and what
    happens when it is approved or rejected."""

    _name = "receivable.circuit.step"
    _description = "Approval Circuit Step"
    _order = "circuit_id, sequence, id"
    _check_company_auto = True

    circuit_id = fields.Many2one(
        "receivable.circuit", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="circuit_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        STEP_KINDS,
        required=True,
        default="collect",
        help="Collect documents: the customer or a colleague adds them, the verifier approves "
        "each one.\nApprove: the verifier approves the documents it needs, or the step itself "
        "when it needs none.\nElectronic signature: the contract goes to the customer's "
        "decision-maker, then to the verifier, who sign with a code sent by SMS.\nSend "
        "invoices: the verifier sends the customer's invoices, then approves the step.\n"
        "Archive: the file's approved documents are archived, then the step ends by itself.\n"
        "Notify: the message below goes to its recipients, then the step ends by itself.",
    )
    document_type_ids = fields.Many2many(
        "receivable.document.type",
        string="Documents Needed",
        check_company=True,
        help="Each of them must be added and approved for the step to be approved.",
    )
    verifier_type = fields.Selection(VERIFIER_TYPES, required=True, default="user")
    verifier_user_id = fields.Many2one(
        "res.users",
        "Verifier",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    verifier_group_id = fields.Many2one(
        "res.groups",
        "Verifier Group",
        help="Any member of the group may approve; the deadline activity goes to its first "
        "member in the file's company.",
    )
    deadline_days = fields.Integer(
        "Deadline (Business Days)",
        default=5,
        help="Business days (Monday to Friday) from the start of the step; 0 for no deadline.",
    )
    # on approval
    approval_user_ids = fields.Many2many(
        "res.users",
        "receivable_circuit_step_approval_user_rel",
        "step_id",
        "user_id",
        string="Notify on Approval",
        domain="[('share', '=', False)]",
        help="These colleagues receive the message below when the step is approved; for a "
        "Notify step, when it is reached.",
    )
    approval_message = fields.Text(
        "Message on Approval",
        translate=True,
        help="Posted on the file for the colleagues above, e.g. 'The customer's documents are "
        "complete: you can prepare the contract.'",
    )
    approval_category_id = fields.Many2one(
        "receivable.category",
        "Set Category on Approval",
        domain="[('dunning_effect', '!=', 'pause_until_date')]",
        help="Set on the customer's open invoices when the step is approved.",
    )
    approval_hold = fields.Boolean(
        "Hold Reminders Until Done",
        help="From the approval of this step until the file is done or cancelled, no reminder "
        "goes to the customer.",
    )
    # on rejection
    rejection_step_id = fields.Many2one(
        "receivable.circuit.step",
        "Back To Step",
        domain="[('circuit_id', '=', circuit_id), ('sequence', '<=', sequence)]",
        help="Where the file goes back when this step is rejected; empty: this step again.",
    )
    rejection_template_id = fields.Many2one(
        "mail.template",
        "Message to the Customer on Rejection",
        domain="[('model', '=', 'receivable.client.file')]",
    )
    start_template_id = fields.Many2one(
        "mail.template",
        "Message to the Customer on Start",
        domain="[('model', '=', 'receivable.client.file')]",
        help="Sent to the customer when the step starts, e.g. the list of documents to send.",
    )

    @api.constrains("verifier_type", "verifier_user_id", "verifier_group_id", "kind")
    def _check_verifier(self):
        for step in self:
            if step.verifier_type == "user" and not step.verifier_user_id:
                raise ValidationError(_("Choose the user who verifies step %s.", step.name))
            if step.verifier_type == "group" and not step.verifier_group_id:
                raise ValidationError(_("Choose the group that verifies step %s.", step.name))

    @api.constrains("deadline_days")
    def _check_deadline_days(self):
        for step in self:
            if step.deadline_days < 0:
                raise ValidationError(_("The deadline of step %s cannot be negative.", step.name))

    @api.constrains("rejection_step_id", "circuit_id")
    def _check_rejection_step(self):
        for step in self.filtered("rejection_step_id"):
            if step.rejection_step_id.circuit_id != step.circuit_id:
                raise ValidationError(
                    _("Step %s can only go back to a step of its own circuit.", step.name)
                )

    @api.onchange("verifier_type")
    def _onchange_verifier_type(self):
        if self.verifier_type != "user":
            self.verifier_user_id = False
        if self.verifier_type != "group":
            self.verifier_group_id = False
