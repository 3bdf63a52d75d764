"""Hardening of the speech layer: damaged cache entries are misses, a silent edge-tts
service costs seconds (first-audio deadline, call deadline, circuit breaker), and an
unwritable speech cache names the folder and ``PODCAST_CACHE_DIR``."""

from __future__ import annotations

import asyncio
import errno
import io
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from podcast.audio import ffmpeg
from podcast.cli import app
from podcast.errors import OutputError, ServiceError
from podcast.paths import CACHE_ENV
from podcast.speech import AutoEngine, speak
from podcast.speech.base import Audio, Prosody, Timing
from podcast.speech.cache import SegmentCache, segment_key
from podcast.speech.edge import EdgeEngine, EdgeRequest, StreamChunk
from podcast.speech.fake import FakeEngine
from tests.test_edge_engine import Scripted, fail, handshake_error, hang, recorded, replay

ROOT = Path(__file__).resolve().parent.parent
TEXT = "李老师说：压缩的是函数。不是文本！那泛化呢？"
FAKE = Prosody("fake")
XIAOXIAO = Prosody("zh-CN-XiaoxiaoNeural")
EDGE_TEXT = "第一句话。第二句话。第三句话。"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def fresh_breakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process-wide breakers of the real service start closed in every test."""
    from podcast.speech.edge import breaker

    monkeypatch.setattr(breaker, "_SHARED", {})


# =============================================================== 1. damaged cache entries


def npz(**arrays: Any) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def meta_bytes(meta: object) -> Any:
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


GOOD_META = {"sample_rate": 24000, "timings": [], "warnings": []}
PCM = np.zeros(2400, "<i2")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(path.name).randbytes(3000))


def _header_only(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04")


def _plain_npy(path: Path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, PCM)
    path.write_bytes(buffer.getvalue())


def _writer(**arrays: Any) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(npz(**arrays))

    return write


def _directory(path: Path) -> None:
    path.unlink()
    (path / "inner").mkdir(parents=True)
    (path / "inner" / "file").write_text("x")


def _dangling_symlink(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "nowhere.npz")


def _zip_of_garbage(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pcm.npy", b"not an array")
        archive.writestr("meta.npy", b"nor this")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty file": _empty,
    "truncated zip": _truncated,
    "random bytes": _random_bytes,
    "zip header only": _header_only,
    "plain npy, not npz": _plain_npy,
    "zip of garbage members": _zip_of_garbage,
    "no arrays": _writer(),
    "no meta": _writer(pcm=PCM),
    "no pcm": _writer(meta=meta_bytes(GOOD_META)),
    "other names": _writer(samples=PCM, info=meta_bytes(GOOD_META)),
    "pcm float64": _writer(pcm=PCM.astype(np.float64), meta=meta_bytes(GOOD_META)),
    "pcm int32": _writer(pcm=PCM.astype(np.int32), meta=meta_bytes(GOOD_META)),
    "pcm 2-d": _writer(pcm=PCM.reshape(2, -1), meta=meta_bytes(GOOD_META)),
    "pcm scalar": _writer(pcm=np.int16(3), meta=meta_bytes(GOOD_META)),
    "meta float": _writer(pcm=PCM, meta=np.zeros(4)),
    "meta not utf-8": _writer(pcm=PCM, meta=np.frombuffer(b"\xff\xfe{", np.uint8)),
    "meta not json": _writer(pcm=PCM, meta=np.frombuffer(b"{sample_rate", np.uint8)),
    "meta a list": _writer(pcm=PCM, meta=meta_bytes([1, 2])),
    "meta without timings": _writer(pcm=PCM, meta=meta_bytes({"sample_rate": 24000, "warnings": []})),
    "meta bad timing": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "timings": [["a", 0.0]]})),
    "meta timing not numbers": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "timings": [["a", "x", None]]})),
    "meta warnings not text": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "warnings": [1]})),
    "meta sample rate text": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "sample_rate": "24000"})),
    "meta sample rate zero": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "sample_rate": 0})),
    "other sample rate": _writer(pcm=PCM, meta=meta_bytes({**GOOD_META, "sample_rate": 22050})),
    "a directory": _directory,
    "a dangling symlink": _dangling_symlink,
}


def entries(cache: SegmentCache) -> list[Path]:
    return sorted(p for p in cache.root.rglob("*.npz") if not p.name.startswith("."))


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss_and_is_replaced(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    expected = speak(TEXT, FAKE, FakeEngine(), SegmentCache(tmp_path / "fresh")).audio
    cache = SegmentCache(tmp_path / "cache")
    speak(TEXT, FAKE, FakeEngine(), cache)
    paths = entries(cache)
    assert len(paths) == 3
    for path in paths:
        DAMAGE[damage](path)

    caplog.set_level(logging.WARNING)
    again = SegmentCache(tmp_path / "cache")
    engine = FakeEngine()
    spoken = speak(TEXT, FAKE, engine, again)

    assert (spoken.synthesized, spoken.reused) == (3, 0)
    assert len(engine.calls) == 3
    assert np.array_equal(spoken.audio.samples, expected.samples)
    assert spoken.audio.timings == expected.timings
    # The bad entries were overwritten with good ones.
    assert all(p.is_file() and not p.is_symlink() for p in paths)
    assert speak(TEXT, FAKE, FakeEngine(), SegmentCache(tmp_path / "cache")).reused == 3
    # Warned once for the run, naming the cache and the way out.
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert str(again.root) in message and "synthesized again" in message and "\n" not in message


def test_no_exception_from_a_cache_entry_escapes_get(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    key = segment_key("fake", "1", FAKE, "你好。")
    cache.put(key, Audio(np.linspace(-1, 1, 4800, dtype=np.float32), 24000, (Timing("你好。", 0.0, 0.2),), ("w",)))
    good = cache._path(key).read_bytes()
    assert cache.get(key) is not None
    rng = random.Random(0)
    cuts = sorted({*range(0, len(good), max(1, len(good) // 300)), len(good) - 1})
    variants = [good[:cut] for cut in cuts]
    for _ in range(200):
        flipped = bytearray(good)
        for _ in range(rng.randrange(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        variants.append(bytes(flipped))
    for data in variants:
        cache._path(key).write_bytes(data)
        audio = cache.get(key)  # never raises
        if audio is not None:
            assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32 and audio.sample_rate > 0


def test_an_unexpected_error_while_reading_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = SegmentCache(tmp_path)
    speak(TEXT, FAKE, FakeEngine(), cache)
    for error in (EOFError("No data left in file"), RuntimeError("boom"), MemoryError(), AttributeError("x")):

        def broken(*args: object, _error: BaseException = error, **kwargs: object) -> object:
            raise _error

        monkeypatch.setattr(np, "load", broken)
        assert cache.get(segment_key(FakeEngine.name, FakeEngine.version, FAKE, "不是文本！")) is None
    monkeypatch.undo()


def test_a_damaged_entry_does_not_abort_say(fake_show: Path, tmp_path: Path) -> None:
    """Before: ``podcast say`` after emptying the cache entries ended in a bare ``Aborted.``"""
    out = tmp_path / "a.wav"
    config = str(fake_show / "podcast.toml")
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    command = [sys.executable, "-m", "podcast", "say", "你好。今天天气很好。", "-o", str(out), "--config", config]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    paths = list((tmp_path / "cache" / "segments").rglob("*.npz"))
    assert len(paths) == 2
    for path in paths:
        path.write_bytes(b"")
    again = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "Aborted" not in again.stderr
    assert "(2 synthesized, 0 from cache)" in again.stderr
    assert again.stderr.count("speech cache") == 1
    assert all(p.stat().st_size > 0 for p in paths)


def test_cache_info_survives_odd_entries(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    speak(TEXT, FAKE, FakeEngine(), cache)
    (cache.root / "zz").mkdir()
    (cache.root / "zz" / "dangling.npz").symlink_to(cache.root / "missing")
    stats = cache.stats()
    assert stats.entries >= 3


# =============================================================== 2. a silent edge service


def tone_mp3() -> bytes:
    t = np.arange(24000) / 24000
    samples = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype("<f4")
    args = ["-f", "f32le", "-ar", "24000", "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame"]
    args += ["-b:a", "48k", "-id3v2_version", "0", "-write_xing", "0", "-f", "mp3", "pipe:1"]
    return ffmpeg.run(args, data=samples.tobytes()).stdout


@pytest.fixture(scope="module")
def chunks() -> list[StreamChunk]:
    return recorded(tone_mp3())


def edge(
    tmp_path: Path, factory: Callable[[EdgeRequest], AsyncIterator[StreamChunk]] | None, **options: Any
) -> EdgeEngine:
    settings: dict[str, Any] = {"backoff": 0.001, "max_backoff": 0.005, "lock_dir": tmp_path / "locks"}
    settings.update(options)
    return EdgeEngine(stream_factory=factory, **settings)


def boundaries_then_hang() -> AsyncIterator[StreamChunk]:
    async def stream() -> AsyncIterator[StreamChunk]:
        yield StreamChunk(type="SentenceBoundary", offset=0.0, duration=1e6, text="。")
        await asyncio.Event().wait()
        yield StreamChunk(type="audio", data=b"")

    return stream()


def slow_after_first_audio(chunks: list[StreamChunk], pause: float) -> Callable[[], AsyncIterator[StreamChunk]]:
    async def stream() -> AsyncIterator[StreamChunk]:
        first = next(i for i, c in enumerate(chunks) if c["type"] == "audio")
        for chunk in chunks[: first + 1]:
            yield chunk
        await asyncio.sleep(pause)
        for chunk in chunks[first + 1 :]:
            yield chunk

    return stream


def test_no_first_audio_within_the_deadline_fails_the_attempt(tmp_path: Path) -> None:
    factory = Scripted(hang())
    engine = edge(tmp_path, factory, attempts=2, timeout=30.0, first_chunk_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"did not answer in time after 2 attempts \(no audio within 0.2 s\)"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert time.monotonic() - started < 1.5
    assert factory.calls == 2


def test_boundaries_without_audio_do_not_count_as_first_audio(tmp_path: Path) -> None:
    factory = Scripted(boundaries_then_hang)
    engine = edge(tmp_path, factory, attempts=1, timeout=30.0, first_chunk_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"no audio within 0.2 s"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert time.monotonic() - started < 1.0


def test_audio_that_started_may_take_longer_than_the_first_audio_deadline(
    tmp_path: Path, chunks: list[StreamChunk]
) -> None:
    factory = Scripted(slow_after_first_audio(chunks, 0.5))
    engine = edge(tmp_path, factory, attempts=1, timeout=5.0, first_chunk_timeout=0.2)
    audio = engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert audio.duration > 0.9 and factory.calls == 1


def test_a_call_has_a_total_deadline_across_attempts(tmp_path: Path, chunks: list[StreamChunk]) -> None:
    # Audio starts, then stalls: each attempt runs to its own timeout; the call's deadline
    # stops the retries.
    factory = Scripted(slow_after_first_audio(chunks, 60.0))
    engine = edge(
        tmp_path, factory, attempts=10, timeout=0.3, timeout_per_char=0.0, deadline=0.8, breaker_threshold=100
    )
    started = time.monotonic()
    with pytest.raises(ServiceError, match="did not answer in time"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert time.monotonic() - started < 0.8 + 0.5
    assert factory.calls <= 3


def test_the_real_client_on_a_silent_listener_fails_at_the_first_audio_deadline(
    tmp_path: Path, silent_server: int
) -> None:
    engine = EdgeEngine(
        proxy=f"http://127.0.0.1:{silent_server}",
        attempts=2,
        backoff=0.001,
        timeout=30.0,
        first_chunk_timeout=0.3,
        lock_dir=tmp_path / "locks",
    )
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"did not answer in time after 2 attempts \(no audio within 0.3 s\)"):
        engine.synthesize("你好。", XIAOXIAO)
    assert time.monotonic() - started < 2.5


def test_the_breaker_opens_after_consecutive_failures_and_later_calls_fail_at_once(tmp_path: Path) -> None:
    factory = Scripted(hang())
    engine = edge(tmp_path, factory, attempts=4, first_chunk_timeout=0.1)
    started = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert time.monotonic() - started < 1.5
    assert factory.calls == 3  # the fourth attempt is not made
    message = str(caught.value)
    assert message.startswith("the edge voices are not answering (3 calls failed in a row); ")
    assert "no audio within 0.1 s" in message and "--engine offline" in message and "\n" not in message

    for text in ("别的话。", EDGE_TEXT, "第三次。"):
        started = time.monotonic()
        with pytest.raises(ServiceError, match=r"^the edge voices are not answering \(3 calls failed in a row\); "):
            engine.synthesize(text, XIAOXIAO)
        assert time.monotonic() - started < 0.1
    assert factory.calls == 3


def test_the_breaker_counts_across_calls(tmp_path: Path) -> None:
    factory = Scripted(hang())
    engine = edge(tmp_path, factory, attempts=1, first_chunk_timeout=0.05)
    for _ in range(3):
        with pytest.raises(ServiceError, match="did not answer in time after 1 attempt "):
            engine.synthesize(EDGE_TEXT, XIAOXIAO)
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"not answering \(3 calls failed in a row\)"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert time.monotonic() - started < 0.1
    assert factory.calls == 3


def test_an_answer_closes_the_count(tmp_path: Path, chunks: list[StreamChunk]) -> None:
    # Without the resets, the third failure in a row would open the breaker in the
    # second call, and the 429 (the service answered) would not end the run in the third.
    quiet, ok, busy = hang(), replay(chunks), fail(handshake_error(429))
    factory = Scripted(quiet, quiet, ok, quiet, quiet, ok, quiet, quiet, busy, quiet, ok)
    engine = edge(tmp_path, factory, attempts=5, first_chunk_timeout=0.05)
    for _ in range(3):
        assert engine.synthesize(EDGE_TEXT, XIAOXIAO).duration > 0.9
    assert factory.calls == 11


def test_rate_limiting_does_not_open_the_breaker(tmp_path: Path, chunks: list[StreamChunk]) -> None:
    factory = Scripted(fail(handshake_error(429)))
    engine = edge(tmp_path, factory, attempts=4)
    with pytest.raises(ServiceError, match="kept rate-limiting after 4 attempts"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    with pytest.raises(ServiceError, match="kept rate-limiting after 4 attempts"):
        engine.synthesize(EDGE_TEXT, XIAOXIAO)
    assert factory.calls == 8


def test_parallel_calls_on_a_silent_service_all_fail_within_seconds(tmp_path: Path) -> None:
    factory = Scripted(hang())
    engine = edge(tmp_path, factory, max_concurrent=4, first_chunk_timeout=0.2)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(engine.synthesize, f"第{n}句。", XIAOXIAO) for n in range(12)]
        errors = [c.exception(timeout=10) for c in calls]
    assert all(isinstance(e, ServiceError) for e in errors)
    assert time.monotonic() - started < 1.5
    assert factory.calls <= 8
    assert sum("not answering" in str(e) for e in errors) >= 8


def test_engines_on_the_real_service_share_the_breaker(tmp_path: Path, silent_server: int) -> None:
    proxy = f"http://127.0.0.1:{silent_server}"
    first = EdgeEngine(proxy=proxy, attempts=4, backoff=0.001, first_chunk_timeout=0.2, lock_dir=tmp_path / "l")
    with pytest.raises(ServiceError, match=r"not answering \(3 calls failed in a row\)"):
        first.synthesize("你好。", XIAOXIAO)
    # A later engine in this process (a batch builds one per post) fails at once too.
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"not answering \(3 calls failed in a row\)"):
        EdgeEngine(proxy=proxy, lock_dir=tmp_path / "l").synthesize("你好。", XIAOXIAO)
    assert time.monotonic() - started < 0.1


def test_a_private_stream_gets_a_private_breaker(tmp_path: Path, chunks: list[StreamChunk]) -> None:
    broken = edge(tmp_path, Scripted(hang()), attempts=3, first_chunk_timeout=0.05)
    with pytest.raises(ServiceError):
        broken.synthesize(EDGE_TEXT, XIAOXIAO)
    working = edge(tmp_path, Scripted(replay(chunks)))
    assert working.synthesize(EDGE_TEXT, XIAOXIAO).duration > 0.9


def test_auto_falls_back_quickly_on_a_silent_service(tmp_path: Path, silent_server: int) -> None:
    auto = AutoEngine(edge_options={"proxy": f"http://127.0.0.1:{silent_server}", "lock_dir": tmp_path / "locks"})
    started = time.monotonic()
    engine, note = auto.choose()
    elapsed = time.monotonic() - started
    assert engine.name == "offline"
    assert note is not None and "used the offline voice" in note and "\n" not in note
    assert elapsed < 15.0


def test_auto_probe_uses_a_short_first_audio_deadline() -> None:
    from podcast.speech import PROBE_SETTINGS
    from podcast.speech.edge import FIRST_AUDIO_SECONDS

    first = PROBE_SETTINGS["first_chunk_timeout"]
    assert first <= FIRST_AUDIO_SECONDS == 10.0
    assert PROBE_SETTINGS["deadline"] <= 12.0


def test_a_probe_that_answers_chooses_edge(tmp_path: Path, chunks: list[StreamChunk]) -> None:
    auto = AutoEngine(edge_options={"stream_factory": Scripted(replay(chunks)), "lock_dir": tmp_path / "locks"})
    engine, note = auto.choose()
    assert engine.name == "edge" and note is None


# =============================================================== 3. an unwritable speech cache


def _deny(*args: object, **kwargs: object) -> Any:
    raise PermissionError(errno.EACCES, "Permission denied")


def _read_only(*args: object, **kwargs: object) -> Any:
    raise OSError(errno.EROFS, "Read-only file system")


def test_an_unwritable_cache_names_the_folder_and_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = SegmentCache(tmp_path / "x")
    monkeypatch.setattr(tempfile, "mkstemp", _deny)
    with pytest.raises(OutputError) as caught:
        speak(TEXT, FAKE, FakeEngine(), cache)
    assert str(caught.value) == (
        f"cannot write the speech cache at {tmp_path / 'x' / 'segments'} (Permission denied); "
        "set PODCAST_CACHE_DIR to a writable folder"
    )


def test_a_read_only_file_system_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = SegmentCache(tmp_path / "x")
    monkeypatch.setattr(os, "replace", _read_only)
    with pytest.raises(OutputError) as caught:
        speak(TEXT, FAKE, FakeEngine(), cache)
    message = str(caught.value)
    assert message.startswith(f"cannot write the speech cache at {cache.root} (Read-only file system); ")
    assert "PODCAST_CACHE_DIR" in message and "output folder" not in message


def test_say_reports_the_unwritable_cache(
    runner: CliRunner, fake_show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "mkstemp", _deny)
    out = tmp_path / "a.wav"
    result = runner.invoke(app, ["say", "你好。", "-o", str(out), "--config", str(fake_show / "podcast.toml")])
    assert result.exit_code == 1
    line = " ".join(result.stderr.split())
    assert f"cannot write the speech cache at {tmp_path / 'cache' / 'segments'} (Permission denied)" in line
    assert "set PODCAST_CACHE_DIR to a writable folder" in line
    assert "choose a writable output folder" not in line
