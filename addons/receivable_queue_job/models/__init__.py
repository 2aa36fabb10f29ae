from . import receivable_dunning_run
from . import receivable_dunning_sender
