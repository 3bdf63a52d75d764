"""Fitting an episode to its target length: re-budget the script with the pace the voices
really had, and, when whole sentences still overshoot, speak a little faster."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from podcast.model import Post, Script
from podcast.pacing import overhead_seconds
from podcast.profiles import VoiceSet
from podcast.speech import Spoken
from podcast.text import is_chinese, speech_units

FIT_TOLERANCE = 0.03
"""Re-budget when the first take misses the target by more than this share."""
FIT_LIMIT = 0.10
"""The promise: a long-enough post lands within ±10 % of the target."""
RATE_RANGE = (0.9, 1.1)
"""How far the speaking rate may be nudged to land on the target."""


def episode_seconds(spoken: Sequence[Spoken], jingle_seconds: float) -> float:
    """How long the episode of ``spoken`` segments is: speech, pauses and jingles."""
    speech = sum(s.audio.duration for s in spoken)
    return speech + overhead_seconds(len(spoken)) - overhead_seconds(0) + jingle_seconds


def fit(
    post: Post,
    script: Script,
    spoken: list[Spoken],
    target: float,
    jingle_seconds: float,
    voices: VoiceSet,
    rewrite: Callable[[VoiceSet], Script],
    voice: Callable[[Script, VoiceSet], list[Spoken]],
) -> tuple[Script, list[Spoken], int, list[str]]:
    """Close the loop: re-budget with the pace the voices really had (``rewrite`` writes the
    script again for voices of that pace, ``voice`` speaks a script); nudge the rate if needed.
    Returns the script, its voicing, the extra takes and what the listener should know."""
    takes = 0
    notes: list[str] = []
    for _ in range(3):
        length = episode_seconds(spoken, jingle_seconds)
        if abs(length - target) <= FIT_TOLERANCE * target:
            return script, spoken, takes, notes
        if length < target and kept_whole(post, script):
            notes.append(f"the post is short: the episode is {length:.0f} s (target {target:.0f} s), never padded")
            return script, spoken, takes, notes
        voices = with_measured_pace(voices, script, spoken)
        script = rewrite(voices)
        spoken = voice(script, voices)
        takes += 1
    length = episode_seconds(spoken, jingle_seconds)
    if length > target * (1 + FIT_LIMIT):
        # Whole sentences overshoot: speak a little faster (within a natural range).
        speech = sum(s.audio.duration for s in spoken)
        factor = min(RATE_RANGE[1], speech / max(1.0, speech - (length - target)))
        faster = VoiceSet(
            voices.engine,
            voices.language,
            {k: replace(p, rate=p.rate * factor) for k, p in voices.profiles.items()},
            voices.narrator,
            voices.speakers,
        )
        spoken = voice(script, faster)
        takes += 1
        notes.append(f"spoke {factor:.2f}× faster to land near {target:.0f} s")
    return script, spoken, takes, notes


def kept_whole(post: Post, script: Script) -> bool:
    """Whether ``script`` retells (nearly) all of ``post``: a short post is never padded."""
    source = sum(speech_units(t.text, post.language) for t in post.turns)
    said = sum(speech_units(s.text, post.language) for s in script.segments if s.role in ("turn", "bridge"))
    return said >= 0.9 * source


def with_measured_pace(voices: VoiceSet, script: Script, spoken: Sequence[Spoken]) -> VoiceSet:
    """``voices`` with the narrator's pace as the voices really spoke ``script``."""
    units = sum(speech_units(s.text, script.language) for s in script.segments)
    seconds = sum(s.audio.duration for s in spoken)
    pace = units / seconds if seconds else voices.narrator_profile().pace()
    narrator = voices.narrator_profile()
    measured = (
        replace(narrator, chars_per_second=pace)
        if is_chinese(script.language)
        else replace(narrator, words_per_second=pace)
    )
    return VoiceSet(
        voices.engine,
        voices.language,
        {**voices.profiles, narrator.name: measured},
        voices.narrator,
        voices.speakers,
    )
