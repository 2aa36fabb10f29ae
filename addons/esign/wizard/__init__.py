from . import esign_send_wizard
