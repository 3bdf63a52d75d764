"""Writing an episode folder: the loudness-normalized MP3 with its tags and chapters, the
transcripts, the script, and ``episode.json`` — into a staging folder that replaces the
episode's folder only when complete (:func:`podcast.episodes.staged_folder`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from podcast import fsutil
from podcast.config import Show
from podcast.episodes import FILES, write_episode
from podcast.hanzi import page_language
from podcast.model import Episode, Script
from podcast.render.assembly import chapters_of, cues_of, decoded_duration
from podcast.render.loudness import TARGET_MONO, TARGET_STEREO, TRUE_PEAK_CEILING, encode_mp3
from podcast.render.tags import Tags, write_tags
from podcast.script.scriptfile import to_markdown
from podcast.speech import SAMPLE_RATE, Spoken
from podcast.text import is_chinese
from podcast.transcript import to_chapters_json, to_srt, to_vtt


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the episode is: what it keeps from earlier renders and says about its source."""

    slug: str
    """Its folder name."""
    guid: str
    """Its feed guid (kept from the first render)."""
    date: str | None
    """The post's date, else the date of an earlier render; None: today, with a warning."""
    source_url: str | None
    """The post's address on the web, if known (the MP3's comment)."""


def write_folder(
    stage: Path,
    script: Script,
    spoken: Sequence[Spoken],
    timeline: tuple[npt.NDArray[np.int16], list[tuple[int, int]]],
    identity: Identity,
    show: Show,
    *,
    engine: str,
    voices: dict[str, str],
    thumbnail: bytes,
    warnings: list[str],
    on_stage: Sequence[str] = (),
    cache_root: Path | None = None,
) -> Episode:
    """Write every file of the episode into ``stage``; return what ``episode.json`` says.
    ``cache_root``: the cache whose encoded MP3s may be reused (default: the user's)."""
    samples, spans = timeline
    loudness = encode_mp3(
        samples,
        SAMPLE_RATE,
        stage / FILES["audio"],
        target=TARGET_STEREO if show.channels == 2 else TARGET_MONO,
        ceiling=TRUE_PEAK_CEILING,
        bitrate_kbps=show.bitrate_kbps,
        channels=show.channels,
        cache_root=cache_root,
    )
    duration = loudness.duration or decoded_duration(stage / FILES["audio"])
    chapters = chapters_of(script.segments, spans, duration, script.language)
    date = identity.date
    if date is None:
        date = dt.datetime.now(dt.UTC).date().isoformat()
        warnings.append(f"the post has no date: the episode is dated {date}")
    write_tags(
        stage / FILES["audio"],
        Tags(
            title=script.title,
            artist=script.author or show.author or show.title,
            album=show.title,
            date=date,
            comment=identity.source_url or script.source,
            language="chi" if is_chinese(script.language) else "eng",
        ),
        chapters,
        thumbnail,
        "image/jpeg",
    )
    cues = cues_of(script.segments, spoken, spans, duration)
    fsutil.write_text(stage / FILES["vtt"], to_vtt(cues, page_language(script.language)))
    fsutil.write_text(stage / FILES["srt"], to_srt(cues))
    fsutil.write_text(stage / FILES["chapters"], to_chapters_json(chapters, title=script.title))
    fsutil.write_text(stage / FILES["script"], to_markdown(script))
    mp3 = (stage / FILES["audio"]).read_bytes()
    episode = Episode(
        slug=identity.slug,
        guid=identity.guid,
        title=script.title,
        date=date,
        author=script.author,
        language=script.language,
        source=script.source,
        description=description(script),
        audio=FILES["audio"],
        duration=duration,
        size=len(mp3),
        sha256=hashlib.sha256(mp3).hexdigest(),
        chapters=tuple(chapters),
        files={k: v for k, v in FILES.items() if k not in ("audio", "meta")},
        engine=engine,
        voices=voices,
        speakers=tuple(dict.fromkeys(s.speaker for s in script.segments if s.role == "turn")),
        loudness={"integrated": loudness.integrated, "true_peak": loudness.true_peak, "lra": loudness.lra},
        warnings=tuple(warnings),
        rendered=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        link=identity.source_url,
    )
    write_episode(stage, episode)
    return episode


def description(script: Script) -> str:
    """The feed's summary: what is said after the intro, cut at a sentence near 280 characters."""
    joiner = "" if is_chinese(script.language) else " "
    body = joiner.join(s.text for s in script.segments if s.role in ("turn", "bridge"))
    if len(body) <= 280:
        return body
    cut = max(body.rfind(mark, 0, 280) for mark in "。！？.!?")
    return body[: cut + 1] if cut > 80 else body[:280] + "…"
