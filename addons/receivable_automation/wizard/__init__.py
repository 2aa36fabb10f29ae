from . import receivable_categorize_wizard
from . import receivable_handoff_wizard
