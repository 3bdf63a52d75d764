"""What a break-it pass found, each kept fixed: templates that could crash or allocate, two
writers of one episode, litter after kill -9, ffmpeg outliving its render, unclear messages,
one post stalling a batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from podcast import episodes, fsutil
from podcast.audio import ffmpeg
from podcast.cli import app
from podcast.config import load_show
from podcast.errors import ConfigError, OutputError
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from tests.test_render import one_line, render_cli, write_post

# ---------------------------------------------------------------- 4. templates


@pytest.mark.parametrize(
    "template",
    ["{title.x}", "{title[0]}", "{title:>1000000000}", "{title!r}", "{nope}", "{0}", "{title"],
    ids=["attribute", "index", "format-spec", "conversion", "unknown", "positional", "unclosed"],
)
def test_a_template_is_checked_when_the_config_is_read(tmp_path: Path, template: str) -> None:
    config = tmp_path / "podcast.toml"
    config.write_text(f'[broadcast]\nintro = "{template}"\n', encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"broadcast\.intro") as caught:
        load_show(config)
    assert time.monotonic() - started < 1 and "\n" not in str(caught.value)


def test_a_bad_template_is_one_line_on_the_command_line(runner: CliRunner, fake_show: Path) -> None:
    config = fake_show / "podcast.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[broadcast]\nintro = "{title.x}"\n', encoding="utf-8")
    result = render_cli(runner, fake_show, str(write_post(fake_show)))
    assert result.exit_code != 0 and "broadcast.intro" in one_line(result)


# ---------------------------------------------------------------- 5. two writers of one episode


def test_two_renders_of_one_episode_take_turns(fake_show: Path) -> None:
    show = load_show(fake_show / "podcast.toml")
    post = read_post(write_post(fake_show))
    out = fake_show / "out"
    results: list[object] = []

    def one() -> None:
        try:
            results.append(render(post, show, RenderOptions(output_root=out)))
        except Exception as exc:
            results.append(exc)

    workers = [threading.Thread(target=one) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert all(not isinstance(r, Exception) for r in results), results
    folder = out / "episodes" / "post"
    assert (folder / "episode.mp3").is_file() and (folder / "episode.json").is_file()
    assert not list(folder.parent.glob(".post.new-*"))


def test_a_second_writer_that_waits_too_long_is_told_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "episodes" / "slug"
    target.parent.mkdir(parents=True)
    with episodes.episode_lock(target), pytest.raises(OutputError, match="another render"):  # noqa: SIM117
        with episodes.episode_lock(target, wait=0.3):
            pass


# ---------------------------------------------------------------- 8. litter


def test_the_next_writer_removes_what_a_killed_one_left(fake_show: Path) -> None:
    show = load_show(fake_show / "podcast.toml")
    out = fake_show / "out"
    folder = out / "episodes"
    folder.mkdir(parents=True)
    (folder / ".other.new-abc123").mkdir()  # a killed render of another episode
    (folder / ".other.new-abc123" / "timeline.wav").write_bytes(b"x")
    (folder / "gone").write_text("a plain file where an episode folder belongs")
    stale = out / ".index.html.abc.tmp"
    stale.write_text("half a page")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    render(read_post(write_post(fake_show)), show, RenderOptions(output_root=out))
    assert not (folder / ".other.new-abc123").exists()
    fsutil.write_text(out / "index.html", "<html></html>")
    assert not stale.exists()


def test_a_plain_file_in_the_way_of_an_episode_leaves_no_old_copy(fake_show: Path) -> None:
    show = load_show(fake_show / "podcast.toml")
    out = fake_show / "out"
    (out / "episodes").mkdir(parents=True)
    (out / "episodes" / "post").write_text("not a folder")
    render(read_post(write_post(fake_show)), show, RenderOptions(output_root=out))
    assert (out / "episodes" / "post").is_dir()
    assert not (out / "episodes" / ".post.old").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_ffmpeg_dies_with_a_killed_render(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    code = f"""
import os, sys, threading
from podcast.audio import ffmpeg
import subprocess
real = subprocess.run
def run(command, **kw):
    kw.pop("capture_output", None)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                               preexec_fn=kw.get("preexec_fn"))
    open({str(marker)!r}, "w").write(str(process.pid))
    process.wait()
subprocess.run = run
ffmpeg.run(["-re", "-f", "lavfi", "-i", "sine=duration=60", "-f", "null", "-"], timeout=60)
"""
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 20
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(marker.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(30):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    pytest.fail("ffmpeg outlived the render that started it")


# ---------------------------------------------------------------- 7. messages


def test_a_full_disk_while_encoding_says_so_and_where() -> None:
    stderr = "[mp3 @ 0x1] Error writing trailer of out/e.mp3: No space left on device\nConversion failed!\n"
    message = ffmpeg.failure(stderr, 1, ["-i", "a.wav", "/out/episodes/x/episode.mp3"])
    assert message == "no space left on device while ffmpeg wrote /out/episodes/x/episode.mp3"
    assert "Conversion failed" not in ffmpeg.failure("[aac] Invalid data found\nConversion failed!", 1, ["o.mp3"])


def test_an_output_that_is_a_file_is_named(runner: CliRunner, fake_show: Path) -> None:
    (fake_show / "out").write_text("a file")
    result = render_cli(runner, fake_show, str(write_post(fake_show)))
    assert result.exit_code != 0
    line = one_line(result)
    assert "is a file, not a folder" in line and "File exists" not in line


# ---------------------------------------------------------------- 2. one post cannot stall a batch


def test_a_stalled_post_fails_alone(runner: CliRunner, fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from podcast.speech import fake

    posts = fake_show / "posts"
    posts.mkdir()
    write_post(posts, "a.md")
    write_post(posts, "b.md", "---\ntitle: 卡住\ndate: 2024-05-02\n---\n\n李：卡住了。\n\n白：是吗？\n")
    real = fake.FakeEngine.synthesize

    def synthesize(self: fake.FakeEngine, text: str, prosody: object) -> object:
        if "卡住" in text:
            time.sleep(60)
        return real(self, text, prosody)  # type: ignore[arg-type]

    monkeypatch.setattr(fake.FakeEngine, "synthesize", synthesize)
    started = time.monotonic()
    result = runner.invoke(
        app,
        ["batch", str(posts), "--jobs", "1", "--post-timeout", "2", "--no-publish",
         "--config", str(fake_show / "podcast.toml"), "-o", str(fake_show / "out")],
    )  # fmt: skip
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "did not finish within 2 s" in result.output
    assert (fake_show / "out" / "episodes" / "a" / "episode.mp3").is_file()
