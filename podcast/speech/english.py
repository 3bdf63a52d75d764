"""A second voice for the English words in Chinese text: espeak-ng, through ctypes.

The offline Mandarin voice reads only hanzi; :func:`podcast.speech.normalize.speakable_zh`
hands the English stretches of a segment to this reader. espeak-ng is a formant
synthesizer — robotic, but it reads English correctly, costs about a millisecond per
second of speech, and ships complete in the ``espeakng-loader`` wheel (library + data,
no command-line program).

libespeak-ng keeps all of its state in globals (one voice, one parameter set, one
callback), so this module holds one initialized library for the process and serializes
every call with a lock. The library is loaded on first use, never at import.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from podcast.audio.silence import voiced_span
from podcast.errors import SpeechError
from podcast.speech.base import Audio, Prosody
from podcast.speech.normalize import normalize_en

__all__ = [
    "BAKER_MEDIAN_F0_HZ",
    "DEFAULT_RATE_WPM",
    "DEFAULT_VOICE",
    "EnglishReader",
    "median_f0",
    "resample",
]

BAKER_MEDIAN_F0_HZ = 242.0
"""Median pitch of the offline Baker voice (measured); English stretches are tuned to it."""
DEFAULT_RATE_WPM = 165
"""Words per minute: a little under espeak's 175, near the narrator's ~5 syllables/s."""
DEFAULT_VOICE = "en-us+f3"
"""American English with espeak-ng's third female variant."""
DEFAULT_SAMPLE_RATE = 24_000
"""The offline voice's rate, so English pieces splice in without another conversion."""

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE, _PARAM_VOLUME, _PARAM_PITCH, _PARAM_RANGE = 1, 2, 3, 4
_EE_OK = 0

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_CALIBRATION_TEXT = "the burden of proof is on you, and we are going on and on"
_CALIBRATION_PITCHES = (30, 60, 90)
_TRIM_MARGIN_S = 0.02
"""Seconds of silence kept at each end of espeak's audio (quieter than −45 dB of its peak is silence)."""

_LOCK = threading.Lock()
_LIBRARY: _Espeak | None = None


@dataclass(slots=True)
class _Espeak:
    """The process-wide, initialized libespeak-ng; use only while holding ``_LOCK``."""

    lib: ctypes.CDLL
    sample_rate: int
    version: str
    callback: Any
    """The ctypes callback object; kept here so it outlives every synthesis."""
    chunks: list[npt.NDArray[np.int16]]
    """Where the callback puts the samples of the synthesis in progress."""
    pitch_fits: dict[str, tuple[float, float]]
    """Per voice: ``log(Hz) = a + b * pitch parameter``, measured on first use."""


def _load() -> _Espeak:
    """Load and initialize libespeak-ng once; the caller holds ``_LOCK``."""
    global _LIBRARY
    if _LIBRARY is not None:
        return _LIBRARY
    try:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = espeakng_loader.get_data_path()
    except (ImportError, OSError, RuntimeError) as exc:
        raise SpeechError(
            f"the English voice (espeak-ng) cannot be loaded: {exc}; install it with `pip install espeakng-loader`"
        ) from exc

    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = ctypes.c_char_p

    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
    if rate <= 0:
        raise SpeechError(f"the English voice (espeak-ng) failed to start with data at {data_path}")
    chunks: list[npt.NDArray[np.int16]] = []

    def collect(wav: Any, count: int, _events: Any) -> int:
        if count > 0 and wav:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    callback = _SynthCallback(collect)
    lib.espeak_SetSynthCallback(callback)
    version = (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace")
    _LIBRARY = _Espeak(lib, rate, version, callback, chunks, {})
    return _LIBRARY


def _synth(engine: _Espeak, text: str, voice: str, pitch: int, rate_wpm: int) -> npt.NDArray[np.int16]:
    """Speak ``text`` with espeak's own pitch parameter (0–100); the caller holds ``_LOCK``."""
    if engine.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
        raise SpeechError(f"espeak-ng has no voice {voice!r}; try {DEFAULT_VOICE!r}")
    engine.lib.espeak_SetParameter(_PARAM_RATE, max(80, min(450, rate_wpm)), 0)
    engine.lib.espeak_SetParameter(_PARAM_PITCH, max(0, min(100, pitch)), 0)
    engine.lib.espeak_SetParameter(_PARAM_RANGE, 50, 0)
    engine.lib.espeak_SetParameter(_PARAM_VOLUME, 100, 0)
    data = text.encode("utf-8") + b"\0"
    engine.chunks.clear()
    status = engine.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
    samples = np.concatenate(engine.chunks) if engine.chunks else np.zeros(0, np.int16)
    engine.chunks.clear()
    if status != _EE_OK:
        raise SpeechError(f"espeak-ng failed (error {status}) on {text[:60]!r}")
    return samples


def median_f0(samples: npt.NDArray[np.floating[Any]], sample_rate: int) -> float:
    """Median pitch in Hz of the voiced 40 ms frames (autocorrelation), or 0.0 if none.

    >>> t = np.arange(24000) / 24000
    >>> round(median_f0(np.sin(2 * np.pi * 220 * t), 24000))
    220
    """
    x = np.asarray(samples, dtype=np.float64)
    frame = int(0.04 * sample_rate)
    if frame == 0 or len(x) < frame:
        return 0.0
    loudest = float(np.max(np.abs(x))) or 1.0
    low, high = int(sample_rate / 500), int(sample_rate / 70)
    found: list[float] = []
    for start in range(0, len(x) - frame, frame // 2):
        chunk = x[start : start + frame] - x[start : start + frame].mean()
        if np.sqrt(np.mean(chunk**2)) < 0.05 * loudest:
            continue
        corr = np.correlate(chunk, chunk, "full")[frame - 1 :]
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.5 * corr[0] and 0 < lag < len(corr) - 1:
            # The raw autocorrelation picks the period without octave errors; dividing by
            # the overlap then removes its lean toward short lags before interpolating.
            a, b, c = corr[lag - 1 : lag + 2] / (frame - np.arange(lag - 1, lag + 2))
            shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) else 0.0
            found.append(sample_rate / (lag + shift))
    return float(np.median(found)) if found else 0.0


def _pitch_fit(engine: _Espeak, voice: str) -> tuple[float, float]:
    """How espeak's pitch parameter maps to Hz for ``voice``, measured once per voice.

    espeak-ng's pitch parameter is a 0–100 scale whose meaning depends on the voice
    variant; its Hz are roughly exponential in it, so a line is fitted to log(Hz).
    """
    cached = engine.pitch_fits.get(voice)
    if cached is not None:
        return cached
    points = []
    for pitch in _CALIBRATION_PITCHES:
        samples = _synth(engine, _CALIBRATION_TEXT, voice, pitch, DEFAULT_RATE_WPM)
        hz = median_f0(samples.astype(np.float64), engine.sample_rate)
        if hz > 0:
            points.append((pitch, np.log(hz)))
    if len(points) >= 2:
        xs, ys = zip(*points, strict=True)
        slope, intercept = np.polyfit(xs, ys, 1)
        fit = (float(intercept), float(slope))
    else:
        fit = (np.log(200.0), 0.01)  # a female variant's usual behaviour
    engine.pitch_fits[voice] = fit
    return fit


def _pitch_parameter(fit: tuple[float, float], hz: float) -> int:
    intercept, slope = fit
    if slope <= 0:
        return 50
    return round(max(0.0, min(100.0, (float(np.log(hz)) - intercept) / slope)))


def resample(
    samples: npt.NDArray[np.floating[Any]], src_rate: int, dst_rate: int, *, taps: int = 16
) -> npt.NDArray[np.float32]:
    """Band-limited resampling (Hann-windowed sinc); float32 out.

    ``taps`` zero crossings on each side of every output sample; when downsampling, the
    filter is widened so the cutoff sits below the new Nyquist frequency.

    >>> y = resample(np.ones(441, dtype=np.float32), 22050, 24000)
    >>> len(y), bool(np.allclose(y[50:-50], 1.0, atol=1e-2))
    (480, True)
    """
    x = np.asarray(samples, dtype=np.float64)
    if src_rate == dst_rate or len(x) == 0:
        return x.astype(np.float32)
    ratio = dst_rate / src_rate
    n_out = round(len(x) * ratio)
    cutoff = min(1.0, ratio) * 0.95  # fraction of the source's Nyquist frequency
    half_width = int(np.ceil(taps / cutoff))
    offsets = np.arange(-half_width + 1, half_width + 1)
    out = np.empty(n_out, dtype=np.float32)
    block = 4096
    for first in range(0, n_out, block):
        positions = np.arange(first, min(first + block, n_out)) / ratio
        index = np.floor(positions).astype(np.int64)[:, None] + offsets[None, :]
        distance = positions[:, None] - index
        window = 0.5 * (1 + np.cos(np.pi * np.clip(distance / half_width, -1, 1)))
        weights = cutoff * np.sinc(cutoff * distance) * window
        valid = (index >= 0) & (index < len(x))
        values = np.where(valid, x[np.clip(index, 0, len(x) - 1)], 0.0)
        out[first : first + len(positions)] = (values * weights).sum(axis=1)
    return out


def _trim(samples: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    """Cut the silence espeak leaves at both ends, keeping a short margin."""
    return samples[
        voiced_span(samples, sample_rate, threshold_db=-45.0, lead=_TRIM_MARGIN_S, tail=_TRIM_MARGIN_S)
    ].copy()


class EnglishReader:
    """Reads English with espeak-ng; pitched near the offline Mandarin voice.

    One reader is cheap; all readers share the process's single espeak-ng instance.
    Also usable as an :class:`~podcast.speech.base.Engine` (``synthesize``).
    """

    name = "espeak"
    max_concurrent = 1

    def __init__(self, voice: str = DEFAULT_VOICE) -> None:
        """``voice`` is an espeak-ng voice name, with ``+variant`` (``en-us+f3``)."""
        self.voice = voice

    @property
    def version(self) -> str:
        """espeak-ng's version and the voice; loads the library."""
        with _LOCK:
            engine = _load()
        return f"espeak-ng {engine.version} {self.voice}"

    def voices(self) -> list[str]:
        """English voices worth using as a second voice (female variants first)."""
        variants = ("f3", "f4", "f2", "f1", "f5", "m3", "m1")
        return [f"{lang}+{v}" for lang in ("en-us", "en-gb") for v in variants]

    def speak(
        self,
        text: str,
        *,
        pitch_hz: float = BAKER_MEDIAN_F0_HZ,
        rate_wpm: int = DEFAULT_RATE_WPM,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
    ) -> Audio:
        """Speak English ``text`` (normalized first: numbers, money, abbreviations).

        Returns float32 mono at ``sample_rate`` with the silence at both ends trimmed;
        empty or silent text gives empty audio. The samples differ slightly from call to
        call (espeak-ng's glottal jitter is not reproducible, even with its seed set); the
        length and the sound do not. Raises
        :class:`~podcast.errors.SpeechError` if espeak-ng cannot be loaded or fails.
        """
        if pitch_hz <= 0 or rate_wpm <= 0 or sample_rate <= 0:
            raise ValueError("pitch_hz, rate_wpm and sample_rate must be positive")
        spoken = normalize_en(text).strip()
        if not any(ch.isalnum() for ch in spoken):
            return Audio(np.zeros(0, dtype=np.float32), sample_rate)
        with _LOCK:
            engine = _load()
            parameter = _pitch_parameter(_pitch_fit(engine, self.voice), pitch_hz)
            raw = _synth(engine, spoken, self.voice, parameter, rate_wpm)
            source_rate = engine.sample_rate
        samples = resample(raw.astype(np.float32) / 32768.0, source_rate, sample_rate)
        return Audio(_trim(samples, sample_rate), sample_rate)

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        """The :class:`~podcast.speech.base.Engine` call: ``prosody.voice`` is an espeak
        voice; rate and pitch multiply :data:`DEFAULT_RATE_WPM` and the Baker pitch."""
        reader = self if prosody.voice in ("", self.voice) else EnglishReader(prosody.voice)
        audio = reader.speak(
            text,
            pitch_hz=BAKER_MEDIAN_F0_HZ * prosody.pitch,
            rate_wpm=round(DEFAULT_RATE_WPM * prosody.rate),
        )
        if prosody.volume == 1.0:
            return audio
        louder = np.clip(audio.samples * prosody.volume, -1.0, 1.0).astype(np.float32)
        return Audio(louder, audio.sample_rate)
