from . import client_file_upload
