"""A fetched body as text: the charset the server declares, the page's own, then detection.

Servers are often wrong about Chinese pages: a GBK page served as ``charset=utf-8`` (a
default in the server's configuration) is common, and so is ``ISO-8859-1`` on anything. So a
declared charset wins only when the bytes decode with it strictly, and a Western single-byte
charset (which "decodes" any bytes) never wins over the page's own ``<meta charset>`` or
over UTF-8.
"""

from __future__ import annotations

import codecs
import re

from podcast.errors import FetchError, ParseError
from podcast.parse.source import decode, shown

__all__ = ["body_text", "codec"]

_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# Labels pages declare for what is really a superset: decode with the superset (as browsers do).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "latin-1": "cp1252",
              "iso8859-1": "cp1252", "ascii": "cp1252"}  # fmt: skip
# Labels WHATWG knows that Python does not.
_LABELS = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-x-big5": "big5", "x-euc-cn": "gb2312", "csgb2312": "gb2312"}
# Charsets a server declares by default: any bytes "decode" with them, so they prove nothing.
_WEAK = {"cp1252"}


def body_text(data: bytes, content_type: str | None, url: str) -> tuple[str, str | None]:
    """``data`` as text, and the charset it was read with (None: detected).

    >>> gbk = "<p>李：你好。</p>".encode("gbk")
    >>> body_text(gbk, "text/html; charset=utf-8", "http://x/")
    ('<p>李：你好。</p>', None)
    >>> body_text(b'<meta charset="gb2312">' + gbk, "text/html", "http://x/")[1]
    'gb18030'
    """
    if not data:
        return "", None
    declared = _declared(content_type)
    high = _HIGH_BYTE.search(data) is not None
    if declared and (declared not in _WEAK or not high):
        text = _strict(data, declared)
        if text is not None:
            return text, declared
    own = _XML_ENCODING.search(data[:1024]) or _META_CHARSET.search(data[:4096])
    charset = codec(own.group(1).decode("ascii", "replace")) if own else None
    if charset and (charset not in _WEAK or not high):
        text = _strict(data, charset)
        if text is not None:
            return text, charset
    try:
        return decode(data, shown(url)), None
    except ParseError as exc:
        raise FetchError(str(exc)) from None


def codec(label: str) -> str | None:
    """The Python codec for a charset label (its superset for GB2312, Big5, Latin-1), or None.

    >>> codec("GB2312"), codec("x-gbk"), codec("utf8"), codec("ISO-8859-1"), codec("no-such")
    ('gb18030', 'gb18030', 'utf-8', 'cp1252', None)
    """
    label = label.strip().lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _declared(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return codec(found.group(1)) if found else None


def _strict(data: bytes, charset: str) -> str | None:
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
    return text.removeprefix("\ufeff")
