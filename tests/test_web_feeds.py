"""``podcast batch FEED_URL``: a blog read from its RSS feed, Atom feed or WordPress REST API,
served by a real HTTP server on 127.0.0.1 (`tests/feed_blog.py`), rendered with the fake engine.

A second run sends only conditional requests and renders nothing; an edited post is rendered
again alone; a page that is gone fails alone, in one line; --since, --limit and --all choose
the posts; requests to one host are spaced by --rate.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner, Result

from podcast.batch.manifest import manifest_path
from podcast.web.feeds import read_feed, read_rest_posts
from podcast.web.fetch import Politeness
from podcast.web.ingest import NO_DIALOGUE, WebOptions, ingest
from tests.feed_blog import DIALOGUE, FEEDS, PAGES, RSS, FixtureBlog, invoke, static, with_base_url
from tests.web_server import Answer, WebServer


@pytest.fixture
def show(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake show (also the current folder) with a base URL."""
    monkeypatch.chdir(fake_show)
    return with_base_url(fake_show)


@pytest.fixture
def blog() -> Iterator[FixtureBlog]:
    with WebServer() as site:
        yield FixtureBlog(site)


def batch(runner: CliRunner, show: Path, *args: str) -> Result:
    return invoke(runner, "batch", show, *args)


def rendered(result: Result) -> list[str]:
    """The slugs rendered, from the plain lines on stderr."""
    return sorted(
        line.split(" → ")[1].split(":")[0] for line in result.stderr.splitlines() if " rendered " in f" {line}"
    )


def failed(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("failed ")]


def episode(show: Path, slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((show / "out" / "episodes" / slug / "episode.json").read_text(encoding="utf-8"))
    return data


def episodes(show: Path) -> list[str]:
    return sorted(p.name for p in (show / "out" / "episodes").iterdir())


# ---------------------------------------------------------------- RSS


def test_rss_blog_rendered_then_asked_only_conditionally(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    first = batch(runner, show, blog.url("/feed/"))
    # The gone page is one line and the exit status; every other post is done.
    assert first.exit_code == 1, first.output
    assert failed(first) == [f"failed {blog.url('/2024/01/old-post/')}: HTTP 404 (not found)"]
    assert rendered(first) == sorted(DIALOGUE)
    assert episodes(show) == sorted(DIALOGUE)  # travel-notes has no dialogue
    assert NO_DIALOGUE in first.stdout  # the closing table's note
    # Full content came from the feed; only the post without it was fetched as a page.
    assert blog.bodies() == ["/feed/", "/feed/?paged=2", "/2024/03/scaling-data/"]

    for slug in DIALOGUE:
        meta = episode(show, slug)
        address = blog.url(f"/{meta['date'][:7].replace('-', '/')}/{slug}/")
        assert meta["source"] == meta["link"] == address  # the canonical address, not the cache file
    lossless = episode(show, "lossless-compression")
    assert (lossless["title"], lossless["date"]) == ("李白对话录：压缩即理解", "2024-05-01")
    assert episode(show, "scaling-data")["title"] == "李白对话录：数据与规模"
    feed = (show / "out" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 3

    blog.site.clear()
    again = batch(runner, show, blog.url("/feed/"))
    assert again.exit_code == 1
    assert rendered(again) == [] and len(failed(again)) == 1
    # Nothing but conditional requests (and the gone page, which has no validators), all 304.
    assert blog.unconditional() == ["/2024/01/old-post/"]
    assert blog.bodies() == []
    assert sorted(r.path for r, status in blog.site.answered if status == 304) == [
        "/2024/03/scaling-data/",
        "/feed/",
        "/feed/?paged=2",
    ]


def test_an_edited_page_is_rendered_again_alone(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    batch(runner, show, blog.url("/feed/"))
    guids = {slug: episode(show, slug)["guid"] for slug in DIALOGUE}
    blog.edit_page(
        "/2024/03/scaling-data/", "<p>白：对，以后比的是", "<p>李：那我们该怎么办？</p>\n<p>白：对，以后比的是"
    )
    blog.site.clear()
    result = batch(runner, show, blog.url("/feed/"))
    assert rendered(result) == ["scaling-data"]
    assert "post changed" in result.stderr
    assert blog.bodies() == ["/2024/03/scaling-data/"]
    assert "那我们该怎么办" in (show / "out" / "episodes" / "scaling-data" / "script.md").read_text(encoding="utf-8")
    assert {slug: episode(show, slug)["guid"] for slug in DIALOGUE} == guids


def test_all_since_and_limit_choose_the_posts(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    newest = batch(runner, show, blog.url("/feed/"), "--limit", "1")
    assert newest.exit_code == 0, newest.output
    assert rendered(newest) == ["lossless-compression"]
    assert blog.bodies() == ["/feed/"]  # enough posts on the first page: no more pages, no pages fetched

    blog.site.clear()
    recent = batch(runner, show, blog.url("/feed/"), "--since", "2024-04-01")
    assert recent.exit_code == 0, recent.output
    assert rendered(recent) == ["small-models"]
    assert [r.path for r in blog.site.requests if r.path != "/robots.txt"] == ["/feed/"]

    every = batch(runner, show, blog.url("/feed/"), "--all")
    assert every.exit_code == 1  # the gone page
    assert rendered(every) == ["scaling-data", "travel-notes"]

    bad = batch(runner, show, blog.url("/feed/"), "--since", "May 2024")
    assert bad.exit_code == 2


def test_a_failing_feed_page_fails_alone(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    blog.site.route("/feed/?paged=2", static("<html><body>oops</body></html>", "text/html"))
    result = batch(runner, show, blog.url("/feed/"))
    assert result.exit_code == 1
    assert failed(result) == [f"failed {blog.url('/feed/?paged=2')}: not an RSS or Atom feed (the feed's next page)"]
    assert rendered(result) == sorted(DIALOGUE)


def test_a_feed_that_cannot_be_read_is_one_line(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    gone = batch(runner, show, blog.url("/feed/"))
    assert gone.exit_code == 1
    assert failed(gone) == [f"failed {blog.url('/feed/')}: HTTP 404 (not found)"]
    blog.site.route("/notes.html", static("<html><body><p>no feed here</p></body></html>", "text/html"))
    page = batch(runner, show, blog.url("/notes.html"))
    assert page.exit_code == 1
    assert "not an RSS or Atom feed, a WordPress REST API, or a page that names one" in page.stderr
    assert "Traceback" not in page.output


def test_a_blog_home_page_names_its_feed(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    blog.site.route("/", static(blog.text("travel-notes.html"), "text/html"))  # its <link rel=alternate> names /feed/
    result = batch(runner, show, blog.url("/"))
    assert rendered(result) == sorted(DIALOGUE)


# ---------------------------------------------------------------- Atom


def test_atom_feed_of_summaries_fetches_each_page(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_atom()
    first = batch(runner, show, blog.url("/atom.xml"))
    assert first.exit_code == 0, first.output
    assert rendered(first) == sorted(DIALOGUE)
    assert sorted(blog.bodies()) == sorted(["/atom.xml", "/atom.xml?page=2", *blog_pages()])
    assert episode(show, "small-models")["date"] == "2024-04-10"

    blog.site.clear()
    again = batch(runner, show, blog.url("/atom.xml"))
    assert again.exit_code == 0 and rendered(again) == []
    assert blog.unconditional() == [] and blog.bodies() == []


def blog_pages() -> list[str]:
    return list(PAGES)


# ---------------------------------------------------------------- WordPress REST API


def test_wordpress_rest_api_announced_by_the_feed(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rest()
    first = batch(runner, show, blog.url("/wp/feed/"))
    assert first.exit_code == 0, first.output
    assert rendered(first) == sorted(DIALOGUE)  # from the API, not from the feed's own (older) items
    paths = [r.path for r in blog.site.requests if r.path != "/robots.txt"]
    assert paths[0] == "/wp/feed/" and all(p.startswith("/wp-json/wp/v2/posts?") for p in paths[1:])
    assert len(paths) == 3  # two pages (X-WP-TotalPages), no post page fetched
    assert episode(show, "lossless-compression")["source"] == blog.url("/2024/05/lossless-compression/")

    blog.site.clear()
    again = batch(runner, show, blog.url("/wp/feed/"))
    assert again.exit_code == 0 and rendered(again) == []
    assert blog.unconditional() == [] and blog.bodies() == []

    blog.edit_rest("1", "李：那另一半呢？", "李：那另一半呢？说来听听。")
    edited = batch(runner, show, blog.url("/wp/feed/"))
    assert rendered(edited) == ["lossless-compression"]


def test_wordpress_rest_endpoint_given_directly(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rest()
    result = batch(runner, show, blog.url("/wp-json/wp/v2/posts"), "--limit", "2")
    assert result.exit_code == 0, result.output
    assert rendered(result) == ["lossless-compression", "small-models"]
    assert [r.path for r in blog.site.requests if r.path != "/robots.txt"] == [
        "/wp-json/wp/v2/posts?per_page=100&page=1&_embed=author"
    ]


def test_an_unusable_rest_api_falls_back_to_the_feed(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rss()
    link = f'<{blog.base}/wp-json/>; rel="https://api.w.org/"'
    blog.site.route("/feed/", static(blog.text("feed-1.xml"), RSS, Link=link))  # but no /wp-json/ route: 404
    result = batch(runner, show, blog.url("/feed/"))
    assert "its feed is read instead" in result.stderr
    assert rendered(result) == sorted(DIALOGUE)


# ---------------------------------------------------------------- the library


def test_wordpress_feed_pages_found_with_paged(tmp_path: Path, blog: FixtureBlog) -> None:
    """A WordPress feed without rel=next links still pages: ?paged=2, ?paged=3… until a page
    is short, repeats itself or is not there."""
    first = blog.text("feed-1.xml").replace(f'<atom:link href="{blog.base}/feed/?paged=2" rel="next"', "<x")
    first = first.replace("<language>", "<generator>https://wordpress.org/?v=6.5.3</generator>\n<language>")
    assert 'rel="next"' not in first
    blog.serve_pages()
    blog.site.route("/feed/", static(first, RSS))
    blog.site.route("/feed/?paged=2", static(blog.text("feed-1.xml"), RSS))  # the same items again: the end
    found = ingest([blog.url("/feed/")], tmp_path, WebOptions(rate=0), max_bytes=2_000_000)
    assert [p.key for p in found.posts] == [blog.url(p) for p in blog_pages()[:3]]
    assert [r.path for r in blog.site.requests if r.path != "/robots.txt"][:2] == ["/feed/", "/feed/?paged=2"]
    assert found.failed == ()


def test_requests_to_a_host_are_spaced_by_the_rate(tmp_path: Path, blog: FixtureBlog) -> None:
    blog.serve_atom()
    found = ingest([blog.url("/atom.xml")], tmp_path, WebOptions(rate=8), max_bytes=2_000_000)
    assert len(found.posts) == 3 and found.requests == 6
    times = [r.at for r in blog.site.requests]
    assert len(times) == 7  # robots.txt too
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1 / 8 - 0.02
    assert WebOptions().rate == 1.0  # the default: one request a second


def test_state_survives_and_a_damaged_state_only_costs_a_full_fetch(tmp_path: Path, blog: FixtureBlog) -> None:
    blog.serve_atom()
    polite = Politeness(0, robots=False)
    ingest([blog.url("/atom.xml")], tmp_path, max_bytes=2_000_000, polite=polite)
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    blog.site.clear()
    found = ingest([blog.url("/atom.xml")], tmp_path, max_bytes=2_000_000, polite=polite)
    assert len(found.posts) == 3 and found.bodies == found.requests == 6
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.parametrize("name", ["feed-1.xml", "feed-2.xml", "atom-1.xml", "atom-2.xml"])
def test_fixture_feeds_read(name: str) -> None:
    page = read_feed(
        (FEEDS / name).read_text(encoding="utf-8").replace("{BASE}", "https://b.example"), "https://b.example/f"
    )
    assert page is not None and page.items
    assert all(i.url.startswith("https://b.example/20") and i.title and i.date for i in page.items)
    assert (page.next_url is not None) == name.endswith("-1.xml")
    with_content = {i.url.split("/")[-2] for i in page.items if i.content}
    assert with_content == {"feed-1.xml": {"lossless-compression", "small-models"}, "feed-2.xml": {"travel-notes"}}.get(
        name, set()
    )


def test_fixture_rest_pages_read() -> None:
    items = [
        i for n in (1, 2) for i in read_rest_posts((FEEDS / f"wp-posts-{n}.json").read_text("utf-8"), "https://b/")
    ]
    assert [i.title for i in items][:2] == ["李白对话录：压缩即理解", "李白对话录：小模型的位置"]
    assert all(i.content and i.author == "立委" for i in items)
    dates = [i.date or "" for i in items]
    assert dates == sorted(dates, reverse=True) and all(dates)


def test_manifest_keys_are_addresses(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_atom()
    batch(runner, show, blog.url("/atom.xml"))
    posts = json.loads(manifest_path(show / "out").read_text(encoding="utf-8"))["posts"]
    assert sorted(posts) == sorted(blog.url(p) for p in blog_pages()[:3])
    assert {e["slug"] for e in posts.values()} == set(DIALOGUE)
    assert dt.date.fromisoformat(episode(show, "scaling-data")["date"]) == dt.date(2024, 3, 15)


def test_guids_and_slugs_survive_a_lost_cache_and_output(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    """A CI runner starts with neither the user cache nor out/: the show's podcast-ids.toml,
    which records each episode's address, gives every post its slug and guid back."""
    blog.serve_atom()
    batch(runner, show, blog.url("/atom.xml"))
    before = {slug: episode(show, slug)["guid"] for slug in DIALOGUE}
    shutil.rmtree(show / "out")
    shutil.rmtree(manifest_path(show / "out").parent)
    again = batch(runner, show, blog.url("/atom.xml"))
    assert again.exit_code == 0, again.output
    assert rendered(again) == sorted(DIALOGUE)
    assert {slug: episode(show, slug)["guid"] for slug in DIALOGUE} == before


def test_a_list_file_names_feeds_and_folders_alike(runner: CliRunner, show: Path, blog: FixtureBlog) -> None:
    blog.serve_rest()
    (show / "posts").mkdir()
    (show / "posts" / "local.md").write_text("---\ntitle: 本地\n---\n\n李：你好。\n\n白：你好，李老师。\n", "utf-8")
    (show / "inputs.txt").write_text(f"# a blog and a folder\n{blog.url('/wp-json/wp/v2/posts')}\nposts/\n", "utf-8")
    result = batch(runner, show, "@inputs.txt", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert rendered(result) == ["local", "lossless-compression"]


def test_rest_pages_without_a_total_go_on_while_full(
    tmp_path: Path, blog: FixtureBlog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("podcast.web.ingest.REST_PER_PAGE", 2)
    pages = {n: static(blog.text(f"wp-posts-{n}.json"), "application/json") for n in ("1", "2")}
    past = Answer(400, '{"code":"rest_post_invalid_page_number"}', {"Content-Type": "application/json"})
    blog.site.route("/wp-json/wp/v2/posts", lambda r: pages.get(parse_qs(urlsplit(r.path).query)["page"][0], past))
    found = ingest([blog.url("/wp-json/wp/v2/posts")], tmp_path, WebOptions(rate=0), max_bytes=2_000_000)
    assert [p.key for p in found.posts] == [blog.url(p) for p in list(PAGES)[:3]]
    assert found.failed == () and found.requests == 3  # the third page's 400 is the end, not a failure
