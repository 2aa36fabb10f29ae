import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

OPEN_FILE_STATES = ("draft", "in_progress")


class ReceivableClientFile(models.Model):
    """A customer's file going through an approval circuit: its steps, its documents, and a
    timeline (the chatter) of who added, approved or rejected what and when."""

    _name = "receivable.client.file"
    _description = "Client File"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "receivable.hold.mixin",
        "esign.mixin",
    ]
    _order = "state_sequence, date_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(
        "Purpose",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="What the file is for, e.g. 'New customer onboarding': a customer has one open "
        "file per purpose.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    circuit_id = fields.Many2one(
        "receivable.circuit",
        "Circuit",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    signatory_id = fields.Many2one(
        "res.partner",
        "Signatory",
        tracking=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The customer's decision-maker, who signs the contract: a contact with a mobile "
        "number, where the signature code is sent.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    current_step_id = fields.Many2one(
        "receivable.client.file.step",
        "Current Step",
        readonly=True,
        copy=False,
        tracking=True,
        domain="[('file_id', '=', id)]",
    )
    current_verifier_id = fields.Many2one(
        related="current_step_id.verifier_user_id", string="Verifier", store=True
    )
    date_deadline = fields.Date(
        related="current_step_id.date_deadline", string="Step Deadline", store=True
    )
    current_step_can_approve = fields.Boolean(related="current_step_id.can_approve")
    current_step_can_reject = fields.Boolean(related="current_step_id.can_reject")
    current_missing_document_type_ids = fields.Many2many(
        related="current_step_id.missing_document_type_ids", string="Missing Documents"
    )
    file_step_ids = fields.One2many("receivable.client.file.step", "file_id", "Steps", copy=False)
    document_ids = fields.One2many(
        "receivable.client.file.document", "file_id", "Documents", copy=False
    )
    document_count = fields.Integer(compute="_compute_document_count")
    hold_reminders = fields.Boolean(
        readonly=True,
        copy=False,
        help="Set by a step that holds the customer's reminders until the file is done.",
    )
    last_rejection_reason = fields.Text(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)

    @api.depends("circuit_id")
    def _compute_name(self):
        for record in self:
            if not record.name and record.circuit_id:
                record.name = record.circuit_id.name

    @api.depends("partner_id")
    def _compute_user_id(self):
        for record in self:
            record.user_id = record.partner_id.user_id or record.user_id or self.env.user

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"in_progress": 1, "draft": 2, "done": 3, "cancelled": 4}
        for record in self:
            record.state_sequence = order.get(record.state, 5)

    def _compute_document_count(self):
        counts = dict(
            self.env["receivable.client.file.document"]._read_group(
                [("file_id", "in", self.ids)], ["file_id"], ["__count"]
            )
        )
        for record in self:
            record.document_count = counts.get(record, 0)

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.constrains("partner_id", "signatory_id")
    def _check_partner(self):
        for record in self:
            if record.partner_id != record.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A client file is for the company %s itself, not one of its contacts.",
                        record.partner_id.commercial_partner_id.display_name,
                    )
                )
            signatory = record.signatory_id
            if signatory and signatory.commercial_partner_id != record.partner_id:
                raise ValidationError(
                    _(
                        "The signatory %(signatory)s is not a contact of %(customer)s.",
                        signatory=signatory.display_name,
                        customer=record.partner_id.display_name,
                    )
                )

    @api.constrains("name", "partner_id", "company_id", "state")
    def _check_one_open_file_per_purpose(self):
        open_files = self.filtered(lambda record: record.state in OPEN_FILE_STATES)
        if not open_files:
            return
        others = self.search(
            [
                ("id", "not in", open_files.ids),
                ("state", "in", OPEN_FILE_STATES),
                ("partner_id", "in", open_files.partner_id.ids),
                ("company_id", "in", open_files.company_id.ids),
            ]
        )
        seen = {}
        for record in open_files | others:
            key = (record.partner_id.id, record.company_id.id, record.name.strip().lower())
            if key in seen:
                raise ValidationError(
                    _(
                        "%(customer)s already has an open file for “%(purpose)s”: finish or "
                        "cancel it first.",
                        customer=record.partner_id.display_name,
                        purpose=record.name,
                    )
                )
            seen[key] = record

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._sync_steps()
        return records

    def write(self, vals):
        if "circuit_id" in vals and any(record.state != "draft" for record in self):
            raise UserError(_("The circuit of a started file cannot be changed."))
        result = super().write(vals)
        if "circuit_id" in vals:
            self._sync_steps()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(record.state not in ("draft", "cancelled") for record in self):
            raise UserError(_("A started client file is kept: cancel it instead."))

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_start(self):
        for record in self:
            if record.state != "draft":
                raise UserError(_("Client file %s has already been started.", record.name))
            record._check_can_start()
        for record in self:
            record.write({"state": "in_progress"})
            record.message_post(
                body=_("File started with the circuit %s.", record.circuit_id.name),
                subtype_xmlid="mail.mt_note",
            )
            record._get_sorted_steps()[:1]._start()
        return True

    def action_cancel(self):
        for record in self:
            if record.state not in OPEN_FILE_STATES:
                raise UserError(_("Only a draft or running file can be cancelled."))
        for record in self:
            record._close_step_activities()
            record._cancel_signature_requests()
            record.write({"state": "cancelled", "hold_reminders": False})
            record._hold_release()
            record.message_post(body=_("File cancelled."), subtype_xmlid="mail.mt_note")
        return True

    def action_draft(self):
        for record in self:
            if record.state != "cancelled":
                raise UserError(_("Only a cancelled file can be reset to draft."))
        self.write({"state": "draft", "current_step_id": False, "last_rejection_reason": False})
        self._sync_steps(reset=True)
        return True

    def action_add_document(self):
        self.ensure_one()
        return self.current_step_id.action_add_document()

    def action_approve_step(self):
        """The verifier approves the file's current step from the file."""
        self.ensure_one()
        self._check_current_step()
        return self.current_step_id.action_approve()

    def action_reject_step(self):
        """The verifier rejects the file's current step, with a reason, from the file."""
        self.ensure_one()
        self._check_current_step()
        return self.current_step_id.action_reject()

    def action_open_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivable_automation.receivable_client_file_document_action"
        )
        action["domain"] = [("file_id", "=", self.id)]
        action["context"] = {"default_file_id": self.id, "search_default_group_by_step": 1}
        return action

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _compute_esign_request_count(self):
        if self.env["esign.request"].has_access("read"):
            return super()._compute_esign_request_count()
        # salespeople who are not esign users see the requests on the steps only
        self.esign_request_count = 0

    def _get_sorted_steps(self):
        self.ensure_one()
        return self.file_step_ids.sorted(lambda step: (step.sequence, step.id))

    def _sync_steps(self, reset=False):
        """A draft file gets one step per step of its circuit; ``reset`` puts them back to
        pending (a cancelled file made draft again)."""
        Step = self.env["receivable.client.file.step"]
        for record in self.filtered(lambda rec: rec.state == "draft"):
            stale = record.file_step_ids.filtered(
                lambda step, record=record: step.circuit_step_id.circuit_id != record.circuit_id
            )
            stale.unlink()
            if reset:
                record.file_step_ids._reset_to_pending()
            missing = record.circuit_id.step_ids - record.file_step_ids.circuit_step_id
            Step.create(
                [
                    {"file_id": record.id, "circuit_step_id": step.id, "sequence": step.sequence}
                    for step in missing
                ]
            )

    def _check_current_step(self):
        self.ensure_one()
        if self.state != "in_progress" or not self.current_step_id:
            raise UserError(_("Client file %s has no step waiting for a decision.", self.name))

    def _check_can_start(self):
        self.ensure_one()
        if not self.file_step_ids:
            raise UserError(_("The circuit %s has no step.", self.circuit_id.name))
        if "esign" in self.file_step_ids.mapped("kind"):
            self._check_signatory()

    def _check_signatory(self):
        self.ensure_one()
        if not self.signatory_id:
            raise UserError(
                _(
                    "Client file %s has a signature step: choose the customer's signatory.",
                    self.name,
                )
            )
        if not (self.signatory_id.mobile or self.signatory_id.phone):
            raise UserError(
                _(
                    "The signatory %s has no mobile number: the signature code is sent to it "
                    "by SMS.",
                    self.signatory_id.display_name,
                )
            )

    def _get_customer_contact(self):
        """Who receives the customer's messages: the signatory, else the customer."""
        self.ensure_one()
        if self.signatory_id.email:
            return self.signatory_id
        return self.partner_id._get_dunning_contacts().filtered("email")[:1] or self.partner_id

    def _send_customer_message(self, template):
        """Post ``template`` on the file for the customer, who receives it by e-mail."""
        self.ensure_one()
        return self.message_post_with_source(
            template,
            partner_ids=self._get_customer_contact().ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _on_step_approved(self, step):
        """The next step starts; after the last one the file is done."""
        self.ensure_one()
        later = self._get_sorted_steps().filtered(
            lambda other: (other.sequence, other.id) > (step.sequence, step.id)
            and other.state != "approved"
        )
        if later:
            later[0]._start()
        else:
            self._done()

    def _done(self):
        self.ensure_one()
        self.write(
            {
                "state": "done",
                "current_step_id": False,
                "date_done": fields.Datetime.now(),
                "hold_reminders": False,
            }
        )
        self._hold_release()
        self.message_post(
            body=_("All steps are approved: the file is done."), subtype_xmlid="mail.mt_note"
        )

    def _close_step_activities(self, feedback=None):
        types = self.env["receivable.client.file.step"]._get_activity_types()
        activities = self.activity_ids.filtered(lambda act: act.activity_type_id in types)
        if feedback:
            activities.action_feedback(feedback=feedback)
        else:
            activities.unlink()

    def _cancel_signature_requests(self):
        # sudo: a salesperson may cancel the file without being an esign user; only the
        # requests of this file are cancelled
        requests = self.file_step_ids.esign_request_id.sudo().filtered(
            lambda request: request.state in ("draft", "sent")
        )
        requests.action_cancel()

    def _set_hold_reminders(self):
        """Hold the customer's reminders until the file ends."""
        files = self.filtered(lambda record: not record.hold_reminders)
        files.write({"hold_reminders": True})
        # sudo: holds are created by credit controllers; the circuit, configured by a credit
        # manager, decided this one, owned by the file and released with it
        files.sudo()._hold_refresh()

    def _prepare_hold_values(self):
        self.ensure_one()
        if not self.hold_reminders or self.state != "in_progress":
            return []
        return [
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "move_id": False,
                "amount": False,
                "date_until": False,
            }
        ]

    def _hold_release(self):
        # sudo: the file releases the holds it placed (see _set_hold_reminders)
        return super(ReceivableClientFile, self.sudo())._hold_release()

    # ------------------------------------------------------------------------------------------
    # Mail gateway: documents sent by e-mail in reply to the file
    # ------------------------------------------------------------------------------------------

    def message_update(self, msg_dict, update_vals=None):
        result = super().message_update(msg_dict, update_vals=update_vals)
        for record in self:
            record._add_documents_from_email(msg_dict)
        return result

    def _add_documents_from_email(self, msg_dict):
        """Attachments of an e-mail become documents of the current step, each of the first
        type still missing; what cannot be added is said on the file."""
        self.ensure_one()
        attachments = [
            attachment
            for attachment in msg_dict.get("attachments") or []
            if not (len(attachment) > 2 and (attachment[2] or {}).get("cid"))
        ]
        if not attachments:
            return self.env["receivable.client.file.document"]
        step = self.current_step_id
        uploader = self._find_user_from_email(msg_dict)
        documents = self.env["receivable.client.file.document"]
        problems = []
        for attachment in attachments:
            name, content = attachment[0], attachment[1]
            if isinstance(content, str):
                content = content.encode()
            missing = step._get_missing_document_types() if step else []
            if not missing:
                problems.append(_("%s was not added: the file expects no document now.", name))
                continue
            try:
                documents |= step._add_document_from_data(
                    missing[0], name, content, "email", uploaded_by=uploader
                )
            except (UserError, ValidationError) as error:
                problems.append(_("%(name)s was not added: %(reason)s", name=name, reason=error))
        for problem in problems:
            self.message_post(body=problem, subtype_xmlid="mail.mt_note")
        return documents

    def _find_user_from_email(self, msg_dict):
        author_id = msg_dict.get("author_id")
        if not author_id:
            return self.env["res.users"]
        return (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=True)
            .search([("partner_id", "=", author_id)], limit=1)
        )

    # ------------------------------------------------------------------------------------------
    # Electronic signature
    # ------------------------------------------------------------------------------------------

    def _esign_on_completed(self, request):
        self._get_esign_step(request)._on_esign_completed(request)

    def _esign_on_refused(self, request):
        self._get_esign_step(request)._on_esign_failed(
            request,
            request.refusal_reason or _("The signature request %s was refused.", request.name),
        )

    def _esign_on_expired(self, request):
        self._get_esign_step(request)._on_esign_failed(
            request, _("The signature request %s expired unsigned.", request.name)
        )

    def _get_esign_step(self, request):
        # sudo: the last signer is the customer on the public signing page, or the sales
        # manager; the file reacts to its own request whoever signed. On the public page it
        # does so as the system, so that its messages and activities are not authored by the
        # public user.
        file_sudo = self.sudo()
        if self.env.user.share:
            file_sudo = file_sudo.with_user(SUPERUSER_ID)
        return file_sudo.file_step_ids.filtered(lambda step: step.esign_request_id == request)
