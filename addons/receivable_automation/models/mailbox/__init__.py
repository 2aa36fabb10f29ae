# classification of incoming e-mails
from . import mail_thread
from . import receivable_inquiry_rule
from . import receivable_inquiry_example
from . import receivable_inquiry_classification
from . import receivable_dunning_action
from . import receivable_state_mixin
from . import res_company
from . import res_config_settings
