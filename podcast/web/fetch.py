"""Fetching one web page politely and safely: ``fetch(url, max_bytes=...) -> Fetched``.

What a fetch does, in order, for each address it visits (the one given and each redirect):

- only ``http://`` and ``https://`` addresses, at most `MAX_REDIRECTS` redirects;
- the site's ``robots.txt`` is read once per host and per run (cached in the `Politeness`
  object) and obeyed for the user agent ``xiaoya-podcast``; a ``Crawl-delay`` there slows the
  host down (up to ``max_crawl_delay``); a robots.txt that is missing (4xx) or cannot be read
  allows everything;
- requests to one host are spaced by the per-host rate limit (`DEFAULT_RATE` requests per
  second), shared by every fetch in the process that uses the same `Politeness` (the module's
  `POLITE` by default; `set_rate` changes it);
- a connect timeout (`CONNECT_TIMEOUT`) and a total deadline (`DEFAULT_DEADLINE`) for one
  attempt: connecting, the headers and the whole body, redirects included. The deadline is
  enforced while the body streams — a server that trickles a byte at a time is cut off when
  it passes;
- only a textual answer (``text/*``, XML, JSON) is read: an image or a PDF is refused from
  its headers, before its body;
- the body is counted as it is decoded (gzip and deflate inflated here, in bounded steps) and
  refused as soon as it is over ``max_bytes``: a small gzip body that inflates to gigabytes
  stops at the cap;
- ``429``, ``408`` and ``5xx`` answers and connections dropped mid-answer are retried
  (`RETRIES` times), waiting as the server's ``Retry-After`` asks (seconds or an HTTP date)
  or with exponential backoff; a server that asks for more than ``max_wait`` is not retried.
  A host that does not resolve, refuses the connection or does not answer the connection
  within the connect timeout is not retried either: that is one clear line at once;
- with ``etag``/``last_modified`` the request is conditional (``If-None-Match``,
  ``If-Modified-Since``); a ``304`` returns ``Fetched(not_modified=True)`` with no text;
- the text is decoded with the charset of the ``Content-Type`` header when the bytes decode
  with it (strictly), else the page's own ``<meta charset>``, else detection (see
  `podcast.web.charset`). A wrong header (``charset=utf-8`` on a GBK page) does not win.

Every failure is a `FetchError` (a `podcast.errors.PodcastError`) whose message is one line
naming the address, e.g. ``https://x/y: HTTP 404 (not found)``, ``https://x/y: larger than
2 MB (--max-bytes)``, ``https://x/y: robots.txt disallows it``, ``https://x/y: no answer within
30 s``.

The deadlines are module settings read at each call (`DEFAULT_DEADLINE`, `CONNECT_TIMEOUT`)
or a call's arguments, so a test of a slow server takes a second, not thirty.

>>> fetch("ftp://example.org/post", max_bytes=1000)
Traceback (most recent call last):
...
podcast.errors.FetchError: ftp://example.org/post: only http:// and https:// addresses can be fetched
"""

from __future__ import annotations

import atexit
import email.utils
import hashlib
import http
import random
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from protego import Protego

from podcast import __version__
from podcast.errors import FetchError
from podcast.parse.source import shown
from podcast.web.charset import body_text

__all__ = [
    "CONNECT_TIMEOUT",
    "DEFAULT_DEADLINE",
    "DEFAULT_RATE",
    "MAX_REDIRECTS",
    "POLITE",
    "RETRIES",
    "ROBOTS_TOKEN",
    "USER_AGENT",
    "FetchError",
    "Fetched",
    "Politeness",
    "fetch",
    "retry_after",
    "set_rate",
]

ROBOTS_TOKEN = "xiaoya-podcast"
"""The name robots.txt rules address this program by."""
USER_AGENT = f"{ROBOTS_TOKEN}/{__version__} (dialogue posts to podcast episodes)"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a connection."""
DEFAULT_DEADLINE = 30.0
"""Seconds for one attempt at a page: connecting, headers, redirects and the whole body."""
MAX_REDIRECTS = 5
RETRIES = 3
"""Further attempts after a 429, 408, 5xx or a dropped connection."""
BACKOFF = 1.0
"""The first wait between attempts when the server does not say (then 2×, 4×…)."""
MAX_WAIT = 60.0
"""The longest wait between attempts, whatever ``Retry-After`` asks."""
DEFAULT_RATE = 1.0
"""Requests per second to one host."""
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_DEADLINE = 10.0
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

_RETRY_STATUSES = {408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}
_REDIRECTS = {301, 302, 303, 307, 308}
_TEXTUAL = re.compile(r"^text/|[/+](?:xml|json)$")
"""Media types worth reading: pages, feeds, robots.txt, WordPress's JSON (not images, PDFs…)."""
_STEP = 64 * 1024
"""The most bytes one inflating step produces."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page.

    ``url`` is the final address (after redirects). For a ``304`` answer ``not_modified`` is
    True, ``text`` is empty and ``etag``/``last_modified`` are the validators still in force.
    ``sha256`` is the hex digest of the (decoded) body bytes; ``encoding`` the charset the
    text was decoded with; ``headers`` the answer's headers, names lower-cased.
    """

    url: str
    status: int
    text: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    sha256: str = ""
    encoding: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Politeness:
    """What fetches to one site share: the per-host rate limit and the robots.txt cache.

    ``per_second`` is the most requests per second to one host (0: no limit). ``robots``
    False skips robots.txt (for tests of other things; the CLI always honours it).
    """

    def __init__(
        self,
        per_second: float = DEFAULT_RATE,
        *,
        robots: bool = True,
        user_agent: str = USER_AGENT,
        max_crawl_delay: float = 10.0,
    ) -> None:
        self.per_second = per_second
        self.robots = robots
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._rules: dict[str, Protego | None] = {}
        self._host_locks: dict[str, threading.Lock] = {}

    def interval(self, host: str) -> float:
        """Seconds between two requests to ``host``."""
        base = 1.0 / self.per_second if self.per_second > 0 else 0.0
        rules = self._rules.get(host)
        delay = rules.crawl_delay(self.user_agent) if rules is not None else None
        return max(base, min(float(delay or 0.0), self.max_crawl_delay))

    def wait_turn(self, url: str) -> None:
        """Sleep until a request to ``url``'s host is allowed, and take that slot."""
        host = _host(url)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.interval(host)
        if start > now:
            time.sleep(start - now)

    def allows(self, url: str, load: Callable[[str], str | None]) -> bool:
        """Whether robots.txt lets this program fetch ``url``; ``load(robots_url)`` gives the
        robots.txt text (None: none, so everything is allowed), called once per host."""
        if not self.robots:
            return True
        host = _host(url)
        with self._lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            if host not in self._rules:
                parts = urlsplit(url)
                text = load(urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", "")))
                self._rules[host] = Protego.parse(text) if text is not None else None
            rules = self._rules[host]
        return rules is None or bool(rules.can_fetch(url, self.user_agent))

    def forget(self) -> None:
        """Forget every cached robots.txt and rate-limit slot."""
        with self._lock:
            self._next.clear()
            self._rules.clear()


POLITE = Politeness()
"""The process's shared politeness: what `fetch` uses when given none."""


def set_rate(per_second: float) -> None:
    """Set the process-wide per-host rate limit (requests per second; 0 for none)."""
    POLITE.per_second = per_second


_client_lock = threading.Lock()
_shared: httpx.Client | None = None


def _client() -> httpx.Client:
    global _shared
    with _client_lock:
        if _shared is None:
            _shared = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False)
            atexit.register(_shared.close)
        return _shared


def fetch(
    url: str,
    *,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
    deadline: float | None = None,
    connect_timeout: float | None = None,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    max_wait: float = MAX_WAIT,
    polite: Politeness | None = None,
    accept: str = PAGE_ACCEPT,
) -> Fetched:
    """Fetch ``url`` (see the module's description); raise `FetchError` with one line.

    ``max_bytes`` caps the decoded body; ``etag``/``last_modified`` make the request
    conditional; ``client`` is an ``httpx.Client`` to send with (a shared one by default);
    ``deadline`` is the seconds one attempt may take in all (`DEFAULT_DEADLINE`),
    ``connect_timeout`` the seconds to wait for a connection (`CONNECT_TIMEOUT`); ``retries``,
    ``backoff`` and ``max_wait`` say how failures worth retrying are retried; ``polite`` the
    rate limit and robots.txt cache to use (`POLITE`); ``accept`` the ``Accept`` header.
    """
    start = _checked(url)
    deadline = DEFAULT_DEADLINE if deadline is None else deadline
    connect_timeout = CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    polite = POLITE if polite is None else polite
    http_client = _client() if client is None else client
    validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    headers = {"User-Agent": polite.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    headers.update({k: v for k, v in validators.items() if v})
    attempt = 0
    while True:
        attempt += 1
        try:
            return _attempt(start, http_client, headers, polite, max_bytes, deadline, connect_timeout)
        except _Retry as retry:
            if attempt > retries:
                raise FetchError(f"{retry.message}, still after {attempt} tries", status=retry.status) from None
            if retry.wait is not None and retry.wait > max_wait:
                asked = f"{retry.message}; the server asks to wait {_seconds(retry.wait)}, try again later"
                raise FetchError(asked, status=retry.status) from None
            wait = retry.wait if retry.wait is not None else backoff * 2 ** (attempt - 1) * random.uniform(1.0, 1.25)
            time.sleep(max(0.0, min(wait, max_wait)))


class _Retry(Exception):
    """An attempt that failed in a way worth trying again."""

    def __init__(self, message: str, *, wait: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait
        self.status = status


def _attempt(
    url: str,
    client: httpx.Client,
    headers: dict[str, str],
    polite: Politeness,
    max_bytes: int,
    deadline: float,
    connect_timeout: float,
    *,
    check_robots: bool = True,
) -> Fetched:
    """One attempt: the redirect chain and the body, within ``deadline`` seconds of network
    time (waiting for the rate limit and reading robots.txt do not count)."""
    budget = deadline
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        if check_robots and not polite.allows(current, lambda u: _robots_text(u, client, polite, connect_timeout)):
            raise FetchError(f"{shown(current)}: robots.txt disallows it (user agent {ROBOTS_TOKEN})")
        polite.wait_turn(current)
        began = time.monotonic()
        if budget <= 0:
            raise FetchError(f"{shown(url)}: no answer within {_seconds(deadline)}")
        timeout = httpx.Timeout(budget, connect=min(connect_timeout, budget))
        try:
            request = client.build_request("GET", current, headers=headers, timeout=timeout)
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectTimeout as exc:
            waited = _seconds(min(connect_timeout, budget))
            raise FetchError(f"{shown(current)}: cannot connect within {waited}") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"{shown(url)}: no answer within {_seconds(deadline)}") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FetchError(f"{shown(current)}: not a web address this program can fetch ({_line(exc)})") from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"{shown(current)}: cannot connect ({_why(exc, current)})") from exc
        except httpx.TransportError as exc:
            raise _Retry(f"{shown(current)}: the connection broke ({_line(exc)})") from exc
        try:
            status = response.status_code
            if status in _REDIRECTS and response.headers.get("location"):
                target = urljoin(current, response.headers["location"].strip())
                if hop == MAX_REDIRECTS:
                    raise FetchError(f"{shown(url)}: more than {MAX_REDIRECTS} redirects (last to {shown(target)})")
                current = _checked(target, where=f"{shown(current)} redirects to")
                budget -= time.monotonic() - began
                continue
            if status == 304:
                return Fetched(
                    url=current,
                    status=304,
                    text="",
                    content_type=_media_type(response.headers.get("content-type")),
                    etag=response.headers.get("etag") or headers.get("If-None-Match"),
                    last_modified=response.headers.get("last-modified") or headers.get("If-Modified-Since"),
                    not_modified=True,
                    headers=_headers(response),
                )
            if status in _RETRY_STATUSES:
                raise _Retry(
                    f"{shown(current)}: HTTP {status} ({_phrase(status)})",
                    wait=retry_after(response.headers.get("retry-after")),
                    status=status,
                )
            if status >= 400:
                raise FetchError(f"{shown(current)}: HTTP {status} ({_phrase(status)})", status=status)
            if status in _REDIRECTS or status >= 300:
                raise FetchError(f"{shown(current)}: HTTP {status} ({_phrase(status)}) without a place to go")
            media = _media_type(response.headers.get("content-type"))
            if media and not _TEXTUAL.search(media):
                raise FetchError(f"{shown(current)}: not a web page but {shown(media)}")
            data = _body(response, current, max_bytes, began + budget, deadline)
        finally:
            response.close()
        text, encoding = body_text(data, response.headers.get("content-type"), current)
        return Fetched(
            url=current,
            status=status,
            text=text,
            content_type=media,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            sha256=hashlib.sha256(data).hexdigest(),
            encoding=encoding,
            headers=_headers(response),
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _robots_text(robots_url: str, client: httpx.Client, polite: Politeness, connect_timeout: float) -> str | None:
    """robots.txt's text; None when the site has none (4xx) or its answer is unusable.

    A server error (5xx, or 429) means the rules are unreachable, and RFC 9309 says to assume
    the whole site is disallowed then: that is a `FetchError` for the page (not remembered, so
    a later page of the run asks again)."""
    headers = {"User-Agent": polite.user_agent, "Accept": "text/plain,*/*;q=0.5", "Accept-Encoding": "gzip, deflate"}
    try:
        found = _attempt(
            robots_url,
            client,
            headers,
            polite,
            ROBOTS_MAX_BYTES,
            min(ROBOTS_DEADLINE, connect_timeout * 2),
            connect_timeout,
            check_robots=False,
        )
    except _Retry as unreachable:
        if unreachable.status is not None and (unreachable.status >= 500 or unreachable.status == 429):
            raise FetchError(
                f"{shown(robots_url)}: HTTP {unreachable.status} ({_phrase(unreachable.status)}), so the site's "
                "pages are not fetched (RFC 9309: unreachable rules disallow everything)",
                status=unreachable.status,
            ) from None
        return None
    except FetchError:
        return None
    return found.text


def _body(response: httpx.Response, url: str, max_bytes: int, until: float, deadline: float) -> bytes:
    """The decoded body, refused past ``max_bytes`` and cut off at ``until`` (monotonic)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    length = response.headers.get("content-length", "")
    if encoding in ("", "identity") and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{shown(url)}: larger than {_size(max_bytes)} (--max-bytes)")
    late = threading.Event()
    watchdog = threading.Timer(max(0.0, until - time.monotonic()), _cut, args=(response, late))
    watchdog.daemon = True
    watchdog.start()
    chunks: list[bytes] = []
    total = 0
    try:
        for piece in _decoded(response, encoding):
            total += len(piece)
            if total > max_bytes:
                raise FetchError(f"{shown(url)}: larger than {_size(max_bytes)} (--max-bytes)")
            chunks.append(piece)
            if time.monotonic() > until:
                late.set()
                break
    except (httpx.TransportError, httpx.StreamError, httpx.DecodingError, OSError) as exc:
        if late.is_set() or time.monotonic() > until:
            raise FetchError(f"{shown(url)}: no answer within {_seconds(deadline)}") from exc
        raise _Retry(f"{shown(url)}: the connection broke while reading ({_line(exc)})") from exc
    except zlib.error as exc:
        raise FetchError(f"{shown(url)}: the body is not valid {encoding} ({exc})") from exc
    finally:
        watchdog.cancel()
    if late.is_set():
        raise FetchError(f"{shown(url)}: no answer within {_seconds(deadline)}")
    return b"".join(chunks)


def _cut(response: httpx.Response, late: threading.Event) -> None:
    """Stop a body that is still arriving at the deadline: shut its socket down, which ends
    the read that waits on it."""
    late.set()
    stream = response.extensions.get("network_stream")
    try:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, AttributeError):
        pass


def _decoded(response: httpx.Response, encoding: str) -> Iterator[bytes]:
    """The body's bytes, inflated here in steps of at most `_STEP` bytes (httpx would inflate
    each network read whole: 64 kB of a gzip bomb is 64 MB) so the cap stops a bomb early."""
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        yield from response.iter_bytes()
        return
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS)
    first = True
    for raw in response.iter_raw():
        if first and encoding == "deflate" and raw and (raw[0] & 0x0F) != 8:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
        first = False
        data = raw
        while data:
            piece = inflater.decompress(data, _STEP)
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data and encoding != "deflate":
                data = inflater.unused_data  # another gzip member
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    tail = inflater.flush()
    if tail:
        yield tail


def _media_type(content_type: str | None) -> str | None:
    value = (content_type or "").split(";")[0].strip().lower()
    return value or None


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date), or None.

    >>> retry_after("7"), retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0), retry_after("soon")
    (7.0, 30.0, None)
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _checked(url: str, where: str | None = None) -> str:
    """``url`` when it is an absolute http(s) address, without its fragment."""
    text = url.strip()
    label = where or shown(text)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as exc:
        raise FetchError(f"{label}{' ' + shown(text) if where else ''}: not a web address ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        target = f" {shown(text)}" if where else ""
        raise FetchError(f"{label}{target}: only http:// and https:// addresses can be fetched")
    if not parts.hostname:
        raise FetchError(f"{label}: not a web address (no host name)")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, ""))


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error" if status >= 400 else "unexpected answer"


def _why(exc: BaseException, url: str) -> str:
    """Why a connection failed, as people say it: the OS's reason under httpx's wrappers."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.gaierror):
        return f"no such host: {shown(urlsplit(url).hostname or '')}"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    return _line(cause or exc)


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _size(count: int) -> str:
    """A byte count as people say it.

    >>> _size(2 * 1024 * 1024), _size(1536), _size(900)
    ('2 MB', '1.5 kB', '900 bytes')
    """
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.3g} MB"
    if count >= 1024:
        return f"{count / 1024:.3g} kB"
    return f"{count} bytes"
