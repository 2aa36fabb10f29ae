from . import receivable_categorize_wizard
from . import receivable_handoff_wizard
from . import receivable_client_file_reject_wizard
from . import receivable_client_file_document_add
