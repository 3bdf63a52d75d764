"""Rendering an episode, read back with real consumers: ffmpeg for duration and loudness,
mutagen for tags and chapters, a WebVTT/SRT reading of the transcripts.

The sample is rendered once with the real offline voice; the bad-input cases use the fake
engine (fast) in a show of their own.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image
from typer.testing import CliRunner, Result

from podcast.audio import ffmpeg
from podcast.cli import app
from podcast.config import load_show
from podcast.errors import AudioError
from podcast.parse import read_post
from podcast.pipeline import Rendered, RenderOptions, render
from podcast.script.scriptfile import from_markdown
from podcast.speech.cache import SegmentCache
from tests.conftest import ROOT, SAMPLE_POST

TIMESTAMP = r"(\d\d):(\d\d):(\d\d)[.,](\d{3})"


def seconds(match: tuple[str, str, str, str]) -> float:
    h, m, s, ms = (int(x) for x in match)
    return h * 3600 + m * 60 + s + ms / 1000


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, offline_voice: Path) -> Rendered:
    out = tmp_path_factory.mktemp("out")
    cache = SegmentCache(tmp_path_factory.mktemp("cache"))
    show = load_show(ROOT / "podcast.toml")
    post = read_post(SAMPLE_POST, aliases=show.aliases)
    return render(post, show, RenderOptions(output_root=out), cache=cache)


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak, straight from ffmpeg's own report."""
    result = subprocess.run(
        [
            ffmpeg.ffmpeg_path(),
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            *("-af", "ebur128=peak=true"),
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rfind("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


# ---------------------------------------------------------------- the sample, offline


def test_ffmpeg_duration_matches_episode_json(sample: Rendered) -> None:
    mp3 = sample.folder / "episode.mp3"
    decoded = len(ffmpeg.decode_file(str(mp3), sample_rate=44100)) / 44100
    recorded = json.loads((sample.folder / "episode.json").read_text())["duration"]
    assert abs(decoded - recorded) <= 0.1


def test_length_lands_on_the_target(sample: Rendered) -> None:
    assert abs(sample.episode.duration - 120) <= 12


def test_loudness_for_podcast_apps(sample: Rendered) -> None:
    integrated, peak = ebur128(sample.folder / "episode.mp3")
    assert abs(integrated - (-19.0)) <= 1.0
    assert peak <= -1.0


def test_mp3_is_44k_mono_cbr(sample: Rendered) -> None:
    info: Any = MP3(str(sample.folder / "episode.mp3")).info  # declared None in mutagen; its fields are untyped
    assert info.sample_rate == 44100
    assert info.channels == 1
    assert info.bitrate == 64000
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)


def test_id3_tags_and_cover(sample: Rendered) -> None:
    tags = ID3(str(sample.folder / "episode.mp3"))
    assert tags.version == (2, 4, 0)
    assert str(tags["TIT2"]) == "李白对话录新篇：谈大模型的无损压缩"
    assert str(tags["TPE1"]) == "立委"
    assert str(tags["TALB"]) == "小雅播报：立委NLP频道"
    assert str(tags["TDRC"]) == sample.episode.date
    assert tags.getall("COMM")
    cover = Image.open(io.BytesIO(tags.getall("APIC")[0].data))
    assert cover.size[0] == cover.size[1] >= 300


def test_one_chapter_per_segment(sample: Rendered) -> None:
    tags = ID3(str(sample.folder / "episode.mp3"))
    script = from_markdown((sample.folder / "script.md").read_text(encoding="utf-8"), "script.md")
    toc = tags.getall("CTOC")
    assert len(toc) == 1
    chapters = [tags[f"CHAP:{element}"] for element in toc[0].child_element_ids]
    assert len(chapters) == len(script.segments) == len(tags.getall("CHAP"))
    duration_ms = sample.episode.duration * 1000
    previous_end = 0
    for chapter in chapters:
        assert previous_end <= chapter.start_time < chapter.end_time <= duration_ms + 1
        assert str(chapter.sub_frames["TIT2"])
        previous_end = chapter.end_time
    assert "开场" in str(chapters[0].sub_frames["TIT2"])


def test_webvtt_has_ordered_voiced_cues(sample: Rendered) -> None:
    text = (sample.folder / "transcript.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n")
    cues = re.findall(rf"{TIMESTAMP} --> {TIMESTAMP}\n<v ([^>]+)>(.+)</v>", text)
    assert len(cues) >= 10
    last = 0.0
    for cue in cues:
        start, end = seconds(cue[0:4]), seconds(cue[4:8])
        assert last <= start < end <= sample.episode.duration + 0.01
        last = end
    voices = {cue[8] for cue in cues}
    script = from_markdown((sample.folder / "script.md").read_text(encoding="utf-8"), "script.md")
    assert {s.speaker for s in script.segments} <= voices


def test_srt_and_chapters_json(sample: Rendered) -> None:
    srt = (sample.folder / "transcript.srt").read_text(encoding="utf-8")
    blocks = [b for b in srt.strip().split("\n\n") if b]
    assert [int(b.split("\n")[0]) for b in blocks] == list(range(1, len(blocks) + 1))
    assert all(re.match(rf"{TIMESTAMP} --> {TIMESTAMP}$", b.split("\n")[1]) for b in blocks)
    chapters = json.loads((sample.folder / "chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0


def test_episode_json_describes_the_file(sample: Rendered) -> None:
    data = json.loads((sample.folder / "episode.json").read_text(encoding="utf-8"))
    mp3 = (sample.folder / "episode.mp3").read_bytes()
    assert data["size"] == len(mp3)
    assert data["sha256"] == hashlib.sha256(mp3).hexdigest()
    assert data["slug"] == "lossless-compression"
    assert data["engine"] == "offline"
    assert set(data["speakers"]) == {"李老师", "白老师"}
    assert len(data["chapters"]) == len(ID3(str(sample.folder / "episode.mp3")).getall("CHAP"))
    for name in data["files"].values():
        assert (sample.folder / name).is_file()


def test_rerender_keeps_the_guid_and_reuses_the_cache(
    sample: Rendered, tmp_path_factory: pytest.TempPathFactory
) -> None:
    show = load_show(ROOT / "podcast.toml")
    post = read_post(SAMPLE_POST, aliases=show.aliases)
    root = sample.folder.parent.parent
    cache_root = next(p for p in tmp_path_factory.getbasetemp().iterdir() if p.name.startswith("cache"))
    again = render(post, show, RenderOptions(output_root=root), cache=SegmentCache(cache_root))
    assert again.episode.guid == sample.episode.guid
    assert again.synthesized == 0
    assert [p.name for p in (root / "episodes").iterdir()] == ["lossless-compression"]


# ---------------------------------------------------------------- the fake engine: commands and bad input


def write_post(show: Path, name: str = "post.md", body: str | None = None) -> Path:
    post = show / name
    post.write_text(
        body
        or "---\ntitle: 测试对话\ndate: 2024-05-01\n---\n\n"
        "李：压缩的是函数。不是文本。\n\n白：对。那泛化呢？\n\n李：泛化来自规律。\n",
        encoding="utf-8",
    )
    return post


def render_cli(runner: CliRunner, show: Path, *args: str) -> Result:
    return runner.invoke(app, ["render", *args, "--config", str(show / "podcast.toml"), "-o", str(show / "out")])


def one_line(result: Result) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_render_prints_where_the_episode_is(runner: CliRunner, fake_show: Path) -> None:
    result = render_cli(runner, fake_show, str(write_post(fake_show)))
    assert result.exit_code == 0, result.output
    assert "out/episodes/post/episode.mp3" in result.stdout
    quiet = render_cli(runner, fake_show, str(write_post(fake_show)), "--quiet")
    assert quiet.stdout.strip().endswith("out/episodes/post/episode.mp3") and quiet.stderr == ""


def test_edited_script_resynthesizes_only_what_changed(runner: CliRunner, fake_show: Path) -> None:
    render_cli(runner, fake_show, str(write_post(fake_show)))
    folder = fake_show / "out" / "episodes" / "post"
    guid = json.loads((folder / "episode.json").read_text())["guid"]
    edited = fake_show / "edited.md"
    edited.write_text(
        (folder / "script.md").read_text(encoding="utf-8").replace("那泛化呢？", "那推理呢？"),
        encoding="utf-8",
    )
    result = render_cli(runner, fake_show, "--script", str(edited), "--slug", "post")
    assert result.exit_code == 0, result.output
    assert "1 sentences synthesized" in result.stdout
    assert "那推理呢？" in (folder / "transcript.vtt").read_text(encoding="utf-8")
    assert json.loads((folder / "episode.json").read_text())["guid"] == guid


def test_script_naming_an_unknown_voice(runner: CliRunner, fake_show: Path) -> None:
    render_cli(runner, fake_show, str(write_post(fake_show)))
    folder = fake_show / "out" / "episodes" / "post"
    before = (folder / "episode.mp3").read_bytes()
    script = (folder / "script.md").read_text(encoding="utf-8")
    bad = fake_show / "bad.md"
    bad.write_text(re.sub(r"(?m)^  李: \w+", "  李: nobody", script), encoding="utf-8")
    result = render_cli(runner, fake_show, "--script", str(bad), "--slug", "post")
    assert result.exit_code == 1
    assert "nobody" in one_line(result)
    assert (folder / "episode.mp3").read_bytes() == before
    bad.write_text(script.replace("engine: fake", "engine: warp-drive"), encoding="utf-8")
    result = render_cli(runner, fake_show, "--script", str(bad), "--slug", "post")
    assert result.exit_code == 1 and "unknown engine 'warp-drive'" in one_line(result)


def test_output_that_cannot_be_written(runner: CliRunner, fake_show: Path) -> None:
    (fake_show / "blocked").write_text("a file, not a folder")
    result = runner.invoke(
        app,
        [
            "render",
            str(write_post(fake_show)),
            "--config",
            str(fake_show / "podcast.toml"),
            "-o",
            str(fake_show / "blocked"),
        ],
    )
    assert result.exit_code == 1
    assert "cannot write" in one_line(result)


def _disk_fills_while_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """ffmpeg fails as it does when the disk fills under the MP3 it writes."""
    real = ffmpeg.run

    def full(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        if "libmp3lame" in args:
            log = "[out#0/mp3] Error writing trailer: No space left on device\nConversion failed!"
            raise AudioError(ffmpeg.failure(log, 1, args))
        return real(args, **kwargs)

    def full_piped(first: list[str], second: list[str], **kwargs: Any) -> str:
        full(first)
        raise AssertionError("unreachable")

    monkeypatch.setattr(ffmpeg, "run", full)
    monkeypatch.setattr(ffmpeg, "run_piped", full_piped)


def test_full_disk_is_one_line_and_keeps_the_previous_episode(
    runner: CliRunner, fake_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = write_post(fake_show)
    render_cli(runner, fake_show, str(post))
    episodes = fake_show / "out" / "episodes"
    before = {p.name: p.read_bytes() for p in (episodes / "post").iterdir()}

    _disk_fills_while_encoding(monkeypatch)
    post.write_text(post.read_text(encoding="utf-8").replace("对。", "对，没错。"), encoding="utf-8")
    result = render_cli(runner, fake_show, str(post))
    assert result.exit_code == 1
    assert "no space left" in one_line(result)
    assert {p.name: p.read_bytes() for p in (episodes / "post").iterdir()} == before
    assert [p.name for p in episodes.iterdir()] == ["post"]


def test_full_disk_on_a_first_render_leaves_nothing(
    runner: CliRunner, fake_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk_fills_while_encoding(monkeypatch)
    result = render_cli(runner, fake_show, str(write_post(fake_show)))
    assert result.exit_code == 1
    assert "no space left" in one_line(result)
    assert list((fake_show / "out" / "episodes").iterdir()) == []


def test_interrupted_render_keeps_the_previous_episode(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    show = load_show(fake_show / "podcast.toml")
    post = read_post(write_post(fake_show))
    options = RenderOptions(output_root=fake_show / "out")
    first = render(post, show, options)
    before = (first.folder / "episode.mp3").read_bytes()

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("podcast.render.writing.write_tags", interrupt)
    with pytest.raises(KeyboardInterrupt):
        render(post, show, options)
    assert (first.folder / "episode.mp3").read_bytes() == before
    assert sorted(p.name for p in first.folder.parent.iterdir()) == ["post"]


@pytest.mark.parametrize(
    ("extra", "name", "content", "message"),
    [
        ('[show]\nimage = "cover.png"', "cover.png", b"not an image at all", "not an image"),
        ('[audio]\njingle_in = "jingle.mp3"', "jingle.mp3", b"not audio at all", "not an audio file"),
        ('[audio]\njingle_out = "missing.mp3"', None, None, "does not exist"),
    ],
)
def test_bad_cover_or_jingle(
    runner: CliRunner, fake_show: Path, extra: str, name: str | None, content: bytes | None, message: str
) -> None:
    table, line = extra.split("\n")
    config = f'[show]\ntitle = "测试播客"\n{line if table == "[show]" else ""}\n\n[voices]\nengine = "fake"\n'
    if table == "[audio]":
        config += f"\n[audio]\n{line}\n"
    (fake_show / "podcast.toml").write_text(config, encoding="utf-8")
    if name is not None and content is not None:
        (fake_show / name).write_bytes(content)
    result = render_cli(runner, fake_show, str(write_post(fake_show)))
    assert result.exit_code == 1, result.output
    assert message in one_line(result)
    assert not (fake_show / "out" / "episodes" / "post").exists()


def test_ffmpeg_missing(runner: CliRunner, fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODCAST_FFMPEG", "/nonexistent/ffmpeg")
    ffmpeg.ffmpeg_path.cache_clear()
    try:
        result = render_cli(runner, fake_show, str(write_post(fake_show)))
    finally:
        monkeypatch.delenv("PODCAST_FFMPEG")
        ffmpeg.ffmpeg_path.cache_clear()
    assert result.exit_code == 1
    assert "ffmpeg" in one_line(result)


def test_hostile_slug_stays_inside_the_output(runner: CliRunner, fake_show: Path) -> None:
    post = write_post(
        fake_show,
        "x.md",
        "---\ntitle: ../../etc/passwd\nslug: ../../../etc\n---\n\n李：你好。\n\n白：你好。\n",
    )
    result = render_cli(runner, fake_show, str(post))
    assert result.exit_code == 0, result.output
    assert (fake_show / "out" / "episodes" / "etc" / "episode.mp3").is_file()


def test_english_post_renders(runner: CliRunner, fake_show: Path) -> None:
    shutil.copy(ROOT / "episodes" / "small-models.md", fake_show / "small-models.md")
    result = render_cli(runner, fake_show, str(fake_show / "small-models.md"))
    assert result.exit_code == 0, result.output
    vtt = (fake_show / "out" / "episodes" / "small-models" / "transcript.vtt").read_text(encoding="utf-8")
    assert "<v Xiaoya>I'm Xiaoya" in vtt and "<v Maya Chen>" in vtt


def test_render_needs_a_post_or_a_script(runner: CliRunner) -> None:
    assert runner.invoke(app, ["render"]).exit_code == 2
    assert runner.invoke(app, ["render", "a.md", "--script", "b.md"]).exit_code == 2
