"""The default intro and outro stings, generated (no audio files shipped).

Two bars of soft mallet tones over a warm pad: a rising C-major-add-9 arpeggio to open,
a falling one that settles on the tonic to close. Bell-like tones come from two-operator FM
(Chowning, 1973) with a fast-decaying modulation index; a few feedback delays give the
room. Deterministic: the same samples every time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from podcast import stored
from podcast.audio import ffmpeg
from podcast.config import Show
from podcast.errors import AudioError, ConfigError
from podcast.pacing import INTRO_JINGLE_SECONDS, OUTRO_JINGLE_SECONDS

Samples = npt.NDArray[np.float32]

# Equal-tempered frequencies (A4 = 440 Hz).
C4, E4, G4 = 261.63, 329.63, 392.00
C5, D5, E5, G5 = 523.25, 587.33, 659.25, 783.99


def note_freq(midi: int) -> float:
    """Frequency of a MIDI note number.

    >>> round(note_freq(69), 2), round(note_freq(60), 2)
    (440.0, 261.63)
    """
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _mallet(freq: float, seconds: float, rate: int) -> Samples:
    """An electric-piano-like tone: a 1:1 FM body and a faint 14:1 "tine" on the attack."""
    t = np.arange(int(seconds * rate), dtype=np.float64) / rate
    body_index = 1.2 * np.exp(-t * 4.0)  # mellows as it rings
    tine_index = 0.6 * np.exp(-t * 40.0)
    phase = 2 * np.pi * freq * t
    tone = np.sin(phase + body_index * np.sin(phase) + tine_index * np.sin(14 * phase))
    attack = np.minimum(1.0, t / 0.006)
    envelope = attack * np.exp(-t * 2.6)
    return np.asarray(tone * envelope, dtype=np.float32)


def _pad(freqs: list[float], seconds: float, rate: int) -> Samples:
    t = np.arange(int(seconds * rate), dtype=np.float64) / rate
    out = np.zeros_like(t)
    for n, freq in enumerate(freqs):
        detune = 1.0 + 0.0015 * (n - len(freqs) / 2)
        out += np.sin(2 * np.pi * freq * detune * t) + 0.25 * np.sin(2 * np.pi * 2 * freq * detune * t)
    fade = np.sin(np.pi * np.clip(t / seconds, 0, 1)) ** 2
    return np.asarray(out / len(freqs) * fade, dtype=np.float32)


def _room(signal: Samples, rate: int) -> Samples:
    """A small, soft room: a few feedback delays at mutually prime lengths."""
    out = signal.astype(np.float64).copy()
    for delay_ms, gain in ((29.7, 0.32), (37.1, 0.28), (41.1, 0.25), (53.3, 0.2)):
        delay = int(rate * delay_ms / 1000)
        echo = np.zeros_like(out)
        for start in range(delay, len(out), delay):
            echo[start:] += signal[: len(out) - start].astype(np.float64) * gain ** (start // delay)
            if gain ** (start // delay) < 0.01:
                break
        out += echo * 0.5
    return out.astype(np.float32)


def _sting(notes: list[float], chord: list[float], seconds: float, rate: int) -> Samples:
    length = int(seconds * rate)
    mix = np.zeros(length, np.float32)
    step = 0.16
    for n, freq in enumerate(notes):
        start = int((0.05 + n * step) * rate)
        tone = _mallet(freq, seconds - 0.05 - n * step, rate)
        end = min(length, start + len(tone))
        mix[start:end] += 0.5 * tone[: end - start]
    mix += 0.22 * _pad(chord, seconds, rate)
    mix = _room(mix, rate)
    t = np.arange(length) / rate
    tail = np.clip((seconds - t) / 0.6, 0, 1)  # fade the last 0.6 s to silence
    mix *= tail.astype(np.float32)
    peak = float(np.max(np.abs(mix))) or 1.0
    return (mix / peak * 0.7).astype(np.float32)


def intro_sting(rate: int = 44100, seconds: float = INTRO_JINGLE_SECONDS) -> Samples:
    """The opening sting: C–E–G–D–E rising, over a C add-9 pad."""
    return _sting([C4, E4, G4, D5, E5], [C4, E4, G4, D5], seconds, rate)


def outro_sting(rate: int = 44100, seconds: float = OUTRO_JINGLE_SECONDS) -> Samples:
    """The closing sting: G–E–D–C falling home, over a C major pad."""
    return _sting([G5, E5, D5, C5], [C4, G4, C5, E5], seconds, rate)


STING_REVISION = 1
"""Bumped when the generated stings sound different (kept ones are then made again)."""


def show_jingles(show: Show, sample_rate: int, cache_root: Path | None = None) -> tuple[Samples, Samples]:
    """The show's opening and closing stings (``[audio] jingle_in``/``jingle_out``): its own
    files, the generated ones (not set), or none (``"none"``). Generated or decoded once,
    then kept in the cache (at ``cache_root``, default the user's) under what they were
    made from."""
    return _jingle(show, "jingle_in", sample_rate, cache_root), _jingle(show, "jingle_out", sample_rate, cache_root)


def _jingle(show: Show, key: str, sample_rate: int, cache_root: Path | None) -> Samples:
    setting = getattr(show, key)
    if setting is not None and setting.lower() == "none":
        return np.zeros(0, np.float32)
    path = None if setting is None else (show.root / setting).resolve()
    if path is not None and not path.is_file():
        raise ConfigError(f"audio.{key}: {path} does not exist")
    try:
        source = (
            f"generated {INTRO_JINGLE_SECONDS} {OUTRO_JINGLE_SECONDS}"
            if path is None
            else hashlib.sha256(path.read_bytes()).hexdigest()
        )
    except OSError as exc:
        raise ConfigError(f"audio.{key}: cannot read {path} ({exc.strerror or exc})") from exc
    store = stored.Store("stings", cache_root)
    name = stored.digest("sting", STING_REVISION, key, source, sample_rate)
    kept = store.read(name, ".f32")
    if kept is not None and len(kept) % 4 == 0:
        return np.frombuffer(kept, dtype="<f4").astype(np.float32)
    samples = _make(key, path, sample_rate)
    store.write(name, ".f32", samples.astype("<f4").tobytes())
    return samples


def _make(key: str, path: Path | None, sample_rate: int) -> Samples:
    """A sting made afresh: generated, or decoded from the show's file and levelled."""
    if path is None:
        return intro_sting(sample_rate) if key == "jingle_in" else outro_sting(sample_rate)
    try:
        samples = ffmpeg.decode_file(str(path), sample_rate=sample_rate)
    except AudioError as exc:
        raise AudioError(f"audio.{key}: {path} is not an audio file ffmpeg can read ({exc})") from exc
    if len(samples) == 0:
        raise AudioError(f"audio.{key}: {path} holds no audio")
    peak = float(np.max(np.abs(samples)))
    return (samples / peak * 0.7).astype(np.float32) if peak > 0 else samples
