import base64
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "receivable_automation.group_receivable_manager"
CHECK_ACTIVITY = "receivable_automation.mail_activity_type_client_file_check"
ESCALATION_ACTIVITY = "receivable_automation.mail_activity_type_client_file_escalation"
# kinds whose documents the verifier approves one by one
DOCUMENT_KINDS = ("collect", "approve")
# kinds that end by themselves once started
AUTOMATIC_KINDS = ("archive", "notify")


def add_business_days(start, days):
    """``start`` plus ``days`` business days (Monday to Friday)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


class ReceivableClientFileStep(models.Model):
    """A step of a client file, copied from its circuit: who verifies it, since when, until
    when, and its documents."""

    _name = "receivable.client.file.step"
    _description = "Client File Step"
    _order = "file_id, sequence, id"
    _rec_name = "name"
    _check_company_auto = True

    file_id = fields.Many2one(
        "receivable.client.file", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="file_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="file_id.partner_id", string="Customer", store=True)
    file_state = fields.Selection(related="file_id.state", string="File Status")
    circuit_step_id = fields.Many2one(
        "receivable.circuit.step", "Circuit Step", required=True, ondelete="restrict"
    )
    name = fields.Char(related="circuit_step_id.name")
    kind = fields.Selection(related="circuit_step_id.kind", store=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("open", "Open"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    date_start = fields.Datetime("Started On", readonly=True, copy=False)
    date_deadline = fields.Date("Deadline", readonly=True, copy=False)
    date_done = fields.Datetime("Done On", readonly=True, copy=False)
    date_escalated = fields.Date("Escalated On", readonly=True, copy=False)
    verifier_user_id = fields.Many2one(
        "res.users", "Verifier", readonly=True, copy=False, index=True
    )
    verifier_group_id = fields.Many2one(
        "res.groups", related="circuit_step_id.verifier_group_id", store=True
    )
    done_by_id = fields.Many2one("res.users", "Done By", readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False)
    document_ids = fields.One2many("receivable.client.file.document", "file_step_id", "Documents")
    document_type_ids = fields.Many2many(related="circuit_step_id.document_type_ids")
    missing_document_type_ids = fields.Many2many(
        "receivable.document.type",
        string="Missing Documents",
        compute="_compute_missing_document_type_ids",
    )
    esign_request_id = fields.Many2one(
        "esign.request", "Signature Request", readonly=True, copy=False
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False)
    waiting_days = fields.Integer(
        "Waiting (Days)",
        compute="_compute_waiting_days",
        help="Days since the step started, for an open step.",
    )
    is_overdue = fields.Boolean(compute="_compute_waiting_days")
    can_verify = fields.Boolean(compute="_compute_can_verify")
    can_approve = fields.Boolean(
        compute="_compute_can_verify",
        help="The current user may approve the step now: nothing is missing or left to check.",
    )
    can_reject = fields.Boolean(compute="_compute_can_verify")

    @api.depends("document_ids.state", "document_ids.document_type_id", "circuit_step_id")
    def _compute_missing_document_type_ids(self):
        for step in self:
            step.missing_document_type_ids = step._get_missing_document_types()

    @api.depends("state", "date_start", "date_deadline")
    def _compute_waiting_days(self):
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        for step in self:
            is_open = step.state == "open" and step.date_start
            step.waiting_days = (now - step.date_start).days if is_open else 0
            step.is_overdue = bool(is_open and step.date_deadline and step.date_deadline < today)

    @api.depends_context("uid")
    @api.depends(
        "verifier_user_id",
        "verifier_group_id",
        "state",
        "kind",
        "document_ids.state",
        "document_ids.document_type_id",
    )
    def _compute_can_verify(self):
        for step in self:
            step.can_verify = step.state == "open" and step._is_verifier(self.env.user)
            step.can_reject = step.can_verify and step.kind not in AUTOMATIC_KINDS
            step.can_approve = (
                step.can_verify
                and step.kind not in ("esign", *AUTOMATIC_KINDS)
                and not step._has_documents_pending()
            )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_approve(self):
        """The verifier approves a step that needs no document (an approval, invoices sent)."""
        for step in self:
            step._check_open()
            step._check_can_verify()
            if step.kind == "esign":
                raise UserError(_("Step %s is approved when everyone has signed.", step.name))
            if step._has_documents_pending():
                raise UserError(
                    _(
                        "Step %s is approved with its documents: each of them must be added "
                        "and approved first.",
                        step.name,
                    )
                )
        for step in self:
            step._approve()
        return True

    def action_reject(self):
        self.ensure_one()
        self._check_open()
        self._check_can_verify()
        return self._open_reject_wizard()

    def action_add_document(self):
        self.ensure_one()
        self._check_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Add Document"),
            "res_model": "receivable.client.file.document.add",
            "view_mode": "form",
            "target": "new",
            "context": {"default_file_id": self.file_id.id, "default_file_step_id": self.id},
        }

    def action_send_for_signature(self):
        """Send the contract for signature (again, e.g. after a refusal)."""
        for step in self:
            step._check_open()
            if step.kind != "esign":
                raise UserError(_("Step %s is not a signature step.", step.name))
            # sudo: the state of the step's own request, for a verifier who is not an esign user
            request_sudo = step.esign_request_id.sudo()
            if request_sudo.state == "sent":
                raise UserError(
                    _(
                        "The contract is already waiting for signatures (%s).",
                        request_sudo.name,
                    )
                )
            step._send_for_signature()
        return True

    def action_send_invoices(self):
        """Open the standard sending of the customer's posted invoices not sent yet."""
        self.ensure_one()
        invoices = self._get_invoices_to_send()
        if not invoices:
            raise UserError(
                _("%s has no posted invoice left to send.", self.partner_id.display_name)
            )
        return invoices.action_send_and_print()

    def action_open_file(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "receivable.client.file",
            "res_id": self.file_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------------------
    # Business methods others call
    # ------------------------------------------------------------------------------------------

    def _add_document(self, document_type, attachment, source, uploaded_by=None):
        """Add ``attachment`` as a document of ``document_type`` to this step.

        :param source: ``back_office``, ``email`` or ``portal``
        :param uploaded_by: the user who sent it (default: the current user; empty for a
            customer without a user)
        :return: the new ``receivable.client.file.document``, to be checked by the verifier
        """
        self.ensure_one()
        self._check_open()
        Document = self.env["receivable.client.file.document"]
        Document._check_document_file(document_type, attachment.name, attachment.file_size)
        if uploaded_by is None:
            uploaded_by = self.env.user
        replaced = self.document_ids.filtered(
            lambda doc: doc.document_type_id == document_type and doc.state != "rejected"
        )
        document = Document.create(
            {
                "file_id": self.file_id.id,
                "file_step_id": self.id,
                "document_type_id": document_type.id,
                "attachment_id": attachment.id,
                "source": source,
                "uploaded_by_id": uploaded_by.id if uploaded_by else False,
            }
        )
        if replaced:
            replaced._replace_by(document)
        document._schedule_check_activity()
        self.file_id.message_post(
            body=_(
                "%(type)s added to step %(step)s by %(who)s (%(origin)s): %(name)s",
                type=document_type.name,
                step=self.name,
                who=uploaded_by.name if uploaded_by else self.file_id.partner_id.name,
                origin=dict(Document._fields["source"]._description_selection(self.env))[source],
                name=attachment.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return document

    def _add_document_from_data(self, document_type, filename, content, source, uploaded_by=None):
        """Same as ``_add_document`` from a file name and its bytes, checked before anything
        is stored."""
        self.ensure_one()
        self.env["receivable.client.file.document"]._check_document_file(
            document_type, filename, len(content)
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "res_model": "receivable.client.file.document",
                "res_id": 0,
            }
        )
        return self._add_document(document_type, attachment, source, uploaded_by=uploaded_by)

    def _has_documents_pending(self):
        """A document step still misses a document, or has one to check."""
        self.ensure_one()
        return self.kind in DOCUMENT_KINDS and bool(
            self._get_missing_document_types()
            or self.document_ids.filtered(lambda doc: doc.state == "to_check")
        )

    def _get_missing_document_types(self):
        """Document types of this step still without a document to check or approved."""
        self.ensure_one()
        present = self.document_ids.filtered(
            lambda doc: doc.state in ("to_check", "approved")
        ).document_type_id
        return self.circuit_step_id.document_type_ids.filtered(
            lambda document_type: document_type not in present
        )

    def _on_step_started(self):
        """Called once the step is open and its verifier knows: asks the customer for what is
        missing (the step's message on start, when it has one). Extend it, e.g. to send an
        upload link for a ``collect`` step."""
        self.ensure_one()
        template = self.circuit_step_id.start_template_id
        # a step that collects documents asks for them with its upload link instead
        if template and self.kind != "collect":
            self.file_id._send_customer_message(template)

    # ------------------------------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------------------------------

    def _start(self):
        """Open this step: it becomes the file's current step, its verifier gets an activity
        due at its deadline, and steps that end by themselves do their work."""
        self.ensure_one()
        file = self.file_id
        verifier = self._resolve_verifier()
        deadline_days = self.circuit_step_id.deadline_days
        deadline = (
            add_business_days(fields.Date.context_today(self), deadline_days)
            if deadline_days
            else False
        )
        self.write(
            {
                "state": "open",
                "date_start": fields.Datetime.now(),
                "date_deadline": deadline,
                "date_done": False,
                "date_escalated": False,
                "done_by_id": False,
                "verifier_user_id": verifier.id,
                "esign_request_id": False,
            }
        )
        file.current_step_id = self
        file.message_post(
            body=_(
                "Step %(step)s started; verifier: %(verifier)s, due %(deadline)s.",
                step=self.name,
                verifier=verifier.name,
                deadline=deadline and fields.Date.to_string(deadline) or _("no deadline"),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self.kind not in AUTOMATIC_KINDS:
            self._schedule_step_activity()
        self._on_step_started()
        self._run_kind()

    def _run_kind(self):
        """What a step of each kind does as it starts."""
        self.ensure_one()
        if self.kind == "esign":
            try:
                with self.env.cr.savepoint():
                    self._send_for_signature()
            except UserError as error:
                self.file_id.message_post(
                    body=_(
                        "The contract could not be sent for signature: %s Fix it, then click "
                        "Send for Signature on the step.",
                        error.args[0],
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        elif self.kind == "archive":
            self._archive_documents()
            self._approve(done_by=self.env["res.users"])
        elif self.kind == "notify":
            self._approve(done_by=self.env["res.users"])

    def _approve(self, done_by=None):
        """The step is approved: its effects apply and the next step starts."""
        self.ensure_one()
        if done_by is None:
            done_by = self.env.user
        self.write(
            {
                "state": "approved",
                "date_done": fields.Datetime.now(),
                "done_by_id": done_by.id if done_by else False,
                "rejection_reason": False,
            }
        )
        self._close_activities(_("Step %s approved.", self.name))
        if done_by:
            body = _("Step %(step)s approved by %(user)s.", step=self.name, user=done_by.name)
        else:
            body = _("Step %s done.", self.name)
        self.file_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        self._apply_approval_effects()
        self.file_id._on_step_approved(self)

    def _apply_approval_effects(self):
        """Message to colleagues, category on the customer's open invoices, hold."""
        self.ensure_one()
        circuit_step = self.circuit_step_id
        file = self.file_id
        recipients = circuit_step.approval_user_ids
        if self.kind == "notify":
            recipients |= self._get_notified_users()
        if circuit_step.approval_message or recipients:
            file.message_post(
                body=circuit_step.approval_message
                or _("Step %(step)s of %(file)s is approved.", step=self.name, file=file.name),
                partner_ids=recipients.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        if circuit_step.approval_category_id:
            invoices = self._get_open_invoices()
            # sudo: the category decided by the circuit (a credit manager's configuration)
            # goes on this customer's open invoices, whoever approved the step
            invoices.sudo().write({"receivable_category_id": circuit_step.approval_category_id.id})
            if invoices:
                file.message_post(
                    body=_(
                        "%(count)s open invoice(s) set to category %(category)s.",
                        count=len(invoices),
                        category=circuit_step.approval_category_id.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        if circuit_step.approval_hold:
            file._set_hold_reminders()

    def _reject(self, reason, back_to=None, document=None):
        """Reject the step with ``reason``: the file goes back to ``back_to`` (default: the
        step the circuit says, else this one) and the customer is told when the circuit says
        so."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the rejection."))
        self._check_open()
        file = self.file_id
        if back_to is None:
            back_to = self._get_default_back_to()
        if back_to and back_to.file_id != file:
            raise UserError(_("The file can only go back to one of its own steps."))
        back_to = back_to or self
        if (back_to.sequence, back_to.id) > (self.sequence, self.id):
            raise UserError(_("A rejected file goes back to this step or an earlier one."))
        if document:
            document._reject(reason)
        file.last_rejection_reason = reason
        what = document.display_name if document else self.name
        file.message_post(
            body=_(
                "%(what)s rejected by %(user)s: %(reason)s. Back to step %(step)s.",
                what=what,
                user=self.env.user.name,
                reason=reason,
                step=back_to.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        template = self.circuit_step_id.rejection_template_id
        if template:
            file._send_customer_message(template)
        if back_to == self:
            # the step stays open: what was rejected is asked for again
            self.rejection_reason = reason
            if not document:
                self._close_activities(_("Rejected: %s", reason))
                self._schedule_step_activity()
            return
        self._close_activities(_("Step %s rejected.", self.name))
        self.write(
            {
                "state": "rejected",
                "date_done": fields.Datetime.now(),
                "done_by_id": self.env.user.id,
                "rejection_reason": reason,
            }
        )
        later = file._get_sorted_steps().filtered(
            lambda step: (step.sequence, step.id) > (back_to.sequence, back_to.id) and step != self
        )
        later._reset_to_pending()
        back_to._start()

    def _reopen(self, reason):
        """An approved document changed: the step is open again, and so is the file."""
        self.ensure_one()
        file = self.file_id
        if file.state not in ("in_progress", "done"):
            return
        file.message_post(
            body=_("Step %(step)s re-opened: %(reason)s", step=self.name, reason=reason),
            subtype_xmlid="mail.mt_note",
        )
        if self.state == "open":
            return
        file._close_step_activities()
        later = file._get_sorted_steps().filtered(
            lambda step: (step.sequence, step.id) > (self.sequence, self.id)
        )
        later._reset_to_pending()
        if file.state == "done":
            file.write({"state": "in_progress", "date_done": False})
        self._start()

    def _reset_to_pending(self):
        # sudo: the request of a step that starts over is withdrawn, whoever rejected it
        open_requests = self.esign_request_id.sudo().filtered(
            lambda req: req.state in ("draft", "sent")
        )
        open_requests.action_cancel()
        self.write(
            {
                "state": "pending",
                "date_start": False,
                "date_deadline": False,
                "date_done": False,
                "date_escalated": False,
                "done_by_id": False,
                "esign_request_id": False,
            }
        )

    def _try_approve(self):
        """Approve a document step once each of its documents is approved."""
        self.ensure_one()
        if (
            self.state == "open"
            and self.kind in DOCUMENT_KINDS
            and self.document_type_ids
            and not self._get_missing_document_types()
            and not self.document_ids.filtered(lambda doc: doc.state == "to_check")
        ):
            self._approve()

    def _get_default_back_to(self):
        self.ensure_one()
        target = self.circuit_step_id.rejection_step_id
        return self.file_id.file_step_ids.filtered(lambda step: step.circuit_step_id == target)[:1]

    def _check_open(self):
        for step in self:
            if step.state != "open" or step.file_id.state != "in_progress":
                raise UserError(
                    _(
                        "Step %(step)s of %(file)s is not open.",
                        step=step.name,
                        file=step.file_id.name,
                    )
                )

    # ------------------------------------------------------------------------------------------
    # Verifiers
    # ------------------------------------------------------------------------------------------

    def _resolve_verifier(self):
        """The user who verifies the step: the circuit's user, the first member of its group
        in the file's company, or the team leader of the customer's salesperson; a credit
        manager when there is none."""
        self.ensure_one()
        circuit_step = self.circuit_step_id
        company = self.file_id.company_id
        verifier = self.env["res.users"]
        if circuit_step.verifier_type == "user":
            verifier = circuit_step.verifier_user_id
        elif circuit_step.verifier_type == "group":
            verifier = self._get_company_users(circuit_step.verifier_group_id, company)[:1]
        elif circuit_step.verifier_type == "salesperson_manager":
            # sudo: sales teams are read to find the team leader, whatever the reader's rights
            verifier = self.file_id.user_id.sudo().sale_team_id.user_id
        if not verifier:
            verifier = self._get_credit_managers(company)[:1]
        return verifier or self.env.user

    @api.model
    def _get_company_users(self, group, company):
        # sudo: the members of a group are read to assign the activity
        return (
            group.sudo()
            .users.filtered(
                lambda user: company in user.company_ids
                and not user.share
                and user.active
                and user.id != SUPERUSER_ID
            )
            .sorted("id")
        )

    @api.model
    def _get_credit_managers(self, company):
        return self._get_company_users(self.env.ref(MANAGER_GROUP), company)

    def _get_notified_users(self):
        """Who a Notify step tells: the members of its group in the file's company, or its
        verifier."""
        self.ensure_one()
        if self.circuit_step_id.verifier_type == "group":
            users = self._get_company_users(self.verifier_group_id, self.company_id)
            if users:
                return users
        return self.verifier_user_id

    def _is_verifier(self, user):
        self.ensure_one()
        if user == self.verifier_user_id or user.has_group(MANAGER_GROUP):
            return True
        group = self.verifier_group_id
        # sudo: the members of the verifier group, to know whether the user is one
        return (
            bool(group)
            and self.circuit_step_id.verifier_type == "group"
            and user in group.sudo().users
        )

    def _check_can_verify(self):
        if self.env.su:
            return
        for step in self:
            if not step._is_verifier(self.env.user):
                raise AccessError(
                    _(
                        "Only %(verifier)s, the verifier of step %(step)s, or a credit manager "
                        "may approve or reject it.",
                        verifier=step.verifier_user_id.name,
                        step=step.name,
                    )
                )

    # ------------------------------------------------------------------------------------------
    # Activities and escalation
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_activity_types(self):
        return (
            self.env.ref(CHECK_ACTIVITY, raise_if_not_found=False) or self.env["mail.activity.type"]
        ) | (
            self.env.ref(ESCALATION_ACTIVITY, raise_if_not_found=False)
            or self.env["mail.activity.type"]
        )

    def _schedule_step_activity(self):
        self.ensure_one()
        if self.kind in DOCUMENT_KINDS and self.document_type_ids:
            summary = _("Check the documents of step %s", self.name)
        elif self.kind == "esign":
            summary = _("Sign the contract after the customer (%s)", self.name)
        elif self.kind == "send_invoices":
            summary = _("Send the invoices, then approve step %s", self.name)
        else:
            summary = _("Approve step %s", self.name)
        self.activity_id = self.file_id.activity_schedule(
            CHECK_ACTIVITY,
            date_deadline=self.date_deadline or fields.Date.context_today(self),
            summary=summary,
            user_id=self.verifier_user_id.id,
        )

    def _close_activities(self, feedback):
        activities = self.activity_id | self.document_ids.activity_id
        activities.exists().action_feedback(feedback=feedback)

    @api.model
    def _cron_escalate_overdue(self):
        """Daily: an open step past its deadline goes to its verifier's manager, once."""
        steps = self.search(
            [
                ("state", "=", "open"),
                ("file_id.state", "=", "in_progress"),
                ("date_deadline", "<", fields.Date.context_today(self)),
                ("date_escalated", "=", False),
            ]
        )
        for step in steps:
            step._escalate()
        return steps

    def _escalate(self):
        self.ensure_one()
        managers = self._get_escalation_users()
        file = self.file_id
        for manager in managers:
            file.activity_schedule(
                ESCALATION_ACTIVITY,
                date_deadline=fields.Date.context_today(self),
                summary=_("Overdue: step %(step)s of %(file)s", step=self.name, file=file.name),
                note=_(
                    "Step %(step)s of %(customer)s, verified by %(verifier)s, was due on "
                    "%(deadline)s.",
                    step=self.name,
                    customer=file.partner_id.display_name,
                    verifier=self.verifier_user_id.name,
                    deadline=fields.Date.to_string(self.date_deadline),
                ),
                user_id=manager.id,
            )
        self.date_escalated = fields.Date.context_today(self)
        file.message_post(
            body=_(
                "Step %(step)s is overdue since %(deadline)s: escalated to %(managers)s.",
                step=self.name,
                deadline=fields.Date.to_string(self.date_deadline),
                managers=", ".join(managers.mapped("name")) or _("nobody"),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _get_escalation_users(self):
        """The team leader of the verifier's sales team, else the company's credit managers."""
        self.ensure_one()
        verifier = self.verifier_user_id
        # sudo: sales teams are read to find the team leader
        leader = verifier.sudo().sale_team_id.user_id
        if leader and leader != verifier:
            return leader
        return self._get_credit_managers(self.company_id) - verifier

    # ------------------------------------------------------------------------------------------
    # Kinds: signature, invoices, archive
    # ------------------------------------------------------------------------------------------

    def _get_contract_document(self):
        """The contract to sign: uploaded to this step, or approved earlier in the file."""
        self.ensure_one()
        contract_type = self.env.ref(
            "receivable_automation.document_type_contract", raise_if_not_found=False
        )
        documents = self.file_id.document_ids.filtered(
            lambda doc: (
                doc.document_type_id == contract_type or doc.document_type_id.code == "contract"
            )
            and doc.source != "esign"
            and ((doc.file_step_id == self and doc.state != "rejected") or doc.state == "approved")
        )
        return documents.sorted(lambda doc: (doc.file_step_id == self, doc.id), reverse=True)[:1]

    def _prepare_esign_request_values(self, document):
        self.ensure_one()
        file = self.file_id
        pdf = document.attachment_id.raw
        return {
            "subject": _(
                "%(purpose)s: contract of %(customer)s",
                purpose=file.name,
                customer=file.partner_id.name,
            ),
            "company_id": file.company_id.id,
            "user_id": self.verifier_user_id.id,
            "res_model": file._name,
            "res_id": file.id,
            "original_pdf": base64.b64encode(pdf),
            "original_filename": document.attachment_id.name,
            "signer_ids": [
                fields.Command.create(
                    {"sequence": 1, "role": "customer", "partner_id": file.signatory_id.id}
                ),
                fields.Command.create(
                    {
                        "sequence": 2,
                        "role": "company",
                        "partner_id": self.verifier_user_id.partner_id.id,
                    }
                ),
            ],
        }

    def _send_for_signature(self):
        self.ensure_one()
        file = self.file_id
        document = self._get_contract_document()
        if not document:
            raise UserError(
                _(
                    "Client file %s has no contract to sign: add the contract PDF to the "
                    "signature step or approve it in an earlier step.",
                    file.name,
                )
            )
        if not (document.attachment_id.raw or b"").startswith(b"%PDF"):
            raise UserError(_("The contract %s is not a PDF file.", document.attachment_id.name))
        file._check_signatory()
        verifier_partner = self.verifier_user_id.partner_id
        if not (verifier_partner.mobile or verifier_partner.phone):
            raise UserError(
                _(
                    "%s, who signs for the company, has no mobile number: the signature code "
                    "is sent to it by SMS.",
                    self.verifier_user_id.name,
                )
            )
        # sudo: the circuit sends the contract on behalf of the company, whoever approved the
        # previous step (a salesperson is not necessarily an esign user)
        request = (
            self.env["esign.request"].sudo().create(self._prepare_esign_request_values(document))
        )
        request.action_send()
        self.esign_request_id = request
        file.message_post(
            body=_(
                "Contract sent for signature (%(request)s): %(signatory)s, then %(manager)s.",
                request=request.name,
                signatory=file.signatory_id.name,
                manager=self.verifier_user_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request

    def _on_esign_completed(self, request):
        """Everyone signed: the signed PDF is an approved document of the step, which is
        approved."""
        for step in self.filtered(lambda step: step.state == "open"):
            document_type = step._get_contract_document().document_type_id or self.env.ref(
                "receivable_automation.document_type_contract"
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": request.signed_filename,
                    "raw": request._get_signed_pdf_bytes(),
                    "mimetype": "application/pdf",
                    "res_model": "receivable.client.file.document",
                    "res_id": 0,
                }
            )
            document = self.env["receivable.client.file.document"].create(
                {
                    "file_id": step.file_id.id,
                    "file_step_id": step.id,
                    "document_type_id": document_type.id,
                    "attachment_id": attachment.id,
                    "source": "esign",
                    "uploaded_by_id": False,
                }
            )
            document._mark_approved(approver=self.env["res.users"])
            step._approve(done_by=self.env["res.users"])

    def _on_esign_failed(self, request, reason):
        for step in self.filtered(lambda step: step.state == "open"):
            step._reject(reason)

    def _get_invoices_to_send(self):
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("is_move_sent", "=", False),
            ]
        )

    def _get_open_invoices(self):
        self.ensure_one()
        # sudo: whoever approves the step (a sales manager) need not read invoices
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("move_type", "in", ("out_invoice", "out_receipt")),
                    ("state", "=", "posted"),
                    ("payment_state", "not in", ("paid", "in_payment", "reversed")),
                ]
            )
        )

    def _archive_documents(self):
        """An archive step: the file's approved documents are archived as they are approved
        (``_on_document_approved``); extend this to archive more (e.g. the invoices)."""
        self.ensure_one()

    def _open_reject_wizard(self, document=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject"),
            "res_model": "receivable.client.file.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_file_step_id": self.id,
                "default_document_id": document.id if document else False,
            },
        }
