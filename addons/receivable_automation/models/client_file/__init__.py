from . import receivable_document_type
from . import receivable_circuit
from . import receivable_circuit_step
from . import receivable_client_file
from . import receivable_client_file_step
from . import receivable_client_file_document
from . import ir_attachment
from . import res_partner
