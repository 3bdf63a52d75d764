"""The static site as a listener and a link preview meet it: the generated HTML read back with
lxml (preview tags, subscribe links, escaping, addresses), then the pages in headless
Chromium (screenshots at desktop and phone sizes, nothing wider than the screen, chapters and
transcript timestamps that seek the player, the copy button)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from lxml import html
from PIL import Image

from podcast.config import Show
from podcast.model import Chapter, Episode
from podcast.publish import publish
from podcast.publish.feed import Item
from podcast.publish.serve import make_server
from podcast.publish.site import ascii_url, subscribe_links, write_site
from tests.test_publish import render_two

BASE = "https://example.com/show/"
HOSTILE = "</title><script>alert('t')</script> \"quoted\" & <b>bold</b>"


@pytest.fixture
def rendered(fake_show: Path) -> tuple[Show, Path]:
    """Two episodes voiced by the fake engine, not yet published."""
    return render_two(fake_show)


@pytest.fixture
def published(rendered: tuple[Show, Path]) -> Path:
    show, out = rendered
    publish(show, out, base_url=BASE)
    return out


def page(path: Path) -> Any:
    return html.fromstring(path.read_bytes())


def meta(document: Any) -> dict[str, str]:
    """Every ``<meta property|name=… content=…>`` of a page."""
    found: dict[str, str] = {}
    for element in document.iterfind(".//meta"):
        key = element.get("property") or element.get("name")
        if key and element.get("content") is not None:
            assert key not in found, f"{key} appears twice"
            found[key] = element.get("content")
    return found


def fake_item(slug: str, *, title: str = "An episode", language: str = "zh", source: str = "post.md") -> Item:
    episode = Episode(
        slug=slug, guid=f"guid-{slug}", title=title, date="2024-05-01", author=None, language=language, source=source,
        description=f"About {title}", audio="episode.mp3", duration=61.2, size=1000, sha256="0" * 64,
        chapters=(Chapter(0.0, 30.0, title), Chapter(30.0, 61.2, "Second part")), files={}, engine="fake",
        voices={}, speakers=("Li", "Bai"), loudness={},
    )  # fmt: skip
    return Item(episode, 1000)


# ---------------------------------------------------------------- the HTML, read back


def test_link_previews_use_absolute_addresses(published: Path) -> None:
    episode = json.loads((published / "episodes" / "first" / "episode.json").read_text(encoding="utf-8"))
    tags = meta(page(published / "episodes" / "first" / "index.html"))
    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == "第一期：压缩"
    assert tags["og:site_name"] == "测试播客"
    assert tags["description"] == tags["og:description"] == episode["description"]
    assert tags["og:url"] == f"{BASE}episodes/first/"
    assert tags["og:image"] == tags["twitter:image"] == f"{BASE}cover.png"
    assert tags["og:audio"] == f"{BASE}episodes/first/episode.mp3"
    assert tags["og:audio:type"] == "audio/mpeg"
    assert tags["twitter:card"] == "summary"
    for key in ("og:url", "og:image", "og:audio", "twitter:image"):
        parts = urlsplit(tags[key])
        assert parts.scheme == "https" and parts.netloc == "example.com", key

    index = page(published / "index.html")
    tags = meta(index)
    assert tags["og:type"] == "website" and tags["og:url"] == BASE and tags["og:image"] == f"{BASE}cover.png"
    assert tags["og:title"] == "测试播客" and tags["description"] and "og:audio" not in tags
    assert index.find(".//link[@rel='canonical']").get("href") == BASE


def test_favicon_and_every_resource_are_local(published: Path) -> None:
    for path in (published / "index.html", published / "episodes" / "first" / "index.html"):
        document = page(path)
        icon = document.find(".//link[@rel='icon']")
        assert icon is not None and icon.get("href").startswith("data:image/svg+xml,")
        assert "<svg" in unquote(icon.get("href"))
        # Nothing the page loads comes from another site: no CDN, no web font, no script file.
        assert not document.xpath("//script[@src]")
        for element in document.xpath("//img | //audio | //source | //link[@rel!='canonical'] | //iframe"):
            address = element.get("src") or element.get("href") or ""
            assert not urlsplit(address).netloc, (element.tag, address)
            if not address.startswith("data:"):
                assert (path.parent / address.split("#")[0]).resolve().is_file(), address


def test_episode_page_has_what_a_listener_needs(published: Path) -> None:
    folder = published / "episodes" / "first"
    episode = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    document = page(folder / "index.html")
    assert document.get("lang") == "zh-CN"
    assert document.findtext(".//h1") == "第一期：压缩"
    assert document.findtext(".//p[@class='description']") == episode["description"]
    cover = document.find(".//header//img")
    assert cover.get("alt") and (folder / cover.get("src")).resolve() == (published / "cover.png").resolve()
    audio = document.find(".//audio")
    assert audio.get("src") == "episode.mp3" and audio.get("controls") is not None and audio.get("aria-label")
    download = document.xpath("//a[@download]")
    assert [a.get("href") for a in download] == ["episode.mp3"] and "MP3" in download[0].text_content()
    # The post was a local file: no link to it.
    assert not document.xpath("//a[contains(@href, 'first.md')]") and "原文" not in document.text_content()
    starts = [float(b.get("data-seek")) for b in document.xpath("//ol[@class='chapters']//button")]
    assert starts == [c["start"] for c in episode["chapters"]]
    assert (
        document.xpath("//ol[@class='chapters']//button")[1]
        .text_content()
        .strip()
        .endswith(episode["chapters"][1]["title"])
    )
    stamps = document.xpath("//section[contains(@class, 'transcript')]//button[@data-seek]")
    assert len(stamps) >= 3 and all(float(s.get("data-seek")) <= episode["duration"] for s in stamps)
    assert "章节" in document.text_content() and "文字稿" in document.text_content()


def test_subscribe_links_for_the_common_apps(published: Path) -> None:
    expected = {
        "Apple Podcasts": "podcast://example.com/show/feed.xml",
        "Overcast": "overcast://x-callback-url/add?url=https%3A%2F%2Fexample.com%2Fshow%2Ffeed.xml",
        "Pocket Casts": "pktc://subscribe/example.com/show/feed.xml",
        "Podcast Addict": "podcastaddict://example.com/show/feed.xml",
        "AntennaPod": "antennapod-subscribe://example.com/show/feed.xml",
        "RSS": f"{BASE}feed.xml",
    }
    for path in (published / "index.html", published / "episodes" / "second" / "index.html"):
        document = page(path)
        links = {a.text_content().strip(): a.get("href") for a in document.xpath("//details[@class='subscribe']//a")}
        assert links == expected
        field = document.get_element_by_id("feed-address")
        assert field.get("value") == f"{BASE}feed.xml" and field.get("readonly") is not None
        assert document.find(f".//label[@for='{field.get('id')}']") is not None
        button = document.find(".//button[@data-copy='feed-address']")
        assert button.text_content().strip() == "复制" and button.get("data-done") == "已复制"
    assert page(published / "index.html").find(".//details[@class='subscribe']").get("open") is not None


def check_ascii_addresses(document: Any, host: str, path: str) -> None:
    addresses = [e.get(a) for a in ("href", "src") for e in document.xpath(f"//*[@{a}]")]
    addresses += [v for v in meta(document).values() if v.startswith("https://")]
    addresses.append(document.get_element_by_id("feed-address").get("value"))
    assert all(address.isascii() and " " not in address for address in addresses), addresses
    links = {a.text_content().strip(): a.get("href") for a in document.xpath("//details[@class='subscribe']//a")}
    assert links["RSS"] == f"https://{host}/{path}/feed.xml"
    assert links["Apple Podcasts"] == f"podcast://{host}/{path}/feed.xml"
    assert links["Pocket Casts"] == f"pktc://subscribe/{host}/{path}/feed.xml"
    assert links["Podcast Addict"] == f"podcastaddict://{host}/{path}/feed.xml"
    assert links["AntennaPod"] == f"antennapod-subscribe://{host}/{path}/feed.xml"
    overcast = urlsplit(links["Overcast"]).query.removeprefix("url=")
    assert "/" not in overcast and unquote(overcast) == links["RSS"]
    assert meta(document)["og:image"] == f"https://{host}/{path}/cover.png"


def test_non_ascii_feed_address_is_percent_encoded_everywhere(rendered: tuple[Show, Path]) -> None:
    show, out = rendered
    publish(show, out, base_url="https://例子.example/播客/")
    for page_path in (out / "index.html", out / "episodes" / "first" / "index.html"):
        check_ascii_addresses(page(page_path), "xn--fsqu00a.example", "%E6%92%AD%E5%AE%A2")


def test_write_site_encodes_a_raw_iri(tmp_path: Path) -> None:
    # write_site is public: given an address nobody has encoded yet, it still writes ASCII.
    write_site(Show(), tmp_path, [fake_item("one")], "https://例子.example/播客 节目/feed.xml")
    for page_path in (tmp_path / "index.html", tmp_path / "episodes" / "one" / "index.html"):
        check_ascii_addresses(page(page_path), "xn--fsqu00a.example", "%E6%92%AD%E5%AE%A2%20%E8%8A%82%E7%9B%AE")


def test_addresses_are_made_ascii() -> None:
    assert ascii_url("https://example.com/a b/播客?q=小雅&x=1#t") == (
        "https://example.com/a%20b/%E6%92%AD%E5%AE%A2?q=%E5%B0%8F%E9%9B%85&x=1#t"
    )
    assert ascii_url("https://example.com/already%20encoded/") == "https://example.com/already%20encoded/"
    assert ascii_url('https://example.com/"><script>') == "https://example.com/%22%3E%3Cscript%3E"
    assert [app for app, _ in subscribe_links("feed.xml")] == ["RSS"]


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    show = Show(title=HOSTILE, description=HOSTILE, author=HOSTILE, language="en")
    item = fake_item("evil", title=HOSTILE, language="en", source='https://blog.example/post?a=1&b="x"')
    write_site(show, tmp_path, [item], f"{BASE}feed.xml")
    for path in (tmp_path / "index.html", tmp_path / "episodes" / "evil" / "index.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<b>bold" not in text
        document = page(path)
        scripts = document.xpath("//script")
        assert len(scripts) == 1 and "alert" not in scripts[0].text_content()
        assert not document.xpath("//b")
        assert document.findtext(".//title").startswith(HOSTILE)
        tags = meta(document)
        assert tags["og:title"] == HOSTILE and tags["og:site_name"] == HOSTILE
    document = page(tmp_path / "episodes" / "evil" / "index.html")
    assert document.findtext(".//h1") == HOSTILE
    original = document.xpath("//a[normalize-space()='Original post']")
    assert [a.get("href") for a in original] == ["https://blog.example/post?a=1&b=%22x%22"]


@pytest.mark.parametrize(
    ("source", "linked"),
    [
        ("https://blog.example/2024/compression.html", True),
        ("http://blog.example/p", True),
        ("/home/me/posts/compression.md", False),
        ("posts/compression.md", False),
        ("javascript:alert(1)", False),
        ("https://", False),
    ],
)
def test_original_post_link_only_for_web_sources(tmp_path: Path, source: str, linked: bool) -> None:
    write_site(Show(language="en"), tmp_path, [fake_item("one", language="en", source=source)], f"{BASE}feed.xml")
    document = page(tmp_path / "episodes" / "one" / "index.html")
    original = document.xpath("//a[normalize-space()='Original post']")
    assert [a.get("href") for a in original] == ([source] if linked else [])


def test_english_show_speaks_english(tmp_path: Path) -> None:
    show = Show(title="Compression Talk", description="Two minutes on each post.", language="en")
    write_site(show, tmp_path, [fake_item("one", language="en")], f"{BASE}feed.xml")
    index = page(tmp_path / "index.html")
    assert index.get("lang") == "en"
    assert index.findtext(".//details[@class='subscribe']/summary") == "Subscribe"
    episode = page(tmp_path / "episodes" / "one" / "index.html")
    assert episode.get("lang") == "en"
    words = episode.text_content()
    for word in ("Chapters", "Download MP3", "Subscribe", "Copy"):
        assert word in words
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in words), "Chinese UI words on an English page"
    assert "og:locale" not in meta(episode)


def test_traditional_chinese_episode_gets_traditional_ui(tmp_path: Path) -> None:
    write_site(Show(), tmp_path, [fake_item("one", language="zh-Hant")], f"{BASE}feed.xml")
    document = page(tmp_path / "episodes" / "one" / "index.html")
    assert document.get("lang") == "zh-Hant"
    assert document.findtext(".//h2[@id='chapters']") == "章節"
    assert "下載 MP3" in document.text_content()


def test_without_a_public_address_nothing_pretends_to_be_absolute(tmp_path: Path) -> None:
    write_site(Show(language="en"), tmp_path, [fake_item("one", language="en")], "feed.xml")
    for path in (tmp_path / "index.html", tmp_path / "episodes" / "one" / "index.html"):
        document = page(path)
        tags = meta(document)
        assert not {"og:url", "og:image", "og:audio", "twitter:image"} & tags.keys()
        assert tags["og:title"] and tags["twitter:card"] == "summary"
        links = [a.get("href") for a in document.xpath("//details[@class='subscribe']//a")]
        assert len(links) == 1 and (path.parent / links[0]).resolve() == (tmp_path / "feed.xml").resolve()
        assert not document.xpath("//*[@id='feed-address']")


# ---------------------------------------------------------------- a real browser


def chromium() -> str | None:
    return os.environ.get("PODCAST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


needs_browser = pytest.mark.skipif(
    chromium() is None and not os.environ.get("PODCAST_REQUIRE_BROWSER"),
    reason="no Chromium here (CI installs it and sets PODCAST_REQUIRE_BROWSER)",
)
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
OVERFLOWING = """() => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + (e.className ? '.' + e.className : ''))"""


@pytest.fixture
def served(published: Path) -> Iterator[tuple[str, Path]]:
    server = make_server(published, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", published
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    assert executable, "PODCAST_REQUIRE_BROWSER is set but no Chromium was found"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, url: str, width: int, height: int, elsewhere: list[str]) -> tuple[Any, list[str]]:
    """A page at ``url`` (in a context of its own) whose requests to any other host are
    refused and listed in ``elsewhere``; and the list its script errors go to."""
    context = browser.new_context(viewport={"width": width, "height": height})
    host = urlsplit(url).netloc

    def guard(route: Any) -> None:
        address = route.request.url
        if urlsplit(address).scheme in ("http", "https") and urlsplit(address).netloc != host:
            elsewhere.append(address)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    tab.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=30_000)
    return tab, errors


def assert_png(path: Path, width: int) -> None:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000, path
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width == width and image.height > 300


def seek_and_check(tab: Any, selector: str, start: float) -> None:
    tab.click(selector)
    tab.wait_for_function("!document.querySelector('audio').seeking", timeout=10_000)
    position = tab.evaluate("document.querySelector('audio').currentTime")
    assert abs(position - start) <= 0.5, (selector, position, start)
    assert tab.evaluate("!document.querySelector('audio').paused"), "a seek plays from there"


@needs_browser
def test_episode_page_in_a_browser(served: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, out = served
    episode = json.loads((out / "episodes" / "first" / "episode.json").read_text(encoding="utf-8"))
    url = urljoin(base, "episodes/first/")
    elsewhere: list[str] = []
    for name, width, height in (("desktop", 1280, 800), ("phone", 390, 844)):
        tab, errors = open_page(browser, url, width, height, elsewhere)
        assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth"), name
        assert tab.evaluate(OVERFLOWING) == [], name
        shot = tmp_path / f"episode-{name}.png"
        tab.screenshot(path=str(shot), full_page=True)
        assert_png(shot, width)
        assert tab.evaluate("document.querySelector('header img').naturalWidth") > 0, "the cover loads"
        assert abs(tab.evaluate("document.querySelector('audio').duration") - episode["duration"]) <= 0.5
        assert errors == []
        tab.context.close()

    tab, errors = open_page(browser, url, 390, 844, elsewhere)
    chapter = episode["chapters"][2]
    seek_and_check(tab, f"ol.chapters li:nth-child(3) button[data-seek='{chapter['start']}']", chapter["start"])
    stamps = tab.eval_on_selector_all(".transcript button[data-seek]", "b => b.map(x => parseFloat(x.dataset.seek))")
    assert len(stamps) >= 4
    seek_and_check(tab, ".transcript p:nth-of-type(4) button[data-seek]", stamps[3])
    # Back to the start through the first chapter: seeking works backwards too.
    seek_and_check(tab, "ol.chapters li:nth-child(1) button", episode["chapters"][0]["start"])
    # The player stays in reach while reading: scrolled to the transcript, it is on screen.
    tab.evaluate("document.querySelector('.transcript').scrollIntoView()")
    assert tab.evaluate("document.querySelector('audio').getBoundingClientRect().top") >= 0
    assert errors == []
    tab.context.close()
    assert elsewhere == [], "the page reached for another site"


@needs_browser
def test_index_page_in_a_browser(served: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, out = served
    elsewhere: list[str] = []
    tab, errors = open_page(browser, base, 390, 844, elsewhere)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390 and tab.evaluate(OVERFLOWING) == []
    tab.screenshot(path=str(tmp_path / "index-phone.png"), full_page=True)
    assert_png(tmp_path / "index-phone.png", 390)
    # A chapter on the index seeks its own episode's player, not the first one on the page.
    article = "article#first"
    tab.click(f"{article} details summary")
    start = json.loads((out / "episodes" / "first" / "episode.json").read_text(encoding="utf-8"))["chapters"][1]
    tab.click(f"{article} ol.chapters li:nth-child(2) button")
    tab.wait_for_function(f"!document.querySelector('{article} audio').seeking")
    assert abs(tab.evaluate(f"document.querySelector('{article} audio').currentTime") - start["start"]) <= 0.5
    assert tab.evaluate("document.querySelector('article#second audio').paused")
    assert errors == [] and elsewhere == []
    tab.context.close()


@needs_browser
def test_copy_the_feed_address(served: tuple[str, Path], browser: Any) -> None:
    base, _ = served
    elsewhere: list[str] = []
    # The clipboard API.
    tab, errors = open_page(browser, base, 1280, 800, elsewhere)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    tab.click("button[data-copy]")
    tab.wait_for_function("document.getElementById('copy-status').textContent !== ''")
    assert tab.evaluate("navigator.clipboard.readText()") == f"{BASE}feed.xml"
    assert tab.text_content("#copy-status") == "已复制"
    tab.context.close()
    # No clipboard API (a page served over plain http elsewhere): the address ends up selected.
    tab, errors = open_page(browser, base, 390, 844, elsewhere)
    tab.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    tab.click("button[data-copy]")
    assert tab.evaluate("document.activeElement.id") == "feed-address"
    selected = tab.evaluate("(f => f.value.slice(f.selectionStart, f.selectionEnd))(document.activeElement)")
    assert selected == f"{BASE}feed.xml"
    assert tab.text_content("#copy-status") in ("已复制", "已选中，请按 Ctrl+C（⌘C）复制")
    assert errors == [] and elsewhere == []
    tab.context.close()
