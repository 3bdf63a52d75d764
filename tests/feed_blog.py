"""The fixture blog of ``tests/fixtures/web/feeds/`` served by a `WebServer` (see the README
there): its pages, an RSS feed in two pages, an Atom feed in two pages and WordPress's REST
API in two pages. Every answer carries an ``ETag`` and a ``Last-Modified``, so the server
answers a matching conditional request with a 304.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from typer.testing import CliRunner, Result

from podcast.cli import app
from tests.web_server import Answer, Request, WebServer

FEEDS = Path(__file__).resolve().parent / "fixtures" / "web" / "feeds"
PAGES = {
    "/2024/05/lossless-compression/": "lossless-compression.html",
    "/2024/04/small-models/": "small-models.html",
    "/2024/03/scaling-data/": "scaling-data.html",
    "/2024/02/travel-notes/": "travel-notes.html",
}
"""Where each fixture page is served; ``/2024/01/old-post/`` is listed in the RSS feed but gone."""
DIALOGUE = ["lossless-compression", "small-models", "scaling-data"]
"""The slugs of the posts with dialogue (``travel-notes`` has none)."""
RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
MODIFIED = "Wed, 01 May 2024 01:30:00 GMT"
EDITED = "Thu, 02 May 2024 08:00:00 GMT"
SHOW_URL = "https://example.com/show/"
"""The public address the test show is given."""


def with_base_url(show: Path) -> Path:
    """The fake show folder ``show`` with `SHOW_URL` as its ``base_url``."""
    toml = show / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[show]\n", f'[show]\nbase_url = "{SHOW_URL}"\n'), "utf-8")
    return show


def invoke(runner: CliRunner, command: str, show: Path, *args: str) -> Result:
    """``podcast COMMAND ARGS`` on ``show`` into its ``out/``: one job, no spacing of requests."""
    config = ["--config", str(show / "podcast.toml"), "-o", str(show / "out")]
    return runner.invoke(app, [command, *args, "--rate", "0", "--jobs", "1", *config])


def static(body: str, content_type: str, *, modified: str = MODIFIED, **headers: str) -> Answer:
    """An answer with validators: its ``ETag`` is a digest of ``body``."""
    data = body.encode("utf-8")
    tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    return Answer(
        200,
        data,
        {
            "Content-Type": content_type,
            "ETag": tag,
            "Last-Modified": modified,
            **{k.replace("_", "-"): v for k, v in headers.items()},
        },
    )


class FixtureBlog:
    """The fixture blog on ``site``; nothing is served until a ``serve_*`` method says."""

    def __init__(self, site: WebServer) -> None:
        self.site = site
        self.base = site.base_url
        self.rest_pages: dict[str, Answer] = {}

    def text(self, name: str) -> str:
        """A fixture file with ``{BASE}`` filled in."""
        return (FEEDS / name).read_text(encoding="utf-8").replace("{BASE}", self.base)

    def url(self, path: str) -> str:
        return self.site.url(path)

    def serve_pages(self) -> None:
        for path, name in PAGES.items():
            self.site.route(path, static(self.text(name), HTML))

    def serve_rss(self) -> None:
        self.serve_pages()
        self.site.route("/feed/", static(self.text("feed-1.xml"), RSS))
        self.site.route("/feed/?paged=2", static(self.text("feed-2.xml"), RSS))

    def serve_atom(self) -> None:
        self.serve_pages()
        self.site.route("/atom.xml", static(self.text("atom-1.xml"), ATOM))
        self.site.route("/atom.xml?page=2", static(self.text("atom-2.xml"), ATOM))

    def serve_rest(self, feed_path: str = "/wp/feed/") -> None:
        """The REST API, announced by the feed at ``feed_path`` (whose own items must not be read)."""
        self.serve_pages()
        link = f'<{self.base}/wp-json/>; rel="https://api.w.org/"'
        self.site.route(feed_path, static(self.text("feed-2.xml"), RSS, Link=link))
        for page in ("1", "2"):
            self.set_rest_page(page, self.text(f"wp-posts-{page}.json"))
        self.site.route("/wp-json/wp/v2/posts", self._rest)

    def set_rest_page(self, page: str, body: str, *, modified: str = MODIFIED) -> None:
        self.rest_pages[page] = static(body, JSON, modified=modified, X_WP_Total="4", X_WP_TotalPages="2")

    def _rest(self, request: Request) -> Answer:
        page = parse_qs(urlsplit(request.path).query).get("page", ["1"])[0]
        missing = Answer(400, '{"code":"rest_post_invalid_page_number"}', {"Content-Type": JSON})
        return self.rest_pages.get(page, missing)

    def edit_page(self, path: str, old: str, new: str) -> None:
        """Change a page's text (so its ETag and Last-Modified change too)."""
        body = self.text(PAGES[path])
        assert old in body
        self.site.route(path, static(body.replace(old, new), HTML, modified=EDITED))

    def edit_rest(self, page: str, old: str, new: str) -> None:
        """Change a post's text in a REST page."""
        body = self.text(f"wp-posts-{page}.json")
        assert old in body
        json.loads(body.replace(old, new))
        self.set_rest_page(page, body.replace(old, new), modified=EDITED)

    def bodies(self) -> list[str]:
        """The requests answered with a body (200), robots.txt left out."""
        return [r.path for r, status in self.site.answered if status == 200 and r.path != "/robots.txt"]

    def unconditional(self) -> list[str]:
        """The requests that were not conditional, robots.txt left out."""
        return [r.path for r in self.site.requests if not r.conditional and r.path != "/robots.txt"]
