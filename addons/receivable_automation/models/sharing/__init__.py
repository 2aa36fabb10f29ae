from . import receivable_share_link
from . import receivable_share_log
from . import res_company
from . import res_config_settings
