from odoo.tests import common as odoo_tests_common

# queue_job's test helpers register their patcher in ``SETATTR_SOURCES``, which Odoo 18.0
# builds before mid-2025 do not have: give them an empty one to register in.
if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    odoo_tests_common.SETATTR_SOURCES = {}

from . import test_queue_job
