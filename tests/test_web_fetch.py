"""Fetching a page, against a real HTTP server on 127.0.0.1: redirects, conditional requests,
retries, deadlines, charsets, size caps, robots.txt — each failure one `FetchError` line."""

from __future__ import annotations

import re
import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast import __version__
from podcast.errors import FetchError
from podcast.web import fetch as fetching
from podcast.web.fetch import Politeness, fetch
from tests.conftest import ROOT
from tests.web_server import Answer, WebServer

BLOG = ROOT / "tests" / "fixtures" / "web" / "blog"
GBK_PAGE = BLOG / "sciencenet-blog-lab-notebook-gbk.html"
HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = "<html><head><title>对话</title></head><body><p>李：你好。</p><p>白：你好。</p></body></html>"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> Politeness:
    """A politeness of each test's own: robots.txt read afresh, no spacing between requests."""
    polite = Politeness(per_second=0)
    monkeypatch.setattr(fetching, "POLITE", polite)
    return polite


@pytest.fixture
def site() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def test_a_page_is_fetched_after_robots_txt_naming_the_project(site: WebServer) -> None:
    site.route("/2024/05/post.html", Answer(200, PAGE, {**HTML, "ETag": '"v1"', "Last-Modified": "Mon, 06 May 2024"}))
    page = fetch(site.url("/2024/05/post.html#comments"), max_bytes=MB)
    assert page.url == site.url("/2024/05/post.html") and page.status == 200
    assert "李：你好。" in page.text and page.content_type == "text/html" and page.encoding == "utf-8"
    assert page.etag == '"v1"' and page.last_modified == "Mon, 06 May 2024" and len(page.sha256) == 64
    assert [r.path for r in site.requests] == ["/robots.txt", "/2024/05/post.html"]
    agent = site.requests[1].headers["user-agent"]
    assert agent.startswith(f"xiaoya-podcast/{__version__}")
    fetch(site.url("/2024/05/post.html"), max_bytes=MB)
    assert [r.path for r in site.requests].count("/robots.txt") == 1  # read once per host


def test_redirects_are_followed_up_to_five(site: WebServer) -> None:
    site.route("/old", Answer(301, headers={"Location": "/older"}))
    site.route("/older", Answer(302, headers={"Location": site.url("/newer")}))
    site.route("/newer", Answer(307, headers={"Location": "post.html"}))
    site.route("/post.html", Answer(200, PAGE, HTML))
    assert fetch(site.url("/old"), max_bytes=MB).url == site.url("/post.html")

    for hop in range(6):
        site.route(f"/loop{hop}", Answer(308, headers={"Location": f"/loop{hop + 1}"}))
    site.route("/loop6", Answer(200, PAGE, HTML))
    assert fetch(site.url("/loop1"), max_bytes=MB).url == site.url("/loop6")  # five redirects
    with pytest.raises(FetchError, match=r"/loop0: more than 5 redirects \(last to .*/loop6\)"):
        fetch(site.url("/loop0"), max_bytes=MB)

    site.route("/away", Answer(302, headers={"Location": "ftp://example.org/file"}))
    with pytest.raises(FetchError, match=r"/away redirects to ftp://example.org/file: only http"):
        fetch(site.url("/away"), max_bytes=MB)


def test_a_conditional_request_is_answered_304(site: WebServer) -> None:
    site.route("/post.html", Answer(200, PAGE, {**HTML, "ETag": '"v1"', "Last-Modified": "Mon, 06 May 2024"}))
    again = fetch(site.url("/post.html"), max_bytes=MB, etag='"v1"')
    assert again.not_modified and again.status == 304 and again.text == "" and again.etag == '"v1"'
    since = fetch(site.url("/post.html"), max_bytes=MB, last_modified="Mon, 06 May 2024")
    assert since.not_modified and since.last_modified == "Mon, 06 May 2024"
    changed = fetch(site.url("/post.html"), max_bytes=MB, etag='"v0"')
    assert not changed.not_modified and "李" in changed.text
    assert [r.conditional for r in site.seen("/post.html")] == [True, True, True]


def test_429_waits_as_retry_after_asks_then_succeeds(site: WebServer) -> None:
    site.route("/busy", [Answer(429, "slow down", {"Retry-After": "1"}), Answer(200, PAGE, HTML)])
    started = time.monotonic()
    assert "李" in fetch(site.url("/busy"), max_bytes=MB, backoff=0.01).text
    assert 0.9 <= time.monotonic() - started < 5
    assert len(site.seen("/busy")) == 2

    site.route("/later", Answer(503, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match=r"HTTP 503 \(service unavailable\); the server asks to wait 3600 s"):
        fetch(site.url("/later"), max_bytes=MB)
    assert len(site.seen("/later")) == 1  # not hammered, not waited for an hour


def test_a_500_is_retried_with_backoff_and_gives_up_in_one_line(site: WebServer) -> None:
    site.route("/flaky", [Answer(500), Answer(200, PAGE, HTML)])
    assert "李" in fetch(site.url("/flaky"), max_bytes=MB, backoff=0.05).text
    site.route("/down", Answer(502))
    with pytest.raises(FetchError, match=r"/down: HTTP 502 \(bad gateway\), still after 3 tries") as failed:
        fetch(site.url("/down"), max_bytes=MB, retries=2, backoff=0.01)
    assert failed.value.status == 502 and len(site.seen("/down")) == 3


def test_a_slow_trickle_is_cut_off_at_the_deadline(site: WebServer) -> None:
    site.route("/slow", Answer(200, PAGE * 20, HTML, trickle=0.2))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"/slow: no answer within 1 s"):
        fetch(site.url("/slow"), max_bytes=MB, deadline=1.0)
    assert time.monotonic() - started < 2.5
    site.route("/silent", Answer(200, PAGE, HTML, delay=5))
    with pytest.raises(FetchError, match=r"/silent: no answer within 0.5 s"):
        fetch(site.url("/silent"), max_bytes=MB, deadline=0.5)


def test_the_module_deadline_is_read_at_each_call(site: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetching, "DEFAULT_DEADLINE", 0.5)
    site.route("/slow", Answer(200, PAGE * 20, HTML, trickle=0.2))
    with pytest.raises(FetchError, match=r"no answer within 0.5 s"):
        fetch(site.url("/slow"), max_bytes=MB)


def test_a_wrong_utf8_header_on_a_gbk_page_is_read_right(site: WebServer) -> None:
    gbk = GBK_PAGE.read_bytes()
    site.route("/meta.html", Answer(200, gbk, HTML))
    page = fetch(site.url("/meta.html"), max_bytes=MB)
    assert "与学生谈实验记录本" in page.text and page.encoding == "gb18030"  # the page's own <meta>
    bare = gbk.replace(b'<meta http-equiv="Content-Type" content="text/html; charset=gbk" />', b"")
    assert bare != gbk
    site.route("/bare.html", Answer(200, bare, HTML))
    page = fetch(site.url("/bare.html"), max_bytes=MB)
    assert "学生：" in page.text and page.encoding is None  # detected
    site.route("/latin.html", Answer(200, bare, {"Content-Type": "text/html; charset=ISO-8859-1"}))
    assert "导师：" in fetch(site.url("/latin.html"), max_bytes=MB).text


def test_a_gzip_page_is_inflated(site: WebServer) -> None:
    site.route("/zipped.html", Answer(200, PAGE, HTML, gzip=True))
    page = fetch(site.url("/zipped.html"), max_bytes=MB)
    assert page.text == PAGE and site.seen("/zipped.html")[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A gzip body of 250 kB that inflates to 256 MB of zeros."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    return b"".join([*(squeeze.compress(zeros) for _ in range(256)), squeeze.flush()])


def test_a_gzip_bomb_stops_at_the_cap_fast_and_small(site: WebServer, bomb: bytes) -> None:
    assert len(bomb) < MB
    site.route("/bomb.html", Answer(200, bomb, HTML, gzip=True, raw=True))
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match=r"/bomb.html: larger than 2 MB \(--max-bytes\)"):
            fetch(site.url("/bomb.html"), max_bytes=2 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 3
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB"


def test_a_declared_length_over_the_cap_is_refused_before_the_body(site: WebServer) -> None:
    site.route("/big.html", Answer(200, "x" * 5000, HTML))
    with pytest.raises(FetchError, match=r"larger than 4.88 kB"):
        fetch(site.url("/big.html"), max_bytes=5000 - 1)


def test_robots_txt_is_obeyed(site: WebServer) -> None:
    site.route("/robots.txt", Answer(200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    site.route("/private/post.html", Answer(200, PAGE, HTML))
    site.route("/public/post.html", Answer(200, PAGE, HTML))
    with pytest.raises(FetchError, match=r"/private/post.html: robots.txt disallows it \(user agent xiaoya-podcast\)"):
        fetch(site.url("/private/post.html"), max_bytes=MB)
    assert site.seen("/private/post.html") == []
    assert "李" in fetch(site.url("/public/post.html"), max_bytes=MB).text


def test_robots_txt_rules_for_this_program_by_name(site: WebServer) -> None:
    rules = "User-agent: xiaoya-podcast\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    site.route("/robots.txt", Answer(200, rules, {"Content-Type": "text/plain"}))
    site.route("/post.html", Answer(200, PAGE, HTML))
    with pytest.raises(FetchError, match=r"robots\.txt disallows it"):
        fetch(site.url("/post.html"), max_bytes=MB)


def test_robots_txt_that_cannot_be_read_disallows_the_site(site: WebServer) -> None:
    site.route("/robots.txt", Answer(503, "down"))
    site.route("/post.html", Answer(200, PAGE, HTML))
    with pytest.raises(FetchError, match=r"robots\.txt: HTTP 503 .*not fetched"):
        fetch(site.url("/post.html"), max_bytes=MB)
    assert "/post.html" not in [r.path for r in site.requests]


def test_robots_txt_that_is_missing_allows_the_site(site: WebServer) -> None:
    site.route("/post.html", Answer(200, PAGE, HTML))
    assert fetch(site.url("/post.html"), max_bytes=MB).status == 200


def test_a_redirect_into_a_disallowed_path_is_refused(site: WebServer) -> None:
    site.route("/robots.txt", Answer(200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    site.route("/go", Answer(302, headers={"Location": "/private/x"}))
    with pytest.raises(FetchError, match=r"/private/x: robots.txt disallows it"):
        fetch(site.url("/go"), max_bytes=MB)


def test_a_404_is_one_line_with_its_status(site: WebServer) -> None:
    with pytest.raises(FetchError, match=r"^http://127.0.0.1:\d+/gone.html: HTTP 404 \(not found\)$") as failed:
        fetch(site.url("/gone.html"), max_bytes=MB)
    assert failed.value.status == 404 and len(site.seen("/gone.html")) == 1


@pytest.mark.parametrize(
    "address", ["ftp://example.org/post.html", "file:///etc/passwd", "mailto:me@example.org", "http://", "http://[::1"]
)
def test_only_http_and_https_addresses_are_fetched(address: str) -> None:
    with pytest.raises(FetchError, match=r"only http:// and https://|not a web address"):
        fetch(address, max_bytes=MB)


def test_a_refused_connection_is_one_line_at_once() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    started = time.monotonic()
    address = f"http://127.0.0.1:{port}/post.html"
    with pytest.raises(FetchError, match=rf"^{re.escape(address)}: cannot connect \(connection refused\)$"):
        fetch(address, max_bytes=MB)
    assert time.monotonic() - started < 1  # not retried


def test_requests_to_one_host_are_spaced(site: WebServer) -> None:
    site.route("/a", Answer(200, PAGE, HTML))
    polite = Politeness(per_second=5)
    started = time.monotonic()
    for _ in range(3):
        fetch(site.url("/a"), max_bytes=MB, polite=polite)
    # robots.txt and three pages: four requests, three gaps of 0.2 s.
    assert time.monotonic() - started >= 0.55


def test_saved_fixture_bytes_are_what_is_served() -> None:
    # The saved-page fixtures are served as they are, not templates: same bytes on disk and online.
    for page in sorted(BLOG.glob("*.html")):
        assert b"{{" not in page.read_bytes(), page.name
    assert Path(GBK_PAGE).read_bytes().decode("gbk")
