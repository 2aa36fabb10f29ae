from .esign_tools import (
    EVENTS,
    mask_email,
    mask_phone,
    normalize_mobile,
    sha256_hex,
)
from .esign_pdf import (
    build_certificate_pdf,
    build_signed_pdf,
    extract_request_uuid,
    extract_request_uuids,
)
from .esign_key import get_evidence_key, get_key_id, keyed_hash
