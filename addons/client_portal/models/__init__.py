from . import receivable_portal_link
from . import res_company
from . import res_config_settings
from . import res_partner
from . import receivable_dunning_action
from . import receivable_portal_event
from . import receivable_promise
from . import receivable_payment_plan
