from . import receivable_categorize_wizard
from . import receivable_handoff_wizard
from . import receivable_share_internal_wizard
from . import receivable_share_link_wizard
from . import receivable_archive_hold_wizard
from . import receivable_archive_export
from . import receivable_client_file_reject_wizard
from . import receivable_client_file_document_add
