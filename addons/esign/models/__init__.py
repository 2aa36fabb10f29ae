from . import esign_log
from . import esign_mixin
from . import esign_request
from . import esign_signer
from . import ir_http
from . import res_config_settings
