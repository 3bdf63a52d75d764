"""A blog read from the web for a batch: its feed or REST API fetched, each post kept as a
local HTML file that the batch then renders like a post on disk.

``ingest(urls, folder, options)`` reads each address given — an RSS or Atom feed (its next
pages followed), WordPress's REST list of posts (given, or announced by the feed or page
with ``rel="https://api.w.org/"``, and preferred: it has every post in full), or a blog page
that names its feed — and, for every post it lists (``--since``, ``--limit``):

- takes the post's full HTML from the feed when the feed carries it, else fetches its page;
- writes ``posts/<digest>.html`` in ``folder``: the feed's content in a small page that
  declares its title, author and date, or the fetched page with the feed's date and author
  declared first. The post's key is its canonical address (the page's ``rel=canonical``, else
  the feed's link): the episode's source and link;
- parses it: a post without dialogue is skipped (unless ``include_all``).

Every address fetched is recorded in ``folder/state.json`` with its ``ETag``,
``Last-Modified`` and the digest of its body, and its body kept: the next run asks
conditionally (``If-None-Match``/``If-Modified-Since``), and a ``304`` reuses what was kept,
so an unchanged blog transfers no bodies. A state file that cannot be read is started
afresh (the next fetches are then unconditional, nothing else is lost).

One post or page that cannot be fetched or read (404, timeout, robots.txt) is reported in
`Ingested.failed` and the others go on. Requests to one host are spaced by ``rate``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from podcast import fsutil
from podcast.errors import OutputError, PodcastError
from podcast.parse import parse_post
from podcast.parse.source import detect_format
from podcast.paths import unwritable_cache
from podcast.web.article import read_article
from podcast.web.feeds import (
    REST_PER_PAGE,
    FeedItem,
    FeedPage,
    api_root,
    feed_links,
    is_rest_endpoint,
    page_url,
    paged_url,
    posts_endpoint,
    read_feed,
    read_rest_posts,
    rest_total_pages,
)
from podcast.web.fetch import DEFAULT_RATE, PAGE_ACCEPT, FetchError, Politeness, fetch

__all__ = ["FEED_MAX_BYTES", "MAX_PAGES", "NO_DIALOGUE", "Ingested", "WebOptions", "WebPost", "ingest"]

FEED_MAX_BYTES = 32 * 1024 * 1024
"""The most one feed page or REST page may be (decoded): a hundred posts in full."""
MAX_PAGES = 200
"""Feed or REST pages followed for one address, at most."""
NO_DIALOGUE = "no dialogue (--all renders it)"
"""Why a post without dialogue is skipped."""
STATE_NAME = "state.json"
KIND = "xiaoya-podcast web state"
VERSION = 1
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
JSON_ACCEPT = "application/json, */*;q=0.5"
_KEPT_HEADERS = ("link", "x-wp-totalpages", "x-wp-total", "content-type")
"""Headers recorded with a body: a ``304`` does not repeat them."""


@dataclass(frozen=True, slots=True)
class WebOptions:
    """Which posts of a blog to take, and how politely."""

    since: dt.date | None = None
    """Only posts published on or after this day (posts without a date are taken)."""
    limit: int | None = None
    """Only the newest ``limit`` posts of each blog."""
    include_all: bool = False
    """Take posts without dialogue too (read as one narration)."""
    rate: float = DEFAULT_RATE
    """Requests per second to one host (0: no limit)."""
    robots: bool = True
    """Honour robots.txt."""
    feed_max_bytes: int = FEED_MAX_BYTES
    """The most one feed or REST page may be."""


@dataclass(frozen=True, slots=True)
class WebPost:
    """A post read from the web, ready to be rendered."""

    key: str
    """Its canonical address: the batch's key, the episode's source and link."""
    path: Path
    """The local HTML file the batch reads."""
    title: str | None
    """Its title, as the feed gives it."""


@dataclass(frozen=True, slots=True)
class Ingested:
    """What ``ingest`` found."""

    posts: tuple[WebPost, ...]
    """Posts to render (if new or changed), each once."""
    skipped: tuple[tuple[str, str], ...] = ()
    """``(address, why)`` of posts left out: no dialogue, password-protected."""
    failed: tuple[tuple[str, str], ...] = ()
    """``(address, one line)`` of feeds, pages and posts that could not be fetched or read."""
    notes: tuple[str, ...] = ()
    """Things worth a warning (a REST API that could not be used, so the feed was read)."""
    requests: int = 0
    """Requests sent (robots.txt not counted)."""
    bodies: int = 0
    """Of those, answers that carried a body (the rest were ``304 Not Modified``)."""


@dataclass(frozen=True, slots=True)
class _Fetched:
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched: str | None = None


@dataclass(frozen=True, slots=True)
class _Parsed:
    sha256: str
    dialogue: bool


class _Store:
    """``state.json`` and the bodies and post files beside it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.urls: dict[str, _Fetched] = {}
        self.posts: dict[str, _Parsed] = {}
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
            data = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
            if data.get("kind") == KIND and data.get("version") == VERSION:
                self.urls = {str(k): _Fetched(**v) for k, v in data["urls"].items()}
                self.posts = {str(k): _Parsed(**v) for k, v in data["posts"].items()}

    def save(self) -> None:
        data = {
            "kind": KIND,
            "version": VERSION,
            "urls": {k: asdict(v) for k, v in sorted(self.urls.items())},
            "posts": {k: asdict(v) for k, v in sorted(self.posts.items())},
        }
        fsutil.write_text(self.folder / STATE_NAME, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def body_path(self, url: str) -> Path:
        return self.folder / "bodies" / f"{_digest(url)[:24]}.txt"

    def post_path(self, key: str) -> Path:
        return self.folder / "posts" / f"{_digest(key)[:24]}.html"

    def kept_body(self, url: str) -> str | None:
        if url not in self.urls:
            return None
        try:
            return self.body_path(url).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None


def ingest(
    urls: Sequence[str],
    folder: Path,
    options: WebOptions | None = None,
    *,
    max_bytes: int,
    aliases: Mapping[str, Iterable[str]] | None = None,
    on_fetch: Callable[[str], None] | None = None,
    polite: Politeness | None = None,
) -> Ingested:
    """Read the blogs at ``urls`` into ``folder`` (see the module); ``max_bytes`` caps a post's
    page, ``on_fetch(url)`` is told of each request before it is sent. Raises only
    ``OutputError``, when ``folder`` cannot be written."""
    run = _Run(_Store(folder), options or WebOptions(), max_bytes, aliases, on_fetch, polite)
    try:
        try:
            for url in urls:
                run.source(url.strip())
        finally:
            run.store.save()
    except OSError as exc:
        raise OutputError(unwritable_cache("cache of blog posts", folder, exc)) from exc
    return Ingested(
        tuple(run.posts.values()),
        tuple(run.skipped),
        tuple(run.failed),
        tuple(run.notes),
        run.requests,
        run.bodies,
    )


class _Run:
    def __init__(
        self,
        store: _Store,
        options: WebOptions,
        max_bytes: int,
        aliases: Mapping[str, Iterable[str]] | None,
        on_fetch: Callable[[str], None] | None,
        polite: Politeness | None,
    ) -> None:
        self.store = store
        self.options = options
        self.max_bytes = max_bytes
        self.aliases = aliases
        self.on_fetch = on_fetch
        self.polite = polite or Politeness(options.rate, robots=options.robots)
        self.posts: dict[str, WebPost] = {}
        self.skipped: list[tuple[str, str]] = []
        self.failed: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.seen: set[str] = set()
        self.requests = 0
        self.bodies = 0

    # Fetching -------------------------------------------------------------------------

    def get(self, url: str, *, accept: str, limit: int) -> tuple[str, dict[str, str], str]:
        """The body of ``url`` (fetched, or kept from last time when the server says it has
        not changed), the headers recorded with it, and the address it came from."""
        record = self.store.urls.get(url)
        kept = self.store.kept_body(url)
        conditional = record if record is not None and kept is not None else _Fetched()
        if self.on_fetch is not None:
            self.on_fetch(url)
        self.requests += 1
        answer = fetch(
            url,
            max_bytes=limit,
            etag=conditional.etag,
            last_modified=conditional.last_modified,
            polite=self.polite,
            accept=accept,
        )
        if answer.not_modified and kept is not None and record is not None:
            self.store.urls[url] = _Fetched(
                answer.etag or record.etag,
                answer.last_modified or record.last_modified,
                record.sha256,
                record.headers,
                _now(),
            )
            return kept, dict(record.headers), answer.url
        self.bodies += 1
        fsutil.write_text(self.store.body_path(url), answer.text)
        headers = {k: v for k, v in answer.headers.items() if k in _KEPT_HEADERS}
        self.store.urls[url] = _Fetched(answer.etag, answer.last_modified, answer.sha256, headers, _now())
        return answer.text, headers, answer.url

    def fail(self, url: str, problem: BaseException | str) -> None:
        self.failed.append((url, _one_line(problem, url)))

    # The kinds of source ----------------------------------------------------------------

    def source(self, url: str, *, announced: bool = False) -> None:
        """Everything ``url`` lists: a REST endpoint, a feed, or a page that names either."""
        if is_rest_endpoint(url):
            problem = self.rest(url)
            if problem is not None:
                self.fail(url, problem)
            return
        try:
            text, headers, final = self.get(url, accept=FEED_ACCEPT, limit=self.options.feed_max_bytes)
        except FetchError as exc:
            self.fail(url, exc)
            return
        root = api_root(headers, text, final)
        if root is not None:
            problem = self.rest(posts_endpoint(root))
            if problem is None:
                return
            self.notes.append(f"{url}: the blog's REST API cannot be read ({problem}); its feed is read instead")
        page = read_feed(text, final)
        if page is not None:
            self.feed(final, page)
            return
        candidates = [] if announced else feed_links(text, final)
        if candidates:
            self.source(candidates[0], announced=True)
            return
        self.fail(url, "not an RSS or Atom feed, a WordPress REST API, or a page that names one")

    def feed(self, url: str, first: FeedPage) -> None:
        """The items of a feed and of its further pages."""
        items = list(first.items)
        visited = {url}
        page, number = first, 1
        while not self.enough(items, page.items) and number < MAX_PAGES:
            following, probing = page.next_url, False
            if following is None and first.wordpress and first.items and len(page.items) >= len(first.items):
                # WordPress pages every feed with ?paged=N; a page shorter than the first is the last.
                following, probing = paged_url(url, number + 1), True
            if following is None or following in visited:
                break
            visited.add(following)
            try:
                text, _, final = self.get(following, accept=FEED_ACCEPT, limit=self.options.feed_max_bytes)
            except FetchError as exc:
                if not (probing and exc.status in (404, 410)):  # past a WordPress feed's last page
                    self.fail(following, exc)
                break
            found = read_feed(text, final)
            if found is None:
                if not probing:
                    self.fail(following, "not an RSS or Atom feed (the feed's next page)")
                break
            known = {i.url for i in items}
            if probing and all(i.url in known for i in found.items):
                break
            items += found.items
            page, number = found, number + 1
        self.take(items, first.language)

    def rest(self, endpoint: str) -> str | None:
        """The posts of WordPress's REST list, every page; a problem with its first page is
        returned (the caller decides), later ones are failures of their own."""
        items: list[FeedItem] = []
        number = 1
        while True:
            url = page_url(endpoint, number)
            try:
                text, headers, _ = self.get(url, accept=JSON_ACCEPT, limit=self.options.feed_max_bytes)
                found = read_rest_posts(text, url)
            except FetchError as exc:
                if number == 1:
                    return _one_line(exc, url)
                if exc.status != 400:  # WordPress's answer past the last page
                    self.fail(url, exc)
                break
            except ValueError:
                if number == 1:
                    return "its answer is not a list of posts"
                self.fail(url, "not a list of posts (a page of the REST API)")
                break
            items += found
            # Without X-WP-TotalPages, a full page may have a next one.
            pages = rest_total_pages(headers) or (number + 1 if len(found) >= REST_PER_PAGE else number)
            if not found or number >= min(pages, MAX_PAGES) or self.enough(items, found):
                break
            number += 1
        self.take(items, None)
        return None

    def enough(self, items: list[FeedItem], last: Sequence[FeedItem]) -> bool:
        """Whether older pages can only hold posts this run does not want (lists are newest first)."""
        limit, since = self.options.limit, self.options.since
        if limit is not None and len(self.selected(items)) >= limit:
            return True
        # Past a post older than --since, every later page is older still.
        return since is not None and any(i.date is not None and i.date < since.isoformat() for i in last)

    def selected(self, items: Iterable[FeedItem]) -> list[FeedItem]:
        """The items this run takes: published since ``since``, each address once, newest
        first, the first ``limit``."""
        since = self.options.since.isoformat() if self.options.since else None
        unique = {i.url: i for i in reversed(list(items))}  # the first listing of an address wins
        chosen = [i for i in reversed(unique.values()) if since is None or i.date is None or i.date >= since]
        chosen.sort(key=lambda i: i.date or "", reverse=True)
        return chosen[: self.options.limit] if self.options.limit is not None else chosen

    # Posts ------------------------------------------------------------------------------

    def take(self, items: list[FeedItem], language: str | None) -> None:
        for item in self.selected(items):
            if item.url in self.seen:
                continue
            self.seen.add(item.url)
            if item.withheld:
                self.skipped.append((item.url, item.withheld))
                continue
            if item.content is not None:
                key, document = item.url, post_document(item, item.content, language)
            else:
                try:
                    page, _, final = self.get(item.url, accept=PAGE_ACCEPT, limit=self.max_bytes)
                except FetchError as exc:
                    self.fail(item.url, exc)
                    continue
                article = read_article(page, final)
                key = article.canonical_url
                document = page_document(page, date=item.date or article.date, author=item.author or article.author)
            self.post(key, item, document)

    def post(self, key: str, item: FeedItem, document: str) -> None:
        if key in self.posts:
            return
        path = self.store.post_path(key)
        data = document.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                data = b""
        if data:
            fsutil.write_bytes(path, data)
        parsed = self.store.posts.get(key)
        if parsed is None or parsed.sha256 != digest:
            try:
                post = parse_post(document, source=key, fmt="html", aliases=self.aliases)
            except PodcastError as exc:
                self.fail(key, exc)
                return
            parsed = self.store.posts[key] = _Parsed(digest, bool(post.speakers))
        if not parsed.dialogue and not self.options.include_all:
            self.skipped.append((key, NO_DIALOGUE))
            return
        self.posts[key] = WebPost(key, path, item.title)


def post_document(item: FeedItem, content: str, language: str | None) -> str:
    """A feed item's content as a page that declares the item's title, author, date and
    address, the way the HTML reader looks for them.

    >>> item = FeedItem("https://b.example/2024/05/a/", "A & B", "立委", "2024-05-01", "")
    >>> print(post_document(item, "<p>李：你好。</p>", "zh-CN"))  # doctest: +NORMALIZE_WHITESPACE
    <!DOCTYPE html>
    <html lang="zh-CN"><head><meta charset="utf-8"><title>A &amp; B</title>
    <meta name="author" content="立委">
    <meta property="article:published_time" content="2024-05-01">
    <link rel="canonical" href="https://b.example/2024/05/a/"></head>
    <body><article><h1>A &amp; B</h1>
    <p>李：你好。</p>
    </article></body></html>
    """
    lang = f' lang="{_attr(language)}"' if language else ""
    title = f"<title>{html.escape(item.title)}</title>" if item.title else ""
    heading = f"<h1>{html.escape(item.title)}</h1>\n" if item.title else ""
    return (
        f'<!DOCTYPE html>\n<html{lang}><head><meta charset="utf-8">{title}\n{_declared(item.date, item.author)}'
        f'<link rel="canonical" href="{_attr(item.url)}"></head>\n'
        f"<body><article>{heading}{content}\n</article></body></html>\n"
    )


def page_document(page: str, *, date: str | None, author: str | None) -> str:
    """A fetched page with the post's date and author declared first in its ``<head>``
    (where the HTML reader looks first), and a doctype if it has none the reader knows.

    >>> page = "<html><head><title>T</title></head><body><p>李：好</p></body></html>"
    >>> print(page_document(page, date="2024-05-01", author=None))
    <html><head><meta property="article:published_time" content="2024-05-01">
    <title>T</title></head><body><p>李：好</p></body></html>
    """
    declared = _declared(date, author)
    if declared:
        head = re.search(r"<head(?:\s[^>]*)?>", page[:65536], re.IGNORECASE)
        if head is not None:
            page = page[: head.end()] + declared + page[head.end() :]
        else:
            opening = re.search(r"<html(?:\s[^>]*)?>", page[:65536], re.IGNORECASE)
            at = opening.end() if opening is not None else 0
            page = page[:at] + f"<head>{declared}</head>" + page[at:]
    if detect_format("", page) != "html":
        page = "<!DOCTYPE html>\n" + page
    return page


def _declared(date: str | None, author: str | None) -> str:
    tags = []
    if author:
        tags.append(f'<meta name="author" content="{_attr(author)}">\n')
    if date:
        tags.append(f'<meta property="article:published_time" content="{_attr(date)}">\n')
    return "".join(tags)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _one_line(problem: BaseException | str, url: str) -> str:
    """A problem as one line, without a leading ``URL: `` (the report names the address)."""
    text = " ".join(str(problem).split())
    return text[len(url) + 2 :] if text.startswith(f"{url}: ") else text
