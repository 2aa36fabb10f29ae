# intake: the mailbox alias, matching the debtor, triage, replies
from . import res_company
from . import res_config_settings
from . import receivable_mailbox_match
from . import receivable_inquiry_mailbox
from . import receivable_dunning_action
from . import account_move
from . import mail_thread

# classification of incoming e-mails
from . import receivable_inquiry_rule
from . import receivable_inquiry_example
from . import receivable_inquiry_classification
from . import receivable_state_mixin
