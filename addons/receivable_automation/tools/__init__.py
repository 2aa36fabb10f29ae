from . import verify_archive
