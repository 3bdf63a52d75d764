"""The lexicon: how Latin words in Chinese text are read by a hanzi-only voice, and the
pinyin the offline voice gives hanzi words (:class:`Lexicon`, :func:`parse_lexicon`,
:func:`load_lexicon`, :func:`default_lexicon`).

The default lexicon ships as ``voices/lexicon.toml`` (package ``podcast.voices``); a show
can add its own files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from podcast.errors import ConfigError
from podcast.hanzi import to_simplified
from podcast.speech.normalize.prepare import _LAT

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
