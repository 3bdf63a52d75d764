"""Number words: whole numbers, decimals and digit strings read in Chinese (``zh_*``)
and in English (``en_*``), with no context around them."""

from __future__ import annotations

from decimal import Decimal

# ---------------------------------------------------------------- numbers in Chinese

_DIGITS = "零一二三四五六七八九"
_MAX_CARDINAL_DIGITS = 16
"""Longer digit strings are identifiers, not quantities; they are read digit by digit."""


def zh_digits(digits: str, *, yao: bool = False) -> str:
    """Read a digit string one digit at a time.

    ``yao`` reads 1 as 幺, as Mandarin speakers do in phone numbers.

    >>> zh_digits("2024")
    '二零二四'
    >>> zh_digits("110", yao=True)
    '幺幺零'
    """
    table = _DIGITS.replace("一", "幺") if yao else _DIGITS
    return "".join(table[int(d)] for d in digits if d.isdigit() and d.isascii())


def _section(n: int) -> str:
    """Read 1–9999 with 千/百/十 and one 零 per run of inner zeros."""
    out: list[str] = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        # Spoken Mandarin says 两千, not 二千 (cn2an writes the latter).
        out.append(("两" if digit == 2 and value == 1000 else _DIGITS[digit]) + unit)
    return "".join(out)


def _cardinal(n: int) -> str:
    if n < 10_000:
        return _section(n)
    if n < 100_000_000:
        high, low, unit, zero_below = n // 10_000, n % 10_000, "万", 1000
    else:
        high, low, unit, zero_below = n // 100_000_000, n % 100_000_000, "亿", 10_000_000
    head = "两" if high == 2 else _cardinal(high)
    if not low:
        return head + unit
    return head + unit + ("零" if low < zero_below else "") + _cardinal(low)


def zh_integer(value: int | str, *, liang: bool = False) -> str:
    """Read a whole number as a Chinese quantity.

    ``liang`` reads a lone 2 as 两 (two of something: 两个, 两点). Numbers of more than
    sixteen digits, and digit strings with leading zeros, are read digit by digit.

    >>> [zh_integer(n) for n in (0, 10, 15, 110, 1002, 2024, 20000, 100010, 100000001)]
    ['零', '十', '十五', '一百一十', '一千零二', '两千零二十四', '两万', '十万零一十', '一亿零一']
    >>> zh_integer(2, liang=True), zh_integer(22, liang=True), zh_integer("007")
    ('两', '二十二', '零零七')
    """
    text = str(value).replace(",", "")
    negative = text.startswith("-")
    text = text.lstrip("-")
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"not a whole number: {value!r}")
    if len(text) > _MAX_CARDINAL_DIGITS or (len(text) > 1 and text.startswith("0")):
        return ("负" if negative else "") + zh_digits(text)
    n = int(text)
    if n == 0:
        spoken = "零"
    elif n == 2 and liang:
        spoken = "两"
    else:
        spoken = _cardinal(n)
        if spoken.startswith("一十"):
            spoken = spoken[1:]
    return ("负" if negative else "") + spoken


def zh_number(text: str, *, liang: bool = False) -> str:
    """Read a number as written (``12,345``, ``3.14``, ``-0.5``) in Chinese.

    >>> [zh_number(s) for s in ("3.14", "12,345", "-0.5", "10.0", "2")]
    ['三点一四', '一万两千三百四十五', '负零点五', '十点零', '二']
    """
    text = text.replace(",", "").strip()
    sign = ""
    if text[:1] in "-−":
        sign, text = "负", text[1:]
    elif text[:1] == "+":
        sign, text = "正", text[1:]
    whole, _, fraction = text.partition(".")
    spoken = zh_integer(whole or "0", liang=liang)
    if fraction:
        spoken += "点" + zh_digits(fraction)
    return sign + spoken


def _decimal_text(value: Decimal) -> str:
    """Plain positional digits for a Decimal (never exponent notation)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------- numbers in English

_EN_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
    *("seventeen", "eighteen", "nineteen"),
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def en_cardinal(n: int) -> str:
    """Read a whole number in American English (no "and" after hundred).

    >>> en_cardinal(0), en_cardinal(21), en_cardinal(105), en_cardinal(1234)
    ('zero', 'twenty-one', 'one hundred five', 'one thousand two hundred thirty-four')
    >>> en_cardinal(-3_000_000)
    'minus three million'
    """
    if n < 0:
        return "minus " + en_cardinal(-n)
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_EN_ONES[hundreds]} hundred" + (f" {en_cardinal(rest)}" if rest else "")
    for scale, name in _EN_SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{en_cardinal(high)} {name}" + (f" {en_cardinal(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


_EN_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def en_ordinal(n: int) -> str:
    """Read a whole number as an English ordinal.

    >>> en_ordinal(1), en_ordinal(22), en_ordinal(40), en_ordinal(112)
    ('first', 'twenty-second', 'fortieth', 'one hundred twelfth')
    """
    words = en_cardinal(n)
    head, sep, last = max((words.rpartition(" "), words.rpartition("-")), key=lambda parts: len(parts[0]))
    if last in _EN_ORDINAL_WORDS:
        last = _EN_ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def en_year(n: int) -> str:
    """Read a year the way English speakers say it.

    >>> [en_year(y) for y in (1999, 1905, 1900, 2000, 2008, 2024, 1066)]
    ['nineteen ninety-nine', 'nineteen oh five', 'nineteen hundred', 'two thousand', \
'two thousand eight', 'twenty twenty-four', 'ten sixty-six']
    """
    if not 1000 <= n <= 9999 or 2000 <= n <= 2009:
        return en_cardinal(n)
    high, low = divmod(n, 100)
    if low == 0:
        return f"{en_cardinal(high)} hundred"
    return f"{en_cardinal(high)} " + (f"oh {_EN_ONES[low]}" if low < 10 else en_cardinal(low))


def _en_number(text: str) -> str:
    """``1,234.5`` → one thousand two hundred thirty-four point five."""
    text = text.replace(",", "")
    sign = ""
    if text[:1] in "-−":
        sign, text = "minus ", text[1:]
    whole, _, fraction = text.partition(".")
    if len(whole) > 15 or (len(whole) > 1 and whole.startswith("0")):
        spoken = " ".join(_EN_ONES[int(d)] for d in whole)
    else:
        spoken = en_cardinal(int(whole or "0"))
    if fraction:
        spoken += " point " + " ".join(_EN_ONES[int(d)] for d in fraction)
    return sign + spoken
