from . import receivable_inquiry
from . import res_partner
