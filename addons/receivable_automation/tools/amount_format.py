"""Formatting many amounts as ``odoo.tools.format_amount`` does, at a fraction of its cost."""

import ast

from odoo.tools import float_round, get_lang

from odoo.addons.base.models.res_lang import intersperse


def amount_formatter(env, lang_code=None):
    """A ``format(amount, currency)`` function that returns what
    ``odoo.tools.format_amount(env, amount, currency, lang_code)`` returns.

    ``format_amount`` looks the language up three times in Odoo's caches for each amount
    (about 0.25 ms); a run of a thousand reminders formats some 30,000 amounts. This reads the
    language's separators once, and each currency's format once.
    """
    lang = get_lang(env, lang_code)
    grouping = ast.literal_eval(lang.grouping)
    thousands_sep = lang.thousands_sep or ""
    decimal_point = lang.decimal_point
    currencies = {}

    def currency_format(currency):
        if currency.id not in currencies:
            symbol = currency.symbol or ""
            currencies[currency.id] = (
                currency.rounding,
                f"%.{currency.decimal_places}f",
                f"{symbol}\N{NO-BREAK SPACE}{{}}"
                if currency.position == "before"
                else f"{{}}\N{NO-BREAK SPACE}{symbol}",
            )
        return currencies[currency.id]

    def format_amount(amount, currency):
        rounding, number_format, amount_format = currency_format(currency)
        rounded = float_round(amount, precision_rounding=rounding)
        integer, *decimals = (number_format % rounded).split(".")
        number = decimal_point.join([intersperse(integer, grouping, thousands_sep)[0], *decimals])
        number = number.replace(" ", "\N{NO-BREAK SPACE}").replace(
            "-", "-\N{ZERO WIDTH NO-BREAK SPACE}"
        )
        return amount_format.format(number)

    return format_amount
