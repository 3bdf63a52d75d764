"""Transcripts and chapters beside the MP3: WebVTT with voices, SRT, Podcasting 2.0 JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from podcast.model import Chapter


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed line of the transcript."""

    start: float
    """Seconds from the start of the episode."""
    end: float
    """Seconds; ``end > start``."""
    speaker: str
    """Who says it (the ``<v>`` voice)."""
    text: str
    """What is said, as the script has it."""


def timestamp(seconds: float, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or with a comma (SRT).

    >>> timestamp(3725.5), timestamp(0.0421, ",")
    ('01:02:05.500', '00:00:00,042')
    """
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def to_vtt(cues: Sequence[Cue], language: str | None = None) -> str:
    """WebVTT with ``<v Speaker>`` voice spans (the format Podcasting 2.0 recommends), its
    ``language`` (a BCP 47 tag) in a ``Language:`` header line as players read it.

    >>> print(to_vtt([Cue(0.5, 2.0, "李老师", "压缩的是函数 <不是> 文本")]))
    WEBVTT
    <BLANKLINE>
    1
    00:00:00.500 --> 00:00:02.000
    <v 李老师>压缩的是函数 &lt;不是&gt; 文本</v>
    <BLANKLINE>
    """
    lines = ["WEBVTT", *([f"Language: {language}"] if language else []), ""]
    for number, cue in enumerate(cues, 1):
        speaker = _escape(cue.speaker).replace(">", "")
        lines += [
            str(number),
            f"{timestamp(cue.start)} --> {timestamp(cue.end)}",
            f"<v {speaker}>{_escape(cue.text)}</v>",
            "",
        ]
    return "\n".join(lines)


def to_srt(cues: Sequence[Cue]) -> str:
    """SubRip: numbered cues, the speaker's name before the words.

    >>> print(to_srt([Cue(0.5, 2.0, "白老师", "对。")]))
    1
    00:00:00,500 --> 00:00:02,000
    白老师：对。
    <BLANKLINE>
    """
    blocks = []
    for number, cue in enumerate(cues, 1):
        colon = "：" if any("\u3400" <= ch <= "\u9fff" for ch in cue.speaker + cue.text) else ": "
        blocks.append(
            f"{number}\n{timestamp(cue.start, ',')} --> {timestamp(cue.end, ',')}\n{cue.speaker}{colon}{cue.text}\n"
        )
    return "\n".join(blocks)


def to_chapters_json(chapters: Sequence[Chapter], *, title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters (``application/json+chapters``, version 1.2.0).

    >>> print(to_chapters_json([Chapter(0.0, 3.0, "开场")]))
    {
      "version": "1.2.0",
      "chapters": [
        {
          "startTime": 0.0,
          "endTime": 3.0,
          "title": "开场"
        }
      ]
    }
    """
    document: dict[str, object] = {"version": "1.2.0"}
    if title:
        document["title"] = title
    document["chapters"] = [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in chapters
    ]
    return json.dumps(document, ensure_ascii=False, indent=2)


_CUE = re.compile(
    r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})[^\n]*\n(?:<v ([^>]*)>)?(.*?)(?:</v>)?\n",
)


def parse_vtt(text: str) -> list[Cue]:
    """Read back the cues of a WebVTT file written by ``to_vtt``.

    >>> parse_vtt(to_vtt([Cue(0.5, 2.0, "李老师", "压缩 &lt;是&gt; 函数")], "zh-Hant"))
    [Cue(start=0.5, end=2.0, speaker='李老师', text='压缩 &lt;是&gt; 函数')]
    """
    cues = []
    for match in _CUE.finditer(text if text.endswith("\n") else text + "\n"):
        g = match.groups()
        start = int(g[0]) * 3600 + int(g[1]) * 60 + int(g[2]) + int(g[3]) / 1000
        end = int(g[4]) * 3600 + int(g[5]) * 60 + int(g[6]) + int(g[7]) / 1000
        words = g[9].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append(Cue(start, end, g[8] or "", words))
    return cues
