"""Small pure helpers for script text: sentences, cleaning for speech, speech length."""

from __future__ import annotations

import re

from podcast.hanzi import localize, remove_matches

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
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences of Chinese or English text; paragraph breaks always end a sentence.

    >>> split_sentences("压缩的是函数。“真的吗？”他问。Yes. Mr. Li agreed!")
    ['压缩的是函数。', '“真的吗？”', '他问。', 'Yes.', 'Mr. Li agreed!']
    >>> split_sentences("第一段，没有句号\\n\\n第二段……结束")
    ['第一段，没有句号', '第二段……', '结束']
    >>> split_sentences("这样一来,1. 这不等于没说吗?2. 万能近似定理。")
    ['这样一来,1. 这不等于没说吗?', '2. 万能近似定理。']
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        start = 0
        for match in _sentence_ends(paragraph):
            piece = paragraph[start:match].strip()
            if piece:
                sentences.append(piece)
            start = match
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


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
    if language.lower().startswith("zh"):
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
    if not language.lower().startswith("zh"):
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
    zh = language.lower().startswith("zh")
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
    zh = language.lower().startswith("zh")
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
