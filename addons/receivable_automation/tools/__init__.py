from . import verify_archive
from . import amount_format
