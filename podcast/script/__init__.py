"""Writing the two-minute 小雅 script from a parsed post.

``write_script`` budgets the episode (target seconds × the narrator's measured pace, minus
the intro, the outro, the jingles and the pauses), asks a summarizer for the turns that
fit, and frames them: intro, retold turns (``李老师说：…``), host bridges, outro.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from podcast import registry
from podcast.config import Framing, Show
from podcast.errors import ScriptError
from podcast.hanzi import is_traditional_tag, localize
from podcast.model import Post, Script, Segment
from podcast.pacing import overhead_seconds
from podcast.profiles import VoiceSet
from podcast.script.bridges import in_own_voice
from podcast.script.summarize import Budget, ExtractiveSummarizer, Summarizer
from podcast.script.text import attribution
from podcast.text import is_chinese, speech_units

__all__ = [
    "Budget",
    "ExtractiveSummarizer",
    "Plan",
    "Summarizer",
    "framing_for",
    "load_summarizer",
    "minutes_words",
    "write_script",
]

MIN_BODY_SECONDS = 5.0
"""The least room a body may have: one short sentence."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The budget behind a script, for reports."""

    target_seconds: float
    """The episode length asked for."""
    pace: float
    """The narrator's measured units per second."""
    body_units: float
    """Units the body was allowed."""
    body_used: float
    """Units the body uses."""
    speech_seconds: float
    """Estimated seconds of speech, intro and outro included."""
    overhead_seconds: float
    """Estimated seconds of jingles and pauses."""
    notes: tuple[str, ...] = ()
    """What the user should know about how the script was written (a model's retelling that
    was not used, and why)."""

    @property
    def estimated_seconds(self) -> float:
        """Estimated episode length."""
        return self.speech_seconds + self.overhead_seconds


def load_summarizer(name: str, **options: Any) -> Summarizer:
    """The summarizer registered as ``name``, built with those of ``options`` its factory
    takes (``settings``: its ``[summarizer.NAME]`` table; ``model``; ``cache_dir``; ``force``)."""
    factory = registry.load(registry.SUMMARIZERS, name)
    if callable(factory):
        accepted = _accepted(factory, options)
        summarizer = factory(**accepted)
    else:
        summarizer = factory
    if not isinstance(summarizer, Summarizer):
        raise ScriptError(f"summarizer {name!r} does not implement summarize(post, budget)")
    return summarizer


def _accepted(factory: Callable[..., object], options: dict[str, Any]) -> dict[str, Any]:
    import inspect

    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return options
    return {k: v for k, v in options.items() if k in parameters}


def framing_for(post: Post, show: Show) -> Framing:
    """The show's framing for the post's language: ``[broadcast]``, ``[broadcast.en]``, or
    for a traditional post ``[broadcast.zh-Hant]``, else ``[broadcast]`` written in
    traditional characters (``我是數字祕書小雅，今天播報《…》``)."""
    if not is_chinese(post.language):
        return show.framing_en
    if not is_traditional_tag(post.language):
        return show.framing
    if show.framing_hant is not None:
        return show.framing_hant
    return show.framing.localized(post.language)


_ZH_NUMBERS = "零一两三四五六七八九十"
_EN_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def minutes_words(seconds: float, language: str) -> str:
    """An episode's length as the outro says it, in whole minutes (at least one).

    >>> minutes_words(58, "zh"), minutes_words(120, "zh"), minutes_words(300, "zh"), minutes_words(900, "zh")
    ('一分钟', '两分钟', '五分钟', '15分钟')
    >>> minutes_words(120, "zh-Hant"), minutes_words(60, "en"), minutes_words(151, "en")
    ('兩分鐘', 'one minute', 'three minutes')
    """
    minutes = max(1, math.floor(seconds / 60 + 0.5))
    if is_chinese(language):
        return localize(f"{_ZH_NUMBERS[minutes] if minutes <= 10 else minutes}分钟", language)
    word = _EN_NUMBERS[minutes] if minutes <= 10 else str(minutes)
    return f"{word} minute{'s' if minutes > 1 else ''}"


def _frame(template: str, post: Post, show: Show, framing: Framing, seconds: float) -> str:
    broadcast = post.broadcast or {}
    author = (
        post.author_display
        or broadcast.get("author")
        or framing.author_display
        or post.author
        or show.author
        or ("博主" if is_chinese(post.language) else "the blog")
    )
    tagline = post.tagline or broadcast.get("tagline") or framing.tagline
    if author.endswith("s") and not is_chinese(post.language):
        template = template.replace("{author}'s", "{author}'")  # "The Editors' latest post"
    text = template.format(
        host=framing.host,
        host_title=framing.host_title,
        title=post.title,
        author=author,
        tagline=tagline,
        speaker="",
        minutes=minutes_words(seconds, post.language),
    )
    # An empty field leaves its punctuation behind ("播报，。"): tidy it.
    text = re.sub(r"[，,、]\s*(?=[。！？.!?])", "", text)
    return " ".join(text.split()) if not is_chinese(post.language) else text


def frame_texts(post: Post, show: Show, seconds: float) -> tuple[str, str]:
    """The intro and outro ``post`` gets in an episode of ``seconds`` (known before anything
    is summarized)."""
    framing = framing_for(post, show)
    return _frame(framing.intro, post, show, framing, seconds), _frame(framing.outro, post, show, framing, seconds)


def write_script(
    post: Post,
    *,
    show: Show,
    voices: VoiceSet,
    target_seconds: float,
    summarizer: Summarizer | None = None,
    jingle_seconds: float | None = None,
) -> tuple[Script, Plan]:
    """The broadcast script of ``post`` for an episode of ``target_seconds``.

    ``jingle_seconds`` is the length of the show's stings (default: the generated ones)."""
    if not post.turns:
        raise ScriptError(f"{post.source}: the post has no text to retell after cleaning")
    summarizer = summarizer or ExtractiveSummarizer()
    framing = framing_for(post, show)
    language = post.language
    pace = voices.narrator_profile().pace()
    intro, outro = frame_texts(post, show, target_seconds)
    frame_units = speech_units(intro, language) + speech_units(outro, language)

    def overhead(segments: int) -> float:
        default = overhead_seconds(0)
        return overhead_seconds(segments) - default + (default if jingle_seconds is None else jingle_seconds)

    minimum = frame_units / pace + overhead(3) + MIN_BODY_SECONDS
    if target_seconds < minimum:
        raise ScriptError(
            f"{target_seconds:g} s is too short: the intro, the outro and the jingles alone need "
            f"about {minimum - MIN_BODY_SECONDS:.0f} s; ask for at least {math.ceil(minimum)} s"
        )

    # Pauses depend on how many segments the summary has: budget, summarize, re-budget.
    segments_guess = 6
    turns = []
    body_units = 0.0
    for _ in range(4):
        speech_seconds = target_seconds - overhead(segments_guess)
        body_units = max(speech_seconds * pace - frame_units, MIN_BODY_SECONDS * pace)
        turns = summarizer.summarize(post, Budget(body_units, language, framing.attribution))
        if len(turns) + 2 == segments_guess:
            break
        segments_guess = len(turns) + 2

    if not turns:
        raise ScriptError(f"{post.source}: nothing left to retell once links and markup are removed")
    # A summarizer may say who really wrote the summary (a model, or its fallback) and why.
    report = getattr(summarizer, "report", None)
    written_by, model, notes = report() if callable(report) else (summarizer.name, None, ())
    # Narrated (the sample's way): the host reads every line; voiced: each speaker's profile.
    if framing.style == "voiced":
        assigned = voices.assign(post.speakers, show.speaker_voices)
    else:
        assigned = {speaker: voices.narrator for speaker in post.speakers}
    body = []
    for turn in turns:
        if turn.speaker is None:
            body.append(
                Segment("bridge", framing.host, in_own_voice(turn.text, post.author, language), voices.narrator)
            )
        else:
            text = attribution(framing.attribution, turn.speaker, language) + turn.text
            body.append(Segment("turn", turn.speaker, text, assigned.get(turn.speaker)))
    body_used = sum(speech_units(s.text, language) for s in body)
    # The outro says the episode's real length: a post shorter than the target is not padded.
    estimated = (body_used + frame_units) / pace + overhead(len(body) + 2)
    outro = _frame(framing.outro, post, show, framing, min(estimated, target_seconds * 1.05))
    frame_units = speech_units(intro, language) + speech_units(outro, language)
    segments = [
        Segment("intro", framing.host, intro, voices.narrator),
        *body,
        Segment("outro", framing.host, outro, voices.narrator),
    ]

    script = Script(
        title=post.title,
        author=post.author,
        language=language,
        source=post.source,
        segments=tuple(segments),
        target_seconds=float(target_seconds),
        date=post.date,
        host=framing.host,
        engine=voices.engine,
        summarizer=written_by,
        summarizer_model=model,
        style=framing.style,
    )
    plan = Plan(
        target_seconds=float(target_seconds),
        pace=pace,
        body_units=body_units,
        body_used=body_used,
        speech_seconds=(body_used + frame_units) / pace,
        overhead_seconds=overhead(len(segments)),
        notes=tuple(notes),
    )
    return script, plan
