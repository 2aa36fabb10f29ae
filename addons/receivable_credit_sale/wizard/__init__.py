from . import receivable_credit_override_wizard
