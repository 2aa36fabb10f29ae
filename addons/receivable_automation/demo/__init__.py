from . import receivable_demo
