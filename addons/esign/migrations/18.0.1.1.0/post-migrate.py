from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Evidence keys arrive: seal the logs of requests still in draft with the key."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["esign.request"]._seal_draft_legacy_evidence()
