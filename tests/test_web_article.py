"""A post's web address wherever a post goes: the blog layouts of ``tests/fixtures/web/blog``
served from 127.0.0.1 read as their sidecars say, the same as their saved copies, and every
failure of ``podcast parse|script|render URL`` one line on stderr with nothing written."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from podcast.cli import app
from podcast.episodes import slugify
from podcast.model import Post
from podcast.script.scriptfile import from_markdown
from podcast.urls import url_slug
from podcast.web import fetch as fetching
from podcast.web import read_post
from podcast.web.fetch import Politeness
from tests.conftest import ROOT
from tests.web_server import Answer, WebServer

BLOG = ROOT / "tests" / "fixtures" / "web" / "blog"
PAGES = sorted(BLOG.glob("*.html"))
WORDPRESS = BLOG / "wordpress-liwei-dictionary.html"
# Served as many servers do: UTF-8 declared whatever the page is (the 科学网 page is GBK).
HTML = {"Content-Type": "text/html; charset=utf-8"}


def gold(page: Path) -> dict[str, Any]:
    return tomllib.loads(page.with_suffix(".toml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test reads robots.txt afresh and is not slowed by the one-request-a-second limit."""
    monkeypatch.setattr(fetching, "POLITE", Politeness(per_second=0))


@pytest.fixture
def blog() -> Iterator[WebServer]:
    """Every blog-layout page at its sidecar's path."""
    with WebServer() as site:
        for page in PAGES:
            site.route(gold(page)["path"], Answer(200, page.read_bytes(), HTML))
        yield site


def test_every_page_has_its_sidecar() -> None:
    assert len(PAGES) == 6
    for page in PAGES:
        expected = gold(page)
        assert {"platform", "layout_source", "title", "date", "speakers", "path", "slug"} <= set(expected), page.name
        assert slugify(url_slug(expected["path"]) or "") == expected["slug"], page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_a_blog_page_is_read_from_its_address(blog: WebServer, page: Path) -> None:
    expected = gold(page)
    address = blog.url(expected["path"])
    post = read_post(address)
    assert post.title == expected["title"]
    assert post.date == expected["date"]
    assert (post.author or "") == expected["author"]
    assert list(post.speakers) == expected["speakers"]
    assert sum(1 for t in post.turns if t.speaker) == expected["turns"]
    assert post.source == address
    assert post.source_url == (expected["canonical"] or address)
    assert "no title found" not in " ".join(post.warnings)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_the_saved_page_reads_as_its_address_does(blog: WebServer, page: Path) -> None:
    online, saved = read_post(blog.url(gold(page)["path"])), read_post(page)
    assert saved.source == str(page)
    assert _reading(online) == _reading(saved)


def _reading(post: Post) -> tuple[object, ...]:
    return (post.title, post.author, post.date, post.language, post.turns, post.notes, post.warnings)


def test_markdown_and_text_addresses_are_posts_too(blog: WebServer) -> None:
    text = "# 小对话\n\n李：你好。\n\n白：你好。\n"
    blog.route("/notes/dialogue.md", Answer(200, text, {"Content-Type": "text/plain"}))
    post = read_post(blog.url("/notes/dialogue.md"))
    assert post.title == "小对话" and post.speakers == ("李", "白")
    assert post.source_url == blog.url("/notes/dialogue.md")


# ---------------------------------------------------------------- the commands


def one_line(result: Result) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


def test_podcast_parse_url(runner: CliRunner, blog: WebServer) -> None:
    expected = gold(WORDPRESS)
    result = runner.invoke(app, ["parse", blog.url(expected["path"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == expected["title"] and data["date"] == expected["date"]
    assert data["source"] == blog.url(expected["path"])


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
FAULTS = {
    "404": ("/gone.html", Answer(404, "gone"), "HTTP 404 (not found)"),
    "robots": ("/private/post.html", Answer(200, "<p>李：你好。</p>", HTML), "robots.txt disallows it"),
    "too large": ("/big.html", Answer(200, "<p>李：你好。</p>" * 200, HTML), "larger than 1000 bytes (--max-bytes)"),
    "not html": ("/cover.png", Answer(200, PNG, {"Content-Type": "image/png"}), "not a web page but image/png"),
    "a feed": (
        "/feed/",
        Answer(200, "<rss/>", {"Content-Type": "application/rss+xml"}),
        "give a feed to podcast batch",
    ),
    "slow": ("/slow.html", Answer(200, "<p>李：你好。</p>" * 50, HTML, trickle=0.1), "no answer within 0.5 s"),
    "empty": ("/empty.html", Answer(200, "", HTML), "the page is empty"),
}


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    monkeypatch.setattr(fetching, "DEFAULT_DEADLINE", 0.5)
    with WebServer() as site:
        site.route("/robots.txt", Answer(200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
        for path, answer, _ in FAULTS.values():
            site.route(path, answer)
        yield site


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fetch_failure_is_one_line_and_exit_1(runner: CliRunner, faulty: WebServer, fault: str) -> None:
    path, _, message = FAULTS[fault]
    address = faulty.url(path)
    result = runner.invoke(app, ["parse", address, "--max-bytes", "1000"])
    assert result.exit_code == 1
    line = one_line(result)
    assert line.startswith(f"error: {address}") and message in line, line


@pytest.mark.parametrize(
    ("address", "message"),
    [("ftp://example.org/post.html", "only http:// and https:// addresses can be fetched"), ("http://", "no host")],
)
def test_an_address_that_is_not_http_is_one_line(runner: CliRunner, address: str, message: str) -> None:
    result = runner.invoke(app, ["parse", address])
    assert result.exit_code == 1 and message in one_line(result)


def test_a_refused_connection_is_one_line(runner: CliRunner) -> None:
    with WebServer() as site:
        address = site.url("/post.html")
    result = runner.invoke(app, ["script", address])  # the server is gone: nothing listens there
    assert result.exit_code == 1 and "cannot connect (connection refused)" in one_line(result)


def test_failed_script_and_render_write_nothing(runner: CliRunner, faulty: WebServer, fake_show: Path) -> None:
    config = ["--config", str(fake_show / "podcast.toml")]
    script = fake_show / "script.md"
    result = runner.invoke(app, ["script", faulty.url("/gone.html"), "-o", str(script), *config])
    assert result.exit_code == 1 and "HTTP 404" in one_line(result)
    assert not script.exists()
    out = fake_show / "out"
    result = runner.invoke(app, ["render", faulty.url("/private/post.html"), "-o", str(out), *config])
    assert result.exit_code == 1 and "robots.txt disallows it" in one_line(result)
    assert not out.exists()


def test_help_shows_an_address(runner: CliRunner) -> None:
    for command in ("parse", "script", "render"):
        result = runner.invoke(app, [command, "--help"])
        assert "web address" in result.stdout and "https://" in result.stdout, command


# ---------------------------------------------------------------- done when


def test_render_url_is_the_episode_of_the_saved_page(runner: CliRunner, blog: WebServer, fake_show: Path) -> None:
    saved = fake_show / "post.html"
    saved.write_bytes(WORDPRESS.read_bytes())
    address = blog.url("/2024/05/post.html")
    config = ["--config", str(fake_show / "podcast.toml")]
    from_file = runner.invoke(app, ["render", str(saved), "-o", str(fake_show / "from-file"), *config])
    assert from_file.exit_code == 0, from_file.output
    from_web = runner.invoke(app, ["render", address, "-o", str(fake_show / "from-web"), *config])
    assert from_web.exit_code == 0, from_web.output

    file_folder = fake_show / "from-file" / "episodes" / "post"
    web_folder = fake_show / "from-web" / "episodes" / "post"
    file_episode = json.loads((file_folder / "episode.json").read_text(encoding="utf-8"))
    web_episode = json.loads((web_folder / "episode.json").read_text(encoding="utf-8"))
    assert web_episode["slug"] == file_episode["slug"] == "post"
    assert web_episode["title"] == file_episode["title"] == gold(WORDPRESS)["title"]
    assert abs(web_episode["duration"] - file_episode["duration"]) < 0.1
    file_script = from_markdown((file_folder / "script.md").read_text(encoding="utf-8"), "file")
    web_script = from_markdown((web_folder / "script.md").read_text(encoding="utf-8"), "web")
    assert [s.text for s in web_script.segments] == [s.text for s in file_script.segments]
    assert web_script.source == address and file_script.source == str(saved)
    # The episode links to the post's own address (its canonical URL), saved or fetched.
    assert web_episode["link"] == file_episode["link"] == gold(WORDPRESS)["canonical"]
    assert [r.path for r in blog.requests] == ["/robots.txt", "/2024/05/post.html"]
