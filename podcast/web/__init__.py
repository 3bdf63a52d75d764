"""Posts from the web: a post's address wherever a post file goes.

`read_post` is the one reader every command uses (``podcast parse|script|render POST``):
given a web address it fetches the page (`podcast.web.fetch`: timeouts, redirects, size
cap, charset, robots.txt, retries) and reads it; given a file it reads the file. A page —
fetched or saved — is read the same way (`podcast.web.article.page_post`), so an address
and the page saved from it give the same post, save where it came from.

A post read from an address has that address as its ``source`` (its last path segment
gives the episode's slug, as a file's name does) and the page's canonical URL as its
``source_url``, which the episode page and the feed item link to.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.errors import FetchError
from podcast.model import Post
from podcast.parse import parse_post
from podcast.parse.source import DEFAULT_MAX_BYTES, detect_format, read_text, shown
from podcast.web.article import page_post

if TYPE_CHECKING:  # the fetching stack (httpx) loads only when an address is read
    from podcast.web.fetch import Fetched, Politeness

__all__ = ["fetched_post", "file_post", "is_address", "read_post"]

Aliases = Mapping[str, Iterable[str]]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# What a post's address may answer with, and how the parser reads it (None: by its name).
_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "markdown",
            "text/x-markdown": "markdown", "text/plain": None}  # fmt: skip


def is_address(text: str | Path) -> bool:
    """Whether a command's POST argument is a web address rather than a file: it starts with
    a scheme (an ``ftp://`` address is one too, and is refused when fetched).

    >>> is_address("https://blog.example.org/2024/05/post.html"), is_address("posts/a.md")
    (True, False)
    >>> is_address("ftp://example.org/a"), is_address("C:\\\\posts\\\\a.md")
    (True, False)
    """
    return isinstance(text, str) and _SCHEME.match(text.strip()) is not None


def read_post(
    source: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    aliases: Aliases | None = None,
    polite: Politeness | None = None,
) -> Post:
    """The post at ``source``: a web address (fetched, at most ``max_bytes`` decoded) or a
    file (``.md``, ``.txt``, or ``.html`` read as a page). Raises a one-line
    `podcast.errors.PodcastError` (`FetchError`, `podcast.errors.ParseError`)."""
    if is_address(source):
        from podcast.web.fetch import fetch

        fetched = fetch(str(source), max_bytes=max_bytes, polite=polite)
        return fetched_post(fetched, aliases=aliases)
    path = Path(source)
    return file_post(read_text(path, max_bytes=max_bytes), path, source=str(path), aliases=aliases)


def file_post(text: str, path: Path, *, source: str, aliases: Aliases | None = None) -> Post:
    """The post in a file's ``text``: an HTML file read as a page (as if fetched), anything
    else as a post file. ``source`` is what the post says it came from (a batch's key)."""
    if detect_format(str(path), text) == "html":
        return page_post(text, source=source, aliases=aliases)
    return parse_post(text, source=source, aliases=aliases)


def fetched_post(fetched: Fetched, *, aliases: Aliases | None = None) -> Post:
    """The post in a fetched page: an HTML page read as a page, Markdown or plain text as a
    post file is; anything else (an image, a PDF, a feed) is a `FetchError`."""
    name = shown(fetched.url)
    media = fetched.content_type or "text/plain"
    if media not in _FORMATS:
        hint = "; give a feed to podcast batch" if media.endswith(("rss+xml", "atom+xml")) else ""
        raise FetchError(f"{name}: not a web page or a post but {shown(media)}{hint}")
    if not fetched.text.strip():
        raise FetchError(f"{name}: the page is empty")
    fmt = _FORMATS[media] or detect_format(fetched.url.split("?")[0], fetched.text)
    if fmt == "html":
        return page_post(fetched.text, source=fetched.url, url=fetched.url, aliases=aliases)
    post = parse_post(fetched.text, source=fetched.url, fmt=fmt, aliases=aliases)
    if post.source_url:
        return post
    return dataclasses.replace(post, metadata={**post.metadata, "source_url": fetched.url})
