"""The edge engine, offline: recorded streams, injected faults, and the call limits.

The "recorded" stream is a real MP3 (a tone encoded by ffmpeg in the service's format,
24 kHz 48 kbps mono, no ID3 or Xing header) cut into chunks the way edge-tts delivers
them, with ``SentenceBoundary`` chunks in 100 ns ticks. Faults are the exceptions edge-tts
and aiohttp raise, built by hand or produced by real aiohttp against local sockets.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import edge_tts
import numpy as np
import pytest
from aiohttp.client_reqrep import ConnectionKey, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from podcast.audio import ffmpeg
from podcast.errors import ServiceError, SpeechError, UnknownNameError
from podcast.paths import CACHE_ENV
from podcast.speech.base import Engine, Prosody
from podcast.speech.edge import (
    KNOWN_VOICES,
    SAMPLE_RATE,
    TICKS_PER_SECOND,
    EdgeEngine,
    EdgeRequest,
    StreamChunk,
    backoff_delay,
    communicate_stream,
    pitch_string,
    rate_string,
    volume_string,
)

ROOT = Path(__file__).resolve().parent.parent
XIAOXIAO = Prosody("zh-CN-XiaoxiaoNeural")
TEXT = "第一句话。第二句话。第三句话。"
TONE_SECONDS = 2.0
MP3_FRAME = 576 / SAMPLE_RATE
"""Samples per MPEG-2 Layer III frame at 24 kHz, in seconds."""
BYTES_PER_SECOND = 48_000 // 8
SENTENCES = [("第一句话。", 0.05, 0.6), ("第二句话。", 0.8, 0.7), ("第三句话。", 1.7, 0.9)]
"""(text, start s, duration s); the last one runs past the end of the audio."""
RATE_OR_VOLUME = re.compile(r"^[+-]\d+%$")
PITCH = re.compile(r"^[+-]\d+Hz$")


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def fresh_breakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process-wide breakers of the real service start closed in every test (a port
    reused by the system must not carry one test's failures into the next)."""
    from podcast.speech.edge import breaker

    monkeypatch.setattr(breaker, "_SHARED", {})


@pytest.fixture(scope="module")
def tone_mp3() -> bytes:
    t = np.arange(round(TONE_SECONDS * SAMPLE_RATE)) / SAMPLE_RATE
    samples = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype("<f4")
    args = ["-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame"]
    args += ["-b:a", "48k", "-id3v2_version", "0", "-write_xing", "0", "-f", "mp3", "pipe:1"]
    return ffmpeg.run(args, data=samples.tobytes()).stdout


def recorded(mp3: bytes, sentences: list[tuple[str, float, float]] = SENTENCES) -> list[StreamChunk]:
    """Audio in uneven binary messages of a few kB, each sentence's boundary just before
    the audio it describes, as the service sends them."""
    rng = random.Random(1)
    cuts = [0]
    while cuts[-1] < len(mp3):
        cuts.append(min(len(mp3), cuts[-1] + rng.randrange(700, 3000)))
    pending = [
        StreamChunk(
            type="SentenceBoundary",
            offset=start * TICKS_PER_SECOND,
            duration=length * TICKS_PER_SECOND,
            text=text,
        )
        for text, start, length in sentences
    ]
    chunks: list[StreamChunk] = []
    for begin, end in itertools.pairwise(cuts):
        while pending and pending[0]["offset"] / TICKS_PER_SECOND * BYTES_PER_SECOND < end:
            chunks.append(pending.pop(0))
        chunks.append(StreamChunk(type="audio", data=mp3[begin:end]))
    return chunks + pending


Behaviour = Callable[[], AsyncIterator[StreamChunk]]


class Scripted:
    """A stream factory: call n behaves like ``behaviours[n]`` (the last one repeats)."""

    def __init__(self, *behaviours: Behaviour) -> None:
        self.behaviours = behaviours
        self.requests: list[EdgeRequest] = []

    @property
    def calls(self) -> int:
        return len(self.requests)

    def __call__(self, request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        self.requests.append(request)
        return self.behaviours[min(len(self.requests), len(self.behaviours)) - 1]()


def replay(chunks: list[StreamChunk]) -> Behaviour:
    async def stream() -> AsyncIterator[StreamChunk]:
        for chunk in chunks:
            await asyncio.sleep(0)
            yield chunk

    return stream


def fail(exc: BaseException) -> Behaviour:
    async def stream() -> AsyncIterator[StreamChunk]:
        await asyncio.sleep(0)
        raise exc
        yield  # an async generator, like edge-tts's stream

    return stream


def dns_error() -> aiohttp.ClientConnectorDNSError:
    host = "speech.platform.bing.com"
    key = ConnectionKey(host, 443, True, True, None, None, None, host)
    return aiohttp.ClientConnectorDNSError(key, OSError(-2, "Name or service not known"))


def handshake_error(status: int) -> aiohttp.WSServerHandshakeError:
    url = URL("wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1")
    info = RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    return aiohttp.WSServerHandshakeError(info, (), status=status, message="Invalid response status")


def engine_for(tmp_path: Path, factory: Scripted | None = None, **options: Any) -> EdgeEngine:
    settings: dict[str, Any] = {"backoff": 0.001, "max_backoff": 0.005, "lock_dir": tmp_path / "locks"}
    settings.update(options)
    return EdgeEngine(stream_factory=factory, **settings)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- A recorded stream becomes Audio -----------------------------------------------------


def test_recorded_stream_gives_audio_and_sentence_timings(tmp_path: Path, tone_mp3: bytes) -> None:
    chunks = recorded(tone_mp3)
    assert sum(c["type"] == "audio" for c in chunks) > 5
    factory = Scripted(replay(chunks))
    audio = engine_for(tmp_path, factory).synthesize(TEXT, XIAOXIAO)

    assert audio.sample_rate == SAMPLE_RATE == 24000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    whole = ffmpeg.decode(tone_mp3, sample_rate=SAMPLE_RATE, input_format="mp3")
    assert len(audio.samples) == len(whole)
    # Decoding adds the codec's delay (~1105 samples) and pads to whole frames.
    assert 0 <= audio.duration - TONE_SECONDS <= 3 * MP3_FRAME
    assert 0.3 < float(np.sqrt(np.mean(audio.samples**2))) < 0.4

    assert [t.text for t in audio.timings] == [s[0] for s in SENTENCES]
    for timing, (_, start, length) in zip(audio.timings, SENTENCES, strict=True):
        assert timing.start == pytest.approx(start)
        assert timing.end == pytest.approx(min(start + length, audio.duration))
    assert all(0 <= t.start <= t.end <= audio.duration for t in audio.timings)
    assert [t.start for t in audio.timings] == sorted(t.start for t in audio.timings)
    assert audio.timings[-1].end == audio.duration

    assert factory.requests == [EdgeRequest(TEXT, "zh-CN-XiaoxiaoNeural", "+0%", "+0%", "+0Hz")]


def test_prosody_reaches_the_request(tmp_path: Path, tone_mp3: bytes) -> None:
    factory = Scripted(replay(recorded(tone_mp3)))
    engine = engine_for(tmp_path, factory)
    engine.synthesize(TEXT, Prosody("zh-CN-YunyangNeural", rate=1.25, pitch=0.9, volume=0.5))
    engine.synthesize(TEXT, Prosody("zh-CN-XiaoxiaoNeural", rate=0.9, pitch=1.05, volume=1.0))
    assert [(r.voice, r.rate, r.pitch, r.volume) for r in factory.requests] == [
        ("zh-CN-YunyangNeural", "+25%", "-12Hz", "-50%"),
        ("zh-CN-XiaoxiaoNeural", "-10%", "+10Hz", "+0%"),
    ]


@pytest.mark.parametrize(
    ("multiplier", "expected"),
    [
        (1.0, "+0%"),
        (1.1, "+10%"),
        (0.9, "-10%"),
        (0.999, "+0%"),
        (1.004, "+0%"),
        (1.006, "+1%"),
        (2.0, "+100%"),
        (7.5, "+100%"),
        (0.5, "-50%"),
        (0.2, "-50%"),
        (0.0, "-50%"),
        (-3.0, "-50%"),
    ],
)
def test_rate_string(multiplier: float, expected: str) -> None:
    assert rate_string(multiplier) == expected
    assert RATE_OR_VOLUME.match(expected)


@pytest.mark.parametrize(
    ("multiplier", "expected"),
    [
        (1.0, "+0%"),
        (0.8, "-20%"),
        (1.2, "+20%"),
        (0.0, "-100%"),
        (-1.0, "-100%"),
        (2.0, "+100%"),
        (10.0, "+100%"),
    ],
)
def test_volume_string(multiplier: float, expected: str) -> None:
    assert volume_string(multiplier) == expected
    assert RATE_OR_VOLUME.match(expected)


@pytest.mark.parametrize(
    ("multiplier", "f0", "expected"),
    [
        (1.0, 200.0, "+0Hz"),
        (1.05, 200.0, "+10Hz"),
        (0.95, 120.0, "-6Hz"),
        (1.0001, 200.0, "+0Hz"),
        (0.9999, 200.0, "+0Hz"),
        (1.5, 120.0, "+60Hz"),
        (9.0, 120.0, "+60Hz"),
        (0.5, 200.0, "-100Hz"),
        (0.0, 200.0, "-100Hz"),
    ],
)
def test_pitch_string(multiplier: float, f0: float, expected: str) -> None:
    assert pitch_string(multiplier, f0) == expected
    assert PITCH.match(expected)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_prosody_is_a_speech_error(tmp_path: Path, bad: float) -> None:
    factory = Scripted(fail(AssertionError("must not be called")))
    with pytest.raises(SpeechError, match="finite"):
        engine_for(tmp_path, factory).synthesize(TEXT, Prosody("zh-CN-XiaoxiaoNeural", rate=bad))
    assert factory.calls == 0


def test_nothing_to_say_gives_empty_audio_without_a_call(tmp_path: Path) -> None:
    factory = Scripted(fail(AssertionError("must not be called")))
    for text in ("", "   ", "。……！"):
        audio = engine_for(tmp_path, factory).synthesize(text, XIAOXIAO)
        assert len(audio.samples) == 0 and audio.timings == ()
    assert factory.calls == 0


# --- Faults: retried, then one ServiceError ----------------------------------------------


def hang() -> Behaviour:
    async def stream() -> AsyncIterator[StreamChunk]:
        await asyncio.Event().wait()
        yield StreamChunk(type="audio", data=b"")

    return stream


def boundaries_only() -> AsyncIterator[StreamChunk]:
    return replay([StreamChunk(type="SentenceBoundary", offset=0.0, duration=1e6, text="。")])()


FAULTS: dict[str, tuple[Behaviour, str]] = {
    "timeout": (hang(), "did not answer in time after 3 attempts (no answer within 0.2 s)"),
    "dns": (
        fail(dns_error()),
        "could not be reached after 3 attempts (DNS lookup failed for "
        "speech.platform.bing.com); check the network or use --engine offline",
    ),
    "refused": (
        fail(ConnectionRefusedError(111, "Connection refused")),
        "could not be reached after 3 attempts (connection refused)",
    ),
    "reset": (fail(aiohttp.ServerDisconnectedError()), "kept failing after 3 attempts"),
    "403": (
        fail(handshake_error(403)),
        "refused the connection after 3 attempts (HTTP 403 on the websocket handshake)",
    ),
    "429": (fail(handshake_error(429)), "kept rate-limiting after 3 attempts (HTTP 429"),
    "no-audio": (
        fail(edge_tts.exceptions.NoAudioReceived("No audio was received.")),
        "sent no audio for zh-CN-XiaoxiaoNeural after 3 attempts",
    ),
    "empty": (boundaries_only, "sent no audio for zh-CN-XiaoxiaoNeural after 3 attempts"),
    "websocket": (
        fail(edge_tts.exceptions.WebSocketError("closed")),
        "kept failing after 3 attempts (websocket error: closed)",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_is_retried_then_one_service_error(tmp_path: Path, fault: str) -> None:
    behaviour, message = FAULTS[fault]
    factory = Scripted(behaviour)
    engine = engine_for(tmp_path, factory, attempts=3, timeout=0.2, timeout_per_char=0.0)
    started = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        engine.synthesize(TEXT, XIAOXIAO)
    elapsed = time.monotonic() - started

    assert factory.calls == 3
    assert elapsed < 3 * 0.2 + 1.0
    text = str(caught.value)
    assert "\n" not in text and text.startswith("the edge-tts service ")
    assert message in text
    assert "--engine offline" in text
    assert not isinstance(caught.value.__context__, ServiceError)


def test_refused_connection_through_real_edge_tts(tmp_path: Path) -> None:
    proxy = f"http://127.0.0.1:{closed_port()}"
    requests: list[EdgeRequest] = []

    def real(request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        requests.append(request)
        return communicate_stream(request, proxy=proxy)

    engine = EdgeEngine(stream_factory=real, attempts=2, backoff=0.001, lock_dir=tmp_path / "locks")
    with pytest.raises(
        ServiceError,
        match=r"could not be reached after 2 attempts \(cannot connect to "
        r"the proxy at 127\.0\.0\.1:\d+: connection refused\)",
    ):
        engine.synthesize("你好。", XIAOXIAO)
    assert len(requests) == 2


def test_silent_server_is_cut_off_by_the_timeout(tmp_path: Path, silent_server: int) -> None:
    # edge-tts's own connect and receive timeouts do not cover a server that accepts and
    # then says nothing; the engine's bound does.
    engine = EdgeEngine(
        proxy=f"http://127.0.0.1:{silent_server}",
        attempts=2,
        backoff=0.001,
        timeout=0.3,
        timeout_per_char=0.0,
        lock_dir=tmp_path / "locks",
    )
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"did not answer in time after 2 attempts"):
        engine.synthesize("你好。", XIAOXIAO)
    assert time.monotonic() - started < 2.0


def test_stuck_resolver_thread_does_not_stretch_the_timeout(tmp_path: Path) -> None:
    # aiohttp resolves names in an executor thread; a stuck getaddrinfo must not hold the call.
    async def stuck() -> AsyncIterator[StreamChunk]:
        await asyncio.get_running_loop().run_in_executor(None, time.sleep, 1.5)
        yield StreamChunk(type="audio", data=b"")

    engine = engine_for(tmp_path, Scripted(stuck), attempts=1, timeout=0.2, timeout_per_char=0.0)
    started = time.monotonic()
    with pytest.raises(ServiceError, match="did not answer in time after 1 attempt "):
        engine.synthesize(TEXT, XIAOXIAO)
    assert time.monotonic() - started < 1.0


def test_backoff_waits_between_attempts(tmp_path: Path) -> None:
    factory = Scripted(fail(dns_error()))
    # A breaker that does not open before the fourth attempt: this is about the waits.
    engine = engine_for(tmp_path, factory, attempts=4, backoff=0.05, max_backoff=1.0, seed=7, breaker_threshold=5)
    rng = random.Random(7)
    planned = sum(backoff_delay(n, 0.05, 1.0, rng) for n in (1, 2, 3))
    started = time.monotonic()
    with pytest.raises(ServiceError, match="after 4 attempts"):
        engine.synthesize(TEXT, XIAOXIAO)
    assert planned <= time.monotonic() - started < planned + 1.0
    assert factory.calls == 4


def test_a_fault_then_success_returns_the_audio(tmp_path: Path, tone_mp3: bytes) -> None:
    factory = Scripted(fail(handshake_error(403)), replay(recorded(tone_mp3)))
    audio = engine_for(tmp_path, factory).synthesize(TEXT, XIAOXIAO)
    assert factory.calls == 2
    assert len(audio.timings) == 3 and audio.duration > TONE_SECONDS


def test_a_timed_out_call_leaves_no_thread_or_open_stream(tmp_path: Path, tone_mp3: bytes) -> None:
    closed: list[bool] = []

    async def hang_then_close() -> AsyncIterator[StreamChunk]:
        try:
            await asyncio.Event().wait()
            yield StreamChunk(type="audio", data=b"")
        finally:
            closed.append(True)

    before = threading.active_count()
    factory = Scripted(hang_then_close, replay(recorded(tone_mp3)))
    audio = engine_for(tmp_path, factory, timeout=0.2, timeout_per_char=0.0).synthesize(TEXT, XIAOXIAO)
    assert len(audio.samples) > 0 and closed == [True]
    deadline = time.monotonic() + 2.0
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before


def test_works_when_called_inside_a_running_event_loop(tmp_path: Path, tone_mp3: bytes) -> None:
    engine = engine_for(tmp_path, Scripted(replay(recorded(tone_mp3))))

    async def caller() -> int:
        return len(engine.synthesize(TEXT, XIAOXIAO).timings)

    assert asyncio.run(caller()) == 3


# --- Failures that will not pass are not retried -----------------------------------------


def test_unknown_voice_is_not_retried(tmp_path: Path) -> None:
    factory = Scripted(fail(AssertionError("must not be called")))
    engine = engine_for(tmp_path, factory)
    with pytest.raises(UnknownNameError) as caught:
        engine.synthesize(TEXT, Prosody("zh-CN-XiaoxiaoNeurl"))
    message = str(caught.value)
    assert "did you mean 'zh-CN-XiaoxiaoNeural'?" in message
    assert "zh-CN-YunyangNeural" in message and "en-US-AriaNeural" in message and "\n" not in message
    with pytest.raises(UnknownNameError, match="zh-CN-XiaochenNeural' was withdrawn"):
        engine.synthesize(TEXT, Prosody("zh-CN-XiaochenNeural"))
    assert factory.calls == 0


def test_request_edge_tts_rejects_is_not_retried(tmp_path: Path) -> None:
    def rejecting(request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        calls.append(request)
        raise ValueError("Invalid rate '+x%'.")

    calls: list[EdgeRequest] = []
    engine = EdgeEngine(stream_factory=rejecting, lock_dir=tmp_path / "locks")
    with pytest.raises(SpeechError, match="edge-tts rejected the request: Invalid rate"):
        engine.synthesize(TEXT, XIAOXIAO)
    assert len(calls) == 1


def test_unexpected_reply_is_not_retried(tmp_path: Path) -> None:
    factory = Scripted(fail(edge_tts.exceptions.UnexpectedResponse("binary message without path")))
    with pytest.raises(ServiceError, match=r"does not understand .*upgrade edge-tts"):
        engine_for(tmp_path, factory).synthesize(TEXT, XIAOXIAO)
    assert factory.calls == 1


def test_missing_edge_tts_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "edge_tts", None)
    with pytest.raises(SpeechError, match=re.escape("pip install 'xiaoya-podcast[edge]'")):
        EdgeEngine(lock_dir=tmp_path / "locks").synthesize(TEXT, XIAOXIAO)


# --- The engine's face -------------------------------------------------------------------


def test_engine_protocol_voices_and_version(tmp_path: Path) -> None:
    engine = EdgeEngine()
    assert isinstance(engine, Engine) and engine.name == "edge"
    assert f"edge-tts-{edge_tts.__version__}" in engine.version
    standards = [
        "Xiaoxiao",
        "Xiaoyi",
        "Yunjian",
        "Yunxi",
        "Yunxia",
        "Yunyang",
        "liaoning-Xiaobei",
        "shaanxi-Xiaoni",
    ]
    assert {f"zh-CN-{v}Neural" for v in standards} <= set(engine.voices())
    assert "zh-CN-XiaochenNeural" not in engine.voices()
    assert engine.voices() == sorted(KNOWN_VOICES)
    assert not (tmp_path / "cache").exists()  # nothing created before the first call


def test_fetch_voices_fails_cleanly_without_the_service(tmp_path: Path) -> None:
    engine = EdgeEngine(
        proxy=f"http://127.0.0.1:{closed_port()}", attempts=2, backoff=0.001, lock_dir=tmp_path / "locks"
    )
    with pytest.raises(ServiceError, match=r"reached after 2 attempts \(cannot connect to the proxy"):
        engine.fetch_voices()
    assert engine.voices() == sorted(KNOWN_VOICES)


def test_import_is_cheap() -> None:
    code = "import sys, podcast.speech.edge; print([m for m in ('edge_tts', 'aiohttp') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- At most N calls in flight -----------------------------------------------------------


class Gauge:
    """A slow fake stream that records how many calls are inside it at once."""

    def __init__(self, chunks: list[StreamChunk], seconds: float) -> None:
        self.chunks, self.seconds = chunks, seconds
        self.lock = threading.Lock()
        self.active = self.peak = self.total = 0

    def __call__(self, request: EdgeRequest) -> AsyncIterator[StreamChunk]:
        return self.stream()

    async def stream(self) -> AsyncIterator[StreamChunk]:
        with self.lock:
            self.active += 1
            self.total += 1
            self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.seconds)
            for chunk in self.chunks:
                yield chunk
        finally:
            with self.lock:
                self.active -= 1


@pytest.mark.parametrize("limit", [1, 4])
def test_threads_never_exceed_the_limit(tmp_path: Path, tone_mp3: bytes, limit: int) -> None:
    gauge = Gauge(recorded(tone_mp3), 0.05)
    engine = EdgeEngine(stream_factory=gauge, max_concurrent=limit, lock_dir=tmp_path / "locks")
    assert engine.max_concurrent == limit
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: engine.synthesize(TEXT, XIAOXIAO), range(10)))
    assert all(len(r.timings) == 3 for r in results)
    assert gauge.total == 10
    assert gauge.peak == limit


def test_default_limit_is_four() -> None:
    assert EdgeEngine().max_concurrent == 4


def test_waiting_for_a_slot_is_bounded_or_not(tmp_path: Path, tone_mp3: bytes) -> None:
    gauge = Gauge(recorded(tone_mp3), 0.5)
    impatient = EdgeEngine(stream_factory=gauge, max_concurrent=1, slot_timeout=0.1, lock_dir=tmp_path / "a")
    with ThreadPoolExecutor(2) as pool:
        calls = [pool.submit(impatient.synthesize, TEXT, XIAOXIAO) for _ in range(2)]
        failures = [c.exception() for c in calls]
    assert sum(f is None for f in failures) == 1
    assert any(isinstance(f, ServiceError) and "slot in this process" in str(f) for f in failures)

    patient = EdgeEngine(
        stream_factory=Gauge(recorded(tone_mp3), 0.05),
        max_concurrent=1,
        slot_timeout=None,
        lock_dir=tmp_path / "b",
    )
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: patient.synthesize(TEXT, XIAOXIAO), range(3)))
    assert all(len(r.timings) == 3 for r in results)


HOLDER = """
import fcntl, os, sys
fds = [os.open(p, os.O_RDWR) for p in sys.argv[1:]]
for fd in fds:
    fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def test_slots_held_by_another_process_make_calls_wait(tmp_path: Path, tone_mp3: bytes) -> None:
    pytest.importorskip("fcntl")
    engine = engine_for(tmp_path, Scripted(replay(recorded(tone_mp3))), max_concurrent=2)
    engine.synthesize(TEXT, XIAOXIAO)  # creates the slot files
    paths = engine.slots().paths
    assert sorted(p.name for p in (tmp_path / "locks").iterdir()) == sorted(p.name for p in paths)
    assert all(p.stat().st_size > 0 for p in paths)

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, *map(str, paths)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        impatient = engine_for(tmp_path, Scripted(replay(recorded(tone_mp3))), max_concurrent=2, slot_timeout=0.2)
        with pytest.raises(ServiceError, match=r"waited 0.2 s for one of the 2 edge-tts call slots"):
            impatient.synthesize(TEXT, XIAOXIAO)
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(engine.synthesize, TEXT, XIAOXIAO)
            time.sleep(0.3)
            assert not waiting.done()
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert len(waiting.result(timeout=5).timings) == 3
    finally:
        holder.kill()
        holder.wait()


WORKER = """
import asyncio, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from podcast.speech.base import Prosody
from podcast.speech.edge import EdgeEngine

mp3, log, locks = Path(sys.argv[1]).read_bytes(), sys.argv[2], Path(sys.argv[3])

def factory(request):
    async def stream():
        start = time.monotonic()
        await asyncio.sleep(0.1)
        yield {"type": "audio", "data": mp3}
        with open(log, "a") as fh:
            fh.write(f"{start} {time.monotonic()}\\n")
    return stream()

engine = EdgeEngine(stream_factory=factory, max_concurrent=2, lock_dir=locks)
with ThreadPoolExecutor(4) as pool:
    list(pool.map(lambda _: engine.synthesize("你好。", Prosody("zh-CN-XiaoxiaoNeural")), range(4)))
"""


def test_processes_share_the_limit(tmp_path: Path, tone_mp3: bytes) -> None:
    pytest.importorskip("fcntl")
    mp3 = tmp_path / "tone.mp3"
    mp3.write_bytes(tone_mp3)
    log = tmp_path / "calls.log"
    args = [sys.executable, "-c", textwrap.dedent(WORKER), str(mp3), str(log), str(tmp_path / "locks")]
    workers = [subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=30)
        assert worker.returncode == 0, err
    intervals = [tuple(map(float, line.split())) for line in log.read_text().splitlines()]
    assert len(intervals) == 8
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    inside = peak = 0
    for _, step in events:
        inside += step
        peak = max(peak, inside)
    assert peak <= 2
