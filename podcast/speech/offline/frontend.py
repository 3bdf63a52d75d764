"""The Baker voice's text frontend: hanzi and punctuation in, model symbols in chunks out.

The input is text that has already been normalized (numbers, dates and Latin words turned
into hanzi). This module decides how each character is pronounced (pypinyin, with the tone
changes a Mandarin speaker makes), how the text is cut into model calls, and how long the
silence after each call is. Whatever it cannot voice is left out and reported, never
guessed at: the caller decides whether a missing word matters.

Everything here is a pure function of the text and the voice's symbol tables.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from podcast.hanzi import to_simplified
from podcast.speech.offline.readings import is_erhua, run_syllables

FRONTEND_REVISION = 2
"""Bumped whenever the same text would give different symbols; part of the engine version."""

FIRST_VOICED, LAST_VOICED = 0x4E00, 0x9FA5
"""The hanzi the Baker corpus covers (CJK Unified Ideographs up to U+9FA5)."""

# The model handles at most 2048 mel frames (~140 syllables at rate 1.0) per call; longer
# calls fail. Chunks stay far below that: the voice was trained on single sentences of a
# few dozen syllables, and shorter calls also give finer timings.
MAX_CHUNK_SYLLABLES = 40
"""Largest chunk the frontend builds by merging pieces or cutting an unpunctuated run."""
MIN_CHUNK_SYLLABLES = 1
"""Smallest value a caller may ask for as ``max_syllables``."""

COMMA_PAUSE = 0.20
"""Seconds of silence after a comma (the natural turn-internal gap, ≈ 200 ms)."""
ENUMERATION_PAUSE = 0.15
"""After 、: items of a list are read close together."""
CLAUSE_PAUSE = 0.25
"""After ；：and a dash: a clause boundary, a little longer than a comma."""
SENTENCE_PAUSE = 0.40
"""After a full stop."""
EXCLAMATION_PAUSE = 0.45
"""After ？ and ！, and after an ellipsis: the voice lets the sentence land."""
PARAGRAPH_PAUSE = 0.60
"""After a line break: a new paragraph within one segment."""
LENGTH_SPLIT_PAUSE = 0.10
"""Between the parts of a run cut for length: a breath, not a pause a listener notices."""

PAUSES: Mapping[str, float] = {
    **dict.fromkeys("，,﹐", COMMA_PAUSE),
    **dict.fromkeys("、､", ENUMERATION_PAUSE),
    **dict.fromkeys("；;﹔：:﹕—―", CLAUSE_PAUSE),
    **dict.fromkeys("。．.｡", SENTENCE_PAUSE),
    **dict.fromkeys("！!﹗？?﹖…⋯", EXCLAMATION_PAUSE),
    "\n": PARAGRAPH_PAUSE,
}
"""Punctuation that ends a piece, with the silence that follows it."""
SENTENCE_ENDS = frozenset("。．.｡！!﹗？?﹖…⋯\n")
"""Pieces are never merged across these."""
CLOSING_MARKS = frozenset("”’」』》〉）)】]}〕\"'")
"""Marks that belong to the piece before them (``“好。”`` ends after the quote)."""
SILENT_MARKS = frozenset("“‘「『《〈（(【[{〔·•～~-–_*`|") | CLOSING_MARKS
"""Marks with no sound and no pause of their own (quotes, brackets, leftover markup)."""
WORD_JOINERS = frozenset("'-._")
"""Inside a left-out word (``don't``, ``3.5``) these do not end the word."""

INTERNAL_BOUNDARY: Mapping[str, str] = {"、": "#2", "､": "#2"}
"""Prosody symbol where merged pieces meet, by the punctuation between them; default #3.
The Baker labels mark intonational phrases (commas) with #3 and smaller phrases with #2."""
WORD_BOUNDARY = "#0"
"""Between two syllables inside a piece, as in the reference sequences."""
ERHUA = ("er5",)
"""The phones of an erhua 儿: a neutral ``er`` glued to the syllable before it."""

SYLLABLE_FALLBACKS: Mapping[str, str] = {
    "n": "en",  # 嗯 is said "en" in running speech
    "ng": "en",
    "hng": "heng",  # 哼
    "hm": "hen",  # 噷
    "ê": "ei",  # 欸
    "nun": "nen",
    "len": "lin",
}
"""Interjection and rare readings the Baker tables lack → the nearest syllable they have."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The voice's tables: how a toneless pinyin syllable splits into the model's
    initial and final, and the model id of every symbol."""

    syllables: Mapping[str, tuple[str, str]]
    """Toneless pinyin (``chi``) → (initial, final) (``ch``, ``iii``); ``^`` is the zero initial."""
    symbol_ids: Mapping[str, int]
    """Model symbol (``iii4``, ``#0``, ``sil``, ``eos``) → input id."""

    @classmethod
    def from_mapper(cls, mapper: Mapping[str, Any]) -> Lexicon:
        """Build from the voice's ``baker_mapper.json``; ``ValueError`` if it is not one."""
        try:
            syllables = {str(key): (str(value[0]), str(value[1])) for key, value in mapper["pinyin_dict"].items()}
            symbol_ids = {str(key): int(value) for key, value in mapper["symbol_to_id"].items()}
        except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a Baker symbol mapper: {exc}") from exc
        missing = {"sil", "eos", "#0", "#2", "#3", "er5"} - symbol_ids.keys()
        if missing:
            raise ValueError(f"not a Baker symbol mapper: no symbols {sorted(missing)}")
        return cls(syllables, symbol_ids)

    def phones(self, syllable: str) -> tuple[str, str] | None:
        """The model's initial and toned final for a TONE3 syllable, or ``None``.

        >>> lexicon = Lexicon({"chi": ("ch", "iii"), "en": ("^", "en")}, {})
        >>> lexicon.phones("chi1")
        ('ch', 'iii1')
        >>> lexicon.phones("n2")
        ('^', 'en2')
        >>> lexicon.phones("m2") is None
        True
        """
        base, tone = syllable[:-1], syllable[-1:]
        if tone not in ("1", "2", "3", "4", "5"):
            return None
        split = self.syllables.get(base) or self.syllables.get(SYLLABLE_FALLBACKS.get(base, ""))
        if split is None:
            return None
        return split[0], split[1] + tone

    def ids(self, symbols: Iterable[str]) -> list[int]:
        """Model input ids for a symbol sequence (``KeyError`` on an unknown symbol)."""
        return [self.symbol_ids[symbol] for symbol in symbols]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One model call: a stretch of the input and the silence that follows it."""

    text: str
    """The input text this chunk covers, punctuation and left-out characters included."""
    symbols: tuple[str, ...]
    """Model symbols, ``sil … sil eos``."""
    syllables: int
    """Syllables in the chunk (what the model's length limit is about); 这儿 is one."""
    hanzi: int
    """Voiced hanzi in the chunk; 这儿 is two."""
    pause: float
    """Seconds of silence after this chunk at rate 1.0 (0 after the last one)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What the voice will say for one text."""

    chunks: tuple[Chunk, ...]
    """Model calls in order; empty when nothing in the text can be voiced."""
    dropped: tuple[str, ...]
    """Distinct stretches of the text left out (Latin words, digits, symbols, rare hanzi)."""

    @property
    def hanzi(self) -> int:
        """Number of voiced hanzi."""
        return sum(chunk.hanzi for chunk in self.chunks)


@dataclass(slots=True)
class _Unit:
    char: str
    phones: tuple[str, ...]
    """(initial, final), or ``ERHUA``."""


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    units: list[_Unit] = field(default_factory=list)
    pause: float = 0.0
    mark: str = ""
    """The punctuation that ended the piece ("" at the end of the text or a length cut)."""
    sentence_end: bool = True
    joinable: bool = True
    """False after a cut for length: the next piece must start a new chunk."""


@functools.cache
def _pypinyin_chars() -> Mapping[int, str]:
    # Imported on first use: pypinyin's tables take 0.25 s and 55 MB, which a program
    # that merely lists the engines should not pay.
    from pypinyin.pinyin_dict import pinyin_dict

    chars: Mapping[int, str] = pinyin_dict
    return chars


def is_voiced_hanzi(char: str) -> bool:
    """Whether ``char`` is a hanzi the voice can say.

    >>> [is_voiced_hanzi(c) for c in "好〇𠮷a"]
    [True, False, False, False]
    """
    return FIRST_VOICED <= ord(char) <= LAST_VOICED and ord(char) in _pypinyin_chars()


def _is_dropped(char: str) -> bool:
    return not (is_voiced_hanzi(char) or char in PAUSES or char in SILENT_MARKS or char.isspace())


def _units(chars: str, lexicon: Lexicon, dropped: list[str], words: Mapping[str, Sequence[str]]) -> list[_Unit]:
    units: list[_Unit] = []
    plain = to_simplified(chars)  # 兒 is the erhua 儿 too
    for index, (char, syllable) in enumerate(zip(chars, run_syllables(chars, words), strict=True)):
        if units and is_erhua(plain, index, syllable):
            units.append(_Unit(char, ERHUA))
            continue
        phones = lexicon.phones(syllable)
        if phones is None:
            dropped.append(char)
            continue
        units.append(_Unit(char, phones))
    return units


def _scan(text: str, lexicon: Lexicon, dropped: list[str], words: Mapping[str, Sequence[str]]) -> list[_Piece]:
    """Cut ``text`` into pieces at punctuation; every character lands in exactly one piece."""
    pieces: list[_Piece] = []
    piece = _Piece(0, 0)
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if is_voiced_hanzi(char):
            j = i
            while j < n and is_voiced_hanzi(text[j]):
                j += 1
            piece.units.extend(_units(text[i:j], lexicon, dropped, words))
            i = j
        elif char in PAUSES:
            j, pause, sentence_end = i, 0.0, False
            while j < n and (text[j] in PAUSES or text[j] in CLOSING_MARKS or text[j].isspace()):
                pause = max(pause, PAUSES.get(text[j], 0.0))
                sentence_end = sentence_end or text[j] in SENTENCE_ENDS
                j += 1
            piece.end, piece.pause, piece.mark, piece.sentence_end = j, pause, char, sentence_end
            pieces.append(piece)
            piece = _Piece(j, j)
            i = j
        elif _is_dropped(char):
            j = i + 1
            while j < n:
                if _is_dropped(text[j]):
                    j += 1
                    continue
                # A space or joiner continues the word only if more of it follows.
                k = j
                while k < n and (text[k] in (" ", "\t") or text[k] in WORD_JOINERS):
                    k += 1
                if k > j and k < n and _is_dropped(text[k]):
                    j = k
                    continue
                break
            dropped.append(text[i:j])
            i = j
        else:
            i += 1
    piece.end = n
    pieces.append(piece)
    return pieces


def _fold_silent(pieces: list[_Piece]) -> list[_Piece]:
    """Attach pieces with nothing to say to a neighbour, keeping their text and pause."""
    kept: list[_Piece] = []
    pending_start: int | None = None
    for piece in pieces:
        if piece.units:
            if pending_start is not None:
                piece.start = pending_start
                pending_start = None
            kept.append(piece)
        elif kept:
            previous = kept[-1]
            previous.end = piece.end
            previous.pause = max(previous.pause, piece.pause)
            previous.sentence_end = previous.sentence_end or piece.sentence_end
            previous.mark = piece.mark or previous.mark
        elif pending_start is None:
            pending_start = piece.start
    if pending_start is not None and kept:
        kept[0].start = pending_start
    return kept


def _syllable_count(units: Sequence[_Unit]) -> int:
    """Syllables in ``units``: an erhua 儿 belongs to the syllable before it."""
    return sum(1 for unit in units if unit.phones != ERHUA)


def _split_long(piece: _Piece, text: str, limit: int) -> list[_Piece]:
    """Cut a piece with more than ``limit`` syllables into near-equal parts."""
    # Cuts may fall only before a unit that starts a syllable (never before an erhua 儿).
    starts = [i for i, unit in enumerate(piece.units) if unit.phones != ERHUA]
    if len(starts) <= limit:
        return [piece]
    parts = math.ceil(len(starts) / limit)
    cuts = [starts[round(part * len(starts) / parts)] for part in range(1, parts)]
    # Map unit positions back to text positions so each part keeps its own stretch of text.
    positions = []
    unit_chars = iter(unit.char for unit in piece.units)
    wanted = next(unit_chars)
    for index in range(piece.start, piece.end):
        if text[index] == wanted:
            positions.append(index)
            wanted = next(unit_chars, "")
            if not wanted:
                break
    out: list[_Piece] = []
    start_unit, start_text = 0, piece.start
    for cut in [*cuts, len(piece.units)]:
        last = cut == len(piece.units)
        end_text = piece.end if last else positions[cut]
        out.append(
            _Piece(
                start_text,
                end_text,
                piece.units[start_unit:cut],
                pause=piece.pause if last else LENGTH_SPLIT_PAUSE,
                mark=piece.mark if last else "",
                sentence_end=piece.sentence_end if last else False,
                joinable=piece.joinable if last else False,
            )
        )
        start_unit, start_text = cut, end_text
    return out


def _symbols(pieces: Sequence[_Piece]) -> tuple[str, ...]:
    symbols = ["sil"]
    for number, piece in enumerate(pieces):
        if number:
            symbols.append(INTERNAL_BOUNDARY.get(pieces[number - 1].mark, "#3"))
        for position, unit in enumerate(piece.units):
            if position and unit.phones != ERHUA:
                symbols.append(WORD_BOUNDARY)
            symbols.extend(unit.phones)
    symbols += ["sil", "eos"]
    return tuple(symbols)


def _chunk(text: str, group: Sequence[_Piece]) -> Chunk:
    return Chunk(
        text=text[group[0].start : group[-1].end].strip(),
        symbols=_symbols(group),
        syllables=sum(_syllable_count(piece.units) for piece in group),
        hanzi=sum(len(piece.units) for piece in group),
        pause=group[-1].pause,
    )


def balanced_groups(sizes: Sequence[int], limit: int) -> list[int]:
    """How many consecutive items go in each group: as few groups as the ``limit`` on a
    group's total allows, then as even as possible (an item over the limit stands alone).

    >>> balanced_groups([20, 15, 10], 40)
    [1, 2]
    >>> balanced_groups([5, 5, 5, 5], 40)
    [4]
    >>> balanced_groups([38, 3], 40)
    [1, 1]
    """
    # best[end]: (groups, sum of squared group totals) for the first ``end`` items.
    best: list[tuple[int, int]] = [(0, 0)]
    start_of: list[int] = [0]
    for end in range(1, len(sizes) + 1):
        total, choice, where = 0, (len(sizes) + 1, 0), end - 1
        for start in range(end - 1, -1, -1):
            total += sizes[start]
            if total > limit and start < end - 1:
                break
            candidate = (best[start][0] + 1, best[start][1] + total * total)
            if candidate < choice:
                choice, where = candidate, start
        best.append(choice)
        start_of.append(where)
    counts: list[int] = []
    end = len(sizes)
    while end > 0:
        counts.append(end - start_of[end])
        end = start_of[end]
    return counts[::-1]


def plan(
    text: str,
    lexicon: Lexicon,
    max_syllables: int = MAX_CHUNK_SYLLABLES,
    words: Mapping[str, Sequence[str]] | None = None,
) -> Plan:
    """Cut ``text`` into model calls of at most ``max_syllables`` syllables.

    Pieces end at punctuation. The pieces of one sentence are merged into as few chunks
    as fit, as even as possible (the model marks the comma between merged pieces itself,
    with the phrase boundary it was trained on); a sentence is never merged with the
    next, and a run with no punctuation is cut into near-equal parts. Characters the
    voice cannot say are left out and listed in ``Plan.dropped``. ``words``: readings of
    hanzi words that override the dictionary (the show lexicon's ``[pinyin]``).
    """
    if max_syllables < MIN_CHUNK_SYLLABLES:
        raise ValueError(f"max_syllables must be at least {MIN_CHUNK_SYLLABLES}")
    dropped: list[str] = []
    pieces: list[_Piece] = []
    for piece in _fold_silent(_scan(text, lexicon, dropped, words or {})):
        pieces.extend(_split_long(piece, text, max_syllables))

    sentences: list[list[_Piece]] = []
    for piece in pieces:
        if not sentences or sentences[-1][-1].sentence_end or not sentences[-1][-1].joinable:
            sentences.append([])
        sentences[-1].append(piece)
    chunks: list[Chunk] = []
    for sentence in sentences:
        sizes = [_syllable_count(piece.units) for piece in sentence]
        first = 0
        for count in balanced_groups(sizes, max_syllables):
            chunks.append(_chunk(text, sentence[first : first + count]))
            first += count
    if chunks:
        chunks[-1] = replace(chunks[-1], pause=0.0)
    return Plan(tuple(chunks), tuple(dict.fromkeys(d.strip() for d in dropped if d.strip())))


def describe_dropped(dropped: Sequence[str], limit: int = 8) -> str | None:
    """One warning sentence naming what the voice left out, or ``None``.

    >>> describe_dropped(["ChatGPT", "#"])
    "The offline voice left out what it cannot say: 'ChatGPT', '#'."
    >>> describe_dropped([]) is None
    True
    """
    if not dropped:
        return None
    listed = ", ".join(repr(_printable(item)) for item in dropped[:limit])
    more = f" and {len(dropped) - limit} more" if len(dropped) > limit else ""
    return f"The offline voice left out what it cannot say: {listed}{more}."


def _printable(item: str) -> str:
    """Keep the warning one line: control characters become their escapes."""
    return "".join(c if unicodedata.category(c)[0] != "C" else c.encode("unicode_escape").decode() for c in item)
