"""The espeak-ng English reader: real audio, the right rate and pitch, safe under threads."""

from __future__ import annotations

import sys
import types
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

pytest.importorskip("espeakng_loader")

from podcast.errors import SpeechError
from podcast.speech import english
from podcast.speech.base import Engine, Prosody
from podcast.speech.english import (
    BAKER_MEDIAN_F0_HZ,
    EnglishReader,
    median_f0,
    resample,
)

PHRASE = "the burden of proof is on you"


@pytest.fixture(scope="module")
def reader() -> EnglishReader:
    return EnglishReader()


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def test_speaks_a_phrase_as_real_audio(reader: EnglishReader) -> None:
    audio = reader.speak(PHRASE)
    assert audio.sample_rate == 24_000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    # Seven words at ~165 words per minute: about 1.5 s; anything far off is not speech.
    assert 0.9 < audio.duration < 3.5
    assert _rms(audio.samples) > 0.02
    assert np.max(np.abs(audio.samples)) <= 1.0
    # Speech, not a tone or noise: most energy below 4 kHz, and it starts and ends sounding.
    spectrum = np.abs(np.fft.rfft(audio.samples)) ** 2
    freqs = np.fft.rfftfreq(len(audio.samples), 1 / audio.sample_rate)
    assert spectrum[(freqs > 80) & (freqs < 4000)].sum() / spectrum.sum() > 0.8
    assert np.max(np.abs(audio.samples[: int(0.1 * 24_000)])) > 0.01


def test_pitch_sits_near_the_baker_voice(reader: EnglishReader) -> None:
    audio = reader.speak(PHRASE)
    assert median_f0(audio.samples, audio.sample_rate) == pytest.approx(BAKER_MEDIAN_F0_HZ, rel=0.15)


def test_pitch_follows_the_request(reader: EnglishReader) -> None:
    low = reader.speak(PHRASE, pitch_hz=200)
    high = reader.speak(PHRASE, pitch_hz=320)
    assert median_f0(low.samples, 24_000) == pytest.approx(200, rel=0.15)
    assert median_f0(high.samples, 24_000) == pytest.approx(320, rel=0.15)


def test_rate_changes_duration(reader: EnglishReader) -> None:
    slow = reader.speak(PHRASE, rate_wpm=120)
    fast = reader.speak(PHRASE, rate_wpm=240)
    assert slow.duration > 1.5 * fast.duration


@pytest.mark.parametrize("rate", [16_000, 22_050, 44_100, 48_000])
def test_any_sample_rate(reader: EnglishReader, rate: int) -> None:
    audio = reader.speak(PHRASE, sample_rate=rate)
    assert audio.sample_rate == rate
    assert 0.9 < audio.duration < 3.5


@pytest.mark.parametrize("text", ["", "   ", "\n", "...", "，。"])
def test_nothing_to_say_gives_empty_audio(reader: EnglishReader, text: str) -> None:
    audio = reader.speak(text)
    assert len(audio.samples) == 0 and audio.sample_rate == 24_000
    assert audio.samples.dtype == np.float32


def test_numbers_are_normalized_before_speaking(reader: EnglishReader) -> None:
    # espeak would read "1999" by itself, but as a year only after normalization; the
    # normalized form is longer than "one nine nine nine" said fast.
    assert reader.speak("in 1999").duration > 0.8


def test_threads_get_their_own_text(reader: EnglishReader) -> None:
    # espeak-ng's jitter makes samples differ run to run, so compare lengths: a mixed-up
    # callback buffer would give one thread another thread's (or both threads') audio.
    texts = [PHRASE, "money", "by definition", "a spectrum", "what"] * 4
    expected = [reader.speak(t).duration for t in texts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda t: reader.speak(t).duration, texts))
    assert got == pytest.approx(expected, rel=0.15)


def test_is_an_engine(reader: EnglishReader) -> None:
    assert isinstance(reader, Engine)
    assert reader.version.startswith("espeak-ng 1.")
    assert reader.voices()[0] == english.DEFAULT_VOICE
    audio = reader.synthesize("hello there", Prosody(voice="en-us+f4", rate=1.1, volume=0.5))
    assert audio.duration > 0.3
    assert np.max(np.abs(audio.samples)) <= 0.5 + 1e-6


def test_unknown_voice_is_a_speech_error() -> None:
    with pytest.raises(SpeechError, match="no voice"):
        EnglishReader("xx-nowhere").speak("hello")


def test_library_that_cannot_load_is_one_clear_speech_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = types.ModuleType("espeakng_loader")
    broken.get_library_path = lambda: "/nonexistent/libespeak-ng.so"  # type: ignore[attr-defined]
    broken.get_data_path = lambda: "/nonexistent"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "espeakng_loader", broken)
    monkeypatch.setattr(english, "_LIBRARY", None)
    with pytest.raises(SpeechError) as caught:
        EnglishReader().speak("hello")
    message = str(caught.value)
    assert "espeak-ng" in message and "\n" not in message


def test_bad_arguments_are_refused(reader: EnglishReader) -> None:
    with pytest.raises(ValueError):
        reader.speak("hi", sample_rate=0)


# ---------------------------------------------------------------- the resampler


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_resample_keeps_a_tone_and_its_level() -> None:
    t = np.arange(22_050) / 22_050
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    out = resample(tone, 22_050, 24_000)
    assert len(out) == 24_000 and out.dtype == np.float32
    assert _peak_hz(out, 24_000) == pytest.approx(1000, abs=2)
    assert _rms(out[1000:-1000]) == pytest.approx(_rms(tone), rel=0.02)


def test_downsampling_removes_what_the_new_rate_cannot_hold() -> None:
    t = np.arange(48_000) / 48_000
    high = np.sin(2 * np.pi * 10_000 * t).astype(np.float32)  # above 16 kHz's Nyquist
    out = resample(high, 48_000, 16_000)
    assert _rms(out[500:-500]) < 0.01


def test_resample_edge_cases() -> None:
    empty = resample(np.zeros(0, dtype=np.float32), 22_050, 24_000)
    assert empty.dtype == np.float32 and len(empty) == 0
    same = resample(np.ones(10, dtype=np.float32), 24_000, 24_000)
    assert np.array_equal(same, np.ones(10, dtype=np.float32))
