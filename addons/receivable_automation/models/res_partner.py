from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_receivable_url_lang_prefix(self):
        """``/fr`` for a French contact: the public pages that a link e-mailed to this contact
        opens (upload page, share page) open in the contact's language, without a cookie. Empty
        when the contact has no active language or the database has one language only."""
        self.ensure_one()
        Lang = self.env["res.lang"]
        if not self.lang or len(Lang._get_active_by("code")) < 2:
            return ""
        lang = Lang._get_data(code=self.lang)
        return f"/{lang.url_code}" if lang else ""
