from . import receivable_interest_rate
from . import res_partner
from . import account_move
