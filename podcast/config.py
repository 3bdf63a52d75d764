"""Show settings from ``podcast.toml``: one ``Show`` object, validated, with clear precedence.

Precedence everywhere: command-line flag > environment variable > ``podcast.toml`` > default.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from podcast.errors import ConfigError
from podcast.hanzi import localize

CONFIG_NAME = "podcast.toml"
APPLE_CATEGORIES = frozenset(
    {
        "Arts", "Business", "Comedy", "Education", "Fiction", "Government", "History", "Health & Fitness",
        "Kids & Family", "Leisure", "Music", "News", "Religion & Spirituality", "Science", "Society & Culture",
        "Sports", "Technology", "True Crime", "TV & Film",
    }
)  # fmt: skip
"""Apple Podcasts' top-level categories (``[show] category``)."""
CONFIG_ENV = "PODCAST_CONFIG"


@dataclass(frozen=True, slots=True)
class Framing:
    """How 小雅 opens and closes an episode (the ``[broadcast]`` table)."""

    host: str = "小雅"
    """The host's name, spoken in the intro and outro."""
    host_title: str = "数字秘书"
    """What the host is, before the name in the intro (``数字秘书小雅``)."""
    author_display: str | None = None
    """How the outro names the blog's author (``立委先生``); default: the post's author."""
    tagline: str = ""
    """The outro's description of the blog (``分享关于大模型和AI的有角度的思考``); none by default."""
    intro: str = "我是{host_title}{host}，今天播报《{title}》。"
    """Intro template; fields: host, host_title, title, author, tagline."""
    outro: str = "我是{host}，以上就是{author}最新博客的{minutes}播报，{tagline}。咱们下次再见。"
    """Outro template; the intro's fields and ``minutes``, the episode's length (``两分钟``)."""
    attribution: str = "{speaker}说："
    """How a retold turn starts (``李老师说：``)."""
    style: str = "narrated"
    """``narrated``: the host reads every line, attributions included (as the sample);
    ``voiced``: the host says the attribution, each speaker's voice profile the words."""

    def localized(self, language: str) -> Framing:
        """This framing written for a post in ``language`` (traditional characters for
        ``zh-Hant``, ``zh-TW``, ``zh-HK``).

        >>> Framing().localized("zh-Hant").intro
        '我是{host_title}{host}，今天播報《{title}》。'
        """
        texts = ("host", "host_title", "author_display", "tagline", "intro", "outro", "attribution")
        return replace(self, **{k: localize(v, language) for k in texts if (v := getattr(self, k)) is not None})


STYLES = ("narrated", "voiced")
"""How an episode is voiced (``[broadcast] style``)."""

ENGLISH_FRAMING = Framing(
    host="Xiaoya",
    host_title="your digital secretary",
    tagline="",
    intro="I'm Xiaoya, {host_title}. Today: “{title}”.",
    outro="This is Xiaoya. That was {author}'s latest post in {minutes}. {tagline} See you next time.",
    attribution="{speaker}: ",
)


@dataclass(frozen=True, slots=True)
class Show:
    """Podcast-level settings (the ``[show]`` table and friends of ``podcast.toml``)."""

    title: str = "小雅播报"
    """The podcast's name."""
    author: str | None = None
    """The blog's author; the feed's ``itunes:author``."""
    description: str = "数字秘书小雅用两分钟播报博客里的对话。"
    """The podcast's description (at most 4000 bytes in the feed)."""
    language: str = "zh-cn"
    """The feed's language (``zh-cn``, ``en``)."""
    base_url: str | None = None
    """Where the output folder is published (http or https)."""
    image: str | None = None
    """Cover art file (square PNG/JPEG, 1400–3000 px); generated when absent."""
    category: str = "Technology"
    """Apple Podcasts category."""
    explicit: bool = False
    """Whether episodes carry explicit content."""
    owner_name: str | None = None
    """The feed owner's name (``itunes:owner``)."""
    owner_email: str | None = None
    """The feed owner's e-mail (``itunes:owner``)."""
    copyright: str | None = None
    """Copyright line of the feed."""
    type: str = "episodic"
    """``episodic`` or ``serial``."""
    framing: Framing = field(default_factory=Framing)
    """The 小雅 intro/outro of Chinese posts (``[broadcast]``)."""
    framing_en: Framing = ENGLISH_FRAMING
    """The intro/outro of English posts (``[broadcast.en]``)."""
    framing_hant: Framing | None = None
    """The intro/outro of traditional Chinese posts (``[broadcast.zh-Hant]``); None: the
    ``[broadcast]`` framing written in traditional characters."""
    minutes: float = 2.0
    """Target episode length in minutes."""
    engine: str = "offline"
    """Speech engine (``[voices] engine``)."""
    speaker_voices: Mapping[str, str] = field(default_factory=dict)
    """Voice profile per speaker (``[voices.speakers]``): ``李老师 = "lin"``."""
    aliases: Mapping[str, list[str]] = field(default_factory=dict)
    """Speaker aliases for every post (``[speakers]``): ``李老师 = ["李", "立委"]``."""
    summarizers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Each summarizer's settings (``[summarizer.llm]``: ``base_url``, ``model``…), checked
    by the summarizer itself."""
    jingle_in: str | None = None
    """The show's own opening jingle (``[audio] jingle_in``); None: the generated sting;
    ``"none"``: no jingle."""
    jingle_out: str | None = None
    """The show's own closing jingle (``[audio] jingle_out``)."""
    bitrate_kbps: int = 64
    """MP3 bitrate (``[audio] bitrate``): constant, 32–320 kbps."""
    channels: int = 1
    """1 (mono, −19 LUFS) or 2 (stereo, −16 LUFS) (``[audio] channels``)."""
    output: str = "out"
    """Where rendered episodes, the feed and the site go (``[show] output``), relative to the show."""
    root: Path = field(default_factory=Path.cwd)
    """The folder ``podcast.toml`` is in; relative paths in it are relative to this."""
    path: Path | None = None
    """The ``podcast.toml`` read, or None when defaults are used."""


_SHOW_KEYS = {f.name for f in fields(Show)} - {
    "framing", "framing_en", "minutes", "engine", "speaker_voices", "aliases", "root", "path",
    "jingle_in", "jingle_out", "bitrate_kbps", "channels",
}  # fmt: skip
_FRAMING_KEYS = {f.name for f in fields(Framing)}


def find_config(start: Path | None = None) -> Path | None:
    """``$PODCAST_CONFIG``, else the nearest ``podcast.toml`` in ``start`` or its parents."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_show(path: Path | None) -> Show:
    """Read and validate ``podcast.toml``; defaults when ``path`` is None."""
    if path is None:
        return Show()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return show_from_dict(data, path)


def show_from_dict(data: Mapping[str, Any], path: Path) -> Show:
    """Validate a parsed ``podcast.toml``; every error names the file and the key."""
    known = {"show", "broadcast", "voices", "speakers", "audio", "summarizer"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{path}: unknown table [{key}] (known: {', '.join(sorted(known))})")
    show_table = _table(data, "show", path)
    values: dict[str, Any] = {}
    for key, value in show_table.items():
        if key not in _SHOW_KEYS | {"minutes"}:
            raise ConfigError(f"{path}: unknown key show.{key}")
        if key == "explicit":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: show.explicit must be true or false")
        elif key == "minutes":
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0.25 <= value <= 60:
                raise ConfigError(f"{path}: show.minutes must be a number between 0.25 and 60")
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: show.{key} must be a non-empty string")
        values[key] = value
    if "type" in values and values["type"] not in ("episodic", "serial"):
        raise ConfigError(f"{path}: show.type must be 'episodic' or 'serial'")
    if "base_url" in values:
        from podcast.urls import public_base

        values["base_url"] = public_base(str(values["base_url"]), f"{path}: show.base_url")
    if "owner_email" in values and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["owner_email"]):
        raise ConfigError(f"{path}: show.owner_email is not an e-mail address")
    if "category" in values:
        parent = values["category"].split(">")[0].strip()
        if parent not in APPLE_CATEGORIES:
            raise ConfigError(
                f"{path}: show.category {parent!r} is not an Apple Podcasts category "
                f"(one of: {', '.join(sorted(APPLE_CATEGORIES))})"
            )
    if "language" in values and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", values["language"]):
        raise ConfigError(f"{path}: show.language must be a language tag such as zh-cn or en")

    framing_table = dict(_table(data, "broadcast", path))
    english_table = framing_table.pop("en", {})
    traditional_table = framing_table.pop("zh-Hant", None)
    for name, table in (("en", english_table), ("zh-Hant", traditional_table)):
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [broadcast.{name}] must be a table")
    framing = _framing(Framing(), framing_table, "broadcast", path)
    # How episodes are voiced is the show's choice: [broadcast.en] inherits it unless it says.
    english_base = replace(ENGLISH_FRAMING, style=framing.style)
    framing_en = _framing(english_base, english_table, "broadcast.en", path)
    # [broadcast.zh-Hant] says in full what a traditional post's host says (its own characters).
    framing_hant = None
    if traditional_table is not None:
        framing_hant = _framing(framing.localized("zh-Hant"), traditional_table, "broadcast.zh-Hant", path)

    voices_table = _table(data, "voices", path)
    engine = voices_table.get("engine", "offline")
    if not isinstance(engine, str):
        raise ConfigError(f"{path}: voices.engine must be a string")
    speakers = voices_table.get("speakers", {})
    if not isinstance(speakers, dict) or not all(isinstance(v, str) for v in speakers.values()):
        raise ConfigError(f"{path}: [voices.speakers] must map a speaker to a voice profile name")
    for key in voices_table:
        if key not in ("engine", "speakers"):
            raise ConfigError(f"{path}: unknown key voices.{key}")

    aliases_table = _table(data, "speakers", path)
    aliases: dict[str, list[str]] = {}
    for name, labels in aliases_table.items():
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ConfigError(f"{path}: speakers.{name} must be a list of labels")
        aliases[name] = list(labels)

    audio_values = _audio(_table(data, "audio", path), path)
    summarizers: dict[str, dict[str, Any]] = {}
    for name, table in _table(data, "summarizer", path).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [summarizer.{name}] must be a table of settings")
        summarizers[str(name)] = dict(table)

    minutes = float(values.pop("minutes", 2.0))
    return Show(
        **audio_values,
        **values,
        framing=framing,
        framing_en=framing_en,
        framing_hant=framing_hant,
        minutes=minutes,
        engine=engine,
        speaker_voices=dict(speakers),
        aliases=aliases,
        summarizers=summarizers,
        root=path.parent.resolve(),
        path=path,
    )


def _audio(table: Mapping[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("jingle_in", "jingle_out"):
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f'{path}: audio.{key} must be a file path or "none"')
            values[key] = value
        elif key == "bitrate":
            if not isinstance(value, int) or isinstance(value, bool) or not 32 <= value <= 320:
                raise ConfigError(f"{path}: audio.bitrate must be a whole number of kbps from 32 to 320")
            values["bitrate_kbps"] = value
        elif key == "channels":
            if value not in (1, 2) or isinstance(value, bool):
                raise ConfigError(f"{path}: audio.channels must be 1 (mono) or 2 (stereo)")
            values["channels"] = value
        else:
            raise ConfigError(f"{path}: unknown key audio.{key}")
    return values


def _framing(base: Framing, table: Mapping[str, Any], prefix: str, path: Path) -> Framing:
    values: dict[str, str] = {}
    for key, value in table.items():
        if key not in _FRAMING_KEYS:
            raise ConfigError(f"{path}: unknown key {prefix}.{key}")
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {prefix}.{key} must be a string")
        values[key] = value
    framing = replace(base, **values)
    for key in ("intro", "outro", "attribution"):
        check_template(getattr(framing, key), f"{path}: {prefix}.{key}")
    if framing.style not in STYLES:
        raise ConfigError(f"{path}: {prefix}.style must be one of {', '.join(STYLES)}")
    return framing


TEMPLATE_FIELDS = ("host", "host_title", "title", "author", "tagline", "speaker", "minutes")
"""The fields a framing template may name."""


def check_template(template: str, where: str) -> None:
    """Refuse a template that is not plain text with known ``{fields}``: an unknown field,
    attribute or index access (``{title.x}``, ``{title[0]}``), a conversion or a format spec
    (``{title:>1000000000}`` would allocate a gigabyte) — one line naming the key.

    >>> check_template("我是{host}，今天播报《{title}》。", "t")
    >>> check_template("{title.upper}", "broadcast.intro")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    podcast.errors.ConfigError: broadcast.intro: {title.upper} is not a field (fields: host, ...)
    """
    import string

    fields = ", ".join(TEMPLATE_FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ConfigError(f"{where}: bad template {template!r} ({exc}); write {{{{ and }}}} for braces") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ConfigError(f"{where}: {shown} is not a field (fields: {fields}; no attributes, indexes or formats)")


def _table(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] must be a table")
    return value
