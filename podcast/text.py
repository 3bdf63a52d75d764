"""Text helpers every stage shares: is a language Chinese, its sentences, how long it is to
say, a date as people write it. They sit below parsing, scripting and speech so that each can use them without
depending on another stage."""

from __future__ import annotations

import datetime as dt
import re

_HANZI = r"\u3400-\u9fff\uf900-\ufaff"
_CLOSERS = "”’」』）)】]》\"'"
_ZH_END = re.compile(rf"([。！？!?；;…]+|\.{{3,}})([{re.escape(_CLOSERS)}]*)")
_EN_END = re.compile(rf"([.!?]+)([{re.escape(_CLOSERS)}]*)(?=\s+[\"“‘'(A-Z0-9{_HANZI}]|\s*$)")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|vs|etc|e\.g|i\.e|No|Vol|Fig|U\.S|U\.K|Inc|Ltd|Co|Gen|Sen|Rep|Gov)"
    r"|\b[A-Z])$"
)
# "1." after a comma or at the start is a list number, not the end of a sentence.
_LIST_NUMBER = re.compile(r"(?:^|[\s,，:：;；(（?？!！。])\d{1,2}$")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
MAX_SENTENCE = 300
"""Characters a sentence may run to; a longer one (a post with no full stops) is cut."""
_SOFT_BREAK = re.compile(r"[，,、；;：:—]+|\s+")
_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_MONTH_FIRST = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}  # fmt: skip


def is_chinese(language: str) -> bool:
    """Whether ``language`` (a tag such as ``zh``, ``zh-Hant``, ``zh-CN``) is Chinese.

    >>> is_chinese("zh"), is_chinese("zh-Hant"), is_chinese("ZH-cn"), is_chinese("en")
    (True, True, True, False)
    """
    return language.lower().startswith("zh")


def split_sentences(text: str) -> list[str]:
    """Sentences of Chinese or English text; paragraph breaks always end a sentence.

    >>> split_sentences("压缩的是函数。“真的吗？”他问。Yes. Mr. Li agreed!")
    ['压缩的是函数。', '“真的吗？”', '他问。', 'Yes.', 'Mr. Li agreed!']
    >>> split_sentences("第一段，没有句号\\n\\n第二段……结束")
    ['第一段，没有句号', '第二段……', '结束']
    >>> split_sentences("这样一来,1. 这不等于没说吗?2. 万能近似定理。")
    ['这样一来,1. 这不等于没说吗?', '2. 万能近似定理。']

    A sentence over ``MAX_SENTENCE`` characters is cut, at the last comma or space that
    leaves a piece at least half that long, else at the limit.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        start = 0
        for end in [*_sentence_ends(paragraph), len(paragraph)]:
            piece = paragraph[start:end].strip()
            if len(piece) > MAX_SENTENCE:
                sentences.extend(_cut(piece))
            elif piece:
                sentences.append(piece)
            start = end
    return sentences


def _cut(sentence: str, limit: int = MAX_SENTENCE) -> list[str]:
    """An over-long sentence in pieces of at most ``limit`` characters, nothing dropped but
    the spaces it is cut at.

    >>> _cut("一二三，四五六七八九", 6)
    ['一二三，', '四五六七八九']
    >>> _cut("一二三四五六七八九", 4)
    ['一二三四', '五六七八', '九']
    """
    pieces: list[str] = []
    while len(sentence) > limit:
        cut = max((m.end() for m in _SOFT_BREAK.finditer(sentence, 0, limit)), default=0)
        if cut < limit // 2:
            cut = limit
        pieces.append(sentence[:cut].rstrip())
        sentence = sentence[cut:].lstrip()
    if sentence:
        pieces.append(sentence)
    return pieces


def _sentence_ends(paragraph: str) -> list[int]:
    ends: set[int] = set()
    for match in _ZH_END.finditer(paragraph):
        ends.add(match.end())
    for match in _EN_END.finditer(paragraph):
        before = paragraph[: match.start()]
        if match.group(1) == "." and (_ABBREVIATIONS.search(before) or _LIST_NUMBER.search(before)):
            continue
        ends.add(match.end())
    return sorted(e for e in ends if 0 < e < len(paragraph))


def speech_units(text: str, language: str = "zh") -> float:
    """How long ``text`` is to say, in the unit voices measure their pace in:
    Mandarin syllables (one per hanzi; Latin words by syllables, acronyms by letters,
    digits one each) or English words.

    >>> speech_units("我们怀疑LLM不是无损压缩")
    13.0
    >>> speech_units("scaling law 一直做下去")
    8.0
    >>> speech_units("The burden of proof is on you.", "en")
    7.0
    """
    if not is_chinese(language):
        return float(len(re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*", text)) + len(re.findall(f"[{_HANZI}]", text)))
    units = len(re.findall(f"[{_HANZI}]", text)) + len(re.findall(r"\d", text))
    for word in _LATIN_WORD.findall(text):
        if word.isupper() or len(_VOWELS.findall(word)) == 0:
            units += len(word)
        else:
            units += max(1, len(_VOWELS.findall(word)) - (1 if word.lower().endswith("e") and len(word) > 3 else 0))
    return float(units)


def estimate_seconds(text: str, pace: float, language: str = "zh") -> float:
    """Seconds to say ``text`` at ``pace`` units per second.

    >>> round(estimate_seconds("我是数字秘书小雅", 4.0), 2)
    2.0
    """
    return speech_units(text, language) / pace


def join_sentences(sentences: list[str], language: str = "zh") -> str:
    """Sentences into one paragraph; each ends with punctuation so a voice pauses.

    >>> join_sentences(["原来很简单:", "无损压缩是一个点"])
    '原来很简单:无损压缩是一个点。'
    >>> join_sentences(["Yes", "Of course."], "en")
    'Yes. Of course.'
    """
    zh = is_chinese(language)
    out: list[str] = []
    for index, sentence in enumerate(sentences):
        sentence = sentence.strip()
        last = index == len(sentences) - 1
        if last and sentence and sentence[-1] in ":：,，、":
            sentence = sentence[:-1]
        if sentence and sentence[-1] not in "。！？!?…；;.:：,，、”’」』)）\"'":
            sentence += "。" if zh and re.search(f"[{_HANZI}]", sentence) else "."
        out.append(sentence)
    return ("" if zh else " ").join(out)


def iso_date(value: object) -> str | None:
    """An ISO ``YYYY-MM-DD`` from a date as posts, pages and feeds write it, or None.

    >>> iso_date("2024-05-21T03:12:33+00:00"), iso_date("2024年5月1日"), iso_date("(2024-5-1 10:20)")
    ('2024-05-21', '2024-05-01', '2024-05-01')
    >>> iso_date("April 9, 2024"), iso_date("9 Apr 2024"), iso_date("Tue, 09 Apr 2024 10:00:00 GMT")
    ('2024-04-09', '2024-04-09', '2024-04-09')
    >>> iso_date("soon") is None, iso_date("2024-13-40") is None
    (True, True)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if found := _NUMERIC_DATE.search(text):
        year, month, day = (int(x) for x in found.groups())
    elif (words := _MONTH_FIRST.search(text)) and words.group(1).lower() in _MONTHS:
        month, day, year = _MONTHS[words.group(1).lower()], int(words.group(2)), int(words.group(3))
    elif (words := _DAY_FIRST.search(text)) and words.group(2).lower() in _MONTHS:
        day, month, year = int(words.group(1)), _MONTHS[words.group(2).lower()], int(words.group(3))
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
