"""The embedded offline voice (engine ``offline``): Baker FastSpeech2 + MB-MelGAN on
LiteRT for Mandarin, espeak-ng for the English words in it and for English posts; no
network after ``podcast voices install``.

The Baker voice speaks hanzi only, so text is first made speakable
(:func:`podcast.speech.normalize.speakable_zh`): numbers and dates become hanzi, acronyms
are spelled, lexicon words get their readings, and other English goes to espeak-ng at a
matching pitch. Whatever cannot be said is reported in ``Audio.warnings``. Voices:
``baker`` (Mandarin, speakers told apart by ``Prosody`` rate and pitch) and ``espeak-en``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from podcast.audio.silence import voiced_span
from podcast.errors import SpeechError, UnknownNameError
from podcast.speech import normalize
from podcast.speech.base import Audio, Prosody, Timing
from podcast.speech.english import EnglishReader
from podcast.speech.offline import assets, frontend
from podcast.speech.offline.assets import install, locate
from podcast.speech.offline.model import (
    DEFAULT_THREADS,
    KERNELS,
    MAX_MEL_FRAMES,
    SAMPLE_RATE,
    BakerModel,
    check_range,
    load,
    shift_pitch,
)

__all__ = ["SAMPLE_RATE", "OfflineEngine", "install", "locate"]

VOICE = "baker"
"""The Mandarin model voice."""
ENGLISH_VOICE = "espeak-en"
"""English (posts in English, and English stretches inside Chinese text)."""
THREADS_ENV = "PODCAST_TTS_THREADS"
"""Interpreter threads per engine (a batch with N workers on C cores sets C // N)."""
LANGUAGE_SWITCH_GAP = 0.08
"""Seconds of silence where the voice changes between Mandarin and English."""
MAX_SEGMENT_CHARACTERS = 5000
"""Longest text one ``synthesize`` call accepts (about 17 minutes of speech)."""
RATE_RANGE = (0.5, 2.0)
"""Accepted ``Prosody.rate``."""
PITCH_RANGE = (0.7, 1.4)
"""Accepted ``Prosody.pitch``; further out the resampled voice sounds like a cartoon."""
VOLUME_RANGE = (0.0, 4.0)
"""Accepted ``Prosody.volume`` (samples are clipped to [-1, 1])."""

# At rate 1.0 the voice spends 14–16 mel frames per syllable (silences at both ends
# included); a chunk may use 70 % of the model's frame limit, so a slow rate never pushes
# a call over it.
_FRAMES_PER_SYLLABLE = 16.0
_FRAME_BUDGET = 0.7 * MAX_MEL_FRAMES


def max_chunk_syllables(rate: float) -> int:
    """Largest chunk (in syllables) that stays within the model's frame limit at ``rate``.

    >>> max_chunk_syllables(1.0), max_chunk_syllables(0.25)
    (40, 22)
    """
    fit = int(_FRAME_BUDGET * rate / _FRAMES_PER_SYLLABLE)
    return max(frontend.MIN_CHUNK_SYLLABLES, min(frontend.MAX_CHUNK_SYLLABLES, fit))


def chunk_seed(seed: int, chunk: frontend.Chunk) -> int:
    """The noise seed for one chunk: the engine seed and what the chunk says, so the same
    sentence sounds the same wherever it appears (and its cached audio stays valid).

    >>> c = frontend.Chunk("好。", ("sil", "h", "ao3", "sil", "eos"), 1, 1, 0.4)
    >>> chunk_seed(0, c) == chunk_seed(0, c), chunk_seed(0, c) == chunk_seed(1, c)
    (True, False)
    """
    key = f"{seed}\n{' '.join(chunk.symbols)}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


class OfflineEngine:
    """The ``offline`` speech engine. Construction is cheap: the assets are checked and
    the models loaded (once per process) by the first ``synthesize``."""

    name = "offline"

    def __init__(self, seed: int = 0, threads: int | None = None, lexicon: normalize.Lexicon | None = None) -> None:
        """``seed`` fixes the model's dropout noise (same seed, same samples);
        ``threads`` is the number of interpreter threads (default ``$PODCAST_TTS_THREADS``,
        else 2; parallel batch workers set fewer each); ``lexicon`` says how Latin words
        are read (default: the built-in one)."""
        if threads is None:
            threads = _threads_from_environment()
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.seed = seed
        self.threads = threads
        self.max_concurrent = 2 if threads >= 2 else 1
        """Sentences in flight: with two, one is in the acoustic model while the one before
        is vocoded (the models have a lock each); on one core, one at a time."""
        self.lexicon = lexicon
        self._model: BakerModel | None = None
        self._model_lock = threading.Lock()
        self._english = EnglishReader()

    @property
    def version(self) -> str:
        """Assets, patch, frontend, normalizer, lexicon and seed: anything that changes the samples."""
        lexicon = self.lexicon or normalize.default_lexicon()
        return (
            f"baker-zh-{assets.ASSET_VERSION}+{KERNELS}+frontend{frontend.FRONTEND_REVISION}"
            f"+norm{normalize.NORMALIZER_REVISION}+lex{lexicon.digest()}+seed{self.seed}"
        )

    def voices(self) -> list[str]:
        """The Mandarin model voice and the English one."""
        return [VOICE, ENGLISH_VOICE]

    def model(self) -> BakerModel:
        """The loaded voice; raises ``VoiceAssetError`` if it is not installed or damaged.
        Under :func:`share_cores`, loaded again when the cores it may use have changed."""
        with self._model_lock:  # a render's threads share the engine
            if _budget is not None:
                wanted = max(1, _budget())
                if wanted != self.threads:
                    self.threads = wanted
                    self.max_concurrent = 2 if wanted >= 2 else 1
                    self._model = None
            model = self._model
            if model is None:
                model = self._model = load(locate(), self.threads)
            return model

    def prepare(self) -> None:
        """Load what the first sentence would otherwise load: the models, pypinyin's tables,
        the lexicon. Loading holds the GIL, speaking mostly does not: a render prepares the
        voice before its summarizer loads its own tables, then voices the intro meanwhile."""
        self.plan("你好。", Prosody(VOICE))
        normalize.speakable_zh("你好。", self.lexicon)

    def plan(self, text: str, prosody: Prosody) -> frontend.Plan:
        """How ``text`` will be cut into model calls at this prosody (loads the voice)."""
        self._check(text, prosody)
        model_rate = prosody.rate / prosody.pitch
        words = (self.lexicon or normalize.default_lexicon()).pinyin
        return frontend.plan(text, self.model().lexicon, max_chunk_syllables(model_rate), words)

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        """Speak ``text`` as written in a script (Chinese with English words, or English
        with the ``espeak-en`` voice) as 24 kHz float32 audio with timings and warnings."""
        if prosody.voice == ENGLISH_VOICE:
            self._check_length(text)
            return self._english.synthesize(text, Prosody("", prosody.rate, prosody.pitch, prosody.volume))
        self._check(text, prosody)
        speakable = normalize.speakable_zh(text, self.lexicon)
        parts: list[Audio] = []
        warnings = list(speakable.warnings)
        for piece in speakable.pieces:
            if piece.lang == "zh":
                part = self._speak_hanzi(piece.text, prosody)
            else:
                part = self._english.synthesize(piece.text, Prosody("", prosody.rate, prosody.pitch, prosody.volume))
            warnings += [w for w in part.warnings if w not in warnings]
            if len(part.samples):
                parts.append(part)
        return _join(parts, LANGUAGE_SWITCH_GAP, tuple(warnings))

    def _speak_hanzi(self, text: str, prosody: Prosody) -> Audio:
        """Speak hanzi and punctuation with the Baker model, one timing per chunk."""
        plan = self.plan(text, prosody)
        model = self.model()
        # The model's own f0 ratio widens the intonation but leaves the mean pitch where it
        # is, so pitch comes from resampling: speak slower by the pitch factor, then play
        # the samples faster by the same factor.
        model_rate = prosody.rate / prosody.pitch
        pieces: list[npt.NDArray[np.float32]] = []
        timings: list[Timing] = []
        position = 0
        for number, chunk in enumerate(plan.chunks):
            speech = model.speak(
                model.lexicon.ids(chunk.symbols),
                rng=np.random.default_rng(chunk_seed(self.seed, chunk)),
                rate=model_rate,
            )
            # The model pads every call with silence of varying length (up to 0.3 s):
            # trimmed, the pauses between chunks are the ones the frontend chose.
            voiced = shift_pitch(speech.samples[voiced_span(speech.samples, SAMPLE_RATE)], prosody.pitch)
            timings.append(Timing(chunk.text, position / SAMPLE_RATE, (position + len(voiced)) / SAMPLE_RATE))
            pieces.append(voiced)
            position += len(voiced)
            if number < len(plan.chunks) - 1:
                # A faster speaker also pauses for less time.
                gap = np.zeros(round(chunk.pause / prosody.rate * SAMPLE_RATE), np.float32)
                pieces.append(gap)
                position += len(gap)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        if prosody.volume != 1.0:
            samples = np.clip(samples * np.float32(prosody.volume), -1.0, 1.0)
        warning = frontend.describe_dropped(plan.dropped)
        return Audio(
            samples=samples.astype(np.float32, copy=False),
            sample_rate=SAMPLE_RATE,
            timings=tuple(timings),
            warnings=(warning,) if warning else (),
        )

    def _check(self, text: str, prosody: Prosody) -> None:
        if prosody.voice != VOICE:
            raise UnknownNameError(
                f"the offline engine has no voice {prosody.voice!r}; its voices are {VOICE!r}, {ENGLISH_VOICE!r}"
            )
        self._check_length(text)
        check_range("rate", prosody.rate, RATE_RANGE)
        check_range("pitch", prosody.pitch, PITCH_RANGE)
        check_range("volume", prosody.volume, VOLUME_RANGE)

    @staticmethod
    def _check_length(text: str) -> None:
        if len(text) > MAX_SEGMENT_CHARACTERS:
            raise SpeechError(
                f"a segment of {len(text)} characters is too long for the offline voice "
                f"(at most {MAX_SEGMENT_CHARACTERS}); split it into shorter segments"
            )


_budget: Callable[[], int] | None = None


def share_cores(budget: Callable[[], int] | None) -> None:
    """Have this process's offline engines use ``budget()`` threads, asked before each
    sentence (None: the threads they were made with). A batch's worker process sets it, so
    the one still rendering when the others have run out of posts takes their cores: its
    models are loaded again with more threads (≈ 0.3 s), and with fewer once the others
    start again. The samples of a sentence then differ by float rounding (≤ 1.2e-7) with
    the threads it was said on; its timings do not."""
    global _budget
    _budget = budget


def _threads_from_environment() -> int:
    value = os.environ.get(THREADS_ENV, "")
    try:
        return max(1, int(value)) if value.strip() else DEFAULT_THREADS
    except ValueError:
        raise SpeechError(f"${THREADS_ENV} must be a whole number of threads, not {value!r}") from None


def _join(parts: list[Audio], gap_seconds: float, warnings: tuple[str, ...]) -> Audio:
    """Concatenate audio at one sample rate with short gaps, shifting the timings."""
    if not parts:
        return Audio(np.zeros(0, np.float32), SAMPLE_RATE, (), warnings)
    gap = np.zeros(round(gap_seconds * SAMPLE_RATE), np.float32)
    samples: list[npt.NDArray[np.float32]] = []
    timings: list[Timing] = []
    position = 0
    for index, part in enumerate(parts):
        if index:
            samples.append(gap)
            position += len(gap)
        offset = position / SAMPLE_RATE
        if part.timings:
            timings += [Timing(t.text, t.start + offset, t.end + offset) for t in part.timings]
        else:
            timings.append(Timing("", offset, offset + part.duration))
        samples.append(part.samples)
        position += len(part.samples)
    return Audio(np.concatenate(samples).astype(np.float32), SAMPLE_RATE, tuple(timings), warnings)
