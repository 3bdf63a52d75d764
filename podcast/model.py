"""The values that flow between pipeline stages (frozen, so a stage cannot change its input)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Prosody:
    """How a voice should speak: the engine's voice id plus rate, pitch and volume."""

    voice: str
    """The engine's own voice identifier (``baker``, ``zh-CN-XiaoxiaoNeural``)."""
    rate: float = 1.0
    """Speaking-rate multiplier: 1.1 is 10 % faster."""
    pitch: float = 1.0
    """Pitch multiplier: 1.05 is 5 % higher."""
    volume: float = 1.0
    """Loudness multiplier before the episode's loudness normalization."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One stretch of the dialogue: what one speaker says, or a piece of narration."""

    speaker: str | None
    """Canonical speaker name, the same for every label of one person; None for narration."""
    label: str | None
    """The speaker marker as written in the post (without the colon), e.g. ``李老师说``."""
    text: str
    """What is said; paragraphs are separated by a blank line."""
    direction: bool = False
    """A stage direction (what someone does, ``整理了一下衣衫``, ``LAUGHTER``), not words said."""
    subject: str | None = None
    """For a direction inside or on a speaker's turn: that speaker."""

    def to_json(self) -> dict[str, Any]:
        """The turn's JSON form (``direction`` and ``subject`` only when set)."""
        data: dict[str, Any] = {"speaker": self.speaker, "label": self.label, "text": self.text}
        if self.direction:
            data["direction"] = True
        if self.subject:
            data["subject"] = self.subject
        return data


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A line of the post the parser did not read as dialogue, and why (``podcast parse --explain``)."""

    text: str
    """The line as found."""
    why: str
    """``title``, ``metadata``, ``byline``, ``caption``, ``page tail: comments``…"""


@dataclass(frozen=True, slots=True)
class Post:
    """A blog post read from a file: its metadata, its dialogue and what surrounds it."""

    title: str
    """The post's title (front matter, first heading, 《title》 line, or the file name)."""
    author: str | None
    """The post's author as the blog names them, if known."""
    date: str | None
    """Publication date as ISO ``YYYY-MM-DD``, if known."""
    language: str
    """``zh`` or ``en`` (or the front matter's ``language``)."""
    source: str
    """Where the post came from: a path or URL, as given."""
    turns: tuple[Turn, ...]
    """The dialogue in order, narration included."""
    notes: tuple[str, ...] = ()
    """Paragraphs outside the dialogue: an editor's preface, 按语, headings."""
    preface: tuple[str, ...] = ()
    """The notes that are an editor's or author's preface (``立委按：``, ``Editor's note:``):
    what the script may draw on for the host's opening."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Front matter and what parsing learned (``broadcast``: a recognised 小雅 intro/outro)."""
    warnings: tuple[str, ...] = field(default=())
    """Things the reader should know about the parse (no dialogue found, …)."""
    left_out: tuple[LeftOut, ...] = ()
    """Lines that are neither dialogue nor notes (furniture, metadata, the title), with why."""

    @property
    def speakers(self) -> tuple[str, ...]:
        """Canonical speaker names in order of first appearance."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns if t.speaker))

    @property
    def broadcast(self) -> Mapping[str, str] | None:
        """The 小雅 framing found in the post (``intro``, ``outro``, ``title``, ``author``,
        ``tagline``), or None when the post is not already a broadcast."""
        value = self.metadata.get("broadcast")
        return value if isinstance(value, Mapping) else None

    @property
    def slug(self) -> str | None:
        """The episode folder name the front matter asks for (``slug:``)."""
        return _text(self.metadata.get("slug"))

    @property
    def guid(self) -> str | None:
        """The feed guid the front matter pins (``guid:``), e.g. an episode published before."""
        return _text(self.metadata.get("guid"))

    @property
    def source_url(self) -> str | None:
        """The post's address on the web (front matter ``url``/``source_url``/``link``, or the
        page's own; else ``source`` when that is a web address), if known."""
        for key in ("url", "source_url", "link"):
            value = self.metadata.get(key)
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return value
        # A post read from the web (a batch over a blog's feed) is its address.
        return self.source if self.source.startswith(("http://", "https://")) else None

    @property
    def summary(self) -> str | None:
        """What the post says it is about (front matter ``summary`` or ``description``)."""
        return _text(self.metadata.get("summary")) or _text(self.metadata.get("description"))

    @property
    def author_display(self) -> str | None:
        """How the outro names the author, if the front matter says (``author_display:``)."""
        return _text(self.metadata.get("author_display"))

    @property
    def tagline(self) -> str | None:
        """The outro's description of the blog, if the front matter says (``tagline:``)."""
        return _text(self.metadata.get("tagline"))

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The stable JSON form printed by ``podcast parse --json`` (``--explain`` adds what
        was left out, and why)."""
        data: dict[str, Any] = {
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "language": self.language,
            "source": self.source,
            "notes": list(self.notes),
            "turns": [t.to_json() for t in self.turns],
        }
        if explain:
            data["left_out"] = [{"text": x.text, "why": x.why} for x in self.left_out]
        return data


def _text(value: object) -> str | None:
    """A metadata value as text: None when missing or blank."""
    if value is None or isinstance(value, (Mapping, list, tuple)):
        return None
    return str(value).strip() or None


SegmentRole = Literal["intro", "turn", "bridge", "outro"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One paragraph of the broadcast script, spoken by one voice."""

    role: SegmentRole
    """``intro``, ``outro`` frame the episode; ``bridge`` is the host's narration; ``turn`` a retold turn."""
    speaker: str
    """Who speaks it: the host for intro, bridge and outro; the canonical speaker for a turn."""
    text: str
    """Exactly what is spoken (a turn starts with its attribution, ``李老师说：``)."""
    voice: str | None = None
    """Voice profile name; None lets the renderer pick by role."""


@dataclass(frozen=True, slots=True)
class Script:
    """The broadcast script of one episode: what is said, by whom, in what order."""

    title: str
    """The post's title, as the intro says it."""
    author: str | None
    """The post's author."""
    language: str
    """``zh`` or ``en`` (or a regional tag such as ``zh-CN``)."""
    source: str
    """The post the script was written from (path or URL)."""
    segments: tuple[Segment, ...]
    """The paragraphs in speaking order."""
    target_seconds: float = 120.0
    """The episode length the script was budgeted for."""
    date: str | None = None
    """The post's date (ISO), carried to the episode."""
    host: str = "小雅"
    """The host's name: the speaker of intro, bridges and outro."""
    engine: str = "offline"
    """The speech engine the script was budgeted for."""
    summarizer: str = "extractive"
    """The summarizer that condensed the post."""
    summarizer_model: str | None = None
    """For a model's retelling: the model and the prompt version (``qwen2.5:7b, prompt v1``)."""
    style: str = "narrated"
    """``narrated``: the host reads every line; ``voiced``: the host says each attribution and
    the speaker's voice the words."""

    @property
    def voices(self) -> dict[str, str]:
        """Voice profile per speaker, as the segments name them."""
        return {s.speaker: s.voice for s in self.segments if s.voice}


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter of an episode (one script segment)."""

    start: float
    """Seconds from the start of the episode."""
    end: float
    """Seconds from the start; chapters are ordered and do not overlap."""
    title: str
    """What a podcast app lists: ``李老师：纠结有日子了…``."""


@dataclass(frozen=True, slots=True)
class Episode:
    """A rendered episode: what ``episode.json`` records and the feed is built from."""

    slug: str
    """The episode's folder name under ``episodes/``: safe, stable."""
    guid: str
    """Assigned at the first render and never changed (the feed's ``<guid>``)."""
    title: str
    """The post's title."""
    date: str | None
    """The post's date (ISO); the feed's ``pubDate``."""
    author: str | None
    """The post's author."""
    language: str
    """The spoken language (``zh``, ``en``)."""
    source: str
    """The post (or script) rendered."""
    description: str
    """A short summary for the feed: the first lines of what is said."""
    audio: str
    """The MP3's file name inside the episode folder."""
    duration: float
    """Seconds, as ffmpeg decodes the MP3."""
    size: int
    """The MP3's size in bytes (the feed's enclosure length)."""
    sha256: str
    """The MP3's SHA-256."""
    chapters: tuple[Chapter, ...]
    """One per segment."""
    files: Mapping[str, str]
    """Sidecar files by kind: ``vtt``, ``srt``, ``chapters``, ``script``, ``cover``."""
    engine: str
    """The speech engine that voiced it."""
    voices: Mapping[str, str]
    """Engine voice id per speaker."""
    speakers: tuple[str, ...]
    """The post's speakers, in order of appearance."""
    loudness: Mapping[str, float]
    """Measured ``integrated`` LUFS, ``true_peak`` dBTP and ``lra`` LU."""
    warnings: tuple[str, ...] = ()
    """What the listener will miss or what differs from what was asked."""
    rendered: str = ""
    """When it was rendered (ISO 8601, UTC)."""
    link: str | None = None
    """The post's address on the web (front matter ``url``, the page's own), if known."""

    def to_json(self) -> dict[str, Any]:
        """The ``episode.json`` form."""
        return {
            "slug": self.slug,
            "guid": self.guid,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "language": self.language,
            "source": self.source,
            "description": self.description,
            "audio": self.audio,
            "duration": round(self.duration, 3),
            "size": self.size,
            "sha256": self.sha256,
            "chapters": [{"start": round(c.start, 3), "end": round(c.end, 3), "title": c.title} for c in self.chapters],
            "files": dict(self.files),
            "engine": self.engine,
            "voices": dict(self.voices),
            "speakers": list(self.speakers),
            "loudness": dict(self.loudness),
            "warnings": list(self.warnings),
            "rendered": self.rendered,
            **({"link": self.link} if self.link else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Episode:
        """Read ``episode.json`` back (``KeyError``/``TypeError``/``ValueError`` when it is not one)."""
        return cls(
            slug=str(data["slug"]),
            guid=str(data["guid"]),
            title=str(data["title"]),
            date=data.get("date"),
            author=data.get("author"),
            language=str(data.get("language") or "zh"),
            source=str(data.get("source") or ""),
            description=str(data.get("description") or ""),
            audio=str(data["audio"]),
            duration=float(data["duration"]),
            size=int(data["size"]),
            sha256=str(data["sha256"]),
            chapters=tuple(
                Chapter(float(c["start"]), float(c["end"]), str(c["title"])) for c in data.get("chapters", [])
            ),
            files={str(k): str(v) for k, v in dict(data.get("files") or {}).items()},
            engine=str(data.get("engine") or ""),
            voices={str(k): str(v) for k, v in dict(data.get("voices") or {}).items()},
            speakers=tuple(str(s) for s in data.get("speakers", [])),
            loudness={str(k): float(v) for k, v in dict(data.get("loudness") or {}).items()},
            warnings=tuple(str(w) for w in data.get("warnings", [])),
            rendered=str(data.get("rendered") or ""),
            link=str(data["link"]) if data.get("link") else None,
        )
