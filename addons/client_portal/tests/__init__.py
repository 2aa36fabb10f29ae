from . import test_statement
from . import test_dispute
from . import test_promise_plan
from . import test_documents
from . import test_pay
from . import test_message
from . import test_signatures
