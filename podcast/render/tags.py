"""ID3v2.4 tags with mutagen: title, artist, album, date, comment, cover, and chapters.

Chapters follow the ID3v2 Chapter Frame Addendum: one ``CHAP`` per segment (times in ms,
a ``TIT2`` sub-frame for its title) under one top-level, ordered ``CTOC``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    WOAS,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.id3 import Encoding as TextEncoding

from podcast.errors import AudioError
from podcast.model import Chapter


@dataclass(frozen=True, slots=True)
class Tags:
    """What goes into the MP3's ID3 tag."""

    title: str
    """Episode title (TIT2)."""
    artist: str
    """The post's author (TPE1)."""
    album: str
    """The show (TALB)."""
    date: str | None
    """ISO date (TDRC)."""
    comment: str | None
    """Source URL or path (COMM; also WOAS when it is a URL)."""
    language: str
    """ISO 639-2 code of the spoken language (TLAN): ``chi`` or ``eng``."""


def write_tags(path: Path, tags: Tags, chapters: Sequence[Chapter], cover: bytes | None, cover_mime: str) -> None:
    """Replace ``path``'s ID3 tag with ``tags``, ``chapters`` and ``cover``."""
    try:
        id3 = ID3(str(path))
        id3.delete()
    except ID3NoHeaderError:
        pass
    id3 = ID3()
    utf8 = TextEncoding.UTF8
    id3.add(TIT2(encoding=utf8, text=[tags.title]))
    id3.add(TPE1(encoding=utf8, text=[tags.artist]))
    id3.add(TALB(encoding=utf8, text=[tags.album]))
    id3.add(TCON(encoding=utf8, text=["Podcast"]))
    id3.add(TLAN(encoding=utf8, text=[tags.language]))
    if tags.date:
        id3.add(TDRC(encoding=utf8, text=[tags.date]))
    if tags.comment:
        id3.add(COMM(encoding=utf8, lang=tags.language, desc="", text=[tags.comment]))
        if tags.comment.startswith(("http://", "https://")):
            id3.add(WOAS(url=tags.comment))
    if cover is not None:
        id3.add(APIC(encoding=utf8, mime=cover_mime, type=3, desc="Cover", data=cover))
    ids = [f"chp{n}" for n in range(len(chapters))]
    contents = "目录" if tags.language == "chi" else "Contents"
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=utf8, text=[contents])],
        )
    )
    for element, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element,
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                start_offset=0xFFFFFFFF,  # "not used": apps seek by time
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=utf8, text=[chapter.title])],
            )
        )
    try:
        id3.save(str(path), v2_version=4)
    except OSError as exc:
        raise AudioError(f"cannot write tags to {path}: {exc.strerror or exc}") from exc
