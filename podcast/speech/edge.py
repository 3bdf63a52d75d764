"""The ``edge`` speech engine: Microsoft's neural voices through edge-tts (needs the network).

The service behind edge-tts is free, unauthenticated and unreliable: it refuses handshakes
when its token scheme changes, sends no audio now and then, rate-limits parallel
connections and can hang without an answer. So every call here is bounded in time,
failures that may pass are retried with exponential backoff and full jitter, failures that
will not pass are reported at once, and at most ``max_concurrent`` calls are in flight
at a time, across the threads of this process and across processes of this user (lock
files under ``cache_dir()/locks``).

edge-tts is an optional extra and is imported only when the service is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import math
import os
import random
import tempfile
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, NotRequired, TypedDict, TypeVar

import numpy as np

from podcast.audio import ffmpeg
from podcast.errors import ServiceError, SpeechError, UnknownNameError
from podcast.paths import cache_dir
from podcast.speech.base import Audio, Prosody, Timing

__all__ = [
    "KNOWN_VOICES",
    "SAMPLE_RATE",
    "EdgeEngine",
    "EdgeRequest",
    "ProcessSlots",
    "StreamChunk",
    "StreamFactory",
    "backoff_delay",
    "call_timeout",
    "communicate_stream",
    "pitch_string",
    "rate_string",
    "timings_from_boundaries",
    "volume_string",
]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

SAMPLE_RATE = 24000
"""The service always sends 24 kHz 48 kbps mono MP3; it is decoded at its own rate."""
TICKS_PER_SECOND = 10_000_000
"""Boundary offsets and durations arrive in 100-nanosecond ticks."""
INSTALL_HINT = "pip install 'xiaoya-podcast[edge]'"
MAPPING_REVISION = 1
"""Bumped whenever the prosody mapping changes, so cached segments are re-synthesized."""

KNOWN_VOICES: Mapping[str, Literal["Female", "Male"]] = {
    "zh-CN-XiaoxiaoNeural": "Female",
    "zh-CN-XiaoyiNeural": "Female",
    "zh-CN-YunjianNeural": "Male",
    "zh-CN-YunxiNeural": "Male",
    "zh-CN-YunxiaNeural": "Male",
    "zh-CN-YunyangNeural": "Male",
    "zh-CN-liaoning-XiaobeiNeural": "Female",
    "zh-CN-shaanxi-XiaoniNeural": "Female",
    "en-US-AnaNeural": "Female",
    "en-US-AndrewMultilingualNeural": "Male",
    "en-US-AndrewNeural": "Male",
    "en-US-AriaNeural": "Female",
    "en-US-AvaMultilingualNeural": "Female",
    "en-US-AvaNeural": "Female",
    "en-US-BrianMultilingualNeural": "Male",
    "en-US-BrianNeural": "Male",
    "en-US-ChristopherNeural": "Male",
    "en-US-EmmaMultilingualNeural": "Female",
    "en-US-EmmaNeural": "Female",
    "en-US-EricNeural": "Male",
    "en-US-GuyNeural": "Male",
    "en-US-JennyNeural": "Female",
    "en-US-MichelleNeural": "Female",
    "en-US-RogerNeural": "Male",
    "en-US-SteffanNeural": "Male",
}
"""Voices the service's Edge read-aloud list offers (zh-CN and common en-US), with gender.
The service has hundreds more; ``EdgeEngine.fetch_voices`` adds them when online."""

WITHDRAWN_VOICES: Mapping[str, str] = {
    "zh-CN-XiaochenNeural": "withdrawn by the service in 2025",
}
"""Voices that used to work and now only produce "no audio received"."""

NOMINAL_F0 = {"Female": 200.0, "Male": 120.0}
"""Typical speaking F0 in Hz of an adult voice, the base for turning a pitch multiplier into
the Hz offset edge-tts takes (it accepts no percentage for pitch)."""

# Azure's documented SSML limits: rate 0.5–2 times and pitch 0.5–1.5 times the voice's
# own; volume is relative to the default, which already is the maximum (100).
RATE_RANGE = (0.5, 2.0)
PITCH_RANGE = (0.5, 1.5)
VOLUME_RANGE = (0.0, 2.0)


class StreamChunk(TypedDict):
    """One item of an edge-tts stream (the wire format of ``edge_tts.Communicate.stream``)."""

    type: str
    data: NotRequired[bytes]
    offset: NotRequired[float]
    duration: NotRequired[float]
    text: NotRequired[str]


@dataclass(frozen=True, slots=True)
class EdgeRequest:
    """One synthesis request, in the strings edge-tts takes."""

    text: str
    """The text to speak, plain (edge-tts escapes it)."""
    voice: str
    """Short voice name, ``zh-CN-XiaoxiaoNeural``."""
    rate: str = "+0%"
    """Relative speaking rate, ``+10%``."""
    volume: str = "+0%"
    """Relative volume, ``-20%``."""
    pitch: str = "+0Hz"
    """Pitch offset, ``+10Hz``."""


StreamFactory = Callable[[EdgeRequest], AsyncIterator[StreamChunk]]
"""Builds the chunk stream for one attempt; called anew for every attempt."""


def _clamp(value: float, bounds: tuple[float, float], what: str) -> float:
    if not math.isfinite(value):
        raise SpeechError(f"the {what} multiplier must be a finite number, not {value}")
    return min(max(value, bounds[0]), bounds[1])


def _signed(number: int, unit: str) -> str:
    return f"{number:+d}{unit}"


def rate_string(multiplier: float) -> str:
    """The edge-tts ``rate`` for a speaking-rate multiplier, clamped to what the service takes.

    >>> rate_string(1.1), rate_string(0.9), rate_string(1.0), rate_string(5.0), rate_string(0.0)
    ('+10%', '-10%', '+0%', '+100%', '-50%')
    """
    return _signed(round((_clamp(multiplier, RATE_RANGE, "rate") - 1.0) * 100), "%")


def volume_string(multiplier: float) -> str:
    """The edge-tts ``volume`` for a loudness multiplier.

    >>> volume_string(0.8), volume_string(1.0), volume_string(-1.0), volume_string(3.0)
    ('-20%', '+0%', '-100%', '+100%')
    """
    return _signed(round((_clamp(multiplier, VOLUME_RANGE, "volume") - 1.0) * 100), "%")


def pitch_string(multiplier: float, nominal_f0: float) -> str:
    """The edge-tts ``pitch`` (an offset in Hz) for a pitch multiplier of a voice speaking
    around ``nominal_f0`` Hz.

    >>> pitch_string(1.05, 200.0), pitch_string(0.95, 120.0), pitch_string(1.001, 200.0)
    ('+10Hz', '-6Hz', '+0Hz')
    >>> pitch_string(3.0, 200.0), pitch_string(0.1, 200.0)
    ('+100Hz', '-100Hz')
    """
    return _signed(round((_clamp(multiplier, PITCH_RANGE, "pitch") - 1.0) * nominal_f0), "Hz")


def call_timeout(text: str, base: float, per_character: float) -> float:
    """Seconds one call may take: a fixed allowance plus time for each character.

    >>> call_timeout("你好", 15.0, 0.1)
    15.2
    """
    return base + per_character * len(text)


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after the ``failures``-th failure: exponential backoff with full
    jitter, uniform in ``[0, min(cap, base * 2 ** (failures - 1))]``.

    Full jitter keeps parallel workers that failed together from retrying together.

    >>> rng = random.Random(0)
    >>> all(0 <= backoff_delay(n, 1.0, 5.0, rng) <= min(5.0, 2 ** (n - 1)) for n in range(1, 10))
    True
    """
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, failures - 1)))


def timings_from_boundaries(boundaries: Iterable[StreamChunk], duration: float) -> tuple[Timing, ...]:
    """Sentence timings from ``SentenceBoundary`` chunks (100 ns ticks), in order and
    clamped to the audio's ``duration``.

    >>> b = [{"type": "SentenceBoundary", "offset": 1e7, "duration": 5e6, "text": "二。"},
    ...      {"type": "SentenceBoundary", "offset": 0.0, "duration": 9e6, "text": "一。"}]
    >>> [(t.text, t.start, t.end) for t in timings_from_boundaries(b, 1.2)]
    [('一。', 0.0, 0.9), ('二。', 1.0, 1.2)]
    """
    timings = []
    for chunk in boundaries:
        start = min(max(chunk.get("offset", 0.0) / TICKS_PER_SECOND, 0.0), duration)
        end = min(start + max(chunk.get("duration", 0.0), 0.0) / TICKS_PER_SECOND, duration)
        timings.append(Timing(chunk.get("text", ""), start, end))
    return tuple(sorted(timings, key=lambda t: (t.start, t.end)))


def _one_line(text: str, limit: int = 120) -> str:
    """``text`` on one line, cut to ``limit`` characters.

    >>> _one_line("Cannot connect\\n  to host", 20)
    'Cannot connect to h…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _import_edge_tts() -> ModuleType:
    try:
        import edge_tts
    except ImportError as exc:
        raise SpeechError(f"the edge engine needs edge-tts: {INSTALL_HINT}") from exc
    return edge_tts


def communicate_stream(
    request: EdgeRequest, *, proxy: str | None = None, connect_timeout: int = 10
) -> AsyncIterator[StreamChunk]:
    """The real service: ``edge_tts.Communicate(...).stream()`` with sentence boundaries."""
    edge_tts = _import_edge_tts()
    communicate = edge_tts.Communicate(
        request.text,
        request.voice,
        rate=request.rate,
        volume=request.volume,
        pitch=request.pitch,
        boundary="SentenceBoundary",
        proxy=proxy,
        connect_timeout=connect_timeout,
    )
    stream: AsyncIterator[StreamChunk] = communicate.stream()
    return stream


# --- Failures -------------------------------------------------------------------------

Kind = Literal["unreachable", "timeout", "refused", "rate-limited", "no-audio", "failing"]

_HEADLINE: Mapping[Kind, str] = {
    "unreachable": "could not be reached",
    "timeout": "did not answer in time",
    "refused": "refused the connection",
    "rate-limited": "kept rate-limiting",
    "no-audio": "sent no audio",
    "failing": "kept failing",
}
_ADVICE: Mapping[Kind, str] = {
    "unreachable": "check the network or use --engine offline",
    "timeout": "try again later or use --engine offline",
    "refused": "the service may have changed its access scheme: upgrade edge-tts "
    "(pip install -U edge-tts) or use --engine offline",
    "rate-limited": "render with fewer parallel workers, wait a while, or use --engine offline",
    "no-audio": "the service may be down or may have withdrawn the voice: "
    "try again later, choose another voice, or use --engine offline",
    "failing": "try again later or use --engine offline",
}


@dataclass(frozen=True, slots=True)
class _Fault:
    kind: Kind
    reason: str


def _classify(exc: BaseException, limit: float, edge_tts: ModuleType) -> _Fault:
    """What a failed call means, for a network, service or timeout error (all retried)."""
    import aiohttp

    errors = edge_tts.exceptions
    # TimeoutError is also an OSError: it must be matched first.
    if isinstance(exc, TimeoutError):
        return _Fault("timeout", f"no answer within {limit:.3g} s")
    if isinstance(exc, aiohttp.ClientResponseError):
        status = exc.status
        where = " on the websocket handshake" if isinstance(exc, aiohttp.WSServerHandshakeError) else ""
        kind: Kind = "refused" if status in (401, 403) else "rate-limited" if status == 429 else "failing"
        return _Fault(kind, f"HTTP {status}{where}")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return _Fault("unreachable", f"DNS lookup failed for {exc.host}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        what = "the proxy" if isinstance(exc, aiohttp.ClientProxyConnectionError) else "the service"
        where = f"{what} at {exc.host}:{exc.port}"
        return _Fault("unreachable", f"cannot connect to {where}: {_cause(exc.os_error)}")
    if isinstance(exc, aiohttp.ClientError):
        return _Fault("failing", _one_line(f"{type(exc).__name__}: {exc}", 80))
    if isinstance(exc, OSError):
        return _Fault("unreachable", _cause(exc))
    if isinstance(exc, errors.NoAudioReceived):
        return _Fault("no-audio", "no audio received")
    if isinstance(exc, errors.WebSocketError):
        return _Fault("failing", _one_line(f"websocket error: {exc}", 80))
    if isinstance(exc, errors.SkewAdjustmentError):
        return _Fault("refused", "HTTP 403 and the clock-skew retry failed")
    return _Fault("failing", _one_line(f"{type(exc).__name__}: {exc}", 80))


def _cause(exc: OSError) -> str:
    """What went wrong at the socket, in a few words.

    >>> _cause(ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)"))
    'connection refused'
    """
    # aiohttp replaces strerror with the address it tried; the errno says more.
    if exc.errno is not None and exc.errno > 0:
        return os.strerror(exc.errno).lower()
    return _one_line(exc.strerror or str(exc) or type(exc).__name__, 80).lower()


def _give_up_message(faults: list[_Fault], voice: str) -> str:
    last = faults[-1]
    reasons = list(dict.fromkeys(f.reason for f in faults))
    headline = _HEADLINE[last.kind]
    if last.kind == "no-audio":
        headline += f" for {voice}"
    attempts = f"{len(faults)} attempt{'s' if len(faults) != 1 else ''}"
    return f"the edge-tts service {headline} after {attempts} ({'; '.join(reasons)}); {_ADVICE[last.kind]}"


# --- Running one call ------------------------------------------------------------------

# Tasks still pending when a call ends are given this long to react to cancellation.
_CLEANUP_SECONDS = 1.0


def _run_private(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine on an event loop of its own and close everything it opened.

    Unlike ``asyncio.run``, this does not wait for the loop's executor threads: aiohttp
    resolves names with a blocking ``getaddrinfo`` in such a thread, and a stuck resolver
    would otherwise stretch a timed-out call far past its timeout.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        # Called from inside a running loop (an async application, a notebook), where a
        # second loop cannot run in this thread: the call gets a thread of its own.
        box: list[_T] = []
        errors: list[BaseException] = []

        def target() -> None:
            try:
                box.append(_run_private(make))
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=target, name="edge-tts-call")
        thread.start()
        thread.join()
        if errors:
            raise errors[0]
        return box[0]

    loop = asyncio.new_event_loop()
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="edge-tts-resolver")
    loop.set_default_executor(executor)
    try:
        return loop.run_until_complete(make())
    finally:
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=_CLEANUP_SECONDS))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            loop.close()


class _RetryableError(Exception):
    """A failed call that may succeed if tried again."""

    def __init__(self, fault: _Fault) -> None:
        super().__init__(fault.reason)
        self.fault = fault


class _EmptyAudioError(Exception):
    """The stream ended without audio (edge-tts itself only notices for some failures)."""


class _BadRequestError(Exception):
    """The factory rejected the request (edge-tts validates voice, rate, pitch, text)."""


async def _collect(factory: StreamFactory, request: EdgeRequest) -> tuple[bytes, list[StreamChunk]]:
    try:
        stream = factory(request)
    except (ValueError, TypeError) as exc:
        raise _BadRequestError(str(exc)) from exc
    audio = bytearray()
    boundaries: list[StreamChunk] = []
    try:
        async for chunk in stream:
            if chunk["type"] == "audio":
                audio += chunk.get("data", b"")
            elif chunk["type"] == "SentenceBoundary":
                boundaries.append(chunk)
    finally:
        if isinstance(stream, AsyncGenerator):
            await stream.aclose()
    if not audio:
        raise _EmptyAudioError("the stream ended without audio")
    return bytes(audio), boundaries


# --- Slots -----------------------------------------------------------------------------

_SLOT_NOTE = (
    b"A slot for one call to the edge-tts service, held with flock(2) while the call runs.\n"
    b"Safe to delete when no podcast process is running.\n"
)
# Waiting for a slot another process holds is a poll; the jitter keeps waiters apart.
_POLL_SECONDS = (0.02, 0.1)


class ProcessSlots:
    """``count`` lock files in ``directory``, one per call allowed in flight across the
    processes of this user. A slot is held with ``fcntl.flock``, which the system releases
    when its holder exits, however it exits.

    Where ``fcntl`` does not exist (Windows) or the directory cannot be written, the slots
    admit every caller, and only the limit within each process applies.
    """

    def __init__(self, directory: Path, count: int) -> None:
        self.directory = Path(directory)
        self.count = count
        self._ready: bool | None = None
        self._ready_lock = threading.Lock()

    @property
    def paths(self) -> list[Path]:
        """The lock files, one per slot."""
        return [self.directory / f"edge-tts-slot-{n}.lock" for n in range(self.count)]

    def _prepare(self) -> bool:
        with self._ready_lock:
            if self._ready is None:
                try:
                    import fcntl  # noqa: F401
                except ImportError:
                    self._ready = False
                    _log.warning("no fcntl here: the edge-tts call limit applies within each process only")
                    return False
                try:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    for path in self.paths:
                        _create_lock_file(path)
                    self._ready = True
                except OSError as exc:
                    self._ready = False
                    _log.warning(
                        "cannot create edge-tts slot files in %s (%s): the call limit applies within each process only",
                        self.directory,
                        exc.strerror or exc,
                    )
            return self._ready

    @contextlib.contextmanager
    def hold(self, timeout: float | None) -> Iterator[int | None]:
        """Hold a free slot for the duration of the ``with`` block; yields its number, or
        None when slots are not in use here. Raises ``ServiceError`` after ``timeout``
        seconds without a free slot."""
        if not self._prepare():
            yield None
            return
        import fcntl

        deadline = None if timeout is None else time.monotonic() + timeout
        start = random.randrange(self.count)
        while True:
            for step in range(self.count):
                number = (start + step) % self.count
                path = self.paths[number]
                try:
                    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
                except FileNotFoundError:
                    # Someone cleaned the cache: put the file back, and try it next round.
                    self.directory.mkdir(parents=True, exist_ok=True)
                    _create_lock_file(path)
                    continue
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                except BaseException:
                    os.close(fd)
                    raise
                try:
                    yield number
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)
                return
            if deadline is not None and time.monotonic() >= deadline:
                raise ServiceError(
                    f"waited {timeout:.3g} s for one of the {self.count} edge-tts call slots in "
                    f"{self.directory}: other podcast processes hold them all; wait for them to finish "
                    "or stop them"
                )
            time.sleep(random.uniform(*_POLL_SECONDS))


def _create_lock_file(path: Path) -> None:
    """Create ``path`` with a note inside, never replacing an existing one (its inode may
    be locked right now) and never leaving it empty."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(prefix=".edge-tts-slot.", dir=path.parent)
    try:
        os.write(fd, _SLOT_NOTE)
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            return
        # Filesystems without hard links: create in place (briefly empty).
        with contextlib.suppress(FileExistsError):
            new = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(new, _SLOT_NOTE)
            finally:
                os.close(new)
    finally:
        os.unlink(tmp)


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
        ``timeout`` + ``timeout_per_char`` × characters: seconds one call may take.
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
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.timeout_per_char = timeout_per_char
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

        async def fetch() -> list[dict[str, Any]]:
            voices: list[dict[str, Any]] = await asyncio.wait_for(edge_tts.list_voices(proxy=self.proxy), self.timeout)
            return voices

        listed = self._call(
            lambda: _service_call(lambda: _run_private(fetch), self.timeout, edge_tts), "the voice list"
        )
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

        spoken = normalize_zh(text) if voice.lower().startswith("zh") else normalize_en(text)
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
        failing, ``AudioError`` when ffmpeg cannot decode what arrived.
        """
        request = self.request(text, prosody)
        if not any(ch.isalnum() for ch in text):
            return Audio(np.zeros(0, dtype=np.float32), SAMPLE_RATE)
        edge_tts = _import_edge_tts()
        factory = self._factory or self._default_factory
        limit = call_timeout(text, self.timeout, self.timeout_per_char)

        def attempt() -> Audio:
            data, boundaries = _service_call(
                lambda: _run_private(lambda: asyncio.wait_for(_collect(factory, request), limit)),
                limit,
                edge_tts,
            )
            samples = ffmpeg.decode(data, sample_rate=SAMPLE_RATE, input_format="mp3")
            if len(samples) == 0:
                raise _RetryableError(_Fault("no-audio", "the audio received decoded to nothing"))
            duration = len(samples) / SAMPLE_RATE
            return Audio(samples, SAMPLE_RATE, timings_from_boundaries(boundaries, duration))

        return self._call(attempt, request.voice)

    def _default_factory(self, request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        return communicate_stream(request, proxy=self.proxy)

    def _call(self, attempt: Callable[[], _T], subject: str) -> _T:
        """Run ``attempt`` in a slot, again after each failure that may pass; one
        ``ServiceError`` when none is left."""
        faults: list[_Fault] = []
        for number in range(1, self.attempts + 1):
            try:
                with self._slot():
                    return attempt()
            except _RetryableError as exc:
                faults.append(exc.fault)
            if number < self.attempts:
                delay = backoff_delay(number, self.backoff, self.max_backoff, self._rng)
                _log.info(
                    "edge-tts attempt %d/%d for %s failed (%s); retrying in %.2f s",
                    number,
                    self.attempts,
                    subject,
                    faults[-1].reason,
                    delay,
                )
                time.sleep(delay)
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


def _service_call(run: Callable[[], _T], limit: float, edge_tts: ModuleType) -> _T:
    """``run()``, one exchange with the service, with its failures sorted: those that may
    pass become ``_RetryableError``, the others ``SpeechError`` or ``ServiceError``."""
    import aiohttp

    errors = edge_tts.exceptions
    try:
        return run()
    except _BadRequestError as exc:
        raise SpeechError(f"edge-tts rejected the request: {_one_line(str(exc))}") from exc
    except (errors.UnknownResponse, errors.UnexpectedResponse) as exc:
        # The service's protocol changed under this edge-tts: retrying cannot help.
        raise ServiceError(
            f"the edge-tts service sent a reply edge-tts does not understand "
            f"({_one_line(str(exc), 80)}); upgrade edge-tts (pip install -U edge-tts) "
            "or use --engine offline"
        ) from exc
    except _EmptyAudioError as exc:
        raise _RetryableError(_Fault("no-audio", "no audio received")) from exc
    except (TimeoutError, OSError, aiohttp.ClientError, errors.EdgeTTSException) as exc:
        raise _RetryableError(_classify(exc, limit, edge_tts)) from exc
