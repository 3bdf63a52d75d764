"""The speech engine interface: text and a voice in, audio (and timings when known) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from podcast.model import Prosody as Prosody  # the voice settings every stage shares (re-exported)


@dataclass(frozen=True, slots=True)
class Timing:
    """When one sentence (or chunk) of the input is heard in the audio."""

    text: str
    """The text spoken, as given to the engine."""
    start: float
    """Seconds from the start of the audio."""
    end: float
    """Seconds from the start of the audio; ``end >= start``."""


@dataclass(frozen=True, slots=True, eq=False)
class Audio:
    """Mono audio as float32 samples in [-1, 1]."""

    samples: npt.NDArray[np.float32]
    """One channel of float32 samples."""
    sample_rate: int
    """Samples per second."""
    timings: tuple[Timing, ...] = ()
    """Sentence timings, when the engine reports them."""
    warnings: tuple[str, ...] = field(default=())
    """Things the listener will miss (an unspeakable word), one sentence each."""

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


@runtime_checkable
class Engine(Protocol):
    """A text-to-speech engine. Built-ins and plugins register under the
    ``xiaoya_podcast.engines`` entry-point group: the entry point is a factory (a class or a
    function) called with no arguments, or with ``lexicon=`` (the show's
    :class:`~podcast.speech.normalize.Lexicon`, built-in readings included) when it accepts
    that keyword, so a plugin reads the show's words the way the built-in voices do.

    An engine may also have a ``prepare()`` that loads what its first sentence would: it is
    called before the first synthesis of a run (:func:`podcast.speech.speak_segments`)."""

    name: str
    """Registry name (``offline``, ``edge``)."""
    max_concurrent: int
    """How many ``synthesize`` calls may run at once (a service's limit; the offline voice
    takes two on two cores, one sentence in each of its models)."""

    @property
    def version(self) -> str:
        """Engine and asset version; part of every cache key, so a new model re-synthesizes."""
        ...

    def voices(self) -> list[str]:
        """Voice identifiers this engine accepts in ``Prosody.voice``."""
        ...

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        """Speak ``text`` (already normalized for this engine) with ``prosody``."""
        ...
