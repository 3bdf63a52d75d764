"""The ``edge`` speech engine itself: :class:`EdgeEngine` checks voices, builds requests,
and runs each call in a slot, retrying failures that may pass, within the call's deadline
and while the circuit breaker says the service is answering."""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from podcast.audio import ffmpeg
from podcast.errors import ServiceError, UnknownNameError
from podcast.paths import cache_dir
from podcast.slots import ProcessSlots
from podcast.speech.base import Audio, Prosody
from podcast.speech.edge.breaker import BREAKER_FAILURES, CircuitBreaker, shared_breaker
from podcast.speech.edge.failures import _Fault, _give_up_message, _RetryableError, _service_call, backoff_delay
from podcast.speech.edge.stream import (
    FIRST_AUDIO_SECONDS,
    SAMPLE_RATE,
    EdgeRequest,
    StreamChunk,
    StreamFactory,
    _collect,
    _import_edge_tts,
    _run_private,
    call_timeout,
    communicate_stream,
    timings_from_boundaries,
)
from podcast.speech.edge.voices import (
    KNOWN_VOICES,
    MAPPING_REVISION,
    NOMINAL_F0,
    WITHDRAWN_VOICES,
    pitch_string,
    rate_string,
    volume_string,
)
from podcast.text import is_chinese

# Named after the package, as when the engine was one module: log settings keep applying.
_log = logging.getLogger("podcast.speech.edge")
_T = TypeVar("_T")

CALL_DEADLINE_SECONDS = 60.0
"""Seconds one ``synthesize`` may spend on its attempts and the waits between them, from
its first attempt (a text whose single attempt may take longer gets that long)."""

# --- The engine ------------------------------------------------------------------------


class EdgeEngine:
    """The ``edge`` speech engine. Construction is cheap and offline; nothing touches the
    network, the disk or edge-tts before the first ``synthesize``."""

    name = "edge"

    def __init__(
        self,
        *,
        attempts: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        timeout: float = 15.0,
        timeout_per_char: float = 0.1,
        first_chunk_timeout: float | None = None,
        deadline: float | None = None,
        breaker_threshold: int = BREAKER_FAILURES,
        breaker: CircuitBreaker | None = None,
        max_concurrent: int = 4,
        lock_dir: Path | None = None,
        slot_timeout: float | None = 600.0,
        proxy: str | None = None,
        stream_factory: StreamFactory | None = None,
        seed: int | None = None,
    ) -> None:
        """Configure the engine.

        ``attempts``: tries per segment before giving up (retryable failures only).
        ``backoff``/``max_backoff``: seconds; the wait after the n-th failure is uniform in
        ``[0, min(max_backoff, backoff * 2 ** (n - 1))]``.
        ``timeout`` + ``timeout_per_char`` × characters: seconds one attempt may take.
        ``first_chunk_timeout``: seconds from the start of an attempt to its first audio
        (default ``FIRST_AUDIO_SECONDS``).
        ``deadline``: seconds all the attempts of one call and the waits between them may
        take (default ``CALL_DEADLINE_SECONDS``; never less than one attempt's limit).
        ``breaker_threshold``: attempts in a row that time out or cannot connect before
        every later call fails at once. ``breaker``: the circuit breaker to use (default:
        the process's breaker for the real service through ``proxy``, or, with a
        ``stream_factory``, one of this engine's own).
        ``max_concurrent``: calls in flight at once, within the process and across
        processes sharing ``lock_dir`` (default ``cache_dir()/locks``).
        ``slot_timeout``: seconds to wait for a free slot (None: no limit).
        ``proxy``: an HTTP proxy URL for edge-tts (``HTTPS_PROXY`` is honoured anyway).
        ``stream_factory``: builds the chunk stream of one attempt (default: the real
        service through ``communicate_stream``); tests pass recorded or faulty streams.
        ``seed``: seeds the backoff jitter.
        """
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        if backoff < 0 or max_backoff < 0 or timeout <= 0 or timeout_per_char < 0:
            raise ValueError("backoff must be >= 0 and timeout > 0")
        first_chunk_timeout = FIRST_AUDIO_SECONDS if first_chunk_timeout is None else first_chunk_timeout
        deadline = CALL_DEADLINE_SECONDS if deadline is None else deadline
        if first_chunk_timeout <= 0 or deadline <= 0:
            raise ValueError("first_chunk_timeout and deadline must be > 0")
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.timeout_per_char = timeout_per_char
        self.first_chunk_timeout = first_chunk_timeout
        self.deadline = deadline
        if breaker is None:
            private = stream_factory is not None
            breaker = CircuitBreaker(breaker_threshold) if private else shared_breaker(proxy, breaker_threshold)
        self.breaker = breaker
        self.max_concurrent = max_concurrent
        self.slot_timeout = slot_timeout
        self.proxy = proxy
        self._lock_dir = lock_dir
        self._factory = stream_factory
        self._rng = random.Random(seed)
        self._threads = threading.BoundedSemaphore(max_concurrent)
        self._slots: ProcessSlots | None = None
        self._slots_lock = threading.Lock()
        self._live_voices: dict[str, str] = {}

    @property
    def version(self) -> str:
        """The edge-tts version and this engine's prosody mapping (part of every cache key)."""
        try:
            edge = metadata.version("edge-tts")
        except metadata.PackageNotFoundError:
            edge = "missing"
        from podcast.speech.normalize import NORMALIZER_REVISION

        return f"edge-tts-{edge}+map{MAPPING_REVISION}+norm{NORMALIZER_REVISION}"

    def voices(self) -> list[str]:
        """Voice names ``synthesize`` accepts: the known list, plus the service's own list
        once ``fetch_voices`` has run. Never touches the network."""
        return sorted({*KNOWN_VOICES, *self._live_voices})

    def fetch_voices(self) -> list[str]:
        """Ask the service for its current voice list (needs the network), remember it so
        ``synthesize`` accepts every voice in it, and return the names."""
        edge_tts = _import_edge_tts()

        def attempt(limit: float) -> list[dict[str, Any]]:
            async def fetch() -> list[dict[str, Any]]:
                voices: list[dict[str, Any]] = await asyncio.wait_for(edge_tts.list_voices(proxy=self.proxy), limit)
                return voices

            return _service_call(lambda: _run_private(fetch), limit, edge_tts)

        listed = self._call(attempt, "the voice list", self.timeout)
        found = {str(v["ShortName"]): str(v.get("Gender", "Female")) for v in listed}
        self._live_voices.update(found)
        return sorted(found)

    def slots(self) -> ProcessSlots:
        """The cross-process call slots (created on first use, not here)."""
        with self._slots_lock:
            if self._slots is None:
                directory = self._lock_dir if self._lock_dir is not None else cache_dir() / "locks"
                self._slots = ProcessSlots(directory, self.max_concurrent)
            return self._slots

    def request(self, text: str, prosody: Prosody) -> EdgeRequest:
        """What would be sent for ``text`` at ``prosody``; ``UnknownNameError`` for a voice
        the service does not offer."""
        voice = self._check_voice(prosody.voice)
        gender = KNOWN_VOICES.get(voice) or self._live_voices.get(voice, "Female")
        # The neural voices read English words well but not every symbol or URL, and the
        # offline voice's normalization keeps both engines saying the same thing.
        from podcast.speech.normalize import normalize_en, normalize_zh

        spoken = normalize_zh(text) if is_chinese(voice) else normalize_en(text)
        return EdgeRequest(
            text=spoken,
            voice=voice,
            rate=rate_string(prosody.rate),
            volume=volume_string(prosody.volume),
            pitch=pitch_string(prosody.pitch, NOMINAL_F0.get(gender, NOMINAL_F0["Female"])),
        )

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        """Speak ``text`` through the service: 24 kHz float32 audio with one timing per
        sentence. Text with nothing to say gives empty audio without a call.

        Raises ``UnknownNameError`` for an unknown voice and ``SpeechError`` for a request
        edge-tts rejects (neither is retried), ``ServiceError`` when the service keeps
        failing or is not answering (at once, once the breaker is open), ``AudioError``
        when ffmpeg cannot decode what arrived.
        """
        request = self.request(text, prosody)
        if not any(ch.isalnum() for ch in text):
            return Audio(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        edge_tts = _import_edge_tts()
        factory = self._factory or self._default_factory
        limit = call_timeout(text, self.timeout, self.timeout_per_char)

        def attempt(limit: float) -> Audio:
            # A first-audio limit as long as the whole attempt's adds nothing.
            first = self.first_chunk_timeout if self.first_chunk_timeout < limit else None
            data, boundaries = _service_call(
                lambda: _run_private(lambda: asyncio.wait_for(_collect(factory, request, first), limit)),
                limit,
                edge_tts,
            )
            samples = ffmpeg.decode(data, sample_rate=SAMPLE_RATE, input_format="mp3")
            if len(samples) == 0:
                raise _RetryableError(_Fault("no-audio", "the audio received decoded to nothing"))
            duration = len(samples) / SAMPLE_RATE
            return Audio(samples, SAMPLE_RATE, timings_from_boundaries(boundaries, duration))

        return self._call(attempt, request.voice, limit)

    def _default_factory(self, request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        return communicate_stream(request, proxy=self.proxy)

    def _call(self, attempt: Callable[[float], _T], subject: str, limit: float) -> _T:
        """Run ``attempt(seconds it may take)`` in a slot, again after each failure that
        may pass, within the call's deadline; one ``ServiceError`` when none is left, at
        once when the breaker is open."""
        self.breaker.check()
        faults: list[_Fault] = []
        ends: float | None = None  # the call's deadline, set when its first attempt starts
        for number in range(1, self.attempts + 1):
            try:
                with self._slot():
                    self.breaker.check()  # it may have opened while this call waited
                    now = time.monotonic()
                    if ends is None:
                        ends = now + max(self.deadline, limit)
                    result = attempt(min(limit, ends - now))
            except _RetryableError as exc:
                faults.append(exc.fault)
                opened = self.breaker.record(exc.fault)
            else:
                self.breaker.record(None)
                return result
            if number == self.attempts:
                break
            if opened:
                raise ServiceError(self.breaker.message())
            assert ends is not None
            delay = backoff_delay(number, self.backoff, self.max_backoff, self._rng)
            if delay >= ends - time.monotonic():
                break  # no time left for another attempt
            _log.info(
                "edge-tts attempt %d/%d for %s failed (%s); retrying in %.2f s",
                number,
                self.attempts,
                subject,
                faults[-1].reason,
                delay,
            )
            if self.breaker.wait(delay):
                raise ServiceError(self.breaker.message())
        raise ServiceError(_give_up_message(faults, subject))

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        started = time.monotonic()
        if not self._threads.acquire(timeout=self.slot_timeout):
            raise ServiceError(
                f"waited {self.slot_timeout:.3g} s for a free edge-tts call slot in this process; "
                "lower the number of parallel renders"
            )
        try:
            remaining = None
            if self.slot_timeout is not None:
                remaining = max(0.0, self.slot_timeout - (time.monotonic() - started))
            with self.slots().hold(remaining):
                yield
        finally:
            self._threads.release()

    def _check_voice(self, voice: str) -> str:
        if voice in KNOWN_VOICES or voice in self._live_voices:
            return voice
        known = self.voices()
        if voice in WITHDRAWN_VOICES:
            why = f"edge voice {voice!r} was {WITHDRAWN_VOICES[voice]}"
        else:
            why = f"unknown edge voice {voice!r}"
            close = difflib.get_close_matches(voice, known, n=1)
            if close:
                why += f" (did you mean {close[0]!r}?)"
        raise UnknownNameError(f"{why}; known: {', '.join(known)}")
