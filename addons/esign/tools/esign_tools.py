import hashlib

import phonenumbers

EVENTS = [
    ("created", "Created"),
    ("sent", "Sent"),
    ("invited", "Invitation sent"),
    ("reminded", "Reminder sent"),
    ("opened", "Opened"),
    ("code_sent", "Code sent"),
    ("code_delivered", "Code delivered"),
    ("code_failed", "Code not sent"),
    ("code_refused", "Code request refused"),
    ("code_ok", "Code checked: right"),
    ("code_wrong", "Code checked: wrong"),
    ("code_expired", "Code checked: expired"),
    ("locked", "Locked"),
    ("signed", "Signed"),
    ("refused", "Refused"),
    ("replaced", "Signer replaced"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
    ("completed", "Completed"),
]


def sha256_hex(data):
    """SHA-256 of bytes as a lowercase hexadecimal string."""
    return hashlib.sha256(data or b"").hexdigest()


def normalize_mobile(number, country_code=None):
    """Return ``number`` in E.164 format, or ``False`` when it is not a valid mobile number.

    ``country_code`` (ISO 3166 alpha-2) is used for numbers written without an international
    prefix.
    """
    if not number:
        return False
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    number_type = phonenumbers.number_type(parsed)
    if number_type not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(number):
    """``+33612345678`` -> ``+33 ******* 78``: enough to recognise it, not to call it."""
    if not number:
        return ""
    digits = number.lstrip("+")
    try:
        parsed = phonenumbers.parse(number, None)
        prefix = f"+{parsed.country_code}"
        national = str(parsed.national_number)
    except phonenumbers.NumberParseException:
        prefix, national = "", digits
    return f"{prefix} {'*' * max(len(national) - 2, 0)}{national[-2:]}".strip()


def mask_email(email):
    """``jane.doe@example.com`` -> ``j***@example.com``."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"
