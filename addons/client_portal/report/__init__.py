from . import receivable_statement_report
