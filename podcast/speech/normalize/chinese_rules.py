"""The ordered rewrite rules that make the digits of Chinese text speakable.

Phone numbers and other identifiers, dates, years, times, percentages, money, ranges,
units, fractions, ratios, arithmetic, ordinals, list markers and plain numbers become
hanzi (:func:`_compiled_zh_rules`); :func:`podcast.speech.normalize.normalize_zh` applies
them before it turns symbols and punctuation into Chinese.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from podcast.speech.normalize.english_rules import normalize_en
from podcast.speech.normalize.numbers import _decimal_text, zh_digits, zh_integer, zh_number
from podcast.speech.normalize.prepare import _LAT, _NUM, _WORD, Rule, _rule, _valid_date

# ---------------------------------------------------------------- Chinese rules

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

_ID_CONTEXT = r"(?:电话|手机|号码|热线|QQ|微信|编号|账号|帐号|卡号|邮编|工号|学号|订单号|ID)"


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
