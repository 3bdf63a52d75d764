"""Chinese text for a hanzi-only voice: :func:`speakable_zh` splits normalized text into
:class:`Piece` values for the hanzi voice and an English voice, reading Latin words
through the lexicon, as letter names or in English, and warns about whatever no voice
can say."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from podcast.speech.normalize.chinese_text import _normalize_zh
from podcast.speech.normalize.lexicon import Lexicon, _lexicon_pattern, default_lexicon
from podcast.speech.normalize.numbers import zh_digits
from podcast.speech.normalize.prepare import (
    _HAN,
    _LAT,
    _PROT,
    _VOICED_FIRST,
    _VOICED_LAST,
    _WORD,
    ZH_PUNCTUATION,
    _prepare,
    _replace_links,
)

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
