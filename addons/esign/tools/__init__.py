from .esign_tools import (
    EVENTS,
    mask_email,
    mask_phone,
    normalize_mobile,
    sha256_hex,
)
from .esign_pdf import build_certificate_pdf, build_signed_pdf, extract_request_uuid
