import base64
import io
import logging
import secrets
import threading
from datetime import timedelta

from PIL import Image

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import config, consteq, email_normalize

from ..tools import keyed_hash, mask_email, mask_phone, normalize_mobile

_logger = logging.getLogger(__name__)

MAX_SIGNATURE_BYTES = 512 * 1024
SMS_FAILED_STATES = ("error", "canceled")
# written by the signing process only, never through the user interface or RPC
PROTECTED_FIELDS = {
    "state",
    "access_token",
    "access_token_expiry",
    "last_notification_date",
    "code_hash",
    "code_salt",
    "code_expiry",
    "code_attempts",
    "code_send_count",
    "code_last_sent",
    "signed_date",
    "signed_ip",
    "signed_user_agent",
    "signature_image",
    "signature_type",
    "refusal_reason",
}


class EsignSigner(models.Model):
    _name = "esign.signer"
    _description = "Signer"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "esign.request", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    request_state = fields.Selection(related="request_id.state", string="Request Status")
    sequence = fields.Integer(
        "Order",
        default=1,
        required=True,
        help="Signers with the same order sign in parallel; the next order is invited when "
        "all the signers of the previous one have signed.",
    )
    role = fields.Selection(
        [
            ("customer", "Customer decision-maker"),
            ("company", "Company representative"),
            ("other", "Other signer"),
        ],
        default="customer",
        required=True,
    )
    partner_id = fields.Many2one("res.partner", "Contact", required=True, index=True)
    name = fields.Char(related="partner_id.name")
    email = fields.Char(
        "E-mail",
        compute="_compute_contact",
        store=True,
        readonly=False,
        precompute=True,
        help="The invitation goes to this address, fixed by the sender.",
    )
    mobile = fields.Char(
        compute="_compute_contact",
        store=True,
        readonly=False,
        precompute=True,
        help="The signature code goes to this number, fixed by the sender; stored in the "
        "international format.",
    )
    mobile_masked = fields.Char("Mobile (masked)", compute="_compute_mobile_masked")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("waiting", "Waiting for Previous Signers"),
            ("sent", "Invited"),
            ("signed", "Signed"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    # link
    access_token = fields.Char(copy=False, groups="base.group_system")
    access_token_expiry = fields.Datetime("Link Valid Until", copy=False, readonly=True)
    last_notification_date = fields.Datetime("Last Invitation", copy=False, readonly=True)
    # code
    code_hash = fields.Char(copy=False, groups="base.group_system")
    code_salt = fields.Char(copy=False, groups="base.group_system")
    code_expiry = fields.Datetime(copy=False, readonly=True)
    code_attempts = fields.Integer("Wrong Codes", copy=False, readonly=True)
    code_send_count = fields.Integer("Codes Sent", copy=False, readonly=True)
    code_last_sent = fields.Datetime("Last Code Sent", copy=False, readonly=True)
    # signature
    signed_date = fields.Datetime("Signed On", copy=False, readonly=True)
    signed_ip = fields.Char("Signed From IP", copy=False, readonly=True)
    signed_user_agent = fields.Char(copy=False, readonly=True)
    signature_image = fields.Binary(attachment=True, copy=False, readonly=True)
    signature_type = fields.Selection(
        [("draw", "Drawn"), ("type", "Typed")], copy=False, readonly=True
    )
    refusal_reason = fields.Text(copy=False, readonly=True)
    # placement of the signature box, fractions of the page from the top left
    sign_page = fields.Integer(
        "Page",
        default=0,
        help="Page where the signature is stamped; 0 for the last page.",
    )
    sign_pos_x = fields.Float("Left (%)", help="Leave 0 for the default stacked boxes.")
    sign_pos_y = fields.Float("Top (%)", help="Leave 0 for the default stacked boxes.")

    @api.depends("partner_id")
    def _compute_contact(self):
        for signer in self:
            partner = signer.partner_id
            signer.email = partner.email
            signer.mobile = signer._normalize_mobile(partner.mobile or partner.phone) or (
                partner.mobile or partner.phone
            )

    @api.depends("mobile")
    def _compute_mobile_masked(self):
        for signer in self:
            signer.mobile_masked = mask_phone(signer.mobile)

    @api.constrains("sign_pos_x", "sign_pos_y", "sign_page")
    def _check_placement(self):
        for signer in self:
            if not (0 <= signer.sign_pos_x <= 70 and 0 <= signer.sign_pos_y <= 90):
                raise ValidationError(
                    _("The signature box must stay on the page (left 0-70%, top 0-90%).")
                )
            if signer.sign_page < 0:
                raise ValidationError(_("The page number cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_protected_fields(vals)
            self._prepare_contact_vals(vals)
        signers = super().create(vals_list)
        for signer in signers:
            if signer.request_id.state not in ("draft",):
                raise UserError(_("Signers can only be added to a draft request."))
        return signers

    def write(self, vals):
        self._check_protected_fields(vals)
        self._prepare_contact_vals(vals)
        contact_fields = {"partner_id", "email", "mobile"}
        replaced = self.env["esign.signer"]
        if contact_fields & set(vals) or "sequence" in vals:
            for signer in self:
                if signer.state in ("signed", "refused", "cancelled"):
                    raise UserError(
                        _(
                            "%s has already answered: the signer cannot be changed.",
                            signer.name,
                        )
                    )
                if signer.state in ("waiting", "sent"):
                    if "sequence" in vals:
                        raise UserError(_("The order cannot be changed once sent."))
                    replaced |= signer
        result = super().write(vals)
        for signer in replaced:
            signer._on_replaced()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(signer.request_id.state != "draft" for signer in self):
            raise UserError(_("Signers of a sent request cannot be removed: replace them."))

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _check_protected_fields(self, vals):
        if not self.env.su and PROTECTED_FIELDS & set(vals):
            raise AccessError(_("The status and the evidence are set by the signing process."))

    def _normalize_mobile(self, number):
        country = self.partner_id.country_id or self.request_id.company_id.country_id
        if not country:
            country = self.env.company.country_id
        return normalize_mobile(number, country.code)

    def _prepare_contact_vals(self, vals):
        """Normalise the e-mail and the mobile given by the sender; refuse invalid ones."""
        if vals.get("mobile"):
            partner = self.env["res.partner"].browse(vals.get("partner_id")) or self.partner_id[:1]
            country = partner.country_id or self.env.company.country_id
            normalized = normalize_mobile(vals["mobile"], country.code)
            if not normalized:
                raise ValidationError(
                    _(
                        "%s is not a valid mobile number: the code is sent by SMS.",
                        vals["mobile"],
                    )
                )
            vals["mobile"] = normalized
        if vals.get("email"):
            normalized = email_normalize(vals["email"])
            if not normalized:
                raise ValidationError(_("%s is not a valid e-mail address.", vals["email"]))
            vals["email"] = normalized

    def _get_role_label(self):
        return dict(self._fields["role"]._description_selection(self.env))[self.role]

    def _get_param(self, key, default):
        # sudo: system parameters are readable by administrators only (signers are public)
        return int(self.env["ir.config_parameter"].sudo().get_param(f"esign.{key}", default))

    def _check_can_be_invited(self):
        self.ensure_one()
        if not self.email or not email_normalize(self.email):
            raise UserError(
                _(
                    "%(role)s %(name)s has no valid e-mail address: the request cannot be sent.",
                    role=self._get_role_label(),
                    name=self.name,
                )
            )
        if not self.mobile or not self._normalize_mobile(self.mobile):
            raise UserError(
                _(
                    "%(role)s %(name)s has no valid mobile number to receive the signature "
                    "code by SMS: the request cannot be sent.",
                    role=self._get_role_label(),
                    name=self.name,
                )
            )

    def _get_sign_url(self):
        self.ensure_one()
        # sudo: the token is readable by system only; the URL goes into the invitation
        token = self.sudo().access_token
        return f"{self.get_base_url()}/esign/sign/{self.id}/{token}"

    def _rotate_token(self, expire=False):
        """New random link for each signer; ``expire`` makes it unusable at once."""
        days = self._get_param("token_validity_days", 30)
        now = fields.Datetime.now()
        for signer in self:
            # sudo: the token and code fields are restricted to the system group
            signer.sudo().write(
                {
                    "access_token": secrets.token_urlsafe(32),
                    "access_token_expiry": False if expire else now + timedelta(days=days),
                    "code_hash": False,
                    "code_salt": False,
                    "code_expiry": False,
                }
            )

    def _check_token(self, token):
        """Constant-time check of a link token, and of its validity."""
        self.ensure_one()
        # sudo: reading the secret token to compare it
        expected = self.sudo().access_token
        if not expected or not isinstance(token, str) or not token.isascii():
            return False
        if not consteq(expected, token):
            return False
        return bool(self.access_token_expiry and self.access_token_expiry > fields.Datetime.now())

    def _send_invitation(self, reminder=False):
        template = self.env.ref("esign.mail_template_esign_invitation")
        for signer in self:
            if not reminder:
                signer._rotate_token()
            # sudo: status and link validity are protected from direct writes
            signer.sudo().write(
                {
                    "state": "sent",
                    "access_token_expiry": fields.Datetime.now()
                    + timedelta(days=self._get_param("token_validity_days", 30)),
                    "last_notification_date": fields.Datetime.now(),
                }
            )
            # the link is personal: the e-mail is attached to no record (no chatter shows it),
            # authored by the company (readable by administrators only) and deleted
            # once sent; the request's chatter gets a note without the link
            template.with_context(
                esign_sign_url=signer._get_sign_url(), esign_reminder=reminder
            ).send_mail(
                signer.id,
                email_layout_xmlid="mail.mail_notification_light",
                email_values={
                    "model": False,
                    "res_id": False,
                    "auto_delete": True,
                    "author_id": signer.request_id.company_id.partner_id.id,
                },
            )
            signer.request_id._log("reminded" if reminder else "invited", signer=signer)
            signer.request_id._message_log(body=signer._get_invitation_note(reminder))

    def _get_invitation_note(self, reminder=False):
        self.ensure_one()
        if reminder:
            return _(
                "Reminder sent to %(name)s (%(email)s).",
                name=self.name,
                email=mask_email(self.email),
            )
        return _(
            "Invitation sent to %(name)s (%(email)s).",
            name=self.name,
            email=mask_email(self.email),
        )

    def _on_replaced(self):
        """The sender changed the person, e-mail or mobile: old link dies, new one is sent."""
        self.ensure_one()
        self._check_can_be_invited()
        self.request_id._log(
            "replaced",
            signer=self,
            description=_("Now %(name)s, %(mobile)s", name=self.name, mobile=self.mobile_masked),
        )
        # sudo: code counters are protected from direct writes
        self.sudo().write({"code_attempts": 0, "code_send_count": 0})
        if self.state == "sent":
            self._send_invitation()
        else:
            self._rotate_token(expire=True)

    # ------------------------------------------------------------
    # CODE
    # ------------------------------------------------------------

    def _generate_code(self):
        """Six random digits (overridden in tests to get a known code)."""
        return f"{secrets.randbelow(10**6):06d}"

    def _hash_code(self, code, salt):
        """Keyed by the evidence key, outside the database: the stored hash and salt do not
        let a database administrator find the code."""
        key = self.env["esign.log"]._get_evidence_key()
        return keyed_hash(key, f"esign code:{self.id}:{salt}:{code}".encode())

    def _log_page_view(self, http=None):
        """Log that the signer opened the signing page, while there is something to sign; at
        most once an hour and 20 times (whoever holds the link can reload the page)."""
        self.ensure_one()
        if self.state != "sent" or self.request_id.state != "sent":
            return self.env["esign.log"]
        return self.env["esign.log"]._append_throttled(self.request_id, "opened", self, http=http)

    def _get_signing_error(self):
        """Why this signer cannot sign now, or ``False``."""
        self.ensure_one()
        request = self.request_id
        if self.state == "signed":
            return _("You have already signed this document.")
        if request.state != "sent" or self.state != "sent":
            if request.state == "sent" and self.state == "waiting":
                return _("Other signers must sign before you.")
            return _("This document can no longer be signed.")
        if request.date_validity and request.date_validity < fields.Date.context_today(self):
            return _("The validity date of this document has passed.")
        rank_before = request.signer_ids.filtered(
            lambda s: s.sequence < self.sequence and s.state != "signed"
        )
        if rank_before:
            return _("Other signers must sign before you.")
        return False

    def _send_code(self, http=None):
        """Send a new code by SMS. Return an error message, or ``False`` when it was sent."""
        self.ensure_one()
        request = self.request_id
        error = self._get_signing_error()
        if error:
            return error
        now = fields.Datetime.now()
        max_sends = self._get_param("code_max_sends", 5)
        delay = self._get_param("code_resend_delay_seconds", 60)
        log = self.env["esign.log"]
        if self.code_send_count >= max_sends:
            log._append_throttled(request, "code_refused", self, description="limit", http=http)
            return _("Too many codes were sent. Ask the sender for a new invitation.")
        if self.code_last_sent and self.code_last_sent > now - timedelta(seconds=delay):
            wait = int((self.code_last_sent + timedelta(seconds=delay) - now).total_seconds()) + 1
            log._append_throttled(request, "code_refused", self, description="too soon", http=http)
            return _("Please wait %s seconds before asking for a new code.", wait)
        code = self._generate_code()
        salt = secrets.token_hex(16)
        minutes = self._get_param("code_validity_minutes", 10)
        # sudo: code fields are restricted to the system group; signers are public users
        self.sudo().write(
            {
                "code_hash": self._hash_code(code, salt),
                "code_salt": salt,
                "code_expiry": now + timedelta(minutes=minutes),
                "code_attempts": 0,
                "code_send_count": self.code_send_count + 1,
                "code_last_sent": now,
            }
        )
        sms_state, failure = self._send_code_sms(code)
        if sms_state in SMS_FAILED_STATES or failure:
            # sudo: the code fields are restricted to base.group_system; the unsent code dies
            self.sudo().write({"code_hash": False, "code_salt": False, "code_expiry": False})
            request._log("code_failed", signer=self, description=failure or sms_state, http=http)
            request._notify_sender(
                _(
                    "The signature code could not be sent by SMS to %(name)s (%(mobile)s): "
                    "%(error)s. The signer cannot sign until SMS can be sent.",
                    name=self.name,
                    mobile=self.mobile_masked,
                    error=failure or sms_state,
                ),
                activity=True,
            )
            return _("The code could not be sent by SMS. The sender has been told; try later.")
        description = self.mobile_masked
        if sms_state == "test":
            description = f"{description} TEST MODE"
        request._log("code_sent", signer=self, description=description, http=http)
        if sms_state == "sent":
            request._log("code_delivered", signer=self, http=http)
        return False

    def _prepare_sms_body(self, code):
        template = self.env.ref("esign.sms_template_esign_code")
        minutes = self._get_param("code_validity_minutes", 10)
        return template.with_context(esign_code=code, esign_minutes=minutes)._render_field(
            "body", self.ids, compute_lang=True
        )[self.id]

    def _is_sms_test_mode(self):
        """Developer switch (system parameter ``esign.sms_test_mode``): the code is written in
        the server log instead of being sent; the evidence and the certificate say so.
        Honoured only by a server started in developer mode (``--dev``) or by tests, so that
        a production server never signs without a real SMS."""
        if not (config.get("dev_mode") or getattr(threading.current_thread(), "testing", False)):
            return False
        # sudo: system parameters are readable by administrators only
        return self.env["ir.config_parameter"].sudo().get_param("esign.sms_test_mode") == "1"

    def _send_code_sms(self, code):
        """Queue the SMS and hand it to the gateway at once; return (state, failure)."""
        if self._is_sms_test_mode():
            _logger.warning(
                "esign TEST MODE, no legal value: code for signer %s (%s) is %s",
                self.id,
                self.mobile_masked,
                code,
            )
            return "test", False
        # sudo: public signers cannot create SMS; number and body are built by the server
        sms_sudo = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": self.mobile,
                    "partner_id": self.partner_id.id,
                    "body": self._prepare_sms_body(code),
                    "to_delete": True,
                }
            )
        )
        try:
            sms_sudo._send(unlink_failed=True, unlink_sent=True, raise_exception=True)
            result = sms_sudo.state, sms_sudo.failure_type or False
        except Exception as error:
            _logger.warning("esign: SMS to signer %s failed: %s", self.id, error)
            result = "error", str(error)[:200] or "sms_server"
        # the body holds the live code: nothing keeps it once handed to the gateway
        sms_sudo.unlink()
        return result

    def _sign(self, code, signature_png, signature_type="draw", http=None):
        """Check ``code`` and sign. Return an error message, or ``False`` when signed."""
        self.ensure_one()
        request = self.request_id
        http = http or {}
        error = self._get_signing_error()
        if error:
            return error
        image = self._check_signature_image(signature_png)
        if not image:
            return _("Draw or type your signature first.")
        # sudo: code fields are restricted to the system group
        signer_sudo = self.sudo()
        if not signer_sudo.code_hash:
            return _("Ask for a code by SMS first (a code is used once).")
        if self.code_expiry <= fields.Datetime.now():
            signer_sudo.write({"code_hash": False, "code_salt": False})
            request._log("code_expired", signer=self, http=http)
            return _("This code has expired. Ask for a new one.")
        candidate = self._hash_code((code or "").strip(), signer_sudo.code_salt)
        if not consteq(candidate, signer_sudo.code_hash):
            attempts = self.code_attempts + 1
            signer_sudo.code_attempts = attempts
            request._log("code_wrong", signer=self, http=http)
            max_attempts = self._get_param("code_max_attempts", 5)
            if attempts >= max_attempts:
                signer_sudo.write({"code_hash": False, "code_salt": False})
                request._log("locked", signer=self, http=http)
                return _("Too many wrong codes: this code is locked. Ask for a new one.")
            return _(
                "Wrong code. %s tries left.",
                max_attempts - attempts,
            )
        # a code is used once: forget it before anything else
        signer_sudo.write({"code_hash": False, "code_salt": False, "code_expiry": False})
        request._log("code_ok", signer=self, http=http)
        signer_sudo.write(
            {
                "state": "signed",
                "signed_date": fields.Datetime.now(),
                "signed_ip": http.get("ip"),
                "signed_user_agent": (http.get("user_agent") or "")[:512],
                "signature_image": base64.b64encode(image),
                "signature_type": signature_type if signature_type in ("draw", "type") else "draw",
            }
        )
        request._log(
            "signed",
            signer=self,
            data_hash=request.original_sha256,
            http=http,
            description=self.signature_type,
        )
        request._on_signer_signed(self)
        return False

    def _check_signature_image(self, data_url):
        """PNG bytes of a signature sent as a data URL, or ``False`` when it is not one."""
        if not data_url or not isinstance(data_url, str):
            return False
        prefix = "data:image/png;base64,"
        if not data_url.startswith(prefix) or len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + 64:
            return False
        try:
            raw = base64.b64decode(data_url[len(prefix) :], validate=True)
            with Image.open(io.BytesIO(raw)) as image:
                image.verify()
                if image.format != "PNG" or image.width > 2000 or image.height > 1000:
                    return False
        except Exception:
            return False
        return raw

    def _refuse(self, reason, http=None):
        """Refuse to sign with a reason. Return an error message, or ``False``."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            return _("Please give the reason of your refusal.")
        if self.state != "sent" or self.request_id.state != "sent":
            return _("This document can no longer be refused.")
        # sudo: the signer is a public user
        self.sudo().write({"state": "refused", "refusal_reason": reason[:2000]})
        self.request_id._log("refused", signer=self, description=reason[:200], http=http)
        self.request_id._on_signer_refused(self, reason[:2000])
        return False

    def _prepare_stamp_values(self):
        """Box drawn on the final PDF for this signer."""
        self.ensure_one()
        signers = self.request_id.signer_ids.sorted(lambda s: (s.sequence, s.id))
        index = list(signers).index(self)
        width, height = 0.36, 0.09
        if self.sign_pos_x or self.sign_pos_y:
            x, y = self.sign_pos_x / 100.0, self.sign_pos_y / 100.0
        else:
            x = 0.08 + (index % 2) * 0.48
            y = 0.72 - (index // 2) * 0.11
        image = base64.b64decode(self.with_context(bin_size=False).signature_image or b"")
        return {
            "page": self.sign_page,
            "x": x,
            "y": max(min(y, 0.9), 0.02),
            "width": width,
            "height": height,
            "image": image or None,
            "lines": [
                _("Signed by %s", self.name),
                self.request_id._format_utc(self.signed_date),
                _("Ref. %s", self.request_id.name),
            ],
        }
