"""A deterministic stand-in engine for tests: audio sized like speech, no model, no network.

It is never used to claim a feature works; it lets tests of caching, assembly and
publishing run in milliseconds.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from podcast.errors import SpeechError, UnknownNameError
from podcast.speech.base import Audio, Prosody, Timing

SAMPLE_RATE = 24000
SYLLABLES_PER_SECOND = 4.8
_SENTENCE = re.compile(r"[^。！？!?.；;]+[。！？!?.；;]*")
_SPOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+|\d")


class FakeEngine:
    """Tone bursts, one per syllable, at a Mandarin news pace; one timing per sentence."""

    name = "fake"
    max_concurrent = 1
    version = "fake-1"

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.calls: list[str] = []

    def voices(self) -> list[str]:
        return ["fake", "baker", "zh-CN-XiaoxiaoNeural"]

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        if prosody.voice not in self.voices():
            raise UnknownNameError(f"unknown voice {prosody.voice!r} (known: {', '.join(self.voices())})")
        if self.fail_on is not None and self.fail_on in text:
            raise SpeechError(f"fake engine told to fail on {self.fail_on!r}")
        self.calls.append(text)
        pieces: list[np.ndarray] = []
        timings: list[Timing] = []
        position = 0
        for match in _SENTENCE.finditer(text):
            sentence = match.group(0).strip()
            syllables = len(_SPOKEN.findall(sentence))
            if not syllables:
                continue
            audio = _burst(sentence, syllables, prosody)
            start = position / SAMPLE_RATE
            pieces.append(audio)
            position += len(audio)
            timings.append(Timing(sentence, start, position / SAMPLE_RATE))
            pause = np.zeros(int(0.3 * SAMPLE_RATE), np.float32)
            pieces.append(pause)
            position += len(pause)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return Audio(samples.astype(np.float32), SAMPLE_RATE, tuple(timings))


def _burst(sentence: str, syllables: int, prosody: Prosody) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(sentence.encode()).digest()[:4], "little")
    rng = np.random.default_rng(seed)
    length = int(SAMPLE_RATE / (SYLLABLES_PER_SECOND * prosody.rate))
    t = np.arange(length, dtype=np.float32) / SAMPLE_RATE
    envelope = np.sin(np.pi * np.arange(length) / length).astype(np.float32)
    out = []
    for _ in range(syllables):
        f0 = 220.0 * prosody.pitch * (0.9 + 0.2 * rng.random())
        tone = 0.3 * prosody.volume * np.sin(2 * np.pi * f0 * t) * envelope
        out.append(tone.astype(np.float32))
    return np.concatenate(out)
