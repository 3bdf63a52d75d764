"""Text normalization before speech: numbers, dates, units, symbols and Latin words.

Speech engines read what they are given; a Chinese voice that meets ``2024-05-01``,
``5%`` or ``GPT`` either guesses or says nothing. This package rewrites text into what a
narrator would say, with three entry points:

- :func:`normalize_zh` — Chinese text for any engine: digits, signs, units and symbols
  become hanzi; Latin words are kept for engines that can read them.
- :func:`normalize_en` — English text for English-reading engines.
- :func:`speakable_zh` — Chinese text for a hanzi-only engine: a sequence of
  :class:`Piece` values, each either hanzi and punctuation or an English stretch for an
  English-capable second voice, plus warnings for anything that cannot be spoken.

How Latin words are spoken in Chinese text comes from a :class:`Lexicon`: the default
one ships as ``voices/lexicon.toml`` (package ``podcast.voices``); a show can add its own files.

The package's modules, each depending only on those before it:

- :mod:`.prepare` — character classes, preparation of raw text, links, rule machinery.
- :mod:`.numbers` — number words in Chinese (:func:`zh_integer` …) and English (:func:`en_cardinal` …).
- :mod:`.english_rules` — :func:`normalize_en` and its rules.
- :mod:`.chinese_rules` — the rules for digits in Chinese text (dates, money, units …).
- :mod:`.chinese_text` — :func:`normalize_zh`: those rules, then symbols, punctuation, spacing.
- :mod:`.lexicon` — :class:`Lexicon`, :func:`parse_lexicon`, :func:`load_lexicon`, :func:`default_lexicon`.
- :mod:`.speakable` — :func:`speakable_zh`, :class:`Speakable`, :class:`Piece`, letter names.
"""

from __future__ import annotations

from podcast.speech.normalize.chinese_text import normalize_zh
from podcast.speech.normalize.english_rules import normalize_en
from podcast.speech.normalize.lexicon import Lexicon, default_lexicon, load_lexicon, parse_lexicon
from podcast.speech.normalize.numbers import en_cardinal, en_ordinal, en_year, zh_digits, zh_integer, zh_number
from podcast.speech.normalize.prepare import ZH_PUNCTUATION
from podcast.speech.normalize.speakable import (
    LETTER_NAMES,
    Piece,
    Speakable,
    WordReading,
    iter_latin_words,
    speakable_zh,
    spell_letters,
)

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
