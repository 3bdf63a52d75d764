"""English text as a reader would say it: :func:`normalize_en` and its rewrite rules
(abbreviations, dates, times, money, percentages, decades, ordinals, years, ranges,
units, fractions, numbers and symbols)."""

from __future__ import annotations

import functools
import re

from podcast.speech.normalize.numbers import _en_number, en_cardinal, en_ordinal, en_year
from podcast.speech.normalize.prepare import _NUM, _SILENT_SYMBOLS, Rule, _prepare, _replace_links, _rule, _valid_date

# ---------------------------------------------------------------- English rules

_MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)
_MONTH_ABBR = {m[:3]: m for m in _MONTHS} | {"Sept": "September"}

_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\bDr\.(?=\s+[A-Z])", "Doctor"),
    (r"\bMr\.", "Mister"),
    (r"\bMrs\.", "Missus"),
    (r"\bMs\.", "Miz"),
    (r"\bProf\.(?=\s+[A-Z])", "Professor"),
    (r"\bSt\.(?=\s+[A-Z])", "Saint"),
    (r"\bJr\.", "Junior"),
    (r"\bSr\.", "Senior"),
    (r"\bMt\.(?=\s+[A-Z])", "Mount"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"(?m)\betc\.(?=\s+[A-Z]|\s*$)", "et cetera."),
    (r"\betc\.", "et cetera"),
    (r"\be\.g\.,?", "for example"),
    (r"\bi\.e\.,?", "that is"),
    (r"\bapprox\.", "approximately"),
    (r"\bFig\.(?=\s*\d)", "figure"),
    (r"\b(?:No|no)\.(?=\s*\d)", "number"),
    (r"\bInc\.", "Incorporated"),
    (r"\bLtd\.", "Limited"),
    (r"\bCorp\.", "Corporation"),
    (r"\bdept\.", "department"),
)

_YEAR_CUES = (
    r"(?:in|since|by|from|until|till|before|after|of|year|circa|c\.|early|late|mid|the|"
    r"during|around|spring|summer|autumn|fall|winter|January|February|March|April|May|June|"
    r"July|August|September|October|November|December)"
)

_UNITS_EN: dict[str, tuple[str, str]] = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "ml": ("milliliter", "milliliters"),
    "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "Hz": ("hertz", "hertz"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "ms": ("millisecond", "milliseconds"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "℃": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "m": ("meter", "meters"),
    "g": ("gram", "grams"),
}
_UNIT_EN_RE = "|".join(re.escape(u) for u in sorted(_UNITS_EN, key=len, reverse=True))

_CURRENCY_EN = {
    "$": ("dollar", "dollars"),
    "US$": ("US dollar", "US dollars"),
    "£": ("pound", "pounds"),
    "€": ("euro", "euros"),
    # In this project's posts ¥ is the Chinese yuan far more often than the yen.
    "¥": ("yuan", "yuan"),
}
_CENTS = {"$": "cent", "US$": "cent", "€": "cent", "£": "penny", "¥": "fen"}
_SCALE_EN = {
    "k": "thousand",
    "K": "thousand",
    "M": "million",
    "m": "million",
    "B": "billion",
    "b": "billion",
    "bn": "billion",
    "T": "trillion",
}
_FRACTION_EN = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_SYMBOLS_EN = {
    "&": " and ",
    "+": " plus ",
    "=": " equals ",
    "<": " less than ",
    ">": " greater than ",
    "@": " at ",
    "×": " times ",
    "%": " percent ",
    "~": " about ",
    "≈": " about ",
}


def _en_plural(n_text: str, forms: tuple[str, str]) -> str:
    return forms[0] if n_text in ("1", "1.0") else forms[1]


def _en_money(m: re.Match[str]) -> str:
    cur, number, scale = m["cur"], m["n"].replace(",", ""), m["scale"]
    one, many = _CURRENCY_EN[cur]
    if scale:
        return f"{_en_number(number)} {_SCALE_EN.get(scale, scale)} {many}"
    whole, _, cents = number.partition(".")
    spoken = f"{_en_number(whole)} {one if whole == '1' else many}"
    if cents and len(cents) == 2 and cents != "00":
        cent = _CENTS[cur]
        plural = "pence" if cent == "penny" else (cent if cent == "fen" else cent + "s")
        small = f"{en_cardinal(int(cents))} {cent if cents == '01' else plural}"
        spoken = small if not whole.strip("0") else f"{spoken} and {small}"
    elif cents.strip("0"):
        spoken = f"{_en_number(number)} {many}"
    return spoken


def _en_time(m: re.Match[str]) -> str:
    hour, minute = int(m["h"]), int(m["min"])
    if hour > 24 or minute > 59:
        return m.group()
    if minute == 0:
        spoken = f"{en_cardinal(hour)} o'clock" if not m["ampm"] else en_cardinal(hour)
    elif minute < 10:
        spoken = f"{en_cardinal(hour)} oh {en_cardinal(minute)}"
    else:
        spoken = f"{en_cardinal(hour)} {en_cardinal(minute)}"
    if m["ampm"]:
        spoken += " a.m." if m["ampm"][0] in "aA" else " p.m."
    return spoken


def _en_iso_date(m: re.Match[str]) -> str:
    if not _valid_date(m["m"], m["d"]):
        return m.group()
    return f"{_MONTHS[int(m['m']) - 1]} {en_ordinal(int(m['d']))}, {en_year(int(m['y']))}"


def _en_month_day(m: re.Match[str]) -> str:
    name = m["mon"].rstrip(".")
    month = name if name in _MONTHS else _MONTH_ABBR.get(name)
    if month is None or not 1 <= int(m["d"]) <= 31:
        return m.group()
    spoken = f"{month} {en_ordinal(int(m['d']))}"
    if m["y"]:
        spoken += f", {en_year(int(m['y']))}"
    return spoken


def _en_fraction(m: re.Match[str]) -> str:
    if len(m["a"]) > 3 or len(m["b"]) > 3:
        return f"{_en_number(m['a'])} over {_en_number(m['b'])}"
    a, b = int(m["a"]), int(m["b"])
    if b == 0 or b > 10 or a > 100:
        return f"{en_cardinal(a)} over {en_cardinal(b)}"
    if b == 1:
        return f"{en_cardinal(a)} over one"
    one, many = _FRACTION_EN.get(b, (en_ordinal(b), en_ordinal(b) + "s"))
    return f"{en_cardinal(a)} {one if a == 1 else many}"


def _en_unit(m: re.Match[str]) -> str:
    forms = _UNITS_EN[m["unit"]]
    return f"{_en_number(m['n'])} {_en_plural(m['n'], forms)}"


def _en_range(m: re.Match[str]) -> str:
    a, b = m["a"], m["b"]
    if len(a) == 4 and len(b) == 4 and a.isdigit() and b.isdigit():
        return f"{en_year(int(a))} to {en_year(int(b))}"
    unit = m.groupdict().get("unit")
    tail = f" {_UNITS_EN[unit][1]}" if unit else ""
    return f"{_en_number(a)} to {_en_number(b)}{tail}"


def _en_decade(m: re.Match[str]) -> str:
    digits = m["y"]
    words = en_cardinal(int(digits)) if len(digits) == 2 else en_year(int(digits))
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


@functools.cache
def _en_rules() -> list[Rule]:
    n = _NUM
    return [
        _rule(
            "iso-date",
            r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])",
            _en_iso_date,
        ),
        _rule(
            "month-day",
            rf"\b(?P<mon>(?:{'|'.join(_MONTHS)}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
            r"\b\.?)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y>\d{4})(?!\d))?",
            _en_month_day,
        ),
        _rule(
            "time",
            r"(?<![\d:])(?P<h>\d{1,2}):(?P<min>\d{2})(?![\d:])"
            r"(?:\s?(?P<ampm>[aApP]\.?[mM]\.?)(?![A-Za-z]))?",
            _en_time,
        ),
        _rule(
            "money",
            rf"(?P<cur>US\$|[$£€¥])\s?(?P<n>{n})"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|[kKmMbBT])(?![A-Za-z]))?",
            _en_money,
        ),
        _rule(
            "percent",
            rf"(?<![\d.,])(?P<n>-?(?:{n}))\s?%",
            lambda m: f"{_en_number(m['n'])} percent",
        ),
        _rule("decade-short", r"(?<![\w'])['’](?P<y>\d0)s\b", _en_decade),
        _rule("decade", r"(?<![\d.,])(?P<y>1\d{2}0|20\d0)s\b", _en_decade),
        _rule(
            "ordinal",
            r"(?<![\d.,])(?P<n>\d{1,15})(?:st|nd|rd|th)\b",
            lambda m: en_ordinal(int(m["n"])),
        ),
        _rule(
            "year-range",
            r"(?<![\d.,])(?P<a>1[1-9]\d\d|20\d\d)\s?[-–]\s?(?P<b>1[1-9]\d\d|20\d\d)(?![\d])",
            _en_range,
        ),
        _rule(
            "year",
            rf"\b(?P<cue>(?i:{_YEAR_CUES})) (?P<y>1[1-9]\d\d|20\d\d)(?![\d,.]\d|\d)",
            lambda m: f"{m['cue']} {en_year(int(m['y']))}",
        ),
        _rule(
            "year-era",
            r"(?<![\d.,])(?P<y>\d{1,4})\s?(?P<era>AD|BC|BCE|CE)\b",
            lambda m: f"{en_year(int(m['y']))} {' '.join(m['era'])}",
        ),
        _rule("word-hyphen", r"(?<=[A-Za-z])-(?=\d)", lambda m: " "),
        _rule(
            "range",
            rf"(?<![\d.,A-Za-z-])(?P<a>{n})\s?[-–~]\s?(?P<b>{n})(?![\d])"
            rf"(?:\s?(?P<unit>{_UNIT_EN_RE})(?![A-Za-z\d]))?",
            _en_range,
        ),
        _rule(
            "unit",
            rf"(?<![\d.,])(?P<n>{n})\s?(?P<unit>{_UNIT_EN_RE})(?![A-Za-z\d])",
            _en_unit,
        ),
        _rule(
            "fraction",
            r"(?<![\d/.])(?P<a>\d+)/(?P<b>\d+)(?![\d/])",
            _en_fraction,
        ),
        _rule("hash-number", r"#\s?(?P<n>\d+)", lambda m: "number " + _en_number(m["n"])),
        _rule(
            "negative",
            rf"(?<![\w)])[-−](?P<n>{n})(?![\d])",
            lambda m: "minus " + _en_number(m["n"]),
        ),
        _rule("number", rf"(?<![\d.,])(?:{n})(?![\d]|[.,]\d)", lambda m: _en_number(m.group())),
    ]


def normalize_en(text: str) -> str:
    """Rewrite English text as a reader would say it.

    Numbers, ordinals, years, money, percentages, times, dates, units and common
    abbreviations become words; links become "a link".

    >>> normalize_en("Dr. Smith paid $5.50 for 2 coffees at 10:30 am on May 1st, 2024.")
    'Doctor Smith paid five dollars and fifty cents for two coffees at ten thirty a.m. on \
May first, twenty twenty-four.'
    >>> normalize_en("GPT-4 vs. the 1990s: 5% of 1,200 users, 3-5 km/h")
    'GPT four versus the nineteen nineties: five percent of one thousand two hundred users, \
three to five kilometers per hour'
    """
    text = _replace_links(_prepare(text), "a link", "an email address")
    for abbreviation, spoken in _ABBREVIATIONS:
        text = re.sub(abbreviation, spoken, text)
    for _name, pattern, replace in _en_rules():
        text = pattern.sub(replace, text)
    text = re.sub(r"[&+=<>@×%~≈]", lambda m: _SYMBOLS_EN[m.group()], text)
    text = re.sub("[" + re.escape(_SILENT_SYMBOLS.replace("~", "")) + "]+", " ", text)
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(r" (?=[,.;:!?])", "", text)
    return "\n".join(line.strip() for line in text.split("\n"))
