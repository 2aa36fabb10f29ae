import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EsignSendWizard(models.TransientModel):
    _name = "esign.send.wizard"
    _description = "Send a Document for Signature"

    @api.model
    def _selection_models(self):
        """Models that have a PDF report and whose records the user can read."""
        model_names = [
            name
            for name in set(self._get_pdf_reports_sudo().mapped("model"))
            if name in self.env and self.env[name].has_access("read")
        ]
        # sudo: model names are configuration, read by administrators only; only the models
        # the user can read are listed
        models_sudo = self.env["ir.model"].sudo().search([("model", "in", model_names)])
        return [(model.model, model.name) for model in models_sudo]

    @api.model
    def _get_pdf_reports_sudo(self, model_name=None):
        domain = [("report_type", "=", "qweb-pdf")]
        if model_name:
            domain.append(("model", "=", model_name))
        # sudo: report definitions are readable by administrators only; the report still
        # renders with the rights of the user
        return self.env["ir.actions.report"].sudo().search(domain)

    record_ref = fields.Reference(selection="_selection_models", string="Record", required=True)
    res_model = fields.Char(compute="_compute_res_model")
    report_id = fields.Many2one(
        "ir.actions.report",
        "PDF Report",
        domain="[('model', '=', res_model), ('report_type', '=', 'qweb-pdf')]",
        compute="_compute_report_id",
        store=True,
        readonly=False,
    )
    pdf_file = fields.Binary("Or Upload a PDF")
    pdf_filename = fields.Char()
    subject = fields.Char("Document", compute="_compute_subject", store=True, readonly=False)
    customer_id = fields.Many2one(
        "res.partner",
        "Customer Decision-Maker",
        required=True,
        help="Signs first; receives the code on the mobile number of this contact.",
    )
    company_signer_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        help="Signs after the customer, usually the sales manager.",
    )
    date_validity = fields.Date("Valid Until")

    @api.depends("record_ref")
    def _compute_res_model(self):
        for wizard in self:
            wizard.res_model = wizard.record_ref._name if wizard.record_ref else False

    @api.depends("record_ref")
    def _compute_report_id(self):
        for wizard in self:
            reports_sudo = self._get_pdf_reports_sudo(wizard.res_model or "-")
            wizard.report_id = reports_sudo[:1].id

    @api.depends("record_ref")
    def _compute_subject(self):
        for wizard in self:
            wizard.subject = wizard.record_ref.display_name if wizard.record_ref else False

    def _get_pdf(self):
        self.ensure_one()
        if self.pdf_file:
            return base64.b64decode(self.pdf_file), self.pdf_filename or f"{self.subject}.pdf"
        if not self.report_id:
            raise UserError(_("Choose a PDF report or upload a PDF."))
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            self.report_id, [self.record_ref.id]
        )
        return pdf, f"{self.subject}.pdf"

    def _prepare_request_values(self):
        self.ensure_one()
        pdf, filename = self._get_pdf()
        signers = [
            {"sequence": 1, "role": "customer", "partner_id": self.customer_id.id},
        ]
        if self.company_signer_id:
            signers.append(
                {
                    "sequence": 2,
                    "role": "company",
                    "partner_id": self.company_signer_id.partner_id.id,
                }
            )
        return {
            "subject": self.subject or filename,
            "res_model": self.record_ref._name,
            "res_id": self.record_ref.id,
            "original_pdf": base64.b64encode(pdf),
            "original_filename": filename,
            "date_validity": self.date_validity,
            "signer_ids": [fields.Command.create(values) for values in signers],
        }

    def action_create_request(self):
        """Create the draft request and open it, to review the signers and send it."""
        self.ensure_one()
        request = self.env["esign.request"].create(self._prepare_request_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": "esign.request",
            "res_id": request.id,
            "view_mode": "form",
        }
