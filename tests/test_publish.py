"""Publishing, read back by real consumers: gPodder's podcastparser and feedparser for the
feed, HTTP for the server, headless Chromium for the site."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import numpy as np
import podcastparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image
from typer.testing import CliRunner

from podcast.cli import app
from podcast.config import Show, load_show
from podcast.errors import ConfigError
from podcast.model import Chapter, Episode
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from podcast.publish import publish
from podcast.publish.feed import Item, build_feed, clean
from podcast.publish.serve import make_server

BASE = "https://example.com/show/"


def write_post(folder: Path, name: str, title: str, date: str, body: str = "") -> Path:
    path = folder / name
    path.write_text(
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n---\n\n"
        + (body or "李：压缩的是函数。不是文本。\n\n白：对。那泛化呢？\n\n李：泛化来自规律。\n"),
        encoding="utf-8",
    )
    return path


def render_two(fake_show: Path) -> tuple[Show, Path]:
    """Two episodes voiced by the fake engine into ``out/``, not yet published."""
    show = load_show(fake_show / "podcast.toml")
    out = fake_show / "out"
    for name, title, date in (
        ("first.md", "第一期：压缩", "2024-05-01"),
        ("second.md", "Second & <last>", "2024-06-01"),
    ):
        render(read_post(write_post(fake_show, name, title, date)), show, RenderOptions(output_root=out))
    return show, out


@pytest.fixture
def two_episodes(fake_show: Path) -> tuple[Show, Path]:
    return render_two(fake_show)


def episode_json(out: Path, slug: str) -> dict[str, Any]:
    return json.loads((out / "episodes" / slug / "episode.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the feed


def test_podcastparser_reads_every_episode(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    with open(out / "feed.xml", "rb") as stream:
        parsed = podcastparser.parse(f"{BASE}feed.xml", stream)
    assert parsed["title"] == "测试播客"
    assert len(parsed["episodes"]) == 2
    for episode in parsed["episodes"]:
        slug = re.search(r"/episodes/([^/]+)/", episode["enclosures"][0]["url"]).group(1)  # type: ignore[union-attr]
        meta = episode_json(out, slug)
        enclosure = episode["enclosures"][0]
        assert episode["title"] == meta["title"]
        assert enclosure["url"] == f"{BASE}episodes/{slug}/episode.mp3"
        assert enclosure["file_size"] == (out / "episodes" / slug / "episode.mp3").stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert episode["total_time"] == round(meta["duration"])
        assert episode["guid"] == meta["guid"]
        assert episode["published"] > 0


def test_feedparser_reads_every_episode(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "测试播客"
    assert parsed.namespaces["podcast"] == "https://podcastindex.org/namespace/1.0"
    titles = [e.title for e in parsed.entries]
    assert titles == ["Second & <last>", "第一期：压缩"]  # newest first
    for entry in parsed.entries:
        slug = re.search(r"/episodes/([^/]+)/", entry.enclosures[0].href).group(1)  # type: ignore[union-attr]
        meta = episode_json(out, slug)
        assert int(entry.enclosures[0].length) == (out / "episodes" / slug / "episode.mp3").stat().st_size
        assert entry.id == meta["guid"]
        assert entry.itunes_duration == str(round(meta["duration"]))
        assert entry.published_parsed.tm_year == 2024


def test_feed_has_what_apple_and_podcasting_2_need(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    tree = etree.parse(str(out / "feed.xml"))
    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
    channel = tree.find("channel")
    assert channel is not None
    for tag in ("title", "description", "language", "link", "itunes:image", "itunes:category", "itunes:explicit",
                "itunes:author", "podcast:guid"):  # fmt: skip
        assert channel.find(tag, ns) is not None, tag
    assert channel.findtext("itunes:explicit", namespaces=ns) == "false"
    assert re.fullmatch(r"[0-9a-f-]{36}", channel.findtext("podcast:guid", namespaces=ns) or "")
    for item in channel.iterfind("item"):
        assert item.find("podcast:chapters", ns).get("type") == "application/json+chapters"  # type: ignore[union-attr]
        types = {t.get("type") for t in item.iterfind("podcast:transcript", ns)}
        assert types == {"text/vtt", "application/x-subrip"}
        assert re.fullmatch(r"\d+", item.findtext("itunes:duration", namespaces=ns) or "")
        assert item.find("guid").get("isPermaLink") == "false"  # type: ignore[union-attr]
        assert {p.get("role") for p in item.iterfind("podcast:person", ns)} == {"host", "guest"}


def test_guids_survive_rerenders_and_other_items_stay_byte_identical(
    fake_show: Path, two_episodes: tuple[Show, Path]
) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)

    def items(feed: bytes) -> dict[str, str]:
        root = etree.fromstring(feed)
        return {i.findtext("guid") or "": etree.tostring(i, encoding="unicode") for i in root.iterfind("channel/item")}

    before = items((out / "feed.xml").read_bytes())
    guid_first = episode_json(out, "first")["guid"]
    # A new title for one episode, re-rendered; and a third episode added.
    render(read_post(write_post(fake_show, "first.md", "第一期：压缩（修订）", "2024-05-01")), show,
           RenderOptions(output_root=out))  # fmt: skip
    render(read_post(write_post(fake_show, "third.md", "第三期", "2024-07-01")), show, RenderOptions(output_root=out))
    publish(show, out, base_url=BASE)
    after = items((out / "feed.xml").read_bytes())
    assert set(before) <= set(after) and len(after) == 3
    assert episode_json(out, "first")["guid"] == guid_first
    untouched = episode_json(out, "second")["guid"]
    assert after[str(untouched)] == before[str(untouched)]
    assert "第一期：压缩（修订）" in after[str(guid_first)]


def test_a_deleted_and_rerendered_episode_keeps_its_guid(fake_show: Path, two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    guid = episode_json(out, "first")["guid"]
    shutil.rmtree(out / "episodes" / "first")
    render(read_post(fake_show / "first.md"), show, RenderOptions(output_root=out))
    assert episode_json(out, "first")["guid"] == guid


def test_corrupt_episode_json_keeps_the_previous_entry(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    (out / "episodes" / "first" / "episode.json").write_text("{not json", encoding="utf-8")
    result = publish(show, out, base_url=BASE)
    assert any("first" in w and "previous feed entry is kept" in w for w in result.warnings)
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert len(parsed.entries) == 2
    (out / "episodes" / "second" / "episode.json").unlink()
    result = publish(show, out, base_url=BASE)
    assert any("second" in w and "missing" in w for w in result.warnings)
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 2


def fake_episode(slug: str, title: str, description: str) -> Item:
    episode = Episode(
        slug=slug, guid=f"guid-{slug}", title=title, date="2024-05-01", author="作者 & <co>", language="zh",
        source="p.md", description=description, audio="episode.mp3", duration=61.2, size=1000, sha256="0" * 64,
        chapters=(Chapter(0.0, 61.2, title),), files={"vtt": "transcript.vtt"}, engine="fake", voices={},
        speakers=(title[:10] or "某人",), loudness={},
    )  # fmt: skip
    return Item(episode, 1000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(st.tuples(st.text(min_size=1, max_size=60), st.text(max_size=200)), min_size=1, max_size=6))
def test_any_unicode_gives_well_formed_xml(titles: list[tuple[str, str]]) -> None:
    items = [fake_episode(f"e{n}", title, text) for n, (title, text) in enumerate(titles)]
    show = Show(title="标题 ]]> & <b>", description="desc \x00 😀", author="a&b")
    document = build_feed(show, BASE, items)
    root = etree.fromstring(document)  # raises if not well-formed
    found = sorted(i.findtext("title") or "" for i in root.iterfind("channel/item"))
    assert found == sorted(clean(t) for t, _ in titles)
    assert not feedparser.parse(document).bozo


# ---------------------------------------------------------------- settings and bad input


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[show]\nbase_url = "ftp://example.com/"', "show.base_url"),
        ('[show]\nbase_url = "example.com"', "show.base_url"),
        ('[show]\ncategory = "Gardening"', "show.category"),
        ('[show]\nowner_email = "nobody"', "show.owner_email"),
        ('[show]\nexplicit = "no"', "show.explicit"),
        ('[show]\ntype = "daily"', "show.type"),
        ('[show]\ncolour = "red"', "show.colour"),
        ('[shows]\ntitle = "x"', "[shows]"),
        ("[show\ntitle=", "not valid TOML"),
    ],
)
def test_invalid_show_settings_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "podcast.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_show(tmp_path / "podcast.toml")


def test_without_a_base_url_the_feed_is_a_preview(
    runner: CliRunner, two_episodes: tuple[Show, Path], fake_show: Path
) -> None:
    result = runner.invoke(app, ["feed", "--config", str(fake_show / "podcast.toml"), "-o", str(two_episodes[1])])
    assert result.exit_code == 0
    assert "not yet publishable" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "http://127.0.0.1:8000/episodes/" in (two_episodes[1] / "feed.xml").read_text(encoding="utf-8")
    ok = runner.invoke(
        app, ["feed", "--config", str(fake_show / "podcast.toml"), "-o", str(two_episodes[1]), "--base-url", BASE]
    )
    assert ok.exit_code == 0 and "2 episodes" in ok.stdout


def test_feed_into_an_unwritable_output(runner: CliRunner, fake_show: Path) -> None:
    (fake_show / "blocked").write_text("a file")
    result = runner.invoke(
        app, ["feed", "--config", str(fake_show / "podcast.toml"), "-o", str(fake_show / "blocked"), "--base-url", BASE]
    )
    assert result.exit_code == 1 and "cannot write" in result.stderr


def test_generated_cover_is_a_square_png_with_the_title(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    image = Image.open(out / "cover.png")
    assert image.format == "PNG" and image.size == (1400, 1400) and image.mode == "RGB"
    # The title band holds drawn text: many pixels close to white.
    band = np.asarray(image.crop((100, 500, 1300, 900)).convert("L"))
    assert int((band > 240).sum()) > 2000


def test_site_pages(two_episodes: tuple[Show, Path]) -> None:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and 'name="viewport"' in index
    assert index.count("<audio") == 2 and 'href="feed.xml"' in index
    assert "Second &amp; &lt;last&gt;" in index  # escaped
    page = (out / "episodes" / "first" / "index.html").read_text(encoding="utf-8")
    assert 'src="episode.mp3"' in page and "文字稿" in page and "data-seek" in page


def test_init_scaffolds_a_show_and_never_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "show"), "--title", "我的播客", "--author", "白"])
    assert result.exit_code == 0, result.output
    show = load_show(tmp_path / "show" / "podcast.toml")
    assert show.title == "我的播客" and show.author == "白"
    assert read_post(tmp_path / "show" / "episodes" / "hello.md").speakers == ("李", "白")
    again = runner.invoke(app, ["init", str(tmp_path / "show")])
    assert again.exit_code == 1 and "nothing was changed" in again.stderr


# ---------------------------------------------------------------- serving


@pytest.fixture
def served(two_episodes: tuple[Show, Path]) -> Iterator[tuple[str, Path]]:
    show, out = two_episodes
    publish(show, out, base_url=BASE)
    server = make_server(out, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", out
    server.shutdown()
    server.server_close()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_range_requests(served: tuple[str, Path]) -> None:
    base, out = served
    data = (out / "episodes" / "first" / "episode.mp3").read_bytes()
    status, headers, body = fetch(f"{base}episodes/first/episode.mp3", Range="bytes=100-1099")
    assert status == 206 and body == data[100:1100]
    assert headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    status, _, body = fetch(f"{base}episodes/first/episode.mp3", Range="bytes=-500")
    assert status == 206 and body == data[-500:]
    status, headers, body = fetch(f"{base}episodes/first/episode.mp3")
    assert status == 200 and body == data and headers["Accept-Ranges"] == "bytes"
    status, headers, _ = fetch(f"{base}episodes/first/episode.mp3", Range=f"bytes={len(data) + 10}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"


def test_mime_types_and_no_escape(served: tuple[str, Path], tmp_path: Path) -> None:
    base, out = served
    expected = {
        "episodes/first/episode.mp3": "audio/mpeg",
        "episodes/first/transcript.vtt": "text/vtt",
        "episodes/first/chapters.json": "application/json",
        "feed.xml": "application/rss+xml",
        "": "text/html",
    }
    for path, mime in expected.items():
        status, headers, _ = fetch(base + path)
        assert status == 200 and headers["Content-Type"].startswith(mime), path
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    os.symlink(secret, out / "link.txt")
    for path in ("../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "link.txt", ".podcast/guids/first",
                 "episodes/.first.old/episode.mp3"):  # fmt: skip
        status, _, body = fetch(base + path)
        assert status == 404 and b"secret" not in body, path


def test_port_in_use_is_one_line(runner: CliRunner, fake_show: Path, two_episodes: tuple[Show, Path]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app, ["serve", "--config", str(fake_show / "podcast.toml"), "-o", str(two_episodes[1]), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert "in use" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- a real browser


def chromium() -> str | None:
    return os.environ.get("PODCAST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    chromium() is None and not os.environ.get("PODCAST_REQUIRE_BROWSER"),
    reason="no Chromium here (CI installs it and sets PODCAST_REQUIRE_BROWSER)",
)
def test_browser_plays_every_episode_for_its_length(served: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, out = served
    executable = chromium()
    assert executable, "PODCAST_REQUIRE_BROWSER is set but no Chromium was found"
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(base)
            assert len(page.query_selector_all("audio")) == 2
            page.wait_for_function(
                "Array.from(document.querySelectorAll('audio')).every(a => a.readyState >= 1)", timeout=30_000
            )
            found = page.evaluate(
                "Array.from(document.querySelectorAll('article')).map(a => [a.id, a.querySelector('audio').duration])"
            )
            for slug, seconds in found:
                assert abs(seconds - episode_json(out, slug)["duration"]) <= 0.5, slug
            # The page fits a phone: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
