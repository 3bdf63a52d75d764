"""Text normalization before speech: numbers, dates, units, symbols and Latin words.

Speech engines read what they are given; a Chinese voice that meets ``2024-05-01``,
``5%`` or ``GPT`` either guesses or says nothing. This module rewrites text into what a
narrator would say, with three entry points:

- :func:`normalize_zh` — Chinese text for any engine: digits, signs, units and symbols
  become hanzi; Latin words are kept for engines that can read them.
- :func:`normalize_en` — English text for English-reading engines.
- :func:`speakable_zh` — Chinese text for a hanzi-only engine: a sequence of
  :class:`Piece` values, each either hanzi and punctuation or an English stretch for an
  English-capable second voice, plus warnings for anything that cannot be spoken.

How Latin words are spoken in Chinese text comes from a :class:`Lexicon`: the default
one ships as ``voices/lexicon.toml`` (package ``podcast.voices``); a show can add its own files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Literal

from podcast.errors import ConfigError
from podcast.hanzi import to_simplified

NORMALIZER_REVISION = 2
"""Bumped whenever normalization changes what engines are sent (it is in every cache key)."""

__all__ = [
    "LETTER_NAMES",
    "NORMALIZER_REVISION",
    "ZH_PUNCTUATION",
    "Lexicon",
    "Piece",
    "Speakable",
    "WordReading",
    "default_lexicon",
    "en_cardinal",
    "en_ordinal",
    "en_year",
    "iter_latin_words",
    "load_lexicon",
    "normalize_en",
    "normalize_zh",
    "parse_lexicon",
    "speakable_zh",
    "spell_letters",
    "zh_digits",
    "zh_integer",
    "zh_number",
]

# ---------------------------------------------------------------- character classes

_LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
"""Latin letters, with the accented ones but without ``×`` and ``÷`` (U+00D7, U+00F7)."""
_PROT = "\U000f0000-\U000ffffd"
"""Private-use code points that stand for lexicon matches while the text is normalized."""
_WORD = _LAT + _PROT
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_CJK_PUNCT = "，。！？、；：“”‘’（）《》【】…—·〈〉「」『』"
_CJK = _HAN + _CJK_PUNCT

ZH_PUNCTUATION = "，。！？、；：“”‘’（）《》【】…—·"
"""Every punctuation mark a Chinese :class:`Piece` may hold; all other characters are hanzi."""

_VOICED_FIRST, _VOICED_LAST = 0x4E00, 0x9FA5
"""The hanzi the offline voice's front end knows (CJK Unified Ideographs up to U+9FA5)."""

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


# ---------------------------------------------------------------- shared preparation

_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20  # ideographic space
_WIDTH[0xFFE5] = ord("¥")  # fullwidth yen sign, used for 元
_WIDTH[0x2212] = ord("-")  # minus sign
_WIDTH[0x00A0] = 0x20  # no-break space
_WIDTH[0x3007] = ord("零")  # 〇 crashes some front ends; it is read 零 anyway


def _prepare(text: str) -> str:
    """Width, compatibility forms, simplified characters (the voices' readings and these
    rules are simplified Mandarin; a traditional post keeps its own characters everywhere
    else) and whitespace, before any rule looks at the text."""
    text = to_simplified(text.translate(_WIDTH))
    # CJK compatibility ideographs (U+F900–U+FAFF) have unified twins the voice knows.
    text = re.sub(
        "[\uf900-\ufaff\U0002f800-\U0002fa1f]",
        lambda m: unicodedata.normalize("NFKC", m.group()),
        text,
    )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text)  # zero-width marks
    # Private-use characters mean nothing agreed, and speakable_zh uses plane 15 for
    # its own marks.
    text = re.sub("[\ue000-\uf8ff\U000f0000-\U0010ffff]", "", text)
    # Circled numbers ①–⑳ mark list items; written out, the list rules read them.
    text = re.sub("[\u2460-\u2473]", lambda m: f"({ord(m.group()) - 0x245F})", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


_URL_CHAR = r"[^\s<>\"'\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]"
"""A URL ends at a space, a quote or the first Chinese character or punctuation mark."""
_URL = re.compile(
    rf"(?:(?<![A-Za-z0-9])(?:https?|ftp)://|(?<![A-Za-z0-9.])www\.){_URL_CHAR}+"
    r"|(?<![A-Za-z0-9.@-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\."
    rf"(?:com|org|net|edu|gov|io|ai|cn|co|me|dev|info)(?![A-Za-z0-9])(?:/{_URL_CHAR}*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9])"
)
_URL_TRAIL = ".,;:!?)]}'\""


def _replace_links(text: str, url: str, email: str) -> str:
    """URLs and e-mail addresses are never spelled out: a listener cannot use them."""
    text = _EMAIL.sub(email, text)

    def link(m: re.Match[str]) -> str:
        found = m.group()
        stripped = found.rstrip(_URL_TRAIL)
        return url + found[len(stripped) :]

    return _URL.sub(link, text)


# ---------------------------------------------------------------- Chinese rules

_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""A written number: digits, optional thousands separators, optional decimals."""
_NB = r"(?<!\d)(?<!\d[.,])"  # a number starts here (not inside another)
_NE = r"(?![\d]|[.,]\d)"  # and ends here
_DASH = r"[-~～〜–—至到]"
_RANGE_DASH = r"(?:~|～|〜|–|—|-)"

_LIANG_AFTER = tuple(
    (
        "个 位 种 次 天 年 本 件 条 只 张 把 台 部 句 点 倍 家 层 块 份 名 人 周 小时 分钟 "
        "秒 岁 遍 步 边 方面 类 篇 段 场 轮 款 门 所 座 辆 架 双 对 组 套 笔 项 章 页 片 根 "
        "颗 枚 头 匹 口 杯 瓶 碗 盘 斤 公斤 千克 克 吨 米 公里 千米 厘米 毫米 升 毫升 万 千 "
        "亿 百 届 集 季 样 户 间 栋 艘 幅 首 支 元 块钱 美元 欧元 英镑 兆 吉 太 字 下 圈 招 "
        "拨 批 股 排 行 列 份 码 寸 尺 里 亩 瓦 千瓦 伏 毫安时"
    ).split()
)
"""Words after which 2 is read 两 (两个, 两点, 两公斤) rather than 二."""


def _liang_follows(rest: str) -> bool:
    rest = rest.lstrip(" ")
    # 二年级 is the second grade, not two grades.
    return rest.startswith(_LIANG_AFTER) and not rest.startswith(("年代", "年级"))


def _num_liang(number: str, rest: str) -> str:
    """Read ``number`` with 两 when it is exactly 2 and a measure word follows."""
    return zh_number(number, liang=number == "2" and _liang_follows(rest))


def _valid_date(month: str, day: str | None = None) -> bool:
    return 1 <= int(month) <= 12 and (day is None or 1 <= int(day) <= 31)


def _zh_date(year: str | None, month: str, day: str | None, suffix: str = "日") -> str:
    out = f"{zh_digits(year)}年" if year else ""
    out += f"{zh_integer(int(month))}月"
    if day is not None:
        out += f"{zh_integer(int(day))}{suffix}"
    return out


def _zh_time(hour: int, minute: int, second: int | None) -> str:
    out = zh_integer(hour, liang=hour == 2) + "点"
    if minute or second:
        out += ("零" if 0 < minute < 10 else "") + zh_integer(minute) + "分"
    if second:
        out += zh_integer(second) + "秒"
    return out


_CURRENCY_BEFORE = {"$": "美元", "US$": "美元", "HK$": "港元", "¥": "元", "€": "欧元", "£": "英镑"}
_CURRENCY_CODES = {"USD": "美元", "RMB": "元", "CNY": "元", "EUR": "欧元", "GBP": "英镑"}
_SCALE_ZH = {"K": 1000, "k": 1000, "M": 10**6, "B": 10**9, "万": None, "亿": None}

_UNITS_ZH: dict[str, str] = {
    "km/h": "公里每小时",
    "m/s": "米每秒",
    "Mbps": "兆比特每秒",
    "Gbps": "吉比特每秒",
    "Kbps": "千比特每秒",
    "kbps": "千比特每秒",
    "kWh": "千瓦时",
    "mAh": "毫安时",
    "kHz": "千赫兹",
    "MHz": "兆赫兹",
    "GHz": "吉赫兹",
    "Hz": "赫兹",
    "km²": "平方公里",
    "m²": "平方米",
    "cm²": "平方厘米",
    "m³": "立方米",
    "km": "公里",
    "cm": "厘米",
    "mm": "毫米",
    "nm": "纳米",
    "μm": "微米",
    "µm": "微米",
    "kg": "公斤",
    "mg": "毫克",
    "ml": "毫升",
    "mL": "毫升",
    "KB": "千字节",
    "kB": "千字节",
    "MB": "兆字节",
    "GB": "吉字节",
    "TB": "太字节",
    "PB": "拍字节",
    "kW": "千瓦",
    "ms": "毫秒",
    "min": "分钟",
    "fps": "帧每秒",
    "dB": "分贝",
    "px": "像素",
    "°C": "摄氏度",
    "℃": "摄氏度",
    "°F": "华氏度",
    "℉": "华氏度",
    "°": "度",
    "度": "度",
    "m": "米",
    "g": "克",
    "t": "吨",
    "L": "升",
    "W": "瓦",
    "V": "伏",
    "h": "小时",
    "s": "秒",
}
"""Units after a number, case-sensitive (``m`` is metres, ``M`` is not a unit here)."""

_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS_ZH, key=len, reverse=True))

_SYMBOLS_ZH = {
    "&": "和",
    "+": "加",
    "=": "等于",
    "<": "小于",
    ">": "大于",
    "≤": "小于等于",
    "≥": "大于等于",
    "≠": "不等于",
    "≈": "约等于",
    "±": "正负",
    "×": "乘",
    "÷": "除以",
    "@": "艾特",
    "→": "到",
    "%": "百分号",
    "‰": "千分号",
    "℃": "摄氏度",
    "°": "度",
}

_SILENT_SYMBOLS = "#*_~|\\^`$"
"""Markup and decoration (Markdown emphasis, hashtags, tildes of tone): never spoken."""

_GREEK = {
    "α": "阿尔法",
    "β": "贝塔",
    "γ": "伽马",
    "δ": "德尔塔",
    "Δ": "德尔塔",
    "ε": "艾普西隆",
    "θ": "西塔",
    "λ": "兰姆达",
    "μ": "缪",
    "π": "派",
    "σ": "西格玛",
    "Σ": "西格玛",
    "τ": "陶",
    "φ": "斐",
    "ω": "欧米伽",
    "Ω": "欧米伽",
}

_ID_CONTEXT = r"(?:电话|手机|号码|热线|QQ|微信|编号|账号|帐号|卡号|邮编|工号|学号|订单号|ID)"

Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(name: str, pattern: str, replace: Callable[[re.Match[str]], str]) -> Rule:
    # ASCII: \d must not match other scripts' digits (they are not read as numbers here).
    return (name, re.compile(pattern, re.ASCII), replace)


def _year_range(m: re.Match[str]) -> str:
    return f"{zh_digits(m['a'])}{m['mid'] or ''}到{zh_digits(m['b'])}"


def _iso_date(m: re.Match[str]) -> str:
    if not _valid_date(m["m"], m["d"]):
        return m.group()
    return _zh_date(m["y"], m["m"], m["d"], m["suffix"] or "日")


def _month_day(m: re.Match[str]) -> str:
    if not _valid_date(m["m"], m["d"]):
        return m.group()
    return _zh_date(None, m["m"], m["d"], m["suffix"])


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m["h"]), int(m["min"])
    second = int(m["s"]) if m["s"] else None
    if hour > 24 or minute > 59 or (second is not None and second > 59):
        return m.group()
    half = ""
    if m["ampm"]:
        half = "上午" if m["ampm"][0] in "aA" else "下午"
    return half + _zh_time(hour, minute, second)


def _percent(m: re.Match[str]) -> str:
    word = {"%": "百分之", "‰": "千分之", "‱": "万分之"}[m["p"]]
    sign = {"-": "负", "+": "正"}.get(m["sign"] or "", "")
    return sign + word + zh_number(m["n"])


def _percent_range(m: re.Match[str]) -> str:
    word = {"%": "百分之", "‰": "千分之"}[m["p"]]
    return f"{word}{zh_number(m['a'])}到{word}{zh_number(m['b'])}"


def _scaled(number: str, scale: str | None) -> str:
    """``1.5`` with ``B`` → 十五亿: the written scale letter is folded into the number."""
    if not scale:
        return zh_number(number)
    factor = _SCALE_ZH.get(scale)
    if factor is None:
        return zh_number(number, liang=number == "2") + scale
    try:
        value = Decimal(number.replace(",", "")) * factor
    except InvalidOperation:
        return zh_number(number) + scale
    return zh_number(_decimal_text(value))


def _currency_before(m: re.Match[str]) -> str:
    spoken = _scaled(m["n"], m["scale"])
    if spoken == "二":
        spoken = "两"
    return spoken + _CURRENCY_BEFORE[m["cur"]]


_DEGREES = ("摄氏度", "华氏度", "度")


def _unit(m: re.Match[str]) -> str:
    unit = _UNITS_ZH[m["unit"]]
    if unit in _DEGREES:
        # Temperatures below zero are 零下, and 2 degrees is 二度, never 两度.
        return ("零下" if m["sign"] else "") + zh_number(m["n"]) + unit
    return ("负" if m["sign"] else "") + _num_liang(m["n"], unit) + unit


def _model_size(m: re.Match[str]) -> str:
    """``7B`` parameters → 七十亿."""
    return _scaled(m["n"], "B")


def _fraction(m: re.Match[str]) -> str:
    numerator, denominator = m["a"], m["b"]
    if not denominator.strip("0"):
        return f"{zh_integer(numerator)}比{zh_integer(denominator)}"
    return f"{zh_integer(denominator)}分之{zh_integer(numerator)}"


def _ratio(m: re.Match[str]) -> str:
    return f"{zh_number(m['a'])}比{zh_number(m['b'])}"


def _range(m: re.Match[str]) -> str:
    unit = _UNITS_ZH[m["unit"]] if m["unit"] else ""
    liang = _liang_follows(unit or m.string[m.end() :]) and unit not in _DEGREES
    a = zh_number(m["a"], liang=liang and m["a"] == "2")
    b = zh_number(m["b"], liang=liang and m["b"] == "2")
    return f"{a}到{b}{unit}"


def _ordinal(m: re.Match[str]) -> str:
    return "第" + zh_number(m["n"])


def _list_marker(m: re.Match[str]) -> str:
    return f"第{zh_integer(m['n'])}、"


def _signed(m: re.Match[str]) -> str:
    return ("负" if m["sign"] in "-−" else "正") + _num_liang(m["n"], m.string[m.end() :])


def _number(m: re.Match[str]) -> str:
    return _num_liang(m.group(), m.string[m.end() :])


def _dotted(m: re.Match[str]) -> str:
    """Versions and addresses: 17.2.1 → 十七点二点一; groups of three digits digit by digit."""
    parts = m.group().split(".")
    return "点".join(zh_digits(p) if len(p) >= 3 or p.startswith("0") else zh_integer(p) for p in parts)


def _english_context(m: re.Match[str]) -> str:
    return normalize_en(m.group())


def _arith(m: re.Match[str]) -> str:
    op = {"+": "加", "-": "减", "*": "乘", "×": "乘", "x": "乘", "÷": "除以"}[m["op"]]
    return f"{zh_number(m['a'])}{op}{zh_number(m['b'])}"


def _power(m: re.Match[str]) -> str:
    return f"{zh_number(m['a'])}的{zh_number(m['b'])}次方"


_PUNCT_ZH = {
    ",": "，",
    "!": "！",
    "?": "？",
    ";": "；",
    ":": "：",
    "(": "（",
    ")": "）",
    "[": "【",
    "]": "】",
    "「": "“",
    "」": "”",
    "『": "‘",
    "』": "’",
    "〈": "《",
    "〉": "》",
}


def _zh_rules() -> list[Rule]:
    """The ordered rewrite rules of :func:`normalize_zh`; earlier rules see raw digits."""
    n = _NUM
    return [
        # Identifiers: read digit by digit, phone style.
        _rule(
            "phone-context",
            rf"(?P<ctx>{_ID_CONTEXT}(?:号码?)?[:：]?\s*(?:是|为)?\s*)(?P<n>\+?\d[\d -]{{3,}}\d)",
            lambda m: m["ctx"] + _phone(m["n"]),
        ),
        _rule("mobile", r"(?<!\d)(?:\+86[ -]?)?1[3-9]\d{9}(?!\d)", lambda m: _phone(m.group())),
        _rule(
            "landline",
            r"(?<![\d-])(?:0\d{2,3}|[48]00)-\d{3,4}-?\d{4}(?![\d-])",
            lambda m: _phone(m.group()),
        ),
        # Dates and years.
        _rule(
            "iso-date",
            rf"{_NB}(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})"
            r"(?P<suffix>[日号])?(?!\d)",
            _iso_date,
        ),
        _rule(
            "year-range",
            rf"{_NB}(?P<a>\d{{4}})\s*(?P<mid>年)?\s*{_DASH}\s*(?P<b>\d{{4}})(?=\s*年)",
            _year_range,
        ),
        # Years are read digit by digit; a bare 3000年 is a span of time, not a year.
        _rule(
            "year",
            rf"{_NB}(?P<y>1\d{{3}}|20\d{{2}}|2100)(?!\d)(?=\s*年)",
            lambda m: zh_digits(m["y"]),
        ),
        _rule(
            "month-day",
            rf"{_NB}(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*(?P<suffix>[日号])",
            _month_day,
        ),
        _rule(
            "month",
            rf"{_NB}(?P<m>\d{{1,2}})(?=\s*月)",
            lambda m: zh_integer(m["m"]) if _valid_date(m["m"]) else m.group(),
        ),
        _rule("day", rf"{_NB}(?P<d>\d{{1,2}})(?=\s*[日号])", lambda m: zh_integer(m["d"])),
        # Times (10:30, 10:30:15, 10:30 pm) and ratios (3:2).
        _rule(
            "time",
            rf"{_NB}(?P<h>\d{{1,2}}):(?P<min>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:])"
            r"(?:\s?(?P<ampm>[aApP]\.?[mM]\.?)(?![A-Za-z]))?",
            _time,
        ),
        _rule(
            "unit-range",
            rf"{_NB}(?P<a>\d+)(?P<u>[年月日号点时岁度])\s*{_RANGE_DASH}\s*(?=\d)",
            lambda m: _num_liang(m["a"], m["u"]) + m["u"] + "到",
        ),
        # Words with numbers: GPT-4, COVID-19, RTX4090, 1.2.3.
        _rule("word-hyphen", rf"(?<=[{_WORD}])-(?=\d)", lambda m: " "),
        _rule("model-number", rf"(?<=[{_LAT}])\d{{4,}}(?![\d.])", lambda m: zh_digits(m.group())),
        _rule("dotted", r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])", _dotted),
        # A number between two English words belongs to the English sentence.
        _rule(
            "english-context",
            rf"(?<=[{_WORD}] )[$£€]?\d[\d.,:%]*(?:st|nd|rd|th|s)?(?= [{_WORD}])",
            _english_context,
        ),
        # Percentages.
        _rule(
            "percent-range",
            rf"{_NB}(?P<a>{n})\s*(?P<p>[%‰])\s*{_DASH}\s*(?P<b>{n})\s*(?P=p)",
            _percent_range,
        ),
        _rule(
            "percent-range-short",
            rf"{_NB}(?P<a>{n})\s*{_DASH}\s*(?P<b>{n})\s*(?P<p>[%‰])",
            _percent_range,
        ),
        _rule(
            "percent",
            rf"(?:(?<![\d{_WORD}])(?P<sign>[-+]))?{_NB}(?P<n>{n})\s*(?P<p>[%‰‱])",
            _percent,
        ),
        # Money.
        _rule(
            "currency",
            rf"(?P<cur>US\$|HK\$|[$¥€£])\s*(?P<n>{n})(?:\s*(?P<scale>[万亿]|[KkMB](?![{_LAT}])))?",
            _currency_before,
        ),
        _rule(
            "currency-after",
            rf"{_NB}(?P<n>{n})\s*(?:\$|(?P<code>USD|RMB|CNY|EUR|GBP)(?![{_LAT}]))",
            lambda m: _num_liang(m["n"], "元") + (_CURRENCY_CODES[m["code"]] if m["code"] else "美元"),
        ),
        _rule(
            "arith-minus",
            rf"{_NB}(?P<a>{n})\s*(?P<op>-)\s*(?P<b>{n}){_NE}(?=\s*=)",
            _arith,
        ),
        # Ranges: 3-5, 3~5, 3–5, with a unit after the second number: 3-5km.
        _rule(
            "range",
            rf"(?<![\d.,{_WORD}-])(?P<a>{n})\s*{_RANGE_DASH}\s*(?P<b>{n}){_NE}"
            rf"(?:\s?(?P<unit>{_UNIT_RE})(?![{_LAT}\d²³]))?",
            _range,
        ),
        # Units, with the sign: -5℃ → 零下五摄氏度.
        _rule(
            "unit",
            rf"(?:(?<![\d{_WORD}])(?P<sign>[-−]))?{_NB}(?P<n>{n})\s?(?P<unit>{_UNIT_RE})"
            rf"(?![{_LAT}\d²³])",
            _unit,
        ),
        _rule("model-size", rf"{_NB}(?P<n>{n})B(?![{_LAT}\d])", _model_size),
        # Fractions, ratios, arithmetic.
        _rule("ratio", rf"{_NB}(?P<a>{n}):(?P<b>{n}){_NE}", _ratio),
        _rule(
            "arith",
            rf"{_NB}(?P<a>{n})\s*(?P<op>[+*×x÷])\s*(?P<b>{n}){_NE}",
            _arith,
        ),
        _rule("power", rf"{_NB}(?P<a>{n})\s*\^\s*(?P<b>{n}){_NE}", _power),
        _rule("fraction", r"(?<![\d/.])(?P<a>\d+)/(?P<b>\d+)(?![\d/])", _fraction),
        # Ordinals and list numbers.
        _rule("ordinal", rf"第\s*(?P<n>{n}){_NE}", _ordinal),
        _rule(
            "number-sign",
            rf"(?<![{_LAT}])(?:No|NO)\.\s*(?P<n>\d+)(?!\d)",
            lambda m: "第" + zh_integer(m["n"]),
        ),
        _rule("hash-number", r"#\s*(?P<n>\d+)(?!\d)", lambda m: zh_integer(m["n"]) + "号"),
        _rule(
            "list-marker",
            r"(?m)(?:^|(?<=[，。！？；：,!?;:]))[ ]*[(（]?(?P<n>\d{1,2})(?:[.．、]|[)）])(?! *\d) *",
            _list_marker,
        ),
        _rule(
            "signed",
            rf"(?<![\d{_WORD})）])(?P<sign>[-−+])\s?(?P<n>{n}){_NE}",
            _signed,
        ),
        _rule("number", rf"{_NB}(?:{n}){_NE}", _number),
        # Whatever digits are left (e.g. "1.2.") are read one by one.
        _rule("stray-digits", r"\d+", lambda m: zh_digits(m.group())),
    ]


def _phone(text: str) -> str:
    prefix = "加" if text.startswith("+") else ""
    return prefix + zh_digits(re.sub(r"\D", "", text), yao=True)


@functools.cache
def _compiled_zh_rules() -> list[Rule]:
    return _zh_rules()


def _symbols_zh(text: str) -> str:
    text = text.replace("<<", "《").replace(">>", "》")
    # An e-mail or link was already replaced, so @ is a mention: "@张三".
    text = re.sub(r"[&+=<>≤≥≠≈±×÷@→%‰℃°]", lambda m: _SYMBOLS_ZH[m.group()], text)
    # A lone Greek letter is a symbol (α, λ); a Greek word is left for a warning.
    text = re.sub(r"(?<![α-ωΑ-Ω])[α-ωΑ-Ω](?![α-ωΑ-Ω])", _greek, text)
    # A slash between words is "or"/"and" shorthand; a short pause says that best.
    text = re.sub(r"\s*/\s*", "、", text)
    return re.sub("[" + re.escape(_SILENT_SYMBOLS) + "]+", " ", text)


def _greek(m: re.Match[str]) -> str:
    return _GREEK.get(m.group(), m.group())


_LATIN_SIDE = f"[{_WORD}0-9]"


def _is_latin_side(ch: str) -> bool:
    return bool(re.match(_LATIN_SIDE, ch))


def _punctuation_zh(text: str) -> str:
    """Chinese punctuation in Chinese context, ASCII punctuation kept inside English."""
    text = re.sub(r"\.{3,}|。{2,}|…+", "……", text)
    text = re.sub(r"-{2,}|—+|―+", "——", text)
    text = re.sub(r"!+", "!", text)
    text = re.sub(r"\?+", "?", text)

    out: list[str] = []
    length = len(text)
    for i, ch in enumerate(text):
        if ch in _PUNCT_ZH or ch == ".":
            before, after = _neighbours(text, i)
            english = _is_latin_side(before) and _is_latin_side(after)
            if ch == ".":
                sentence_end = (
                    not after or after == "\n" or re.match(f"[{_CJK}]", after) is not None
                ) and not before.isdigit()
                if sentence_end and re.match(f"[{_CJK}]", before or "x"):
                    ch = "。"
            elif not english or ch in "「」『』〈〉":
                ch = _PUNCT_ZH[ch]
        elif ch == "-" and 0 < i < length - 1:
            before, after = text[i - 1], text[i + 1]
            if not (_is_latin_side(before) and _is_latin_side(after)):
                ch = " "
        out.append(ch)
    text = "".join(out)
    return _pair_quotes(text)


def _neighbours(text: str, i: int) -> tuple[str, str]:
    """The characters before and after ``text[i]``, skipping spaces ('' at the ends)."""
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    k = i + 1
    while k < len(text) and text[k] == " ":
        k += 1
    return (text[j] if j >= 0 else ""), (text[k] if k < len(text) else "")


def _pair_quotes(text: str) -> str:
    """ASCII double quotes become “ and ” by turns on each line with Chinese in it."""
    lines = []
    for line in text.split("\n"):
        if '"' in line and re.search(f"[{_CJK}]", line):
            opening = True
            chars = []
            for ch in line:
                if ch == '"':
                    chars.append("“" if opening else "”")
                    opening = not opening
                else:
                    chars.append(ch)
            line = "".join(chars)
        lines.append(line)
    return "\n".join(lines)


def _spacing_zh(text: str) -> str:
    """No spaces touch a CJK character; single spaces between Latin words.

    Spaces carry no sound in Chinese, and some engines turn a stray one into a pause
    in mid-phrase; the writer's ``GPT 的 ntp`` and ``GPT的ntp`` should sound the same.
    """
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(rf" (?=[{_CJK}])", "", text)
    text = re.sub(rf"(?<=[{_CJK}]) ", "", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _normalize_zh(text: str) -> str:
    """The rules of :func:`normalize_zh` on text already prepared and without links."""
    for _name, pattern, replace in _compiled_zh_rules():
        text = pattern.sub(replace, text)
    text = _symbols_zh(text)
    text = _punctuation_zh(text)
    return _spacing_zh(text)


def normalize_zh(text: str) -> str:
    """Rewrite Chinese text as a narrator would say it; Latin words are kept.

    Numbers, dates, times, percentages, fractions, units, money, signs and symbols
    become hanzi; links become 链接; punctuation becomes Chinese punctuation and spaces
    next to Chinese characters are removed.

    >>> normalize_zh("2024年5月1日10:30,气温-5℃,涨了5%")
    '二零二四年五月一日十点三十分，气温零下五摄氏度，涨了百分之五'
    >>> normalize_zh("2个人用了3/4的时间, 第2名")
    '两个人用了四分之三的时间，第二名'
    >>> normalize_zh("GPT-4 的 ntp 训练，见 https://example.com/a")
    'GPT四的ntp训练，见链接'
    """
    text = _replace_links(_prepare(text), "链接", "邮箱地址")
    return _normalize_zh(text)


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


# ---------------------------------------------------------------- the lexicon


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """How Latin words in Chinese text are read by a hanzi-only voice.

    Compared and hashed by identity, so its compiled pattern can be cached per instance.
    """

    readings: Mapping[str, str] = field(default_factory=dict)
    """Word or phrase (lower case, single spaces) → hanzi reading."""
    spell: frozenset[str] = frozenset()
    """Lower-case words spoken letter by letter like an all-caps acronym (``ntp``)."""
    pinyin: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Hanzi word (simplified) → its syllables (``yin2 hang2``), one per character: how the
    offline voice reads it, whatever its dictionary says."""

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s entries added; ``other`` wins on a clash."""
        readings = dict(self.readings)
        readings.update(other.readings)
        spell = (self.spell - frozenset(other.readings)) | other.spell
        kept = {k: v for k, v in readings.items() if k not in other.spell}
        return Lexicon(readings=kept, spell=spell, pinyin={**self.pinyin, **other.pinyin})

    def digest(self) -> str:
        """A short content hash: part of every cache key, so a new reading re-synthesizes.

        >>> Lexicon({"a": "诶"}).digest() == Lexicon({"a": "诶"}).digest()
        True
        """
        parts: list[object] = [sorted(self.readings.items()), sorted(self.spell)]
        if self.pinyin:
            parts.append(sorted(self.pinyin.items()))
        material = json.dumps(parts, ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]

    def reading(self, word: str) -> str | None:
        """The hanzi reading of ``word`` (any case; spaces, hyphens or none between parts).

        >>> lex = Lexicon({"scaling law": "规模法则"})
        >>> lex.reading("Scaling  Law"), lex.reading("scaling-law"), lex.reading("scalinglaw")
        ('规模法则', '规模法则', '规模法则')
        """
        found = self.readings.get(_lexicon_key(word))
        if found is None:
            found = _squashed_index(self).get(_squash(word))
        return found


def _lexicon_key(word: str) -> str:
    return " ".join(re.split(r"[\s\-_]+", word.strip().lower()))


def _squash(word: str) -> str:
    return re.sub(r"[\s\-_]+", "", word.lower())


@functools.lru_cache(maxsize=8)
def _squashed_index(lexicon: Lexicon) -> dict[str, str]:
    """Readings by key with spaces, hyphens and underscores removed."""
    return {_squash(key): reading for key, reading in lexicon.readings.items()}


_HANZI_ONLY = re.compile("[\u4e00-\u9fa5]+")
_KEY_OK = re.compile(rf"[{_LAT}0-9][{_LAT}0-9 '’.\-+&#/]*")


def parse_lexicon(text: str, source: str = "<lexicon>") -> Lexicon:
    """Read a lexicon from TOML text; ``source`` names the file in error messages.

    The file has three tables: ``[readings]`` maps a word or phrase to a hanzi reading,
    ``[spell]`` has ``words``, a list of words spoken letter by letter, and ``[pinyin]`` maps
    a hanzi word (either script) to its syllables with tone numbers, one per character.

    >>> lex = parse_lexicon('[readings]\\n"Open AI"="欧喷诶爱"\\n[spell]\\nwords=["ntp"]\\n[pinyin]\\n"垃圾"="le4 se4"')
    >>> lex.reading("open ai"), "ntp" in lex.spell, lex.pinyin["垃圾"]
    ('欧喷诶爱', True, ('le4', 'se4'))
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"readings", "spell", "pinyin"}
    if unknown:
        raise ConfigError(
            f"{source}: unknown table {sorted(unknown)[0]!r}; a lexicon has only [readings], [spell] and [pinyin]"
        )
    readings_raw = data.get("readings", {})
    if not isinstance(readings_raw, dict):
        raise ConfigError(f"{source}: 'readings' must be a table of word = \"hanzi\"")
    readings: dict[str, str] = {}
    for key, value in readings_raw.items():
        if isinstance(value, dict):
            raise ConfigError(
                f'{source}: readings key {key!r}: a dotted key or table; quote keys with dots, e.g. "Node.js" = "…"'
            )
        if not isinstance(value, str) or not _HANZI_ONLY.fullmatch(value):
            raise ConfigError(
                f"{source}: readings key {key!r}: the reading must be hanzi only (U+4E00–U+9FA5), got {value!r}"
            )
        if not _KEY_OK.fullmatch(key) or not re.search(f"[{_LAT}]", key):
            raise ConfigError(f"{source}: readings key {key!r}: a key must be a Latin word or phrase")
        normalized = _lexicon_key(key)
        if normalized in readings and readings[normalized] != value:
            raise ConfigError(f"{source}: readings key {key!r}: given twice with different readings")
        readings[normalized] = value
    spell_raw = data.get("spell", {})
    if not isinstance(spell_raw, dict) or set(spell_raw) - {"words"}:
        raise ConfigError(f'{source}: [spell] must hold only words = ["…", …]')
    words = spell_raw.get("words", [])
    if not isinstance(words, list):
        raise ConfigError(f"{source}: spell key 'words' must be a list of strings")
    spell: set[str] = set()
    for word in words:
        if not isinstance(word, str) or not re.fullmatch(r"[A-Za-z]{1,10}", word):
            raise ConfigError(f"{source}: spell key 'words': {word!r} is not a word of 1–10 Latin letters")
        spell.add(word.lower())
    return Lexicon(readings=readings, spell=frozenset(spell), pinyin=_parse_pinyin(data.get("pinyin", {}), source))


_SYLLABLE = re.compile(r"[a-zü]{1,6}[1-5]")


def _parse_pinyin(table: object, source: str) -> dict[str, tuple[str, ...]]:
    """The ``[pinyin]`` table: ``銀行 = "yin2 hang2"``, keyed by the simplified word."""
    if not isinstance(table, dict):
        raise ConfigError(f'{source}: [pinyin] must be a table of word = "syllables", e.g. 银行 = "yin2 hang2"')
    found: dict[str, tuple[str, ...]] = {}
    for word, value in table.items():
        syllables = tuple(str(value).lower().replace("v", "ü").split()) if isinstance(value, str) else ()
        if not _HANZI_ONLY.fullmatch(word) or len(word) > 12:
            raise ConfigError(f"{source}: pinyin key {word!r}: a key must be a word of 1–12 hanzi")
        if len(syllables) != len(word) or not all(_SYLLABLE.fullmatch(s) for s in syllables):
            raise ConfigError(
                f"{source}: pinyin key {word!r}: give one syllable with its tone number (1–5) per character, "
                f'e.g. "yin2 hang2"; got {value!r}'
            )
        found[to_simplified(word)] = syllables
    return found


def _read_lexicon_file(path: Path) -> Lexicon:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: lexicon file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the lexicon: {exc}") from exc
    return parse_lexicon(text, str(path))


@functools.cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package (the repository's ``voices/lexicon.toml``); read once."""
    resource = resources.files("podcast.voices").joinpath("lexicon.toml")
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the built-in lexicon cannot be read ({exc}); reinstall the package") from exc
    return parse_lexicon(text, "voices/lexicon.toml")


def load_lexicon(*paths: Path | str) -> Lexicon:
    """The default lexicon with each file of ``paths`` added in order (later files win).

    A show passes its ``voices/lexicon.toml`` here. A missing or bad file raises
    :class:`~podcast.errors.ConfigError` naming the file and the key.
    """
    lexicon = default_lexicon()
    for path in paths:
        lexicon = lexicon.merged(_read_lexicon_file(Path(path)))
    return lexicon


@functools.lru_cache(maxsize=8)
def _lexicon_pattern(lexicon: Lexicon) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """One alternation of every reading key, longest first, and the keys by group.

    A space in a key matches any run of spaces, hyphens or underscores, or none, so
    ``Open AI`` also finds ``OpenAI`` and ``open-ai``. Group ``k7`` is ``keys[7]``.
    """
    keys = tuple(sorted(lexicon.readings, key=len, reverse=True))
    if not keys:
        return None
    # Grouped by first letter behind a cheap lookahead: the engine would otherwise try
    # every key at every word start.
    by_initial: dict[str, list[str]] = {}
    for index, key in enumerate(keys):
        body = r"[\s\-_]*".join(re.escape(part) for part in key.split(" "))
        tail = r"(?![A-Za-z0-9])" if key[-1].isalnum() else ""
        by_initial.setdefault(key[0], []).append(f"(?P<k{index}>{body}{tail})")
    groups = "|".join(
        f"(?={re.escape(initial)})(?:{'|'.join(alternatives)})" for initial, alternatives in by_initial.items()
    )
    # Every key starts with a letter or digit (parse_lexicon checks it).
    pattern = rf"(?<![A-Za-z0-9])(?=[^\W_])(?:{groups})"
    return re.compile(pattern, re.IGNORECASE), keys


# ---------------------------------------------------------------- speaking Latin in Chinese

LETTER_NAMES: Mapping[str, str] = {
    "A": "诶",
    "B": "比",
    "C": "西",
    "D": "迪",
    "E": "伊",
    "F": "艾弗",
    "G": "吉",
    "H": "艾尺",
    "I": "爱",
    "J": "杰",
    "K": "开",
    "L": "艾乐",
    "M": "艾姆",
    "N": "艾恩",
    "O": "欧",
    "P": "批",
    "Q": "丘",
    "R": "阿尔",
    "S": "艾斯",
    "T": "提",
    "U": "优",
    "V": "维",
    "W": "达不溜",
    "X": "艾克斯",
    "Y": "歪",
    "Z": "贼",
}
"""English letter names as a Mandarin speaker says them (Z is the colloquial "zei")."""


def spell_letters(word: str) -> str:
    """Spell a Latin word letter by letter in hanzi; a plural ``s`` after capitals is 斯.

    >>> spell_letters("GPT"), spell_letters("ntp"), spell_letters("LLMs")
    ('吉批提', '艾恩提批', '艾乐艾乐艾姆斯')
    """
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return spell_letters(word[:-1]) + "斯"
    return "".join(LETTER_NAMES.get(ch.upper(), "") for ch in word)


Lang = Literal["zh", "en"]
How = Literal["lexicon", "letters", "english", "warned"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of text for one voice."""

    text: str
    """For ``zh``: hanzi, :data:`ZH_PUNCTUATION` and line breaks (paragraph pauses) only;
    a piece may hold only punctuation, a pause. For ``en``: English words with ASCII
    punctuation between them, no digits, no line breaks."""
    lang: Lang
    """``zh`` for the hanzi voice, ``en`` for the English voice."""


@dataclass(frozen=True, slots=True)
class WordReading:
    """How one Latin word (or lexicon phrase) of the input is spoken."""

    text: str
    """The word as written."""
    how: How
    """``lexicon``, ``letters`` (spelled in hanzi), ``english`` (English voice) or ``warned``."""
    spoken: str
    """The hanzi reading, the English text, or '' when warned."""


@dataclass(frozen=True, slots=True)
class Speakable:
    """Chinese text made speakable by a hanzi-only voice plus an English voice."""

    pieces: tuple[Piece, ...]
    """In reading order; neighbouring pieces never share a language."""
    warnings: tuple[str, ...]
    """One sentence per thing the listener will not hear."""
    words: tuple[WordReading, ...]
    """Every Latin word of the text and how it is spoken, in order."""

    @property
    def text(self) -> str:
        """All pieces joined (for logs and tests)."""
        return "".join(p.text if p.lang == "zh" else f" {p.text} " for p in self.pieces).strip()


_LATIN_WORD = re.compile(rf"[{_LAT}]+(?:['’][{_LAT}]+)*|[{_PROT}]")
_ASCII_PUNCT_TO_ZH = {
    ",": "，",
    ".": "。",
    "!": "！",
    "?": "？",
    ";": "；",
    ":": "：",
    "(": "（",
    ")": "）",
    '"': "“",
    "'": "’",
    "-": "",
    "&": "",
    " ": "",
}
_SCRIPT_NAMES = (
    ("\u0370", "\u03ff", "Greek"),
    ("\u0400", "\u04ff", "Cyrillic"),
    ("\u0590", "\u05ff", "Hebrew"),
    ("\u0600", "\u06ff", "Arabic"),
    ("\u0900", "\u097f", "Devanagari"),
    ("\u0e00", "\u0e7f", "Thai"),
    ("\u3040", "\u30ff", "Japanese kana"),
    ("\uac00", "\ud7af", "Hangul"),
    ("\u1100", "\u11ff", "Hangul"),
)


@functools.cache
def _homophones() -> dict[str, str]:
    """Pinyin with tone → one everyday hanzi of that sound.

    GB2312 level 1 holds the 3,755 most used characters, all of which the voice knows.
    """
    from pypinyin import Style, lazy_pinyin

    table: dict[str, str] = {}
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                ch = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            syllable = lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True)[0]
            table.setdefault(syllable, ch)
    return table


def _voiced_homophone(ch: str) -> str | None:
    """A voiced hanzi that sounds like the rare character ``ch``, if pypinyin knows it."""
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    if not readings or not readings[0]:
        return None
    return _homophones().get(readings[0][0])


def _script_of(ch: str) -> str:
    for first, last, name in _SCRIPT_NAMES:
        if first <= ch <= last:
            return name
    return unicodedata.name(ch, "unknown character").split(" ")[0].title()


@dataclass(slots=True)
class _Builder:
    pieces: list[Piece] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    words: list[WordReading] = field(default_factory=list)

    def add(self, text: str, lang: Lang) -> None:
        if not text:
            return
        if self.pieces and self.pieces[-1].lang == lang:
            before = self.pieces[-1].text
            if lang == "en":
                text = before + " " + text
            elif before.endswith("\n") and text.startswith("\n"):
                text = before + text[1:]
            else:
                text = before + text
            self.pieces[-1] = Piece(text, lang)
        else:
            self.pieces.append(Piece(text, lang))


@dataclass(slots=True)
class _Token:
    text: str
    how: How
    spoken: str
    single: bool = False


def _classify(word: str, lexicon: Lexicon, protected: Mapping[str, tuple[str, str]]) -> _Token:
    # Lexicon words were all found (and protected) before normalization.
    if word in protected:
        original, reading = protected[word]
        return _Token(original, "lexicon", reading)
    plain = word.isascii() and word.isalpha()
    if plain and (re.fullmatch(r"[A-Z]{2,6}s?", word) or word.lower() in lexicon.spell or len(word) == 1):
        return _Token(word, "letters", spell_letters(word), single=len(word) == 1)
    return _Token(word, "english", word)


def _speak_run(
    run: str,
    lexicon: Lexicon,
    protected: Mapping[str, tuple[str, str]],
    english: bool,
    out: _Builder,
) -> None:
    """Speak one run of Latin words (with the spaces and ASCII punctuation between them)."""
    tokens: list[_Token] = []
    separators: list[str] = []
    pos = 0
    for m in _LATIN_WORD.finditer(run):
        separators.append(run[pos : m.start()])
        tokens.append(_classify(m.group(), lexicon, protected))
        pos = m.end()
    separators.append(run[pos:])

    # Switching voices mid-phrase is harsher than the English voice saying an acronym or
    # a lexicon word itself, so such words inside an English phrase stay English. A lone
    # letter next to English is a word too ("a spectrum", "Plan B").
    english_at = [t.how == "english" for t in tokens]
    for i, token in enumerate(tokens):
        left = i > 0 and english_at[i - 1] and not separators[i].strip(" ")
        right = i + 1 < len(tokens) and english_at[i + 1] and not separators[i + 1].strip(" ")
        if english and token.how != "english" and ((left and right) or (token.single and (left or right))):
            token.how, token.spoken = "english", token.text

    out.add(_zh_punctuation_only(separators[0]), "zh")
    english_buffer: list[str] = []

    def flush() -> None:
        if english_buffer:
            phrase = "".join(english_buffer).strip(" ,.;:!?-&'\"")
            out.add(re.sub(r"\s+", " ", phrase), "en")
            english_buffer.clear()

    for i, token in enumerate(tokens):
        sep_after = separators[i + 1]
        if token.how == "english" and not english:
            out.warnings.append(f"no English voice: {token.text!r} cannot be spoken and is left out")
            out.words.append(WordReading(token.text, "warned", ""))
            flush()
            out.add(_zh_punctuation_only(sep_after), "zh")
            continue
        out.words.append(WordReading(token.text, token.how, token.spoken))
        if token.how == "english":
            english_buffer.append(token.text)
            next_english = i + 1 < len(tokens) and tokens[i + 1].how == "english"
            if next_english:
                english_buffer.append(sep_after)
            else:
                flush()
                out.add(_zh_punctuation_only(sep_after), "zh")
        else:
            flush()
            out.add(token.spoken + _zh_punctuation_only(sep_after), "zh")
    flush()


def _zh_punctuation_only(separator: str) -> str:
    return "".join(_ASCII_PUNCT_TO_ZH.get(ch, "") for ch in separator)


def _protect(text: str, lexicon: Lexicon) -> tuple[str, dict[str, tuple[str, str]]]:
    """Replace lexicon matches by private-use characters so no rule rewrites them."""
    compiled = _lexicon_pattern(lexicon)
    protected: dict[str, tuple[str, str]] = {}
    if compiled is None:
        return text, protected
    pattern, keys = compiled

    def hide(m: re.Match[str]) -> str:
        index = len(protected)
        if index > 0xFFFD or m.lastgroup is None:
            return m.group()
        mark = chr(0xF0000 + index)
        protected[mark] = (m.group(), lexicon.readings[keys[int(m.lastgroup[1:])]])
        return mark

    return pattern.sub(hide, text), protected


_RUN = re.compile(rf"[{_WORD}]+(?:[ ,.'’\"!?:;\-&]+[{_WORD}]+)*")


def speakable_zh(text: str, lexicon: Lexicon | None = None, *, english: bool = True) -> Speakable:
    """Make Chinese text speakable by a voice that reads only hanzi.

    The text is normalized (:func:`normalize_zh`), then each run of Latin words is
    spoken by the first rule that fits: a lexicon reading (longest match first), letter
    names in hanzi for acronyms (2–6 capitals, or words the lexicon lists to spell), or
    else the English voice. ``english=False`` says there is no English voice: such
    words are then left out with a warning. Characters no voice can say (other scripts,
    emoji, hanzi unknown to the voice with no common homophone) are left out with a
    warning naming them.

    >>> s = speakable_zh("Open AI坚信GPT是无损压缩, the burden of proof is on you。")
    >>> [(p.lang, p.text) for p in s.pieces]
    [('zh', '欧喷诶爱坚信吉批提是无损压缩，'), ('en', 'the burden of proof is on you'), ('zh', '。')]
    >>> [(w.text, w.how) for w in s.words][:2]
    [('Open AI', 'lexicon'), ('GPT', 'letters')]
    """
    lexicon = default_lexicon() if lexicon is None else lexicon
    prepared = _replace_links(_prepare(text), "链接", "邮箱地址")
    hidden, protected = _protect(prepared, lexicon)
    normalized = _normalize_zh(hidden)
    out = _Builder()
    pos = 0
    for m in _RUN.finditer(normalized):
        _speak_chinese(normalized[pos : m.start()], out)
        _speak_run(m.group(), lexicon, protected, english, out)
        pos = m.end()
    _speak_chinese(normalized[pos:], out)
    pieces = list(out.pieces)
    # Line breaks at the very start or end are no pause between anything.
    if pieces and pieces[0].lang == "zh":
        pieces[0] = Piece(pieces[0].text.lstrip("\n"), "zh")
    if pieces and pieces[-1].lang == "zh":
        pieces[-1] = Piece(pieces[-1].text.rstrip("\n"), "zh")
    return Speakable(
        pieces=tuple(p for p in pieces if p.text),
        warnings=tuple(out.warnings),
        words=tuple(out.words),
    )


def _speak_chinese(text: str, out: _Builder) -> None:
    """Keep voiced hanzi and Chinese punctuation; map, substitute or warn about the rest."""
    kept: list[str] = []
    skipped: list[str] = []

    def warn_skipped() -> None:
        if skipped:
            word = "".join(skipped)
            out.warnings.append(f"cannot speak {word!r} ({_script_of(word[0])}); it is left out")
            skipped.clear()

    for ch in text:
        code = ord(ch)
        if _VOICED_FIRST <= code <= _VOICED_LAST or ch in ZH_PUNCTUATION:
            warn_skipped()
            kept.append(ch)
        elif ch in _ASCII_PUNCT_TO_ZH:
            warn_skipped()
            kept.append(_ASCII_PUNCT_TO_ZH[ch])
        elif ch.isdigit() and ch.isascii():
            warn_skipped()
            kept.append(zh_digits(ch))
        elif re.match(f"[{_HAN}]", ch):
            warn_skipped()
            twin = _voiced_homophone(ch)
            if twin is None:
                out.warnings.append(f"cannot speak the rare character {ch!r}; it is left out")
            else:
                kept.append(twin)
        elif ch == "\n":
            warn_skipped()
            # A line break is a paragraph pause for the voice; one is enough.
            if not kept or kept[-1] != "\n":
                kept.append("\n")
        elif ch.isspace() or unicodedata.category(ch) in ("Mn", "Cf", "Cc", "Ps", "Pe"):
            # Marks without sound: spacing, combining marks, and brackets outside the
            # Chinese set (the text inside them is still read).
            warn_skipped()
        elif unicodedata.category(ch).startswith(("L", "N")):
            skipped.append(ch)
        else:
            warn_skipped()
            out.warnings.append(f"cannot speak the symbol {ch!r}; it is left out")
    warn_skipped()
    out.add("".join(kept), "zh")


def iter_latin_words(text: str) -> Iterable[str]:
    """The Latin words of ``text``, as :func:`speakable_zh` would see them.

    >>> list(iter_latin_words("用 scaling law 做GPT-4"))
    ['scaling', 'law', 'GPT']
    """
    return (m.group() for m in re.finditer(rf"[{_LAT}]+(?:['’][{_LAT}]+)*", text))
