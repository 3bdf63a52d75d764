"""Speech: engines that turn script text into audio, and what they share.

``load_engine`` finds an engine by name (entry points, built-ins included); ``speak``
voices one script segment sentence by sentence through the segment cache, so an edited
script re-synthesizes only the sentences that changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from podcast import registry
from podcast.audio.silence import voiced_span
from podcast.errors import ServiceError, SpeechError
from podcast.speech.base import Audio, Engine, Prosody, Timing
from podcast.speech.cache import SegmentCache, quantize, segment_key
from podcast.text import split_sentences

__all__ = [
    "Audio", "AutoEngine", "Engine", "Prosody", "Spoken", "Timing", "load_engine", "speak", "speak_segments",
]  # fmt: skip

SAMPLE_RATE = 24000
"""Every clip is brought to this rate (both built-in engines speak at it)."""

# Pause after a sentence, by its last mark, in seconds at rate 1.0.
PAUSES = {"。": 0.4, ".": 0.4, "？": 0.45, "?": 0.45, "！": 0.45, "!": 0.45, "…": 0.45,
          "；": 0.3, ";": 0.3, "：": 0.3, ":": 0.3, "，": 0.22, ",": 0.22}  # fmt: skip
DEFAULT_PAUSE = 0.35
MAX_SEGMENT_CHARACTERS = 5000
"""A script segment longer than this (≈ 17 minutes of speech) is refused, not voiced."""
SILENCE_DB = -45.0
"""A 10 ms frame this far below the clip's loudest counts as silence when trimming edges."""
PROBE_SETTINGS: Mapping[str, Any] = {
    "attempts": 2,
    "backoff": 0.3,
    "timeout": 8.0,
    "first_chunk_timeout": 5.0,
    "deadline": 10.0,
}
"""How ``auto`` asks the edge service whether it answers: two tries, each wanting audio
within 5 s, all within 10 s, so a silent service costs seconds, not a render's retries."""


def load_engine(name: str, *, lexicon_paths: tuple[Path, ...] = ()) -> Engine:
    """The engine registered as ``name``, built with the show's lexicon files: every factory
    that takes a ``lexicon`` keyword gets it, built-in or plugin alike."""
    factory = cast(Callable[..., object], registry.load(registry.ENGINES, name))
    if lexicon_paths and _takes_lexicon(factory):
        from podcast.speech.normalize import load_lexicon

        engine = factory(lexicon=load_lexicon(*lexicon_paths))
    else:
        engine = factory()
    return cast(Engine, engine)


def _takes_lexicon(factory: Callable[..., object]) -> bool:
    import inspect

    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return "lexicon" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class AutoEngine:
    """``auto``: the edge voices when the service answers, else the offline voice.

    ``choose`` probes the service once; a render then uses one engine from start to end
    (mixing voices mid-episode would be worse than either). ``edge_options`` are passed
    to both edge engines (the probe's and the run's): a proxy, a stream factory, a lock
    folder.
    """

    name = "auto"
    version = "auto"

    @property
    def max_concurrent(self) -> int:
        """The chosen engine's."""
        return int(getattr(self.choose()[0], "max_concurrent", 1))

    def __init__(
        self,
        lexicon: object | None = None,
        probe: Callable[[Engine], None] | None = None,
        edge_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._lexicon = lexicon
        self._probe = probe or _probe_edge
        self._edge_options = dict(edge_options or {})
        self._chosen: tuple[Engine, str | None] | None = None

    def choose(self) -> tuple[Engine, str | None]:
        """The engine to use, and a warning when it is the fallback."""
        if self._chosen is None:
            from podcast.speech.offline import OfflineEngine

            offline = OfflineEngine(lexicon=self._lexicon)  # type: ignore[arg-type]
            try:
                from podcast.speech.edge import EdgeEngine

                # One quick question decides: a service that is down or silent should cost
                # the user seconds, not the full retry schedule of a render.
                probe_engine = EdgeEngine(**{**self._edge_options, **PROBE_SETTINGS})
                self._probe(probe_engine)
                self._chosen = (EdgeEngine(**self._edge_options), None)
            except (ServiceError, SpeechError) as exc:
                reason = str(exc).split(";")[0]
                self._chosen = (offline, f"edge voices unavailable ({reason}); used the offline voice")
        return self._chosen

    def voices(self) -> list[str]:
        return self.choose()[0].voices()

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        return self.choose()[0].synthesize(text, prosody)


def _probe_edge(edge: Engine) -> None:
    edge.synthesize("你好。", Prosody("zh-CN-XiaoxiaoNeural"))


@dataclass(frozen=True, slots=True, eq=False)
class Spoken:
    """One segment, voiced."""

    audio: Audio
    """The segment's audio at ``SAMPLE_RATE``, one timing per sentence (script text)."""
    synthesized: int
    """Sentences the engine spoke now (cache misses)."""
    reused: int
    """Sentences taken from the cache."""


def sentences_of(text: str) -> list[str]:
    """The sentences a segment is voiced in (cache and caption units).

    >>> sentences_of("李老师说：压缩的是函数。不是文本！")
    ['李老师说：压缩的是函数。', '不是文本！']
    """

    return [s for s in split_sentences(text) if re.search(r"\w", s)]


def speak(
    text: str,
    prosody: Prosody,
    engine: Engine,
    cache: SegmentCache,
    *,
    on_sentence: Callable[[], None] | None = None,
) -> Spoken:
    """Voice ``text`` sentence by sentence (cached), joined with natural pauses."""
    return speak_parts([(text, prosody)], engine, cache, on_sentence=on_sentence)


def speak_parts(
    parts: Sequence[tuple[str, Prosody]],
    engine: Engine,
    cache: SegmentCache,
    *,
    on_sentence: Callable[[], None] | None = None,
) -> Spoken:
    """Voice a segment whose parts have different voices (``李老师说：`` by the host, the words
    by the speaker's profile), sentence by sentence (cached), joined with natural pauses."""
    return speak_segments([parts], engine, cache, on_sentence=on_sentence)[0]


def speak_segments(
    segments: Sequence[Sequence[tuple[str, Prosody]]],
    engine: Engine,
    cache: SegmentCache,
    *,
    on_sentence: Callable[[], None] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> list[Spoken]:
    """Voice several segments (each as for :func:`speak_parts`) in one go: the sentences
    missing from the cache are spoken in script order, up to ``engine.max_concurrent`` at
    once across segment boundaries (the offline voice overlaps its two models that way), and
    a sentence said twice with the same voice is synthesized once.

    ``on_ready`` is called once the engine is ready to speak: prepared (an engine with a
    ``prepare()`` loads its models and tables there), or nothing is missing from the cache."""
    voiced: list[list[tuple[str, Prosody]]] = []
    for parts in segments:
        text = "".join(t for t, _ in parts)
        if len(text) > MAX_SEGMENT_CHARACTERS:
            raise SpeechError(
                f"a segment of {len(text)} characters is too long (at most {MAX_SEGMENT_CHARACTERS}); split it"
            )
        sentences = [(sentence, prosody) for part, prosody in parts for sentence in sentences_of(part)]
        if not sentences:
            raise SpeechError(f"nothing to say in {text.strip()[:40]!r}")
        voiced.append(sentences)
    version = engine.version
    keys = [[segment_key(engine.name, version, prosody, sentence) for sentence, prosody in sentences]
            for sentences in voiced]  # fmt: skip
    clips: dict[str, Audio] = {}
    missing: dict[str, tuple[str, Prosody]] = {}
    elsewhere: dict[str, Future[Audio]] = {}  # being synthesized by another caller of this cache
    try:
        for sentences, segment_keys in zip(voiced, keys, strict=True):
            for (sentence, prosody), key in zip(sentences, segment_keys, strict=True):
                if key in clips or key in missing or key in elsewhere:
                    continue
                found = cache.get(key, SAMPLE_RATE)
                if found is not None:
                    clips[key] = found
                    continue
                claimed = cache.claim(key)
                if claimed is not None:
                    elsewhere[key] = claimed
                    continue
                found = cache.get(key, SAMPLE_RATE)  # said and stored since the first look?
                if found is not None:
                    cache.settle(key, found)
                    clips[key] = found
                else:
                    missing[key] = (sentence, prosody)
        for _ in range(sum(len(k) for k in keys) - len(missing) - len(elsewhere)):
            if on_sentence:
                on_sentence()
        prepare = getattr(engine, "prepare", None)
        if missing and callable(prepare):
            prepare()
        if on_ready:
            on_ready()
    except BaseException as exc:
        for key in missing:
            cache.settle(key, error=exc)
        raise

    def synthesize(key: str) -> tuple[str, Audio]:
        sentence, prosody = missing[key]
        try:
            audio = quantize(_conform(engine.synthesize(sentence, prosody)))
            cache.put(key, audio)
        except BaseException as exc:
            cache.settle(key, error=exc)
            raise
        cache.settle(key, audio)
        if on_sentence:
            on_sentence()
        return key, audio

    parallel = min(max(1, engine.max_concurrent), len(missing))  # edge: 4 calls in flight
    try:
        if parallel > 1:
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                clips.update(pool.map(synthesize, missing))
        else:
            clips.update(synthesize(key) for key in missing)
    except BaseException as exc:
        for key in missing.keys() - clips.keys():
            cache.settle(key, error=exc)  # those never started: nobody waits on them for ever
        raise
    for key, claimed in elsewhere.items():
        clips[key] = claimed.result()
        if on_sentence:
            on_sentence()

    spoken: list[Spoken] = []
    fresh = set(missing)  # a sentence said again, or by another caller, counts as reused
    for sentences, segment_keys in zip(voiced, keys, strict=True):
        synthesized = 0
        for key in segment_keys:
            if key in fresh:
                fresh.remove(key)
                synthesized += 1
        audio = _joined(sentences, [clips[key] for key in segment_keys])
        spoken.append(Spoken(audio, synthesized, len(sentences) - synthesized))
    return spoken


def _joined(sentences: Sequence[tuple[str, Prosody]], clips: Sequence[Audio]) -> Audio:
    """One segment's sentences trimmed and joined with the pause each one's last mark asks for."""
    pieces: list[npt.NDArray[np.float32]] = []
    timings: list[Timing] = []
    warnings: list[str] = []
    position = 0
    for index, ((sentence, prosody), clip) in enumerate(zip(sentences, clips, strict=True)):
        samples = trim(clip.samples)
        pieces.append(samples)
        timings.append(Timing(sentence, position / SAMPLE_RATE, (position + len(samples)) / SAMPLE_RATE))
        position += len(samples)
        warnings += [w for w in clip.warnings if w not in warnings]
        if index < len(sentences) - 1:
            pause = np.zeros(
                round(PAUSES.get(sentence.rstrip()[-1:], DEFAULT_PAUSE) / prosody.rate * SAMPLE_RATE),
                np.float32,
            )
            pieces.append(pause)
            position += len(pause)
    return Audio(np.concatenate(pieces).astype(np.float32, copy=False), SAMPLE_RATE, tuple(timings), tuple(warnings))


def _conform(audio: Audio) -> Audio:
    """Bring an engine's output to ``SAMPLE_RATE`` (espeak-ng speaks at 22.05 kHz).
    Engine timings are not kept: ``speak`` times each sentence itself."""
    if audio.sample_rate == SAMPLE_RATE:
        return audio
    from podcast.speech.english import resample

    return Audio(resample(audio.samples, audio.sample_rate, SAMPLE_RATE), SAMPLE_RATE, (), audio.warnings)


def trim(samples: npt.NDArray[np.float32], margin: float = 0.03) -> npt.NDArray[np.float32]:
    """Cut silence at both ends of a sentence's audio, keeping ``margin`` seconds of it."""
    return samples[voiced_span(samples, SAMPLE_RATE, threshold_db=SILENCE_DB, lead=margin, tail=margin)]
