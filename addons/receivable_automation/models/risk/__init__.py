from . import res_company
from . import res_config_settings
from . import receivable_partner_score
from . import receivable_partner_score_factor
from . import receivable_profile_rule
from . import res_partner
from . import account_move
