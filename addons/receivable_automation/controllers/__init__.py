from . import share
from . import client_file_upload
