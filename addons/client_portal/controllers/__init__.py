from . import statement
from . import documents
from . import promise_plan
from . import dispute
from . import pay
from . import message
from . import signatures
from . import shared_documents
