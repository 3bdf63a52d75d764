"""Shared test fixtures."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from podcast.paths import CACHE_ENV

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_POST = ROOT / "episodes" / "lossless-compression.md"

FAKE_VOICES = """
engine = "fake"

[roles.zh]
narrator = "host"
speakers = ["one", "two"]

[roles.en]
narrator = "host-en"
speakers = ["one-en"]

[profiles.host]
voice = "fake"
chars_per_second = 4.8
measured = true

[profiles.one]
voice = "fake"
pitch = 0.9
chars_per_second = 4.8
measured = true

[profiles.two]
voice = "fake"
pitch = 1.1
chars_per_second = 4.8
measured = true

[profiles.host-en]
voice = "fake"
language = "en"
words_per_second = 2.5
measured = true

[profiles.one-en]
voice = "fake"
language = "en"
words_per_second = 2.5
measured = true
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def offline_voice() -> Path:
    """The installed offline voice. Tests never download it: ``make test`` installs it
    first; without it, a test that needs it fails naming the install command."""
    from podcast.errors import VoiceAssetError
    from podcast.speech.offline import locate

    try:
        return locate()
    except VoiceAssetError as exc:
        reason = str(exc).split("; run `")[0]
    # Outside the except block, so the report is this one line, not a chained traceback.
    pytest.fail(f"this test needs the offline voice: {reason}; run `podcast voices install`", pytrace=False)


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_voice: Path) -> Iterator[Path]:
    """An empty speech cache of its own, sharing the installed offline voice."""
    cache = tmp_path / "cache"
    (cache / "voices").mkdir(parents=True)
    os.symlink(offline_voice, cache / "voices" / offline_voice.name)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    yield cache


@pytest.fixture
def fake_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A show folder whose engine is the fake one (fast, deterministic audio), with its own cache."""
    show = tmp_path / "show"
    (show / "voices").mkdir(parents=True)
    (show / "voices" / "fake.toml").write_text(FAKE_VOICES, encoding="utf-8")
    (show / "podcast.toml").write_text(
        '[show]\ntitle = "测试播客"\nauthor = "立委"\n\n[voices]\nengine = "fake"\n', encoding="utf-8"
    )
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return show


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A local TCP server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()
