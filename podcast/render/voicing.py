"""Voicing a script: which voice profile speaks each segment, and the segments spoken
sentence by sentence through the segment cache."""

from __future__ import annotations

from collections.abc import Callable

from podcast.errors import UnknownNameError
from podcast.model import Script, Segment
from podcast.profiles import VoiceProfile, VoiceSet
from podcast.script.text import split_attribution
from podcast.speech import Spoken, sentences_of, speak_segments
from podcast.speech.base import Engine, Prosody
from podcast.speech.cache import SegmentCache

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances."""


def profile_for(segment: Segment, script: Script, voices: VoiceSet, engine: Engine) -> VoiceProfile:
    """The voice profile that speaks ``segment``.

    The segment's own profile when this engine has it; an engine voice id used directly
    (``zh-CN-YunxiNeural``); else by role: the narrator for the host, the speakers' list
    for turns. A profile name the script's own engine does not know is an error.
    """
    name = segment.voice
    if name:
        if name in voices.profiles:
            return voices.profiles[name]
        if name in engine.voices():
            return VoiceProfile(name=name, engine=engine.name, voice=name, language=voices.language)
        if script.engine == engine.name:
            known = ", ".join(sorted(voices.profiles))
            raise UnknownNameError(
                f"the script names voice {name!r}, which engine {engine.name} does not have (known: {known})"
            )
    if segment.role != "turn":
        return voices.narrator_profile()
    speakers = list(dict.fromkeys(s.speaker for s in script.segments if s.role == "turn"))
    return voices.profiles[voices.assign(speakers)[segment.speaker]]


def voice(script: Script, engine: Engine, voices: VoiceSet, cache: SegmentCache, report: Progress) -> list[Spoken]:
    """Voice every segment of ``script`` (sentence by sentence, through the cache)."""

    total = sum(len(sentences_of(s.text)) for s in script.segments)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        report("voicing", done, total)

    report("voicing", 0, total)
    # All segments at once: the engine keeps its sentences in flight across segment ends.
    return speak_segments([parts(s, script, voices, engine) for s in script.segments], engine, cache, on_sentence=tick)


def parts(segment: Segment, script: Script, voices: VoiceSet, engine: Engine) -> list[tuple[str, Prosody]]:
    """What each voice says in ``segment``: in the voiced style the host says a turn's
    attribution (``李老师说：``) and the speaker's profile the words; else one voice."""
    profile = profile_for(segment, script, voices, engine)
    if script.style == "voiced" and segment.role == "turn":
        attribution, words = split_attribution(segment.text, segment.speaker)
        if attribution:
            return [(attribution, voices.narrator_profile().prosody), (words, profile.prosody)]
    return [(segment.text, profile.prosody)]


def voices_used(script: Script, voices: VoiceSet, engine: Engine) -> dict[str, str]:
    """Which engine voice spoke for whom (``episode.json``'s ``voices``)."""
    used: dict[str, str] = {}
    for segment in script.segments:
        used.setdefault(segment.speaker, profile_for(segment, script, voices, engine).voice)
    return used
