from . import dunning
from . import followup
from . import fees
from . import handoff
from . import inquiry
from . import res_company
from . import res_config_settings
from . import ir_actions_report
