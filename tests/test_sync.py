"""``podcast sync FEED_URL``: what is new on a blog becomes episodes and the feed is rebuilt;
silent when nothing changed; guids never change. Against the fixture blog of
`tests/feed_blog.py` on 127.0.0.1, with the fake engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner, Result

from podcast.cli import app
from tests.feed_blog import DIALOGUE, FixtureBlog, invoke, with_base_url
from tests.web_server import WebServer


@pytest.fixture
def show(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake show (also the current folder) with a base URL."""
    monkeypatch.chdir(fake_show)
    return with_base_url(fake_show)


@pytest.fixture
def blog() -> Iterator[FixtureBlog]:
    with WebServer() as site:
        yield FixtureBlog(site)


def sync(runner: CliRunner, show: Path, *args: str) -> Result:
    return invoke(runner, "sync", show, *args)


def guids(show: Path) -> dict[str, str]:
    """Episode page → guid, as a podcast app reads the feed."""
    parsed = feedparser.parse((show / "out" / "feed.xml").read_bytes())
    return {entry.link: entry.id for entry in parsed.entries}


def test_sync_renders_then_is_silent_then_rebuilds_the_feed_for_an_edit(
    runner: CliRunner, show: Path, blog: FixtureBlog
) -> None:
    blog.serve_rest()
    first = sync(runner, show, blog.url("/wp/feed/"))
    assert first.exit_code == 0, first.output
    assert sum(line.startswith("rendered ") for line in first.stderr.splitlines()) == 3
    assert first.stdout.startswith("3 rendered · 1 skipped · feed: ")
    feed = show / "out" / "feed.xml"
    before = guids(show)
    assert len(before) == 3 and sorted(link.split("/")[-2] for link in before) == sorted(DIALOGUE)
    built = (feed.stat().st_mtime_ns, feed.read_bytes())

    quiet = sync(runner, show, blog.url("/wp/feed/"))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (feed.stat().st_mtime_ns, feed.read_bytes()) == built  # not even rewritten

    blog.edit_rest("1", "李：那另一半呢？", "李：那另一半呢？说来听听，别卖关子。")
    edited = sync(runner, show, blog.url("/wp/feed/"))
    assert edited.exit_code == 0, edited.output
    lines = [line for line in edited.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, edited.stderr
    assert lines[0].startswith(f"rendered {blog.url('/2024/05/lossless-compression/')} → lossless-compression: ")
    assert "post changed" in lines[0]
    assert feed.read_bytes() != built[1]
    assert guids(show) == before  # the edited episode and the others keep their guids


def test_sync_builds_a_missing_feed_silently(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_atom()
    rendered = runner.invoke(
        app,
        ["batch", blog.url("/atom.xml"), "--no-publish", "--rate", "0", "--jobs", "1", "-o", str(show / "out")],
    )
    assert rendered.exit_code == 0, rendered.output
    assert not (show / "out" / "feed.xml").exists()
    result = sync(runner, show, blog.url("/atom.xml"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(guids(show)) == 3


def test_sync_reports_what_failed_every_time(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()  # its oldest post's page is gone
    first = sync(runner, show, blog.url("/feed/"))
    assert first.exit_code == 1
    assert f"failed {blog.url('/2024/01/old-post/')}: HTTP 404 (not found)" in first.stderr.splitlines()
    assert "3 rendered" in first.stdout and "1 failed" in first.stdout
    again = sync(runner, show, blog.url("/feed/"))
    assert again.exit_code == 1
    assert [line for line in again.stderr.splitlines() if not line.startswith("warning:")] == [
        f"failed {blog.url('/2024/01/old-post/')}: HTTP 404 (not found)"
    ]


def test_sync_takes_only_web_addresses(runner: CliRunner, show: Path) -> None:
    result = sync(runner, show, "posts/")
    assert result.exit_code == 2
    assert "not an http:// or https:// address" in result.stderr
