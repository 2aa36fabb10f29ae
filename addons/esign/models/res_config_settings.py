from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    esign_token_validity_days = fields.Integer(
        "Signing Link Validity (days)",
        config_parameter="esign.token_validity_days",
        default=30,
    )
    esign_reminder_interval_days = fields.Integer(
        "Reminder Interval (days)",
        config_parameter="esign.reminder_interval_days",
        default=3,
        help="0 disables the reminders.",
    )
    esign_code_validity_minutes = fields.Integer(
        "Code Validity (minutes)",
        config_parameter="esign.code_validity_minutes",
        default=10,
    )
    esign_code_max_attempts = fields.Integer(
        "Wrong Codes Before Lock", config_parameter="esign.code_max_attempts", default=5
    )
    esign_code_max_sends = fields.Integer(
        "Codes per Signer", config_parameter="esign.code_max_sends", default=5
    )
    esign_code_resend_delay_seconds = fields.Integer(
        "Delay Between Codes (seconds)",
        config_parameter="esign.code_resend_delay_seconds",
        default=60,
    )
