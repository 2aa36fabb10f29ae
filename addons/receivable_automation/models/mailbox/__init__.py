from . import res_company
from . import res_config_settings
from . import receivable_mailbox_match
from . import receivable_inquiry_mailbox
from . import receivable_dunning_action
from . import account_move
from . import mail_thread
