"""The show's public address, made safe for every URL the feed and the site emit."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

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
