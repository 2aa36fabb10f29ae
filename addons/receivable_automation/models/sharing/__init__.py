from . import receivable_share_link
from . import receivable_share_log
from . import res_company
from . import res_config_settings
from . import receivable_client_file
from . import receivable_archive
