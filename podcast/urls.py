"""The show's public address, made safe for every URL the feed and the site emit."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from podcast.errors import ConfigError


def public_base(url: str, where: str = "show.base_url") -> str:
    """``url`` as the base of every published URL: absolute http(s), no query or fragment,
    non-ASCII (an IRI) percent-encoded, ending in ``/``; anything else one line naming
    ``where``.

    >>> public_base("https://example.com/播客")
    'https://example.com/%E6%92%AD%E5%AE%A2/'
    >>> public_base("https://例子.中国/show/")
    'https://xn--fsqu00a.xn--fiqs8s/show/'
    """
    text = url.strip()
    if not text:
        raise ConfigError(f"{where} is empty; give the show's public address (https://…/)")
    if re.search(r"[\s\"'<>\\^`{|}\x00-\x1f\x7f]", text):
        raise ConfigError(f"{where} {url!r} has spaces, quotes or control characters; give a plain https://…/ address")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} {url!r} must be an absolute http:// or https:// address")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ConfigError(f"{where} {url!r} must not have a query (?…) or a fragment (#…)")
    if parts.username or parts.password:
        raise ConfigError(f"{where} {url!r} must not carry a user name or password")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"{where} {url!r} has a host name that cannot be encoded") from None
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, netloc, path, "", ""))


# What a page's address ends in that is not part of its name.
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp|md|markdown|txt)$", re.IGNORECASE)


def is_web_address(text: str | None) -> bool:
    """Whether ``text`` is an absolute http(s) address (not a local path).

    >>> is_web_address("https://example.com/p"), is_web_address("/home/me/p.md"), is_web_address("http://")
    (True, False, False)
    """
    return bool(text) and re.match(r"(?i)https?://[^/?#\s]", text or "") is not None


def url_slug(url: str) -> str | None:
    """The name a post's address gives it, as a file name does: the last segment of its path
    without ``.html`` (``index`` names the folder it is in); None when the path has none.

    >>> url_slug("http://127.0.0.1:8000/2024/05/post.html"), url_slug("https://x.org/p/some-post/")
    ('post', 'some-post')
    >>> url_slug("https://blog.example.org/2024/%E8%AF%8D%E5%85%B8/index.html"), url_slug("https://x.org/?p=7")
    ('词典', None)
    """
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    while segments:
        name = _PAGE_SUFFIX.sub("", segments.pop()).strip()
        if name and name.lower() not in ("index", "default"):
            return name
    return None
