from . import receivable_categorize_wizard
