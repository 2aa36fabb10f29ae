from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    """Odoo's clickbot opens every menu of the Receivables and eSign apps, every view and
    filter of their actions: a crash in any of them fails the test."""

    allow_end_on_form = True

    def _click_everywhere(self, menu_xmlid, login):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            f".startClickEverywhere('{menu_xmlid}');",
            "odoo.isReady === true",
            login=login,
            timeout=900,
            success_signal="clickbot test succeeded",
        )

    def test_receivables_app_as_admin(self):
        self.env.ref("base.user_admin").tour_enabled = False
        self._click_everywhere("receivable_automation.menu_receivable_root", "admin")

    def test_receivables_app_as_a_credit_controller(self):
        new_test_user(
            self.env,
            login="click_collector",
            groups="receivable_automation.group_receivable_user",
            tour_enabled=False,
        )
        self._click_everywhere("receivable_automation.menu_receivable_root", "click_collector")

    def test_esign_app_as_admin(self):
        self.env.ref("base.user_admin").tour_enabled = False
        self._click_everywhere("esign.esign_menu_root", "admin")
