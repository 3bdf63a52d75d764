"""Publishing for real: modes any web host can serve, identity kept with the show, an out/
folder that is exactly what gets uploaded, safe URLs, a feed in order, a first run that works."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from podcast import identity
from podcast.cli import app
from podcast.config import load_show
from podcast.errors import ConfigError
from podcast.urls import public_base
from tests.conftest import FAKE_VOICES
from tests.test_render import write_post

BASE = "https://example.com/show/"


def config_of(show: Path) -> str:
    return str(show / "podcast.toml")


def run(runner: CliRunner, show: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--config", config_of(show)])
    assert result.exit_code == 0, result.output
    return result.output


def render_and_publish(runner: CliRunner, show: Path, *posts: Path) -> Path:
    for post in posts:
        run(runner, show, "render", str(post), "-o", str(show / "out"))
    run(runner, show, "feed", "-o", str(show / "out"), "--base-url", BASE)
    return show / "out"


def guids(out: Path) -> dict[str, str]:
    feed = podcastparser.parse(BASE + "feed.xml", (out / "feed.xml").open("rb"))
    return {e["enclosures"][0]["url"].split("/")[-2]: e["guid"] for e in feed["episodes"]}


# ---------------------------------------------------------------- 1. modes


@pytest.fixture(params=[0o022, 0o077], ids=["umask-022", "umask-077"])
def umask(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    from podcast import fsutil

    previous = os.umask(request.param)
    fsutil.umask.cache_clear()
    yield request.param
    os.umask(previous)
    fsutil.umask.cache_clear()


def test_everything_written_honours_the_umask(runner: CliRunner, fake_show: Path, umask: int) -> None:
    out = render_and_publish(runner, fake_show, write_post(fake_show))
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert mode == expected, f"{path}: {oct(mode)} (expected {oct(expected)} under umask {oct(umask)})"


def test_init_writes_files_a_web_server_can_read(runner: CliRunner, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        result = runner.invoke(app, ["init", str(tmp_path / "show"), "-q"])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "show").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


# ---------------------------------------------------------------- 2. identity


def test_guids_survive_deleting_out(runner: CliRunner, fake_show: Path) -> None:
    posts = [write_post(fake_show), write_post(fake_show, "second.md")]
    out = render_and_publish(runner, fake_show, *posts)
    before = guids(out)
    channel = etree.parse(str(out / "feed.xml")).findtext("channel/{https://podcastindex.org/namespace/1.0}guid")
    shutil.rmtree(out)
    out = render_and_publish(runner, fake_show, *posts)
    assert guids(out) == before
    assert (
        etree.parse(str(out / "feed.xml")).findtext("channel/{https://podcastindex.org/namespace/1.0}guid") == channel
    )
    recorded = identity.load(fake_show / identity.FILE_NAME)
    assert {slug: r.guid for slug, r in recorded.episodes.items()} == before


def test_a_renamed_post_keeps_its_episode(runner: CliRunner, fake_show: Path) -> None:
    post = write_post(fake_show, "old-name.md")
    out = render_and_publish(runner, fake_show, post)
    before = guids(out)
    renamed = post.rename(fake_show / "new-name.md")
    result = runner.invoke(app, ["render", str(renamed), "-o", str(out), "--config", config_of(fake_show)])
    assert result.exit_code == 0, result.output
    assert "renamed from old-name.md" in result.output
    run(runner, fake_show, "feed", "-o", str(out), "--base-url", BASE)
    assert guids(out) == before  # one entry, the same guid, in the same folder


def test_a_renamed_post_keeps_its_episode_in_a_batch(runner: CliRunner, fake_show: Path) -> None:
    posts = fake_show / "posts"
    posts.mkdir()
    write_post(posts, "first.md")
    args = ["batch", str(posts), "-o", str(fake_show / "out"), "--base-url", BASE, "--config", config_of(fake_show)]
    assert runner.invoke(app, args).exit_code == 0
    before = guids(fake_show / "out")
    (posts / "first.md").rename(posts / "renamed.md")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert guids(fake_show / "out") == before


def test_a_front_matter_guid_is_kept(runner: CliRunner, fake_show: Path) -> None:
    post = write_post(
        fake_show,
        body="---\ntitle: 钉住\ndate: 2024-05-01\nguid: tag:example.com,2020:42\n---\n\n李：压缩。\n\n白：对。\n",
    )
    out = render_and_publish(runner, fake_show, post)
    assert guids(out) == {"post": "tag:example.com,2020:42"}


def test_the_channel_guid_is_given_once(runner: CliRunner, fake_show: Path) -> None:
    out = render_and_publish(runner, fake_show, write_post(fake_show))
    first = etree.parse(str(out / "feed.xml")).findtext("channel/{https://podcastindex.org/namespace/1.0}guid")
    run(runner, fake_show, "feed", "-o", str(out), "--base-url", "https://moved.example.org/podcast/")
    moved = etree.parse(str(out / "feed.xml")).findtext("channel/{https://podcastindex.org/namespace/1.0}guid")
    assert moved == first


def test_guids_kept_in_out_by_an_earlier_version_are_adopted(runner: CliRunner, fake_show: Path) -> None:
    out = fake_show / "out"
    (out / ".podcast" / "guids").mkdir(parents=True)
    (out / ".podcast" / "guids" / "post").write_text("published-long-ago\n")
    render_and_publish(runner, fake_show, write_post(fake_show))
    assert guids(out) == {"post": "published-long-ago"}


# ---------------------------------------------------------------- 3. out/ is what gets uploaded


def test_out_holds_only_what_is_published(runner: CliRunner, fake_show: Path) -> None:
    posts = fake_show / "posts"
    posts.mkdir()
    write_post(posts, "one.md")
    args = ["batch", str(posts), "-o", str(fake_show / "out"), "--base-url", BASE, "--config", config_of(fake_show)]
    assert runner.invoke(app, args).exit_code == 0
    names = {p.relative_to(fake_show / "out").as_posix() for p in (fake_show / "out").rglob("*")}
    private = [n for n in names if re.search(r"manifest|\.lock|\.podcast|\.tmp|\.new-|\.old", n)]
    assert not private, private


# ---------------------------------------------------------------- 4. base_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/播客", "https://example.com/%E6%92%AD%E5%AE%A2/"),
        ("https://example.com/a b/", None),
        ("https://example.com/show/?x=1", None),
        ("https://example.com/show/#top", None),
        ('https://example.com/"x"/', None),
        ("https://example.com/\nshow/", None),
        ("example.com/show/", None),
        ("ftp://example.com/", None),
        ("https://user:pw@example.com/", None),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_base_url_is_a_plain_absolute_address(url: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ConfigError, match=r"show\.base_url"):
            public_base(url)
    else:
        assert public_base(url) == expected


def test_a_chinese_base_url_gives_encoded_urls_everywhere(runner: CliRunner, fake_show: Path) -> None:
    render_and_publish(runner, fake_show, write_post(fake_show))
    run(runner, fake_show, "feed", "-o", str(fake_show / "out"), "--base-url", "https://例子.中国/播客/")
    feed = (fake_show / "out" / "feed.xml").read_text(encoding="utf-8")
    urls = re.findall(r'(?:url|href)="([^"]+)"|<link>([^<]+)</link>', feed)
    flat = [u for pair in urls for u in pair if u]
    assert flat and all(u.isascii() and " " not in u for u in flat), flat
    assert "https://xn--fsqu00a.xn--fiqs8s/%E6%92%AD%E5%AE%A2/feed.xml" in feed


# ---------------------------------------------------------------- 5. the feed


def test_items_are_in_date_order_with_stable_formatting(runner: CliRunner, fake_show: Path) -> None:
    dates = ["2024-03-01", "2024-05-01", "2024-01-01"]
    posts = [
        write_post(fake_show, f"p{n}.md", f"---\ntitle: 第{n}期\ndate: {d}\n---\n\n李：第{n}句。\n\n白：好。\n")
        for n, d in enumerate(dates)
    ]
    out = render_and_publish(runner, fake_show, *posts)
    first = (out / "feed.xml").read_bytes()
    (out / "episodes" / "p0" / "episode.json").write_text("{broken")  # kept from the previous feed
    run(runner, fake_show, "feed", "-o", str(out), "--base-url", BASE)
    second = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(second)
    assert [e.title for e in parsed.entries] == ["第1期", "第0期", "第2期"]
    strip = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>")
    assert strip.sub(b"", first) == strip.sub(b"", second)  # byte for byte, the kept item included


def test_an_episode_without_its_audio_is_left_out_of_feed_and_site(runner: CliRunner, fake_show: Path) -> None:
    out = render_and_publish(runner, fake_show, write_post(fake_show), write_post(fake_show, "second.md"))
    (out / "episodes" / "second" / "episode.mp3").unlink()
    result = runner.invoke(app, ["feed", "-o", str(out), "--base-url", BASE, "--config", config_of(fake_show)])
    assert result.exit_code == 0 and "episode.mp3 is missing" in result.output
    assert list(guids(out)) == ["post"]
    assert "episodes/second/" not in (out / "index.html").read_text(encoding="utf-8")


def test_channel_host_and_captions(runner: CliRunner, fake_show: Path) -> None:
    out = render_and_publish(runner, fake_show, write_post(fake_show))
    tree = etree.parse(str(out / "feed.xml"))
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    hosts = tree.xpath("/rss/channel/podcast:person[@role='host']/text()", namespaces=ns)
    assert hosts == ["小雅"]
    vtt = tree.xpath("//item/podcast:transcript[@type='text/vtt']/@rel", namespaces=ns)
    assert vtt == ["captions"]


# ---------------------------------------------------------------- 8. first run


def test_a_newcomers_first_run_works(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODCAST_CACHE_DIR", str(tmp_path / "cache"))
    show = tmp_path / "show"
    assert runner.invoke(app, ["init", str(show), "-q"]).exit_code == 0
    config = show / "podcast.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('engine = "offline"', 'engine = "fake"'), "utf-8")
    (show / "voices" / "fake.toml").write_text(FAKE_VOICES, encoding="utf-8")
    rendered = runner.invoke(app, ["render", str(show / "episodes" / "hello.md"), "--config", str(config)])
    assert rendered.exit_code == 0, rendered.output
    fed = runner.invoke(app, ["feed", "--config", str(config)])
    assert fed.exit_code == 0, fed.output
    assert "not yet publishable" in fed.output and (show / "out" / "feed.xml").is_file()


def test_init_records_the_address_the_email_and_the_channel_guid(runner: CliRunner, tmp_path: Path) -> None:
    show = tmp_path / "show"
    result = runner.invoke(
        app, ["init", str(show), "-q", "--base-url", "https://example.com/播客", "--email", "me@example.com"]
    )
    assert result.exit_code == 0, result.output
    loaded = load_show(show / "podcast.toml")
    assert loaded.base_url == "https://example.com/%E6%92%AD%E5%AE%A2/" and loaded.owner_email == "me@example.com"
    assert identity.load(show / identity.FILE_NAME).channel_guid
    bad = runner.invoke(app, ["init", str(tmp_path / "other"), "-q", "--email", "not-an-address"])
    assert bad.exit_code != 0


def test_init_asks_on_a_terminal_only(tmp_path: Path) -> None:
    code = "from podcast.cli import app; app()"
    done = subprocess.run(
        [sys.executable, "-c", code, "init", str(tmp_path / "show")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # no terminal: nothing asked, nothing hangs
