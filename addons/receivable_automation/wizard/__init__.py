from . import receivable_categorize_wizard
from . import receivable_handoff_wizard
from . import receivable_archive_hold_wizard
from . import receivable_archive_export
