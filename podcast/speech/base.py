"""The speech engine interface: text and a voice in, audio (and timings when known) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Timing:
    """When one sentence (or chunk) of the input is heard in the audio."""

    text: str
    """The text spoken, as given to the engine."""
    start: float
    """Seconds from the start of the audio."""
    end: float
    """Seconds from the start of the audio; ``end >= start``."""


@dataclass(frozen=True, slots=True)
class Prosody:
    """How a voice should speak: the engine's voice id plus rate, pitch and volume."""

    voice: str
    """The engine's own voice identifier (``baker``, ``zh-CN-XiaoxiaoNeural``)."""
    rate: float = 1.0
    """Speaking-rate multiplier: 1.1 is 10 % faster."""
    pitch: float = 1.0
    """Pitch multiplier: 1.05 is 5 % higher."""
    volume: float = 1.0
    """Loudness multiplier before the episode's loudness normalization."""


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
    ``xiaoya_podcast.engines`` entry-point group."""

    name: str
    """Registry name (``offline``, ``edge``)."""

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
