"""Reading the model's answer, and checking it before anything is spoken.

A retelling may condense, never invent. Every segment's speaker is in the post (or is the
host); the names, numbers and quoted terms of a speaker's lines are in that speaker's own
turns (a bridge's, in the post); each speaker's lines share their key words with what that
speaker said; the whole is within ±10 % of the budget (a post shorter than the budget is
not padded).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from podcast.hanzi import to_simplified
from podcast.keywords import tokenize
from podcast.model import Post, Turn
from podcast.text import is_chinese, speech_units

OVERLAP = 0.5
"""Share of a line's content words that must come from its speaker's own turns."""
LENGTH_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of the model's answer."""

    role: Literal["turn", "bridge"]
    speaker: str | None
    """The speaker of a turn; None for the host's bridge."""
    text: str


class AnswerError(ValueError):
    """The answer is not the JSON asked for."""


def parse_answer(answer: str, post: Post, *, may_be_empty: bool = False) -> list[Segment]:
    """The segments of ``answer``: the JSON object asked for, found even inside a code fence
    or after a sentence of preamble. Raises ``AnswerError`` when there is none (an empty list
    is an answer when ``may_be_empty``: a section of a long post may have nothing to keep)."""
    text = answer.strip()
    if not text:
        raise AnswerError("the model's answer is empty")
    data = _json_object(text)
    raw = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not (raw or may_be_empty):
        raise AnswerError("the model's answer has no segments")
    hosts = {"小雅", "xiaoya", "host", "旁白", "narration", "主持人"}
    found: list[Segment] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise AnswerError("a segment of the model's answer is not {role, speaker, text}")
        text = item["text"].strip()
        if not text:
            continue
        role = item.get("role")
        speaker = item.get("speaker")
        speaker = speaker.strip() if isinstance(speaker, str) else None
        if role == "bridge" or (speaker or "").lower() in hosts:
            found.append(Segment("bridge", None, text))
        else:
            found.append(Segment("turn", speaker, _without_attribution(text, speaker)))
    if not found and not may_be_empty:
        raise AnswerError("the model's answer has no text")
    return found


def _json_object(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        pass
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise AnswerError("the model's answer is not JSON")
    try:
        return json.loads(text[start : end + 1])
    except ValueError as exc:
        reason = getattr(exc, "msg", str(exc))
        raise AnswerError(f"the model's answer is not valid JSON ({reason})") from None


def _without_attribution(text: str, speaker: str | None) -> str:
    """``李老师说：…`` → ``…``: the program adds the attribution itself."""
    if speaker:
        text = re.sub(rf"^{re.escape(speaker)}\s*(?:说|說|:|：|says?:?)\s*[:：]?\s*", "", text)
    return text


def violations(
    segments: Sequence[Segment], post: Post, budget: float, attribution_units: float, *, at_least: bool = True
) -> list[str]:
    """What is wrong with ``segments`` as a retelling of ``post`` in ``budget`` units (each
    turn also costs ``attribution_units`` for its ``李老师说：``); empty when faithful.
    ``at_least=False``: only an upper bound on length (a section of a longer post)."""
    zh = is_chinese(post.language)
    own: dict[str, str] = {}
    for turn in post.turns:
        if turn.speaker:
            own[turn.speaker] = own.get(turn.speaker, "") + "\n" + turn.text
    everything = "\n".join([post.title, *(t.text for t in post.turns)])
    names = set(own)
    problems: list[str] = []
    for number, segment in enumerate(segments, 1):
        quoted = segment.text if len(segment.text) <= 60 else segment.text[:57] + "…"
        if segment.role == "turn" and segment.speaker not in names:
            problems.append(
                f"segment {number}: the speaker {segment.speaker!r} is not in the post ({', '.join(names)})"
            )
            continue
        source = own[segment.speaker] if segment.role == "turn" and segment.speaker else everything
        whose = f"{segment.speaker}'s own turns" if segment.role == "turn" else "the post"
        # Another speaker's name may be said by anyone; everything else must be theirs.
        allowed = _plain(source + "\n" + "\n".join(names) + "\n" + post.title)
        for fact in facts(segment.text, post.language):
            if _plain(fact) not in allowed:
                problems.append(f"segment {number}: “{fact}” is not in {whose}: “{quoted}”")
        words = set(tokenize(segment.text, post.language))
        if words:
            theirs = set(tokenize(source, post.language))
            share = len(words & theirs) / len(words)
            if share < OVERLAP:
                problems.append(
                    f"segment {number}: only {share:.0%} of its key words are in {whose}; "
                    f"retell, do not add: “{quoted}”"
                )
    used = sum(speech_units(s.text, post.language) + (attribution_units if s.role == "turn" else 0) for s in segments)
    source_units = sum(speech_units(t.text, post.language) for t in post.turns if not t.direction)
    # A section of a long post is held only loosely: the whole post is held to ±10 %.
    upper = budget * (1 + LENGTH_TOLERANCE) if at_least else budget * 1.5 + 40
    lower = budget * (1 - LENGTH_TOLERANCE) if source_units >= 1.5 * budget else 0.4 * min(budget, source_units)
    lower = lower if at_least else 0.0
    unit = "字" if zh else "words"
    if used > upper:
        problems.append(f"the script is {used:.0f} {unit} long; it must be at most {upper:.0f}")
    elif used < lower:
        problems.append(f"the script is {used:.0f} {unit} long; it should be about {budget:.0f}")
    return problems


_NUMBER = re.compile(
    r"\d+(?:[.,:]\d+)*%?|[零〇一二两三四五六七八九十百千万亿兩萬億]{2,}(?=[年月日个位项次倍%％点亿万元岁])"
)
_QUOTED = re.compile(r"[“「『《\"]([^”」』》\"]{1,30})[”」』》\"]")
_NAME_EN = re.compile(r"(?<![A-Za-z])[A-Z][a-z][a-zA-Z]*(?:\s+[A-Z][a-zA-Z]+)*")
_PROPER_TAGS = ("nr", "ns", "nt", "nz", "nrt", "nrfg")


def facts(text: str, language: str) -> list[str]:
    """The names, numbers and quoted terms of ``text``: what a retelling must not invent.

    >>> facts("李白说GPT-4在2024年用了“无损压缩”。", "zh")
    ['4', '2024', '无损压缩', 'GPT', '李白']
    >>> facts("Mira said the ice moved 3 km near Ilulissat.", "en")
    ['3', 'Ilulissat']
    """
    found: list[str] = [m.group(0) for m in _NUMBER.finditer(text)]
    found += [m.group(1).strip() for m in _QUOTED.finditer(text)]
    found += [
        m.group(0)
        for m in _NAME_EN.finditer(text)
        if m.group(0).lower() not in _COMMON_CAPS and not re.search(r"(?:^|[.!?…:;]['\"”’)]?)\s*$", text[: m.start()])
    ]
    found += re.findall(r"(?<![A-Za-z])[A-Z]{2,}[A-Za-z]*(?![A-Za-z])", text)
    if is_chinese(language):
        from podcast.wordtable import posseg_module

        tagged = posseg_module().lcut(to_simplified(text))
        found += [p.word for p in tagged if p.flag in _PROPER_TAGS and len(p.word) >= 2]
    return list(dict.fromkeys(f for f in found if f.strip()))


_COMMON_CAPS = {"i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "mr", "mrs", "ms", "dr"}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(text)).lower()


def as_turns(segments: Sequence[Segment]) -> list[Turn]:
    """The checked segments as the turns a script is written from."""
    return [Turn(s.speaker, s.speaker, s.text) if s.role == "turn" else Turn(None, None, s.text) for s in segments]
