from . import receivable_demo
from . import receivable_client_file_demo
from . import receivable_mailbox_demo
from . import receivable_kpi_demo
