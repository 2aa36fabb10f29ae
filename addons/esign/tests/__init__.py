from . import test_esign_code
from . import test_esign_evidence
from . import test_esign_flow
from . import test_esign_http
from . import test_esign_security
