"""``podcast batch``: discovery, the manifest (skip, re-render, prune, slugs, damage),
bad posts among good ones, worker processes, a real Dask cluster, and a batch killed
with SIGKILL and run again.

Almost everything uses the fake engine (fast, deterministic); one test uses the real
offline voice. Episodes are read back with ffmpeg.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from podcast.audio import ffmpeg
from podcast.batch import BatchError, BatchOptions, discover, run_batch
from podcast.batch import executors as batch_executors
from podcast.batch.folder import lock_path
from podcast.batch.manifest import MANIFEST_NAME, manifest_path
from podcast.cli import app
from podcast.config import Show, load_show
from podcast.errors import FeedError
from podcast.pipeline import RenderOptions
from podcast.publish import Published

BASE = "https://example.com/show/"


def write_post(folder: Path, name: str, n: int, extra: str = "") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: 第{n}篇对话\ndate: 2024-05-{n % 28 + 1:02d}\n---\n\n"
        f"李：今天谈第{n}个问题。压缩就是理解。\n\n白：对，模型越好，压缩越多。{extra}\n\n李：那泛化呢？来自规律。\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def blog(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake show (also the current folder) with a base URL and three posts under ``posts/``."""
    monkeypatch.chdir(fake_show)
    toml = fake_show / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[show]\n", f'[show]\nbase_url = "{BASE}"\n'), "utf-8")
    for n, name in enumerate(["one.md", "two.md", "sub/three.md"], start=1):
        write_post(fake_show / "posts", name, n)
    return fake_show


def batch(runner: CliRunner, show: Path, *args: str) -> Result:
    return runner.invoke(app, ["batch", *args, "--config", str(show / "podcast.toml"), "-o", str(show / "out")])


def manifest(show: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(manifest_path(show / "out").read_text(encoding="utf-8"))
    return data


def episode(show: Path, slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((show / "out" / "episodes" / slug / "episode.json").read_text(encoding="utf-8"))
    return data


def statuses(show: Path, result: Result) -> dict[str, str]:
    """post key → rendered/failed/kept/pruned, from the plain lines on stderr."""
    found: dict[str, str] = {}
    for line in result.stderr.splitlines():
        words = line.split()
        if words and words[0].startswith("["):
            words = words[1:]
        if len(words) > 1 and words[0] in ("rendered", "failed", "kept", "pruned"):
            found[words[1].rstrip(":")] = words[0]
    return found


def library_options(show: Path, **changes: Any) -> BatchOptions:
    values: dict[str, Any] = {"render": RenderOptions(output_root=show / "out"), "jobs": 1, "publish": False}
    values.update(changes)
    return BatchOptions(**values)


def assert_consistent(out: Path) -> None:
    """The manifest parses, every recorded episode is the one on disk, and its MP3 decodes."""
    data = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    for entry in data["posts"].values():
        if entry["episode"] is None:
            continue
        folder = out / "episodes" / entry["slug"]
        meta = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
        assert meta["sha256"] == entry["episode"]["sha256"]
        assert len(ffmpeg.decode_file(str(folder / "episode.mp3"), sample_rate=8000)) > 8000


# ---------------------------------------------------------------- discovery


def test_discovery_of_folders_patterns_and_list_files(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    for name in ["a.md", "sub/b.txt", "sub/deeper/c.html", "d.markdown", "img.png", "notes.json", ".draft.md"]:
        (posts / name).parent.mkdir(parents=True, exist_ok=True)
        (posts / name).write_text("李：你好。", encoding="utf-8")
    (posts / ".git").mkdir()
    (posts / ".git" / "x.md").write_text("x", encoding="utf-8")
    (posts / "out" / "episodes" / "a").mkdir(parents=True)
    (posts / "out" / "episodes" / "a" / "script.md").write_text("x", encoding="utf-8")
    (posts / "loop").symlink_to(posts)  # a link back up must not recurse forever
    (tmp_path / "elsewhere.md").write_text("白：好。", encoding="utf-8")
    (tmp_path / "list.txt").write_text("# new this week\nelsewhere.md\n\nposts/img.png\nnothing-here.md\n", "utf-8")
    (tmp_path / "empty").mkdir()

    found = discover(["posts"], cwd=tmp_path, exclude=[posts / "out"])
    names = [p.relative_to(posts).as_posix() for p in found.posts]
    assert names == ["a.md", "d.markdown", "sub/b.txt", "sub/deeper/c.html"]

    pattern = discover(["posts/**/*.md", "@list.txt", "empty", "*.nope"], cwd=tmp_path, exclude=[posts / "out"])
    assert [p.name for p in pattern.posts] == ["elsewhere.md", "a.md", "img.png"]  # a named file is always taken
    assert [m.input for m in pattern.missing] == ["nothing-here.md"]
    assert pattern.empty == ("empty", "*.nope")

    twice = discover(["posts/a.md", str(posts / "a.md"), "posts"], cwd=tmp_path, exclude=[posts / "out"])
    assert len(twice.posts) == 4


def test_engine_threads_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_executors, "cpu_count", lambda: 8)
    monkeypatch.delenv("PODCAST_TTS_THREADS", raising=False)
    assert [batch_executors.engine_threads(n) for n in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
    monkeypatch.setenv("PODCAST_TTS_THREADS", "3")
    assert batch_executors.engine_threads(2) is None  # the user's own setting wins


# ---------------------------------------------------------------- incremental


def test_renders_publishes_once_then_skips_everything(runner: CliRunner, blog: Path) -> None:
    first = batch(runner, blog, str(blog / "posts"), "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert statuses(blog, first) == dict.fromkeys(["posts/one.md", "posts/sub/three.md", "posts/two.md"], "rendered")
    assert "3 rendered" in first.stdout and "feed:" in first.stdout
    feed = (blog / "out" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 3
    posts = manifest(blog)["posts"]
    assert {k: v["slug"] for k, v in posts.items()} == {
        "posts/one.md": "one",
        "posts/sub/three.md": "three",
        "posts/two.md": "two",
    }
    entry = posts["posts/one.md"]
    assert len(entry["source_sha256"]) == 64 and len(entry["script_sha256"]) == 64
    assert entry["episode"]["sha256"] == episode(blog, "one")["sha256"]
    assert manifest(blog)["settings"][entry["settings"]]["engine"] == "fake"
    assert episode(blog, "one")["source"] == "posts/one.md"  # no local paths in what is published
    mp3 = blog / "out" / "episodes" / "one" / "episode.mp3"
    before = mp3.stat().st_mtime_ns

    again = batch(runner, blog, str(blog / "posts"), "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert statuses(blog, again) == {}
    assert "3 skipped" in again.stdout and "unchanged" in again.stdout
    assert mp3.stat().st_mtime_ns == before


def test_changed_post_alone_is_rendered_again_force_redoes_all(runner: CliRunner, blog: Path) -> None:
    assert batch(runner, blog, "posts", "--jobs", "1", "--no-publish").exit_code == 0
    guid = episode(blog, "two")["guid"]
    write_post(blog / "posts", "two.md", 2, extra="这一句是新加的。")
    edited = batch(runner, blog, str(blog / "posts"), "--jobs", "1", "--no-publish")
    assert edited.exit_code == 0, edited.output
    assert statuses(blog, edited) == {"posts/two.md": "rendered"}
    assert "post changed" in edited.stdout
    entry = manifest(blog)["posts"]["posts/two.md"]
    assert 1 <= entry["synthesized"] <= 2 and entry["reused"] >= 5  # only the new sentence (and its turn's end)
    assert episode(blog, "two")["guid"] == guid

    forced = batch(runner, blog, str(blog / "posts"), "--jobs", "1", "--no-publish", "--force")
    assert set(statuses(blog, forced).values()) == {"rendered"} and len(statuses(blog, forced)) == 3
    assert all(e["synthesized"] == 0 for e in manifest(blog)["posts"].values())

    longer = batch(runner, blog, str(blog / "posts" / "one.md"), "--jobs", "1", "--no-publish", "--seconds", "45")
    assert longer.exit_code == 0 and "settings changed" in longer.stdout
    assert len(manifest(blog)["settings"]) == 2
    assert batch(runner, blog, str(blog / "posts" / "one.md"), "--jobs", "1", "--no-publish").exit_code == 0
    assert len(manifest(blog)["settings"]) == 1  # only settings some entry still uses are kept


def test_deleted_post_is_kept_unless_pruned(runner: CliRunner, blog: Path) -> None:
    assert batch(runner, blog, "posts", "--jobs", "1", "--no-publish").exit_code == 0
    (blog / "posts" / "two.md").unlink()
    kept = batch(runner, blog, str(blog / "posts"), "--jobs", "1")
    assert kept.exit_code == 0, kept.output
    assert statuses(blog, kept) == {"posts/two.md": "kept"}
    assert (blog / "out" / "episodes" / "two" / "episode.mp3").is_file()
    assert (blog / "out" / "feed.xml").read_text(encoding="utf-8").count("<item>") == 3

    elsewhere = batch(runner, blog, str(blog / "posts" / "one.md"), "--jobs", "1", "--prune", "--no-publish")
    assert statuses(blog, elsewhere) == {}  # a post outside the folders given is not this batch's business

    pruned = batch(runner, blog, str(blog / "posts"), "--jobs", "1", "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert statuses(blog, pruned) == {"posts/two.md": "pruned"}
    assert not (blog / "out" / "episodes" / "two").exists()
    assert "posts/two.md" not in manifest(blog)["posts"]
    assert (blog / "out" / "feed.xml").read_text(encoding="utf-8").count("<item>") == 2

    write_post(blog / "posts", "two.md", 12)  # a new post under the old name gets a new episode
    assert batch(runner, blog, str(blog / "posts"), "--jobs", "1", "--no-publish").exit_code == 0
    assert manifest(blog)["posts"]["posts/two.md"]["slug"] == "posts-two"


def test_posts_with_one_file_name_get_distinct_stable_slugs(runner: CliRunner, fake_show: Path) -> None:
    write_post(fake_show / "blog" / "2024", "a.md", 1)
    write_post(fake_show / "blog" / "2025", "a.md", 2)
    assert batch(runner, fake_show, str(fake_show / "blog"), "--jobs", "1", "--no-publish").exit_code == 0
    slugs = {k: v["slug"] for k, v in manifest(fake_show)["posts"].items()}
    assert slugs == {"blog/2024/a.md": "a", "blog/2025/a.md": "2025-a"}
    assert episode(fake_show, "2025-a")["title"] == "第2篇对话"

    (fake_show / "blog" / "2024" / "a.md").unlink()  # the name is free again, but 2025's slug stays
    write_post(fake_show / "blog" / "2026", "a.md", 3)
    result = batch(runner, fake_show, str(fake_show / "blog"), "--jobs", "1", "--no-publish")
    assert result.exit_code == 0, result.output
    slugs = {k: v["slug"] for k, v in manifest(fake_show)["posts"].items()}
    assert slugs == {"blog/2024/a.md": "a", "blog/2025/a.md": "2025-a", "blog/2026/a.md": "2026-a"}


# ---------------------------------------------------------------- bad input


def test_bad_posts_fail_alone(runner: CliRunner, blog: Path) -> None:
    (blog / "posts" / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (blog / "posts" / "latin1.txt").write_bytes("caf\xe9 ".encode("utf-16-le") * 3)
    (blog / "posts" / "gone.md").symlink_to(blog / "nowhere.md")
    unreadable = blog / "posts" / "locked.md"
    write_post(blog / "posts", "locked.md", 9)
    unreadable.chmod(0)
    result = batch(runner, blog, "posts", "--jobs", "1", "--no-publish")
    unreadable.chmod(0o644)
    assert result.exit_code == 1
    found = statuses(blog, result)
    rendered = [k for k, v in found.items() if v == "rendered" and k != "posts/locked.md"]
    assert rendered == ["posts/one.md", "posts/sub/three.md", "posts/two.md"]
    assert found["posts/image.md"] == found["posts/gone.md"] == found["posts/latin1.txt"] == "failed"
    assert "PNG image" in result.stdout and "No such file" in result.stdout
    if os.geteuid() != 0:  # root reads anything
        assert found["posts/locked.md"] == "failed" and "Permission denied" in result.stdout
    assert "3 failed" in result.stdout or "4 failed" in result.stdout


def test_no_posts_is_nothing_to_do_a_missing_path_is_an_error(runner: CliRunner, fake_show: Path) -> None:
    (fake_show / "empty").mkdir()
    (fake_show / "empty" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    empty = batch(runner, fake_show, str(fake_show / "empty"))
    assert empty.exit_code == 0
    assert "no posts found" in empty.stderr
    assert not (fake_show / "out").exists()

    missing = batch(runner, fake_show, str(fake_show / "typo"))
    assert missing.exit_code == 1
    assert "no such file or folder" in missing.stdout


def test_damaged_or_old_manifest_is_rebuilt_keeping_slugs(runner: CliRunner, fake_show: Path) -> None:
    write_post(fake_show / "blog" / "2024", "a.md", 1)
    write_post(fake_show / "blog" / "2025", "a.md", 2)
    assert batch(runner, fake_show, str(fake_show / "blog"), "--jobs", "1", "--no-publish").exit_code == 0
    guid = episode(fake_show, "2025-a")["guid"]
    for damage, said in [
        ("{not json", "cannot be read"),
        (json.dumps({"kind": "xiaoya-podcast batch manifest", "version": 0, "posts": []}), "older version"),
        (json.dumps({"kind": "xiaoya-podcast batch manifest", "version": 1, "posts": {"x": {}}}), "damaged"),
    ]:
        manifest_path(fake_show / "out").parent.mkdir(parents=True, exist_ok=True)
        manifest_path(fake_show / "out").write_text(damage, encoding="utf-8")
        result = batch(runner, fake_show, str(fake_show / "blog"), "--jobs", "1", "--no-publish")
        assert result.exit_code == 0, result.output
        assert said in result.stderr and "rebuilt" in result.stderr
        slugs = {k: v["slug"] for k, v in manifest(fake_show)["posts"].items()}
        assert slugs == {"blog/2024/a.md": "a", "blog/2025/a.md": "2025-a"}, damage
        assert episode(fake_show, "2025-a")["guid"] == guid
        assert manifest_path(fake_show / "out").with_name(f"{MANIFEST_NAME}.old").read_text(encoding="utf-8") == damage


def test_episodes_rendered_one_by_one_keep_their_folder_and_guid(runner: CliRunner, blog: Path) -> None:
    """A first batch (no manifest yet) over a post already rendered with ``podcast render``."""
    single = runner.invoke(app, ["render", "posts/one.md", "--config", "podcast.toml", "-o", "out"])
    assert single.exit_code == 0, single.output
    guid = episode(blog, "one")["guid"]
    write_post(blog / "posts", "two.md", 22)
    (blog / "out" / "episodes" / "two").mkdir()  # someone else's folder: its name is not reused
    result = batch(runner, blog, "posts", "--jobs", "1", "--no-publish")
    assert result.exit_code == 0, result.output
    slugs = {k: v["slug"] for k, v in manifest(blog)["posts"].items()}
    assert slugs == {"posts/one.md": "one", "posts/sub/three.md": "three", "posts/two.md": "posts-two"}
    assert episode(blog, "one")["guid"] == guid


def test_manifest_from_a_newer_version_is_refused(runner: CliRunner, blog: Path) -> None:
    (blog / "out").mkdir()
    newer = json.dumps({"kind": "xiaoya-podcast batch manifest", "version": 99, "posts": {}})
    manifest_path(blog / "out").parent.mkdir(parents=True, exist_ok=True)
    manifest_path(blog / "out").write_text(newer, encoding="utf-8")
    result = batch(runner, blog, "posts", "--jobs", "1")
    assert result.exit_code == 1
    assert "newer" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert manifest_path(blog / "out").read_text(encoding="utf-8") == newer


def test_a_second_batch_on_the_same_output_is_refused(runner: CliRunner, blog: Path) -> None:
    import fcntl

    (blog / "out").mkdir()
    lock_path(blog / "out").parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(blog / "out"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = batch(runner, blog, "posts", "--jobs", "1")
    assert result.exit_code == 1 and "another podcast batch" in result.stderr


def test_publish_failure_is_reported_after_the_posts(blog: Path) -> None:
    calls: list[Path] = []

    def failing(show: Show, output_root: Path, *, base_url: str | None = None) -> Published:
        calls.append(output_root)
        raise FeedError("the feed cannot be built: disk on fire")

    show = load_show(blog / "podcast.toml")
    report = run_batch([str(blog / "posts" / "one.md")], show, library_options(blog, publish=True), publisher=failing)
    assert calls == [(blog / "out").absolute()]
    assert report.count("rendered") == 1 and report.publish_error == "the feed cannot be built: disk on fire"
    assert not report.ok


def test_plain_lines_off_a_terminal_and_quiet(runner: CliRunner, blog: Path) -> None:
    plain = batch(runner, blog, "posts", "--jobs", "1", "--no-publish")
    assert "3 posts found: 3 to render, 0 up to date" in plain.stderr
    assert "[1/3] rendered posts/one.md → one: new;" in plain.stderr
    assert "\x1b[" not in plain.stderr + plain.stdout  # no colours or progress bars in a log

    write_post(blog / "posts", "two.md", 2, extra="改了。")
    quiet = batch(runner, blog, "posts", "--jobs", "1", "--no-publish", "--quiet")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""

    (blog / "posts" / "bad.md").write_bytes(b"%PDF-1.4" + bytes(32))
    failing = batch(runner, blog, "posts", "--jobs", "1", "--no-publish", "-q")
    assert failing.exit_code == 1 and failing.stdout == ""
    assert failing.stderr.strip() == "error: posts/bad.md: this is a PDF document, not a text post"


# ---------------------------------------------------------------- parallel and distributed


def test_dask_cluster(blog: Path) -> None:
    distributed = pytest.importorskip("distributed")
    show = load_show(blog / "podcast.toml")
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        posts = [str(blog / "posts" / "one.md"), str(blog / "posts" / "two.md")]
        report = run_batch(posts, show, library_options(blog, executor=f"dask://{address}"))
    assert report.count("rendered") == 2, report.results
    assert report.runner.startswith(f"on Dask at tcp://{address}")
    assert_consistent(blog / "out")


def test_unreachable_scheduler_stops_before_any_work(runner: CliRunner, blog: Path) -> None:
    show = load_show(blog / "podcast.toml")
    options = library_options(blog, executor="dask://127.0.0.1:9", connect_timeout=0.5)
    with pytest.raises(BatchError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch([str(blog / "posts")], show, options, cwd=blog)
    assert not (blog / "out" / "episodes").exists()
    assert not (blog / "out" / MANIFEST_NAME).exists()

    bad = batch(runner, blog, "posts", "--executor", "dask://nowhere")
    assert bad.exit_code == 1 and "dask://HOST:PORT" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- killed and resumed


def processes_in(folder: Path) -> list[int]:
    """Other processes working in ``folder`` (the batch's workers), from /proc."""
    found: list[int] = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")) == folder and int(proc.name) != os.getpid():
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or a zombie
            continue
    return found


def finished_posts(out: Path) -> dict[str, str]:
    """Posts with an episode in the manifest (key → when rendered); {} while none is written."""
    try:
        posts = json.loads(manifest_path(out).read_text(encoding="utf-8"))["posts"]
    except (OSError, ValueError):
        return {}
    return {k: v["rendered"] for k, v in posts.items() if v["episode"]}


def stop_midway(command: list[str], folder: Path, after: int, how: signal.Signals) -> tuple[int, str]:
    """Start ``command``, wait until ``after`` posts are finished, send ``how``; its exit
    status and standard error once it (and every worker) has ended."""
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(finished_posts(folder / "out")) < after and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the batch finished before it could be stopped"
    process.send_signal(how)
    _, stderr = process.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while processes_in(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_in(folder) == [], "worker processes outlived the batch"
    assert_consistent(folder / "out")
    return process.returncode, stderr


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs /proc to see the worker processes")
def test_interrupted_then_killed_then_finished_by_a_rerun(blog: Path) -> None:
    """A real ``podcast batch`` with two worker processes: Ctrl-C, then kill -9, mid-run."""
    for n in range(4, 8):
        write_post(blog / "posts", f"more-{n}.md", n)
    command = [sys.executable, "-m", "podcast", "batch", "posts", "--jobs", "2", "--no-publish"]
    command += ["--config", str(blog / "podcast.toml"), "-o", str(blog / "out")]

    status, stderr = stop_midway(command, blog, 1, signal.SIGINT)
    assert status == 130 and "run the same command again" in stderr
    first = finished_posts(blog / "out")
    assert 1 <= len(first) < 6

    status, _ = stop_midway(command, blog, len(first) + 1, signal.SIGKILL)
    assert status == -signal.SIGKILL
    finished = finished_posts(blog / "out")
    assert len(first) + 1 <= len(finished) < 7
    assert all(finished[k] == stamp for k, stamp in first.items())  # not redone

    rerun = batch(CliRunner(), blog, "posts", "--jobs", "1", "--no-publish")
    assert rerun.exit_code == 0, rerun.output
    after = manifest(blog)["posts"]
    assert len(after) == 7 and all(v["episode"] for v in after.values())
    assert all(after[k]["rendered"] == stamp for k, stamp in finished.items())
    assert f"{len(finished)} skipped" in rerun.stdout
    assert_consistent(blog / "out")
    leftovers = [p.name for p in (blog / "out").rglob(".*") if re.search(r"\.(tmp|old|pruned)$|\.new-", p.name)]
    assert leftovers == []  # no half-written manifest or episode folder


# ---------------------------------------------------------------- the real voice


def test_offline_voice_batch(runner: CliRunner, isolated_cache: Path, tmp_path: Path) -> None:
    show = tmp_path / "real"
    show.mkdir()
    (show / "podcast.toml").write_text('[show]\ntitle = "测试"\nauthor = "立委"\n', encoding="utf-8")
    write_post(show / "posts", "real.md", 1)
    result = batch(runner, show, str(show / "posts"), "--jobs", "1", "--no-publish")
    assert result.exit_code == 0, result.output
    meta = episode(show, "real")
    assert meta["engine"] == "offline"
    decoded = ffmpeg.decode_file(str(show / "out" / "episodes" / "real" / "episode.mp3"), sample_rate=8000)
    assert abs(len(decoded) / 8000 - meta["duration"]) < 0.2
    assert manifest(show)["posts"]["posts/real.md"]["synthesized"] > 0
