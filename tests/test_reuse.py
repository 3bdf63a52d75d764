"""Fixed work done once (issue 18): the encoded MP3, the cover and the stings kept in the
cache by their inputs; the loudness measured in-process; sentences voiced across segments;
only the command being run imported."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from podcast import cover, stored
from podcast.audio import ffmpeg
from podcast.config import load_show
from podcast.errors import AudioError
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from podcast.render import jingle, loudness
from podcast.render.assembly import assemble
from podcast.speech import speak_segments
from podcast.speech.base import Audio, Prosody
from podcast.speech.cache import SegmentCache
from podcast.speech.fake import FakeEngine
from podcast.speech.offline import OfflineEngine

POST = (
    "---\ntitle: 测试对话\ndate: 2024-05-01\n---\n\n"
    "李：压缩的是函数。不是文本。\n\n白：对。那泛化呢？\n\n李：泛化来自规律。\n"
)


def render_post(show: Path, text: str = POST) -> Any:
    (show / "post.md").write_text(text, encoding="utf-8")
    loaded = load_show(show / "podcast.toml")
    post = read_post(show / "post.md", aliases=loaded.aliases)
    return render(post, loaded, RenderOptions(output_root=show / "out"))


def test_a_render_with_nothing_changed_runs_no_ffmpeg(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_post(fake_show)
    calls: list[list[str]] = []
    real = ffmpeg.run

    def counted(args: list[str], **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, **kwargs)

    piped: list[list[str]] = []
    real_piped = ffmpeg.run_piped

    def counted_piped(first: list[str], second: list[str], **kwargs: Any) -> str:
        piped.append(list(first))
        return real_piped(first, second, **kwargs)

    monkeypatch.setattr(ffmpeg, "run", counted)
    monkeypatch.setattr(ffmpeg, "run_piped", counted_piped)
    again = render_post(fake_show)
    assert calls == [] and piped == []
    assert again.episode.sha256 == first.episode.sha256
    assert again.episode.loudness == first.episode.loudness
    assert again.episode.duration == first.episode.duration
    assert again.episode.chapters == first.episode.chapters

    render_post(fake_show, POST.replace("规律", "数据"))  # the audio changed: encoded and measured
    assert calls == [] and piped  # the two at once


def test_the_loudness_check_stays_on_the_published_mp3(fake_show: Path) -> None:
    episode = render_post(fake_show).episode
    measured = loudness.measure(fake_show / "out" / "episodes" / "post" / "episode.mp3")
    assert measured.true_peak <= loudness.TRUE_PEAK_CEILING
    assert abs(measured.integrated - loudness.TARGET_MONO) <= loudness.TOLERANCE_LU
    assert episode.loudness["integrated"] == pytest.approx(measured.integrated, abs=0.15)


@pytest.mark.parametrize("seconds", [0.45, 3.0, 30.0])
def test_in_process_loudness_agrees_with_ffmpeg(tmp_path: Path, seconds: float) -> None:
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * 24000)) / 24000
    speechlike = np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) * 0.3
    samples = (speechlike + rng.standard_normal(len(t)) * 0.02).astype(np.float32)
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2").tobytes()
    wav = tmp_path / "x.wav"
    ffmpeg.run(["-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "pipe:0", str(wav)], data=pcm)
    # ffmpeg reports 0.1 LU steps
    assert loudness.integrated_loudness(samples, 24000) == pytest.approx(loudness.measure(wav).integrated, abs=0.06)


def test_the_generated_cover_is_drawn_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODCAST_CACHE_DIR", str(tmp_path))
    cover.generate_cover.cache_clear()
    drawn = cover.generate_cover("小雅播报", "立委")
    assert list((tmp_path / "covers").iterdir())
    cover.generate_cover.cache_clear()

    def fail(*args: object) -> None:
        raise AssertionError("drawn again")

    monkeypatch.setattr(cover, "_draw_cover", fail)
    assert cover.generate_cover("小雅播报", "立委") == drawn
    cover.generate_cover.cache_clear()


def test_the_stings_are_made_once(fake_show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    show = load_show(fake_show / "podcast.toml")
    made = jingle.show_jingles(show, 24000, tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("made again")

    monkeypatch.setattr(jingle, "intro_sting", fail)
    monkeypatch.setattr(jingle, "outro_sting", fail)
    kept = jingle.show_jingles(show, 24000, tmp_path)
    assert all(np.array_equal(a, b) for a, b in zip(made, kept, strict=True))


def test_a_store_keeps_its_newest_entries(tmp_path: Path) -> None:
    store = stored.Store("encoded", tmp_path, limit=2)
    for n in range(4):
        store.write(f"k{n}", ".mp3", b"x")
        store.write(f"k{n}", ".json", b"{}")
        time.sleep(0.01)
    assert sorted(p.name for p in (tmp_path / "encoded").iterdir()) == ["k2.json", "k2.mp3", "k3.json", "k3.mp3"]
    assert store.read("k0", ".mp3") is None and store.read("k3", ".mp3") == b"x"
    assert stored.clear(tmp_path) == 4


class Gauge(FakeEngine):
    """The fake voice, two calls at a time, slow enough to be seen overlapping."""

    max_concurrent = 2

    def __init__(self) -> None:
        super().__init__()
        self.busy = 0
        self.most = 0
        self.lock = threading.Lock()

    def synthesize(self, text: str, prosody: Prosody) -> Audio:
        with self.lock:
            self.busy += 1
            self.most = max(self.most, self.busy)
        time.sleep(0.05)
        try:
            return super().synthesize(text, prosody)
        finally:
            with self.lock:
                self.busy -= 1


def test_sentences_are_voiced_across_segments_and_said_once(tmp_path: Path) -> None:
    engine = Gauge()
    voice = Prosody("fake")
    segments = [[("压缩的是函数。", voice)], [("不是文本。", voice)], [("压缩的是函数。", voice)]]
    spoken = speak_segments(segments, engine, SegmentCache(tmp_path))
    assert engine.most == 2  # one-sentence segments, yet two in flight
    assert sorted(engine.calls) == ["不是文本。", "压缩的是函数。"]
    assert [(s.synthesized, s.reused) for s in spoken] == [(1, 0), (1, 0), (0, 1)]
    assert np.array_equal(spoken[0].audio.samples, spoken[2].audio.samples)


def test_the_offline_voice_overlaps_its_models_only_with_two_cores() -> None:
    assert OfflineEngine(threads=2).max_concurrent == 2
    assert OfflineEngine(threads=1).max_concurrent == 1


def test_the_timeline_is_the_one_pydub_assembled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assembled in one 16-bit buffer, sample for sample what pydub's concatenation gave."""
    from pydub import AudioSegment

    from podcast.model import Segment
    from podcast.pacing import GAP_BEFORE_OUTRO, GAP_BETWEEN_SEGMENTS

    rng = np.random.default_rng(3)
    clips = [
        Audio((rng.standard_normal(int(rng.integers(500, 30000))) * 0.3).astype(np.float32), 24000) for _ in range(4)
    ]
    segments = [Segment(role, "a", "x") for role in ("intro", "turn", "turn", "outro")]
    stings = (jingle.intro_sting(24000)[:30011], jingle.outro_sting(24000)[:20000])

    def pcm(samples: np.ndarray) -> Any:
        data = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2").tobytes()
        return AudioSegment(data, frame_rate=24000, sample_width=2, channels=1)

    timeline = pcm(stings[0]).fade_in(20).fade_out(300)
    for index, (clip, segment) in enumerate(zip(clips, segments, strict=True)):
        if index:
            gap = GAP_BEFORE_OUTRO if segment.role == "outro" else GAP_BETWEEN_SEGMENTS
            timeline += pcm(np.zeros(round(gap * 24000), np.float32))
        timeline += pcm(clip.samples)
    timeline += pcm(stings[1]).fade_in(20).fade_out(600)
    assert np.array_equal(assemble(clips, segments, stings)[0], np.frombuffer(timeline.raw_data, dtype="<i2"))


def test_the_render_command_imports_only_what_it_runs() -> None:
    code = (
        "import sys\nfrom podcast.cli import app\nsys.argv = ['podcast', 'render', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\nprint(' '.join(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(result.stdout.split("\n")[-2].split())
    assert "podcast.cli.render" in imported
    assert not {m for m in imported if m.startswith(("podcast.batch", "podcast.publish", "podcast.cli.serve"))}


def test_encoding_and_measuring_at_once_measures_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = np.arange(24000 * 6) / 24000
    samples = (np.sin(2 * np.pi * 330 * t) * (0.4 + 0.3 * np.sin(2 * np.pi * 2 * t))).astype(np.float32)
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2").tobytes()
    level = round(loudness.integrated_loudness(samples, 24000), 1)
    at_once = loudness.normalize_to_mp3(pcm, 24000, tmp_path / "episode.mp3", loudness=level)

    def no_tee(*args: object, **kwargs: object) -> str:
        raise AudioError("Requested output format 'tee' is not known")

    monkeypatch.setattr(ffmpeg, "run_piped", no_tee)
    one_by_one = loudness.normalize_to_mp3(pcm, 24000, tmp_path / "plain.mp3", loudness=level)
    assert (tmp_path / "episode.mp3").read_bytes() == (tmp_path / "plain.mp3").read_bytes()
    assert at_once == one_by_one == loudness.measure(tmp_path / "plain.mp3")
