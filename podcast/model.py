"""The values that flow between pipeline stages (frozen, so a stage cannot change its input)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Turn:
    """One stretch of the dialogue: what one speaker says, or a piece of narration."""

    speaker: str | None
    """Canonical speaker name, the same for every label of one person; None for narration."""
    label: str | None
    """The speaker marker as written in the post (without the colon), e.g. ``李老师说``."""
    text: str
    """What is said; paragraphs are separated by a blank line."""


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
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Front matter and what parsing learned (``broadcast``: a recognised 小雅 intro/outro)."""
    warnings: tuple[str, ...] = field(default=())
    """Things the reader should know about the parse (no dialogue found, …)."""

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

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form printed by ``podcast parse --json``."""
        return {
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "language": self.language,
            "source": self.source,
            "notes": list(self.notes),
            "turns": [{"speaker": t.speaker, "label": t.label, "text": t.text} for t in self.turns],
        }


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

    @property
    def voices(self) -> dict[str, str]:
        """Voice profile per speaker, as the segments name them."""
        return {s.speaker: s.voice for s in self.segments if s.voice}
