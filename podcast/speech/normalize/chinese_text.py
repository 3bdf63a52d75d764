"""Chinese text as a narrator would say it: :func:`normalize_zh`.

The digit rules (:mod:`.chinese_rules`) run first; then symbols are read as words,
punctuation becomes Chinese punctuation in Chinese context, and spaces next to Chinese
characters are removed.
"""

from __future__ import annotations

import re

from podcast.speech.normalize.chinese_rules import _compiled_zh_rules
from podcast.speech.normalize.prepare import _CJK, _SILENT_SYMBOLS, _WORD, _prepare, _replace_links

# ---------------------------------------------------------------- symbols and punctuation in Chinese

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
