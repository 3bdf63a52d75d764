"""Script text: what must not be read aloud, and how a retold turn is attributed. (Sentences
and speech length, which every stage shares, are in :mod:`podcast.text`.)"""

from __future__ import annotations

import re

from podcast.hanzi import localize, remove_matches
from podcast.text import (
    estimate_seconds,
    is_chinese,
    join_sentences,
    speech_units,
    split_sentences,
)

__all__ = [
    "attribution",
    "clean_for_speech",
    "estimate_seconds",
    "join_sentences",
    "speech_units",
    "split_attribution",
    "split_sentences",
]

_HANZI = r"\u3400-\u9fff\uf900-\ufaff"
_URL = re.compile(r"(?:https?://|www\.)[^\s，。！？、）)\]】>\"“”]+|[\w.+-]+@[\w-]+\.[\w.-]+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|`+|~~)")
_SEE_ALSO = re.compile(r"[（(]\s*(?:见|详见|参见|参看|see|cf\.)[^（）()]*[）)]", re.IGNORECASE)
_STAGE = re.compile(
    r"[（(\[](?:[A-Z]{2,}(?: [A-Z,'-]+)+|LAUGHTER|LAUGHS|APPLAUSE|CROSSTALK|INAUDIBLE|SIGHS|PAUSE|MUSIC"
    r"|laughter|laughs|applause|crosstalk|inaudible|笑|大笑|笑声|掌声|鼓掌|停顿|沉默|音乐)[）)\]]"
)
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[）)]|[-*•·]|[一二三四五六七八九十]{1,2}、)\s*")
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[）)]|【\s*】|“\s*”")
# Emoticon codes of blogs and chat apps: "[sweat]", "[捂脸]", "[呲牙]".
_EMOTICON = re.compile(r"\[(?:[a-z]{2,12}|[\u3400-\u9fff]{1,4})\]")


def clean_for_speech(sentence: str, language: str = "zh") -> str:
    """Remove what must not be read aloud: URLs, Markdown marks, see-also references,
    stage directions, list numbers; tidy the spacing; in Chinese, use Chinese punctuation.

    >>> clean_for_speech("1. 异或(XOR)的鬼门关你绕不过去(见【读书笔记】)。")
    '异或（XOR）的鬼门关你绕不过去。'
    >>> clean_for_speech("这样一来,1. 这不等于没说吗?")
    '这样一来，这不等于没说吗？'
    >>> clean_for_speech("See https://example.org/x for **details**. (LAUGHTER)", "en")
    'See for details.'
    >>> clean_for_speech("—— 關（guān）系呢？？#围棋# @小明 你看", "zh")
    '關系呢？围棋你看'
    """
    text = _MD_LINK.sub(r"\1", sentence)
    text = _URL.sub("", text)
    text = _PINYIN_NOTE.sub("", text)
    text = _MENTION.sub("", text)
    text = _HASHTAG.sub(r"\1", text)
    text = _REPEATED_MARK.sub(r"\1", text)
    text = _LEADING_DASH.sub("", text)
    text = remove_matches(_SEE_ALSO, text)
    text = remove_matches(_STAGE, text)
    text = _EMOTICON.sub("", text)
    text = _MD_MARKS.sub("", text)
    text = _ENUMERATOR.sub("", text)
    text = _EMPTY_BRACKETS.sub("", text)
    if is_chinese(language):
        text = _INLINE_ENUMERATOR.sub(r"\1", text)
        text = _to_chinese_punctuation(text)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    text = re.sub(rf"(?<=[{_HANZI}，。！？：；、（）])\s+(?=[{_HANZI}（）“])", "", text)
    text = re.sub(r"(?<=[，。！？：；、])\s+", "", text)
    text = re.sub(r"\s+([,.!?;:，。！？；：])", r"\1", text)
    return text.strip()


# A reading in pinyin after a character (``關（guān）系``) is for the eye.
_TONED = "[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*|[a-zü]+[1-5]"
_PINYIN_NOTE = re.compile(rf"(?<=[{_HANZI}])[（(]\s*(?:{_TONED})(?:\s+(?:{_TONED}))*\s*[)）]")
_MENTION = re.compile(r"(?<![\w.])@[\w\u3400-\u9fff]{1,20}\s*")
_HASHTAG = re.compile(r"#([^#\s]{1,20})#|(?<![\w&])#(?=[A-Za-z\u3400-\u9fff])|(?<=\w)#(?!\w)")
_REPEATED_MARK = re.compile(r"([？?！!])[？?！!]+")
_LEADING_DASH = re.compile(r"^\s*(?:——|--+|—|–|-(?=\s))\s*")
_INLINE_ENUMERATOR = re.compile(rf"([,，:：;；])\s*\d{{1,2}}[.、]\s*(?=[{_HANZI}])")
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


def _to_chinese_punctuation(text: str) -> str:
    """ASCII punctuation touching hanzi becomes full-width (a pause the voice can see)."""

    def swap(match: re.Match[str]) -> str:
        return _FULL_WIDTH[match.group(0)]

    text = re.sub(rf"(?<=[{_HANZI}）”])[,:;?!]|[,:;?!](?=[{_HANZI}“])", swap, text)
    text = re.sub(rf"\((?=[^()]*[{_HANZI}])([^()]*)\)", r"（\1）", text)
    text = re.sub(rf"(?<=[{_HANZI}])\(([^()]*)\)", r"（\1）", text)
    return text


# A role said as a label on the page (``问：``, ``Q:``) is said in full, in the post's language.
_SPOKEN_ROLES_ZH = {"问": "提问", "問": "提問", "答": "回答", "Q": "提问", "A": "回答"}
_SPOKEN_ROLES_EN = {"问": "Question", "問": "Question", "答": "Answer", "Q": "Question", "A": "Answer"}
# The post's "I" is its author: said by the host, "我说" would be the host speaking.
_NARRATOR = {"我": "作者", "I": "the author", "Me": "the author"}


def attribution(template: str, speaker: str, language: str = "zh") -> str:
    """How a retold turn of ``speaker`` starts: ``template`` with the speaker's name, a role
    said in full in the post's ``language``.

    >>> attribution("{speaker}说：", "李老师"), attribution("{speaker}说：", "Q"), attribution("{speaker}: ", "Q", "en")
    ('李老师说：', '提问：', 'Question: ')
    >>> attribution("{speaker}說：", "我", "zh-Hant"), attribution("{speaker}說：", "問", "zh-Hant")
    ('作者說：', '提問：')
    """
    if speaker in _NARRATOR:
        return template.format(speaker=_NARRATOR[speaker])
    zh = is_chinese(language)
    role = (_SPOKEN_ROLES_ZH if zh else _SPOKEN_ROLES_EN).get(speaker)
    if role is None:
        return template.format(speaker=speaker)
    return f"{localize(role, language)}：" if zh else f"{role}: "


def split_attribution(text: str, speaker: str) -> tuple[str, str]:
    """A retold turn's attribution and its words (``李老师说：``, ``…``); ``("", text)`` when
    the turn does not start by naming its speaker (an edited script may drop it).

    >>> split_attribution("李老师说：压缩的是函数。", "李老师")
    ('李老师说：', '压缩的是函数。')
    >>> split_attribution("Terry Gross: Welcome.", "Terry Gross")
    ('Terry Gross: ', 'Welcome.')
    >>> split_attribution("压缩的是函数。", "李老师")
    ('', '压缩的是函数。')
    """
    match = re.match(r"^([^：:。！？!?\n]{1,40}?[：:]\s*)(\S.*)$", text, re.DOTALL)
    spoken = (
        speaker,
        _NARRATOR.get(speaker, speaker),
        *(r.get(speaker, speaker) for r in (_SPOKEN_ROLES_ZH, _SPOKEN_ROLES_EN)),
    )
    if match is None or not any(name in match.group(1) for name in spoken):
        return "", text
    return match.group(1), match.group(2)
