from . import receivable_dispute_reason
from . import receivable_dispute
from . import receivable_dispute_line
from . import receivable_promise
from . import receivable_payment_plan
from . import receivable_payment_plan_instalment
from . import res_partner
from . import account_move
