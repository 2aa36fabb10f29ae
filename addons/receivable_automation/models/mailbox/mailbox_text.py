"""Plain-Python helpers of the mailbox classification: the text of an e-mail as the rules read
it, and the dates and amounts it mentions (French and English). No network, no model."""

import re
import unicodedata
from datetime import date, timedelta

from odoo.tools import html2plaintext

# A year-less date in the past is read as next year's when that is at most this far ahead.
NEXT_YEAR_WINDOW_DAYS = 183

MONTHS = {
    "janvier": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "february": 2,
    "feb": 2,
    "fev": 2,
    "fevr": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "april": 4,
    "apr": 4,
    "avr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "july": 7,
    "jul": 7,
    "juil": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "octobre": 10,
    "october": 10,
    "oct": 10,
    "novembre": 11,
    "november": 11,
    "nov": 11,
    "decembre": 12,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "lundi": 0,
    "monday": 0,
    "mardi": 1,
    "tuesday": 1,
    "mercredi": 2,
    "wednesday": 2,
    "jeudi": 3,
    "thursday": 3,
    "vendredi": 4,
    "friday": 4,
    "samedi": 5,
    "saturday": 5,
    "dimanche": 6,
    "sunday": 6,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "|".join(WEEKDAYS)
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
DATE_PATTERNS = [
    # 2026-03-15
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    # 15/03/2026, 15.03.26, 15/03
    re.compile(
        r"(?<![\d/.,])(?P<day>\d{1,2})[/.](?P<month>\d{1,2})(?:[/.](?P<year>\d{4}|\d{2}))?(?![\d/]|[.,]\d)"
    ),
    # 15 mars 2026, le 1er mars, 15th of March, 15 March 2026
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+|de\s+)?" + _MONTH + _YEAR + r"\b"),
    # March 15, 2026 / March 15th
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _YEAR + r"\b"),
]
RELATIVE_PATTERNS = [
    re.compile(r"\b(?:next|this coming)\s+(?P<weekday>" + _WEEKDAY + r")\b"),
    re.compile(r"\b(?P<weekday>" + _WEEKDAY + r")\s+prochain\b"),
]
TOMORROW = re.compile(r"\b(?:tomorrow|demain)\b")

_CURRENCY = r"(?:€|eur(?:os?)?\b|\$|usd\b|£|gbp\b)"
_NUMBER = r"(?P<number>\d{1,3}(?:[ \u00a0\u202f'.,]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
AMOUNT_PATTERNS = [
    re.compile(r"(?<![\w.,])" + _NUMBER + r"\s?" + _CURRENCY, re.IGNORECASE),
    re.compile(_CURRENCY + r"\s?" + _NUMBER + r"(?![\d])", re.IGNORECASE),
]

# Where the quoted history of a reply starts.
QUOTE_STARTS = [
    re.compile(r"^\s*(le|on)\s.{0,200}(a ecrit|wrote)\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(original message|message d'origine)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
]
HISTORY_HEADER = re.compile(r"^\s*(from|de)\s*:", re.IGNORECASE)
HISTORY_FOLLOWING = re.compile(r"^\s*(sent|envoye|date|to|a)\s*:", re.IGNORECASE)


def strip_accents(text):
    """Without accents: a rule's regular expression written "réglé" also finds "regle"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize(text):
    """Lower case without accents: what the rules are matched against."""
    return strip_accents(text).lower()


def body_text(html):
    """The customer's own words: the html body as text, without the quoted history."""
    lines = html2plaintext(html or "").splitlines()
    kept = []
    for index, line in enumerate(lines):
        plain = normalize(line)
        if any(pattern.match(plain) for pattern in QUOTE_STARTS):
            break
        if HISTORY_HEADER.match(plain) and any(
            HISTORY_FOLLOWING.match(normalize(following))
            for following in lines[index + 1 : index + 4]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _resolve(day, month, year, today):
    """The date meant, or None: a year-less date already past is next year's only when that
    is near (a payment "on 5 January" written in December), else it stays in the past."""
    try:
        if year:
            year = int(year)
            if year < 100:
                year += 2000
            return date(year, month, day)
        found = date(today.year, month, day)
    except ValueError:
        return None
    if found < today:
        try:
            following = date(today.year + 1, month, day)
        except ValueError:
            return found
        if (following - today).days <= NEXT_YEAR_WINDOW_DAYS:
            return following
    return found


def extract_dates(text, today):
    """Dates the text mentions, in the order they appear (French and English writings)."""
    plain = normalize(text)
    found = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(plain):
            month = match["month"]
            month = int(month) if month.isdigit() else MONTHS[month.rstrip(".")]
            if not 1 <= month <= 12:
                continue
            value = _resolve(int(match["day"]), month, match["year"], today)
            if value:
                found.append((match.start(), value))
    for pattern in RELATIVE_PATTERNS:
        for match in pattern.finditer(plain):
            ahead = (WEEKDAYS[match["weekday"]] - today.weekday() - 1) % 7 + 1
            found.append((match.start(), today + timedelta(days=ahead)))
    for match in TOMORROW.finditer(plain):
        found.append((match.start(), today + timedelta(days=1)))
    return [value for _position, value in sorted(found, key=lambda item: item[0])]


def _parse_number(number):
    number = re.sub(r"[ \u00a0\u202f']", "", number)
    if not any(char in ".," for char in number):
        return float(number)
    last = max(number.rfind("."), number.rfind(","))
    decimals = len(number) - last - 1
    if decimals == 3:
        # "1.234" or "1,234": a thousands separator, never three decimals in an amount
        return float(number.replace(".", "").replace(",", ""))
    whole = number[:last].replace(".", "").replace(",", "")
    return float(f"{whole}.{number[last + 1 :]}")


def extract_amounts(text):
    """Amounts with a currency sign or code the text mentions, in the order they appear."""
    found = []
    for pattern in AMOUNT_PATTERNS:
        for match in pattern.finditer(text or ""):
            try:
                value = _parse_number(match["number"])
            except ValueError:
                continue
            if value > 0:
                found.append((match.start(), value))
    return [value for _position, value in sorted(found, key=lambda item: item[0])]
