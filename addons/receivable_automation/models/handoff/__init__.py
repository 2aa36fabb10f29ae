from . import receivable_handoff
from . import res_partner
