"""The Baker voice's neural models on LiteRT: symbol ids in, 24 kHz audio out.

FastSpeech2 turns symbol ids into a mel spectrogram, Multi-band MelGAN turns the mel
spectrogram into samples. Both interpreters are loaded once per process and per folder,
on first use, and shared. Each has its own lock (an interpreter is not thread-safe), so
two callers overlap: one in the acoustic model while the other is in the vocoder.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from podcast.errors import SpeechError, VoiceAssetError
from podcast.speech.offline import assets
from podcast.speech.offline.frontend import Lexicon

SAMPLE_RATE = 24_000
"""Samples per second of the vocoder's output."""
HOP_LENGTH = 300
"""Samples per mel frame (12.5 ms)."""
MAX_MEL_FRAMES = 2048
"""Longest mel spectrogram one acoustic-model call can produce."""
VOCODER_CALL_FRAMES = 248
"""Most frames one vocoder call is given, context included (3.1 s of audio). From 256
frames on, the vocoder's working memory jumps by ≈ 50 MB for no gain in speed; a whole
chunk in one call would take 180 MB more at 40 syllables."""
VOCODER_CONTEXT_FRAMES = 20
"""Frames of context on each side of a window: more than the vocoder's receptive field
(19 frames is the least that gives the same samples), so windowed output is identical to
a single call (checked by the tests)."""
KERNELS = "xnnpack"
"""What computes both models (part of the engine's version: the acoustic model's durations
came out a little differently on LiteRT's builtin kernels, used before)."""
DEFAULT_THREADS = 2
"""Cores the voice may use; its real-time factor was measured with two."""

RATE_RANGE = (0.25, 4.0)
"""Speaking-rate multipliers one model call accepts."""
F0_RATIO_RANGE = (0.0, 3.0)
"""Accepted f0 ratios (0 flattens the intonation to about ±1 semitone)."""
ENERGY_RATIO_RANGE = (0.25, 4.0)
"""Accepted energy ratios."""

_MEL_OUTPUT = "Identity_1"  # after the post-net; "Identity" is the mel before it
_DURATION_OUTPUT = "Identity_2"  # frames per input symbol, after the speed ratio


@dataclass(frozen=True, slots=True, eq=False)
class Speech:
    """One acoustic-model call turned into audio."""

    samples: npt.NDArray[np.float32]
    """Mono float32 samples at ``SAMPLE_RATE``."""
    durations: npt.NDArray[np.int32]
    """Mel frames spent on each input symbol; they add up to ``len(samples) / HOP_LENGTH``."""


def check_range(name: str, value: float, bounds: tuple[float, float]) -> None:
    """Raise ``SpeechError`` unless ``value`` lies within ``bounds``."""
    low, high = bounds
    if not low <= value <= high:
        raise SpeechError(f"the offline voice takes a {name} between {low} and {high}, not {value}")


def acoustic_threads(threads: int) -> int:
    """Interpreter threads of the acoustic model when the voice may use ``threads`` cores.

    The vocoder takes most of the time (eight times the acoustic model's on XNNPACK) and
    gets all ``threads``; the acoustic model, which runs beside it on the next sentence,
    gets half. On two cores that is three threads: with the acoustic model on the builtin
    kernels it was the fastest split measured (4.7 s for the sample against 5.7 s one model
    after the other, 5.0 s with 2 + 2 and 5.8 s with 1 + 1).

    >>> acoustic_threads(1), acoustic_threads(2), acoustic_threads(4)
    (1, 1, 2)
    """
    return max(1, threads // 2)


class BakerModel:
    """The loaded acoustic model, vocoder and symbol tables of one installed voice."""

    def __init__(self, folder: Path, threads: int = DEFAULT_THREADS) -> None:
        """Load the voice in ``folder`` to run on ``threads`` cores (see
        :func:`acoustic_threads`); every file's checksum is verified on the way, so a
        damaged file raises ``VoiceAssetError`` instead of reaching the interpreter."""
        from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-untyped, unused-ignore]

        if threads < 1:
            raise ValueError("threads must be at least 1")
        try:
            mapper = json.loads(assets.read_verified(folder, assets.MAPPER))
            self.lexicon = Lexicon.from_mapper(mapper)
        except ValueError as exc:
            raise VoiceAssetError(
                f"the offline voice's symbol table is unusable ({exc}); run `{assets.INSTALL_COMMAND}`"
            ) from exc
        # The interpreters read from these buffers for as long as they live.
        self._acoustic_bytes = assets.read_verified(folder, assets.ACOUSTIC)
        self._vocoder_bytes = assets.read_verified(folder, assets.VOCODER)
        try:
            with _quiet_stderr():
                # Both models run on XNNPACK. XNNPACK announces itself on the C-level
                # stderr ("INFO: Created TensorFlow Lite XNNPACK delegate"): not for the
                # user's terminal. For the acoustic model, whose weights are stored as int8,
                # it is 4× faster than LiteRT's builtin hybrid kernels and closer to the
                # model's float reference (bench/acoustic_kernels.py: over the sample,
                # durations 45 frames off the float model's against 89, mel error 0.04
                # against 0.12); the vocoder is twice as fast and loses nothing audible.
                self._acoustic: Any = Interpreter(
                    model_content=self._acoustic_bytes, num_threads=acoustic_threads(threads)
                )
                self._acoustic.allocate_tensors()
                self._vocoder: Any = Interpreter(model_content=self._vocoder_bytes, num_threads=threads)
                # The delegate is applied (and announced) at the first allocation.
                mel_input = self._vocoder.get_input_details()[0]
                self._vocoder.resize_tensor_input(mel_input["index"], [1, 16, int(mel_input["shape"][-1])])
                self._vocoder.allocate_tensors()
        except (ValueError, RuntimeError) as exc:
            raise VoiceAssetError(
                f"the offline voice's models do not load ({exc}); run `{assets.INSTALL_COMMAND}`"
            ) from exc
        self._inputs = {d["name"]: d["index"] for d in self._acoustic.get_input_details()}
        self._outputs = {d["name"]: d["index"] for d in self._acoustic.get_output_details()}
        missing = {"input_ids", *assets.NOISE_INPUTS} - self._inputs.keys()
        if missing:
            raise VoiceAssetError(
                f"the offline voice's acoustic model lacks inputs {sorted(missing)}; run `{assets.INSTALL_COMMAND}`"
            )
        self._mel_input = self._vocoder.get_input_details()[0]["index"]
        self._audio_output = self._vocoder.get_output_details()[0]["index"]
        self._acoustic_lock = threading.Lock()
        self._vocoder_lock = threading.Lock()
        self._vocoder_shape: tuple[int, ...] = ()

    def mel(
        self,
        ids: Sequence[int],
        *,
        rng: np.random.Generator,
        rate: float = 1.0,
        f0_ratio: float = 1.0,
        energy_ratio: float = 1.0,
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int32]]:
        """The acoustic model's mel spectrogram [1, frames, 80] for one symbol-id sequence,
        and the frames it spent on each symbol. Arguments as for :meth:`speak`."""
        check_range("rate", rate, RATE_RANGE)
        check_range("f0 ratio", f0_ratio, F0_RATIO_RANGE)
        check_range("energy ratio", energy_ratio, ENERGY_RATIO_RANGE)
        if not ids:
            raise ValueError("no symbols to speak")
        count = len(ids)
        feeds: dict[str, npt.NDArray[Any]] = {
            "input_ids": np.asarray([ids], dtype=np.int32),
            "speaker_ids": np.zeros(1, dtype=np.int32),
            # The model's speed ratio is a duration factor: above 1 is slower.
            "speed_ratios": np.array([1.0 / rate], dtype=np.float32),
            "f0_ratios": np.array([f0_ratio], dtype=np.float32),
            "energy_ratios": np.array([energy_ratio], dtype=np.float32),
        }
        for name in assets.NOISE_INPUTS:
            feeds[name] = rng.random((1, count, assets.NOISE_WIDTH), dtype=np.float32)
        with self._acoustic_lock:
            try:
                for name in ("input_ids", *assets.NOISE_INPUTS):
                    self._acoustic.resize_tensor_input(self._inputs[name], feeds[name].shape)
                self._acoustic.allocate_tensors()
                for name, value in feeds.items():
                    self._acoustic.set_tensor(self._inputs[name], value)
                self._acoustic.invoke()
                mel = self._acoustic.get_tensor(self._outputs[_MEL_OUTPUT])
                durations = self._acoustic.get_tensor(self._outputs[_DURATION_OUTPUT])[0]
            except RuntimeError as exc:
                # LiteRT reports a too-long call as "gather index out of bounds".
                raise SpeechError(
                    f"the offline voice failed on a {count}-symbol input "
                    f"(at most {MAX_MEL_FRAMES} mel frames per call): {exc}"
                ) from exc
        return np.asarray(mel, dtype=np.float32), np.asarray(durations, dtype=np.int32)

    def vocode(self, mel: npt.NDArray[np.float32], call_frames: int = VOCODER_CALL_FRAMES) -> npt.NDArray[np.float32]:
        """Samples for a mel spectrogram [1, frames, 80], ``HOP_LENGTH`` per frame.

        A spectrogram longer than ``call_frames`` is vocoded in windows, each call given
        ``VOCODER_CONTEXT_FRAMES`` of context on either side (the vocoder's memory grows by
        ~0.35 MB per frame of one call; with that much context the result is the same,
        sample for sample, as in one call). Every call but the last is as long as allowed,
        so the calls are as few as they can be: the sample's 8,500 frames cost 9,500 frames
        of vocoding where windows of a fixed 200 frames cost 9,880.
        """
        frames = mel.shape[1]
        context = VOCODER_CONTEXT_FRAMES
        if frames <= call_frames:
            return self._vocode_call(mel)
        if call_frames <= 2 * context:
            raise ValueError(f"a vocoder call of {call_frames} frames leaves no room beside its context")
        parts = []
        start = 0
        while start < frames:
            low = max(0, start - context)
            end = frames if frames - low <= call_frames else low + call_frames - context
            audio = self._vocode_call(mel[:, low : min(frames, end + context)])
            parts.append(audio[(start - low) * HOP_LENGTH : (end - low) * HOP_LENGTH])
            start = end
        return np.concatenate(parts)

    def _vocode_call(self, mel: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        with self._vocoder_lock:
            try:
                if mel.shape != self._vocoder_shape:  # windows mostly share one shape
                    self._vocoder.resize_tensor_input(self._mel_input, mel.shape)
                    self._vocoder.allocate_tensors()
                    self._vocoder_shape = mel.shape
                self._vocoder.set_tensor(self._mel_input, np.ascontiguousarray(mel))
                self._vocoder.invoke()
                audio = self._vocoder.get_tensor(self._audio_output)
            except RuntimeError as exc:
                raise SpeechError(f"the offline voice's vocoder failed: {exc}") from exc
        return np.ascontiguousarray(audio.reshape(-1), dtype=np.float32)

    def speak(
        self,
        ids: Sequence[int],
        *,
        rng: np.random.Generator,
        rate: float = 1.0,
        f0_ratio: float = 1.0,
        energy_ratio: float = 1.0,
    ) -> Speech:
        """Audio for one symbol-id sequence.

        ``rate`` is a speaking-rate multiplier (1.1 is 10 % faster). ``f0_ratio`` and
        ``energy_ratio`` scale the model's predicted f0 and energy, which it keeps
        normalized per speaker: they widen or flatten the intonation and the loudness
        contour (f0 ratio 1.5 widens the 10–90 % pitch range from ±5 to ±7.5 semitones)
        but do not move the voice's mean pitch (≈ 235 Hz); see ``shift_pitch`` for that.
        ``rng`` feeds the dropout noise the model was exported with; the same generator
        state gives the same samples.
        """
        mel, durations = self.mel(ids, rng=rng, rate=rate, f0_ratio=f0_ratio, energy_ratio=energy_ratio)
        return Speech(self.vocode(mel), durations)


def shift_pitch(samples: npt.NDArray[np.float32], factor: float) -> npt.NDArray[np.float32]:
    """Resample ``samples`` to ``1 / factor`` of their length: played at the same sample
    rate, every frequency is multiplied by ``factor`` and the audio is ``factor`` times
    shorter. Synthesizing at ``rate / factor`` first keeps the speaking rate, so the pair
    raises the pitch (and the formants with it: a smaller or larger speaker, which is what
    tells two roles apart). The resampling is done in the frequency domain, so nothing
    aliases.

    >>> tone = np.sin(2 * np.pi * 100 * np.arange(2400) / 24000).astype(np.float32)
    >>> shifted = shift_pitch(tone, 1.25)
    >>> len(shifted), int(np.argmax(np.abs(np.fft.rfft(shifted))) * 24000 / len(shifted))
    (1920, 125)
    """
    if factor == 1.0 or len(samples) == 0:
        return samples
    length = max(1, round(len(samples) / factor))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    bins = length // 2 + 1
    if bins <= len(spectrum):
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - len(spectrum), spectrum.dtype)])
    shifted = np.fft.irfft(spectrum, n=length) * (length / len(samples))
    return shifted.astype(np.float32)


_loaded: dict[tuple[Path, int], BakerModel] = {}
_loading = threading.Lock()


def load(folder: Path, threads: int = DEFAULT_THREADS) -> BakerModel:
    """The voice in ``folder`` on ``threads`` cores, loaded on the first call and shared by
    later calls for as many threads. Loaded for another number of threads, the one before
    leaves this table (an engine still holding it keeps it until it lets go): one process
    keeps one copy, not one per thread count it has used."""
    key = (folder.resolve(), threads)
    with _loading:
        model = _loaded.get(key)
        if model is None:
            for other in [k for k in _loaded if k[0] == key[0]]:
                del _loaded[other]
            model = _loaded[key] = BakerModel(folder, threads)
        return model


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (C libraries' own logging) for the duration."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
