from . import res_company
from . import res_config_settings
from . import receivable_kpi
from . import receivable_kpi_snapshot
from . import receivable_dunning_run
