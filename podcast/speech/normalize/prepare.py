"""What every normalization step shares: character classes, preparation of the raw text,
links, and the machinery of the rewrite rules.

:func:`_prepare` evens out widths, compatibility forms, traditional characters and
whitespace before any rule looks at the text; :func:`_replace_links` turns URLs and
e-mail addresses into a word. A :data:`Rule` is one named, compiled rewrite; the Chinese
rules (:mod:`.chinese_rules`) and the English rules (:mod:`.english_rules`) are lists of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from podcast.hanzi import to_simplified

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

_SILENT_SYMBOLS = "#*_~|\\^`$"
"""Markup and decoration (Markdown emphasis, hashtags, tildes of tone): never spoken."""

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


# ---------------------------------------------------------------- shared by the Chinese and English rules

_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""A written number: digits, optional thousands separators, optional decimals."""

Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(name: str, pattern: str, replace: Callable[[re.Match[str]], str]) -> Rule:
    # ASCII: \d must not match other scripts' digits (they are not read as numbers here).
    return (name, re.compile(pattern, re.ASCII), replace)


def _valid_date(month: str, day: str | None = None) -> bool:
    return 1 <= int(month) <= 12 and (day is None or 1 <= int(day) <= 31)
