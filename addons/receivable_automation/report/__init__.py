from . import receivable_item_report
from . import receivable_payment_delay_report
from . import receivable_debtor
from . import receivable_effectiveness_report
