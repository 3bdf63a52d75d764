"""A web page as an article: its text for the parser, and the metadata around it.

``read_article(html, url)`` returns an `Article`: the page's title, author, date (ISO
``YYYY-MM-DD``), canonical URL, and what the parser should read (``html_or_text``, in the
format named by ``Article.fmt``). `article_post` parses it into a `podcast.model.Post` with
the metadata filled in; `page_post` does both, for a page fetched or saved alike.

Which extractor
---------------
Measured with ``bench/extractors.py`` on the real-layout HTML pages of
``tests/fixtures/real/`` (7 saved pages with a gold reading), by parsing what each extractor
keeps with ``parse_post`` and scoring it as ``bench/real_layouts.py`` does (speaker-label
precision/recall/F1 over labelled turns, turn counts within ±10 %, titles right: "title
(parse)" is the one ``parse_post`` finds in what was kept, "title (meta)" the extractor's
own), and on the six blog layouts of ``tests/fixtures/web/blog/`` against their sidecars
(speakers in order, labelled turns, title, date)::

    extractor             P      R      F1   counts  title (parse)  title (meta)  ms/page
    own reader, page    0.927  0.927  0.927   7/7        6/7            6/7         13
    trafilatura txt     1.000  0.642  0.782   5/7        0/7            5/7         60
    trafilatura xml     0.843  0.642  0.729   5/7        0/7            5/7         35
    trafilatura html    0.878  0.854  0.866   6/7        1/7            5/7         34
    readability-lxml    0.854  0.854  0.854   7/7        1/7            4/7         22

    blog layouts        speakers  turns  title  date
    own reader, page      6/6      6/6    6/6    6/6
    trafilatura txt       6/6      6/6    5/6    6/6
    trafilatura xml       6/6      5/6    5/6    6/6
    trafilatura html      6/6      6/6    5/6    6/6
    readability-lxml      6/6      6/6    3/6    0/6

(trafilatura 2.3.1 with favor_recall=True, include_comments=False; readability-lxml 0.9;
lxml 6.1.3. ``read_article``'s date equals htmldate 1.11's ``find_date(original_date=True)``
on 7/7 of the real pages.)

trafilatura drops speaker labels it takes for furniture (a question in a bold paragraph of
its own, a transcript's run-in labels) and the heading the title is in, and takes a blog's
name for the title of a 新浪博客 page; readability keeps the dialogue but not the title (its
``short_title`` keeps site names: ``标题_网易新闻``, ``标题_某某的博客-CSDN博客``) and reads no
date. The project's own HTML reader on the whole page does best on every count, so the
article's text is the whole page for that reader (``fmt="html"``), and nothing is added to
the dependencies. The metadata (title, author, date, canonical URL) comes from the page's
own declarations, in this order:

- title: the page's h1–h3 headline that ``og:title``/``twitter:title``/JSON-LD
  ``headline``/``<title>`` bears out (the longest, since a blog's own name is a heading too),
  else ``og:title``/``headline`` without the site name, else ``<h1>``, else ``<title>``
  without the site name;
- date: ``article:published_time``, JSON-LD ``datePublished``, ``<meta name=date>``-style
  tags, ``itemprop=datePublished``, ``<time datetime>``, then a date in an element whose
  class names a time (新浪博客 ``time``, CSDN ``time``), then the first full date in the
  page's text (科学网's ``已有 N 次阅读 2024-4-8 08:21``);
- canonical URL: ``<link rel=canonical>``, else ``og:url``, else the address fetched, made
  absolute against it, fragment removed;
- author: ``<meta name=author>``, ``article:author`` (not a profile URL), JSON-LD ``author``,
  ``<a rel=author>`` — never a byline's link text, which is often a login name.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from podcast.model import Post
from podcast.parse import parse_post
from podcast.parse import title as titles
from podcast.parse.source import strip_controls
from podcast.text import iso_date

__all__ = ["Article", "article_post", "page_post", "read_article"]

# Separators between a title and the site's name in <title> and og:title.
_SITE_SEPARATOR = re.compile(r"\s+[-–—|｜·•»]\s+|\s*[_|｜—]\s*")
_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "reportagenewsarticle", "techarticle", "webpage",
                  "posting", "socialmediaposting", "discussionforumposting", "scholarlyarticle"}  # fmt: skip
_DATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:time|date|pubdate|publish\w*|posted\w*|timestamp|entry-date)(?:$|[\s_-])", re.I
)
_TEXT_DATE_CHARS = 4000
"""How far into the page's text a date with no markup around it is looked for."""


@dataclass(frozen=True, slots=True)
class Article:
    """A web page read as an article.

    ``html_or_text`` is what the parser should read, in format ``fmt`` (``html`` for a whole
    page or a content fragment, ``text`` for plain text); the other fields are what the page
    declares about itself (None when it does not).
    """

    title: str | None
    author: str | None
    date: str | None
    """Publication date as ISO ``YYYY-MM-DD``."""
    canonical_url: str
    """The page's own address: its canonical link, else the address it was fetched from;
    empty for a saved page that declares none."""
    html_or_text: str
    fmt: str = "html"


def read_article(html: str, url: str | None = None) -> Article:
    """The article in the page ``html`` fetched from ``url`` (None: a saved page): the whole
    page for the project's HTML reader, and the page's title, author, date and canonical URL.

    >>> page = '''<html><head><title>李白对话录 | 立委NLP频道</title>
    ... <meta property="og:site_name" content="立委NLP频道">
    ... <link rel="canonical" href="/?p=7"></head><body><h1>李白对话录</h1>
    ... <span class="time">(2024-05-01 10:20:30)</span><p>李：你好。</p><p>白：你好。</p></body></html>'''
    >>> a = read_article(page, "https://liweinlp.com/archives/7#top")
    >>> a.title, a.date, a.canonical_url
    ('李白对话录', '2024-05-01', 'https://liweinlp.com/?p=7')
    """
    root = _document(html)
    if root is None:
        return Article(None, None, None, _strip_fragment(url) if url else "", html, "html")
    ld = list(_json_ld(root))
    return Article(
        title=_title(root, ld),
        author=_author(root, ld),
        date=_date(root, ld),
        canonical_url=_canonical(root, url),
        html_or_text=html,
        fmt="html",
    )


def page_post(
    html: str, *, source: str, url: str | None = None, aliases: Mapping[str, Iterable[str]] | None = None
) -> Post:
    """The post in a web page, fetched from ``url`` or saved (``url`` None), read the same
    way either way: `read_article` then `article_post`. ``source`` is where it came from.

    >>> page = '<title>对话 – 某博客</title><h1>对话</h1><p>李：你好。</p><p>白：嗯。</p>'
    >>> page_post(page, source="saved.html").title
    '对话'
    """
    return article_post(read_article(html, url), source=source, aliases=aliases)


def article_post(article: Article, *, source: str, aliases: Mapping[str, Iterable[str]] | None = None) -> Post:
    """``article`` parsed into a post: the parser's reading of its text, with the page's own
    title, author and date where the page declares them, and ``metadata["source_url"]`` the
    page's canonical URL (the episode page and the feed link to it). ``source`` is what the
    post came from: the address fetched, or the saved file.

    >>> a = Article("李白对话录", None, "2024-05-01", "https://x.org/p/1", "<p>李：你好。</p><p>白：嗯。</p>")
    >>> post = article_post(a, source="https://x.org/p/1?utm=feed")
    >>> post.title, post.date, post.speakers, post.source_url
    ('李白对话录', '2024-05-01', ('李', '白'), 'https://x.org/p/1')
    """
    post = parse_post(article.html_or_text, source=source, fmt=article.fmt, aliases=aliases)
    metadata = dict(post.metadata)
    if article.canonical_url:
        metadata["source_url"] = article.canonical_url
    warnings = post.warnings
    if article.title:
        # The parser says so when it had to make a title up; the page had one after all.
        warnings = tuple(w for w in warnings if not w.startswith("no title found"))
    return dataclasses.replace(
        post,
        title=article.title or post.title,
        author=article.author or post.author,
        date=article.date or post.date,
        metadata=metadata,
        warnings=warnings,
    )


def _document(html: str) -> HtmlElement | None:
    text = strip_controls(html).lstrip("\ufeff")
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _xpath(root: HtmlElement, path: str) -> list[Any]:
    return cast(list[Any], root.xpath(path))


def _first(root: HtmlElement, paths: Iterable[str]) -> str | None:
    """The first non-empty value any of ``paths`` finds, spaces collapsed."""
    for path in paths:
        for found in _xpath(root, path):
            value = found.text_content() if isinstance(found, HtmlElement) else str(found)
            value = " ".join(value.split())
            if value:
                return value
    return None


def _meta(name: str) -> list[str]:
    """XPaths for a ``<meta>`` tag by ``property`` or ``name`` (case as written)."""
    return [f'//meta[@property="{name}"]/@content', f'//meta[@name="{name}"]/@content']


def _json_ld(root: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page that describes an article, outermost first."""
    for script in _xpath(root, '//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        yield from (x for x in _objects(data) if _is_article(x))


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"))


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    names = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return any(str(k).lower() in _ARTICLE_TYPES for k in names) or "headline" in item


def _ld_text(ld: list[dict[str, Any]], key: str) -> str | None:
    for item in ld:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


# Titles -----------------------------------------------------------------------------------


def _title(root: HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    tag = _first(root, ["//title"])
    strong = [x for x in (_first(root, _meta("og:title")), _first(root, _meta("twitter:title")),
                          _ld_text(ld, "headline")) if x]  # fmt: skip
    declared = [*strong, *([tag] if tag else [])]
    # The headline on the page that a declared title bears out; the longest, since a blog's
    # own name is a heading too and is in <title> as well (新浪博客 "标题_博客名_新浪博客").
    borne = [h for h in _headings(root) if any(_bears_out(d, h) for d in declared)]
    if borne:
        heading = max(borne, key=lambda h: len(_norm(h)))
        return titles.clean(heading) or heading
    sites = _site_names(root, ld)
    for value in strong:
        found = _without_site(value, sites, declared)
        if found:
            return found
    h1 = _first(root, ["//article//h1", "//h1"])
    if h1:
        return titles.clean(h1) or h1
    return _without_site(tag, sites, declared) if tag else None


def _headings(root: HtmlElement) -> list[str]:
    """The page's h1–h3 texts, in the order they appear."""
    found = (" ".join(h.text_content().split()) for h in _xpath(root, "//h1 | //h2 | //h3"))
    return list(dict.fromkeys(h for h in found if h))


def _bears_out(declared: str, heading: str) -> bool:
    """True when a declared title is the heading, or has it as whole parts between the
    separators around site names (``标题 – 博客名``, ``科学网—标题 - 某某的博文``).

    >>> _bears_out("科学网—与学生谈实验记录本 - 陈守一的博文", "与学生谈实验记录本")
    True
    >>> _bears_out("李白对话录：词典 – 立委NLP频道", "李白"), _bears_out("Q&A: Bridges", "Q&A: Bridges")
    (False, True)
    """
    wanted = _norm(titles.clean(heading))
    if len(wanted) < 2:
        return False
    parts = [_norm(p) for p in _SITE_SEPARATOR.split(declared)]
    parts = [p for p in parts if p]
    spans = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    return wanted == _norm(declared) or wanted in spans


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _site_names(root: HtmlElement, ld: list[dict[str, Any]]) -> set[str]:
    names = {_first(root, _meta("og:site_name")), _first(root, _meta("application-name"))}
    for item in ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.add(publisher["name"])
    return {_norm(n) for n in names if n}


def _without_site(title: str, sites: set[str], declared: list[str]) -> str | None:
    """``title`` without a site name after (or before) a separator: a part that is a known
    site name, or the tail every declared title that has one shares (``_网易新闻``)."""
    parts = [p.strip() for p in _SITE_SEPARATOR.split(title)]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        tails = [_SITE_SEPARATOR.split(d)[-1].strip() for d in declared if _SITE_SEPARATOR.search(d)]
        shared = len(tails) > 1 and len({_norm(t) for t in tails}) == 1
        while len(parts) > 1 and (_norm(parts[-1]) in sites or (shared and _norm(parts[-1]) == _norm(tails[0]))):
            parts.pop()
        while len(parts) > 1 and _norm(parts[0]) in sites:
            parts.pop(0)
        if len(parts) > 1 and any(_norm(p) in sites for p in parts):
            parts = [max(parts, key=len)]
    found = titles.clean(_join_parts(title, parts)) if parts else ""
    return found or None


def _join_parts(title: str, parts: list[str]) -> str:
    """The span of ``title`` from the first kept part to the last (separators inside kept)."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end] if 0 <= start < end else " ".join(parts)


# Dates, authors, addresses ----------------------------------------------------------------


def _date(root: HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    declared = [
        _first(root, _meta("article:published_time")),
        _first(root, _meta("og:article:published_time")),
        _ld_text(ld, "datePublished"),
        _first(root, [*_meta("date"), *_meta("pubdate"), *_meta("publishdate"), *_meta("DC.date.issued"),
                      *_meta("DC.date"), *_meta("dc.date"), '//*[@itemprop="datePublished"]/@content',
                      '//*[@itemprop="datePublished"]/@datetime', '//*[@itemprop="datePublished"]']),
        _first(root, ["//article//time/@datetime", "//time/@datetime"]),
        _ld_text(ld, "dateCreated"),
    ]  # fmt: skip
    for value in declared:
        found = iso_date(value)
        if found:
            return found
    for element in _xpath(root, "//body//*[@class or @id]"):
        if element.tag in ("script", "style") or not _DATE_CLASS.search(
            f"{element.get('class', '')} {element.get('id', '')}"
        ):
            continue
        found = iso_date(" ".join(element.text_content().split())[:120])
        if found:
            return found
    body = _xpath(root, "//body")
    if not body:
        return None
    return iso_date(" ".join(_visible_text(body[0]).split())[:_TEXT_DATE_CHARS])


def _visible_text(element: HtmlElement) -> str:
    pieces: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript", "template"):
            if node.tail:
                pieces.append(node.tail)
            continue
        if node.text:
            pieces.append(node.text)
        if node.tail and node is not element:
            pieces.append(node.tail)
    return " ".join(pieces)


def _author(root: HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    for value in (_first(root, _meta("author")), _first(root, _meta("article:author"))):
        if value and not re.match(r"https?://", value):
            return value
    for item in ld:
        names = [n for n in _names(item.get("author")) if n]
        if names:
            return ", ".join(names)
    # Only what the page declares: a byline's link text is often a login name ("liwei999").
    return _first(root, ['//a[@rel="author"]', '//*[@itemprop="author"]//*[@itemprop="name"]'])


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [" ".join(value.split())]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _canonical(root: HtmlElement, url: str | None) -> str:
    for value in (_first(root, ['//link[@rel="canonical"]/@href']), _first(root, _meta("og:url"))):
        if value:
            absolute = urljoin(url or "", value.strip())
            if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).hostname:
                return _strip_fragment(absolute)
    return _strip_fragment(url) if url else ""


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
