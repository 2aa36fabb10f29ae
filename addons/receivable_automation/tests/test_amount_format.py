from odoo.tests import TransactionCase, tagged
from odoo.tools import format_amount

from ..tools.amount_format import amount_formatter

AMOUNTS = (0, 0.004, 0.005, -0.005, 1, -1, 12.345, 999.995, 1000, -1234.5, 1234567.891, 10**9)


@tagged("post_install", "-at_install")
class TestAmountFormat(TransactionCase):
    """The run's amount formatter writes what Odoo's ``format_amount`` writes."""

    def test_same_text_as_odoo_in_every_language_and_currency(self):
        for code in ("fr_FR", "de_DE", "en_IN"):
            self.env["res.lang"]._activate_lang(code)
        usd, eur, jpy = (self.env.ref(f"base.{code}") for code in ("USD", "EUR", "JPY"))
        (eur | jpy).active = True
        for lang_code in ("en_US", "fr_FR", "de_DE", "en_IN"):
            env = self.env(context={"lang": lang_code})
            format_fast = amount_formatter(env)
            for currency in (usd, eur, jpy):
                for amount in AMOUNTS:
                    with self.subTest(lang=lang_code, currency=currency.name, amount=amount):
                        self.assertEqual(
                            format_fast(amount, currency), format_amount(env, amount, currency)
                        )

    def test_explicit_language_wins_over_the_context(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        eur = self.env.ref("base.EUR")
        env = self.env(context={"lang": "en_US"})
        self.assertEqual(
            amount_formatter(env, "fr_FR")(1234.5, eur), format_amount(env, 1234.5, eur, "fr_FR")
        )
