"""One call to the edge-tts service: the request and the chunks of its stream, the real
service (:func:`communicate_stream`, importing edge-tts only when called), and running
one call on a private event loop until all its audio has arrived."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any, NotRequired, TypedDict, TypeVar

from podcast.errors import SpeechError
from podcast.speech.base import Timing

_T = TypeVar("_T")

# --- Requests and streams --------------------------------------------------------------

SAMPLE_RATE = 24000
"""The service always sends 24 kHz 48 kbps mono MP3; it is decoded at its own rate."""
TICKS_PER_SECOND = 10_000_000
"""Boundary offsets and durations arrive in 100-nanosecond ticks."""
INSTALL_HINT = "pip install 'xiaoya-podcast[edge]'"
FIRST_AUDIO_SECONDS = 10.0
"""Seconds from the start of an attempt to its first audio: the service starts streaming
within a second or two whatever the text's length; one that has not begun by then (it
accepted the connection and went silent) is not going to."""


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


def call_timeout(text: str, base: float, per_character: float) -> float:
    """Seconds one call may take: a fixed allowance plus time for each character.

    >>> call_timeout("你好", 15.0, 0.1)
    15.2
    """
    return base + per_character * len(text)


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


class _EmptyAudioError(Exception):
    """The stream ended without audio (edge-tts itself only notices for some failures)."""


class _BadRequestError(Exception):
    """The factory rejected the request (edge-tts validates voice, rate, pitch, text)."""


class _NoFirstAudioError(TimeoutError):
    """No audio arrived within the first-audio deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no audio within {seconds:.3g} s")
        self.seconds = seconds


async def _collect(
    factory: StreamFactory, request: EdgeRequest, first_audio: float | None = None
) -> tuple[bytes, list[StreamChunk]]:
    """All the audio and sentence boundaries of one stream; the first audio must arrive
    within ``first_audio`` seconds (None: no such limit; the caller bounds the whole)."""
    try:
        stream = factory(request)
    except (ValueError, TypeError) as exc:
        raise _BadRequestError(str(exc)) from exc
    audio = bytearray()
    boundaries: list[StreamChunk] = []
    scope = asyncio.timeout(first_audio)
    try:
        async with scope:
            async for chunk in stream:
                if chunk["type"] == "audio":
                    data = chunk.get("data", b"")
                    if data and not audio:
                        scope.reschedule(None)  # it is speaking: only the whole call's limit is left
                    audio += data
                elif chunk["type"] == "SentenceBoundary":
                    boundaries.append(chunk)
    except TimeoutError as exc:
        if first_audio is not None and scope.expired():
            raise _NoFirstAudioError(first_audio) from exc
        raise
    finally:
        if isinstance(stream, AsyncGenerator):
            await stream.aclose()
    if not audio:
        raise _EmptyAudioError("the stream ended without audio")
    return bytes(audio), boundaries
