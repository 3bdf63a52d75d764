"""Voice profiles: which engine voice plays which role, how it speaks, how fast it talks.

Profiles are TOML files named after their engine (``offline.toml``, ``edge.toml``): the
package's own (the repository's ``voices/`` folder), overridden profile by profile by a
show's ``voices/`` folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from podcast.errors import ConfigError, UnknownNameError
from podcast.model import Prosody
from podcast.text import is_chinese


@dataclass(frozen=True, slots=True)
class VoiceProfile:
    """One way of speaking: an engine voice with rate and pitch, and its measured pace."""

    name: str
    """Profile name (``xiaoya``), used in scripts and ``podcast.toml``."""
    engine: str
    """The engine that speaks it (``offline``, ``edge``)."""
    voice: str
    """The engine's voice id (``baker``, ``zh-CN-XiaoxiaoNeural``)."""
    language: str = "zh"
    """``zh`` or ``en``: the language this profile reads."""
    rate: float = 1.0
    """Speaking-rate multiplier."""
    pitch: float = 1.0
    """Pitch multiplier."""
    volume: float = 1.0
    """Volume multiplier."""
    chars_per_second: float | None = None
    """Mandarin pace: characters of script per second of audio, pauses included."""
    words_per_second: float | None = None
    """English pace: words per second of audio, pauses included."""
    measured: bool = False
    """Whether the pace was measured on this voice (else it is a published average)."""
    description: str = ""
    """A few words for ``podcast voices``."""

    @property
    def prosody(self) -> Prosody:
        """What the engine needs to speak with this profile."""
        return Prosody(self.voice, self.rate, self.pitch, self.volume)

    def pace(self) -> float:
        """Units per second: characters for Mandarin, words for English."""
        value = self.chars_per_second if is_chinese(self.language) else self.words_per_second
        if value is None:
            unit = "chars_per_second" if is_chinese(self.language) else "words_per_second"
            raise ConfigError(f"voice profile {self.name!r} has no {unit}")
        return value


@dataclass(frozen=True, slots=True)
class VoiceSet:
    """An engine's profiles and who plays which role, for one language."""

    engine: str
    """Engine name."""
    language: str
    """``zh`` or ``en``."""
    profiles: Mapping[str, VoiceProfile]
    """Every profile of the engine, by name."""
    narrator: str
    """The host's profile."""
    speakers: tuple[str, ...]
    """Profiles handed to the post's speakers in order of appearance (cycled)."""

    def narrator_profile(self) -> VoiceProfile:
        """The host's profile."""
        return self.profiles[self.narrator]

    def assign(self, speakers: Iterable[str], pinned: Mapping[str, str] | None = None) -> dict[str, str]:
        """Profile name per speaker: pinned ones first, then the role list in order.

        >>> vs = VoiceSet("x", "zh", {}, "n", ("a", "b"))
        >>> vs.assign(["李", "白", "王"], {"白": "n"})
        {'李': 'a', '白': 'n', '王': 'b'}
        """
        pinned = dict(pinned or {})
        result: dict[str, str] = {}
        free = [p for p in self.speakers if p not in pinned.values()] or list(self.speakers)
        index = 0
        for speaker in speakers:
            if speaker in pinned:
                result[speaker] = pinned[speaker]
            else:
                result[speaker] = free[index % len(free)] if free else self.narrator
                index += 1
        return result

    def profile(self, name: str) -> VoiceProfile:
        """The profile called ``name``, or an error listing the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise UnknownNameError(
                f"unknown voice profile {name!r} for engine {self.engine} (known: {known})"
            ) from None


def builtin_dir() -> Path:
    """The package's own profiles folder."""
    return Path(str(resources.files("podcast.voices")))


def load_voice_set(engine: str, language: str, show_voices: Path | None = None) -> VoiceSet:
    """Profiles of ``engine`` for ``language``: built-in, then the show's ``voices/`` overrides."""
    sources = [builtin_dir() / f"{engine}.toml"]
    if show_voices is not None:
        sources.append(show_voices / f"{engine}.toml")
    profiles: dict[str, VoiceProfile] = {}
    roles: dict[str, Any] = {}
    found = False
    for path in sources:
        if not path.is_file():
            continue
        found = True
        data = _read(path)
        file_engine = data.get("engine", engine)
        if file_engine != engine:
            raise ConfigError(f"{path}: engine = {file_engine!r}, but the file is for {engine!r}")
        for name, table in _mapping(data, "profiles", path).items():
            profiles[name] = _profile(name, engine, table, path)
        for lang, table in _mapping(data, "roles", path).items():
            roles[lang] = (table, path)
    if not found:
        raise UnknownNameError(f"no voice profiles for engine {engine!r}")
    lang = "zh" if is_chinese(language) else "en"
    if lang not in roles:
        raise ConfigError(f"voice profiles of engine {engine!r} have no [roles.{lang}] for {language} posts")
    table, path = roles[lang]
    narrator = table.get("narrator")
    speakers = table.get("speakers", [])
    if not isinstance(narrator, str) or narrator not in profiles:
        raise ConfigError(f"{path}: roles.{lang}.narrator must name a profile (known: {', '.join(sorted(profiles))})")
    if not isinstance(speakers, list) or not all(isinstance(s, str) and s in profiles for s in speakers):
        raise ConfigError(f"{path}: roles.{lang}.speakers must be a list of profile names")
    return VoiceSet(engine, lang, profiles, narrator, tuple(speakers))


def all_engines_with_profiles(show_voices: Path | None = None) -> Sequence[str]:
    """Engines that have a profile file (built in or in the show)."""
    names = {p.stem for p in builtin_dir().glob("*.toml")}
    if show_voices is not None and show_voices.is_dir():
        names |= {p.stem for p in show_voices.glob("*.toml")}
    return sorted(names - {"lexicon"})


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _mapping(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{path}: [{key}.NAME] tables expected")
    return value


_NUMBERS = {"rate": (0.5, 2.0), "pitch": (0.5, 2.0), "volume": (0.1, 4.0),
            "chars_per_second": (0.5, 20.0), "words_per_second": (0.3, 10.0)}  # fmt: skip


def _profile(name: str, engine: str, table: Mapping[str, Any], path: Path) -> VoiceProfile:
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: profiles.{name}.{key}"
        if key in _NUMBERS:
            low, high = _NUMBERS[key]
            if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"{where} must be a number from {low} to {high}")
            values[key] = float(value)
        elif key == "measured":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
            values[key] = value
        elif key in ("voice", "language", "description"):
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where} must be a non-empty string")
            values[key] = value
        else:
            raise ConfigError(f"{where}: unknown key")
    if "voice" not in values:
        raise ConfigError(f"{path}: profiles.{name} has no voice")
    return VoiceProfile(name=name, engine=engine, **values)
