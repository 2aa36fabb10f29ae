from . import receivable_document_type
