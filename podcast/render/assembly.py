"""Assembling an episode: the timeline (stings, segments, pauses), the WAV handed to the
loudness stage, and what is read from the timeline — chapters and transcript cues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from podcast.audio import ffmpeg
from podcast.hanzi import localize
from podcast.model import Chapter, Segment
from podcast.pacing import GAP_BEFORE_OUTRO, GAP_BETWEEN_SEGMENTS
from podcast.script.text import split_attribution
from podcast.speech import SAMPLE_RATE, Spoken
from podcast.speech.base import Audio
from podcast.transcript import Cue


def assemble(
    clips: Sequence[Audio],
    segments: Sequence[Segment],
    jingles: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]],
) -> tuple[npt.NDArray[np.int16], list[tuple[int, int]]]:
    """The episode's timeline at ``SAMPLE_RATE`` as 16-bit samples (what the segment cache
    stores and the encoder reads: no float copy of the episode is made), and each segment's
    (start, end) in samples.

    Opening sting (its edges faded by pydub), the segments with pauses (a longer one before
    the sign-off), closing sting, laid into one buffer.
    """
    opening, closing = _faded_stings(jingles)
    gaps = [round((GAP_BEFORE_OUTRO if s.role == "outro" else GAP_BETWEEN_SEGMENTS) * SAMPLE_RATE) for s in segments]
    length = len(opening) + sum(len(c.samples) for c in clips) + sum(gaps[1:]) + len(closing)
    timeline = np.zeros(length, "<i2")
    timeline[: len(opening)] = opening
    position = len(opening)
    spans: list[tuple[int, int]] = []
    for index, (clip, gap) in enumerate(zip(clips, gaps, strict=True)):
        if index:
            position += gap  # silence: already zero
        end = position + len(clip.samples)
        timeline[position:end] = _pcm(clip.samples)
        spans.append((position, end))
        position = end
    timeline[position:] = closing
    return timeline, spans


def _pcm(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    """Float samples as 16-bit ones (what the cache stores, so nothing changes for a clip from it)."""
    return np.clip(np.round(samples * np.float32(32767.0)), -32768, 32767).astype("<i2")


def _faded_stings(
    jingles: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]],
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """The stings as 16-bit samples with pydub's fades: the opening in over 20 ms and out
    over 300 ms, the closing in over 20 ms and out over 600 ms."""
    AudioSegment = _pydub()
    faded = []
    for samples, fade_out in zip(jingles, (300, 600), strict=True):
        if not len(samples):
            faded.append(np.zeros(0, "<i2"))
            continue
        sting = AudioSegment(_pcm(samples).tobytes(), frame_rate=SAMPLE_RATE, sample_width=2, channels=1)
        faded.append(np.frombuffer(sting.fade_in(20).fade_out(fade_out).raw_data, dtype="<i2"))
    return faded[0], faded[1]


def _pydub() -> Any:
    """pydub's AudioSegment, pointed at our ffmpeg (its import warns when ffmpeg is not on PATH)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg.ffmpeg_path()
    return AudioSegment


def decoded_duration(path: Path) -> float:
    """Seconds of audio ffmpeg decodes from ``path`` (what a player plays)."""
    return len(ffmpeg.decode_file(str(path), sample_rate=8000)) / 8000


def chapters_of(
    segments: Sequence[Segment], spans: Sequence[tuple[int, int]], duration: float, language: str
) -> list[Chapter]:
    """One chapter per segment; each runs until the next begins (the first from 0, the
    last to the end), so they tile the episode without gaps or overlaps."""
    chapters: list[Chapter] = []
    for index, (segment, (start, _)) in enumerate(zip(segments, spans, strict=True)):
        begin = 0.0 if index == 0 else start / SAMPLE_RATE
        end = spans[index + 1][0] / SAMPLE_RATE if index + 1 < len(spans) else duration
        chapters.append(Chapter(round(begin, 3), round(min(end, duration), 3), chapter_title(segment, language)))
    return chapters


def chapter_title(segment: Segment, language: str = "zh") -> str:
    """What a podcast app lists for a segment, in the post's characters.

    >>> chapter_title(Segment("turn", "李老师", "李老师说：纠结有日子了，今天算是搞明白了，关于无损压缩的问题。"))
    '李老师：纠结有日子了，今天算是搞明白了，关于无损…'
    >>> chapter_title(Segment("intro", "小雅", "我是小雅。")), chapter_title(Segment("outro", "小雅", "見。"), "zh-TW")
    ('开场', '結束語')
    >>> chapter_title(Segment("turn", "陳行長", "陳行長說：對，這個習慣是在重慶養成的。"), "zh-Hant")
    '陳行長：對，這個習慣是在重慶養成的。'
    """
    zh = any("\u3400" <= ch <= "\u9fff" for ch in segment.text)
    if segment.role == "intro":
        return localize("开场", language) if zh else "Intro"
    if segment.role == "outro":
        return localize("结束语", language) if zh else "Sign-off"
    text = split_attribution(segment.text, segment.speaker)[1]
    limit = 20 if zh else 48
    short = text
    if len(text) > limit:
        cut = text[:limit]
        if text[limit].isascii() and text[limit].isalnum():
            cut = re.sub(r"[A-Za-z0-9'’-]+$", "", cut)  # never cut inside an English word
        short = cut.rstrip("，,；;：: ") + "…"
    return f"{segment.speaker}{'：' if zh else ': '}{short}"


def cues_of(
    segments: Sequence[Segment], spoken: Sequence[Spoken], spans: Sequence[tuple[int, int]], duration: float
) -> list[Cue]:
    """One transcript cue per spoken sentence, timed on the episode's timeline."""
    cues: list[Cue] = []
    for segment, voiced, (start, _) in zip(segments, spoken, spans, strict=True):
        offset = start / SAMPLE_RATE
        for timing in voiced.audio.timings:
            begin = min(duration, offset + timing.start)
            end = min(duration, offset + timing.end)
            if end > begin:
                cues.append(Cue(round(begin, 3), round(end, 3), segment.speaker, timing.text))
    return cues
