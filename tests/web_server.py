"""A real HTTP server on 127.0.0.1 for tests of fetching pages and feeds (standard library only).

`WebServer` answers each path from a table of `Answer`\\ s and records every request it sees,
so tests can count what a second run transferred::

    with WebServer() as site:
        site.route("/2024/05/post.html", Answer(200, page, {"Content-Type": "text/html"}))
        site.route("/flaky", [Answer(500), Answer(200, b"ok")])   # one per request, last repeats
        site.route("/dyn", lambda request: Answer(200, request.path.encode()))
        fetch(site.url("/2024/05/post.html"), ...)
        assert [r.path for r in site.requests] == ["/robots.txt", "/2024/05/post.html"]

`WebServer.answered` pairs each request with the status it got (``304`` for a conditional
request answered without a body). A path that has no route is a 404. Conditional requests are answered for any static
`Answer` that carries an ``ETag`` or ``Last-Modified`` header: a matching ``If-None-Match``
or ``If-Modified-Since`` gets a ``304`` with no body (``conditional=False`` turns that off).
`Answer.trickle` sends the body a few bytes at a time, that many seconds apart; `Answer.delay`
waits before the headers. `Answer.gzip` compresses the body and says so.
"""

from __future__ import annotations

import gzip as gzip_module
import http.server
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["Answer", "Request", "WebServer"]

TRICKLE_BYTES = 8


@dataclass(frozen=True, slots=True)
class Request:
    """One request the server saw: method, path with its query, headers (names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic, compare=False)
    """When it arrived (``time.monotonic()``)."""

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends for one request."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before the status line."""
    trickle: float | None = None
    """Seconds between pieces of `TRICKLE_BYTES` bytes of the body (None: all at once)."""
    gzip: bool = False
    """Send the body gzip-compressed with ``Content-Encoding: gzip``."""
    raw: bool = False
    """Send ``body`` as it is even when ``gzip`` (a body already compressed, e.g. a bomb)."""
    conditional: bool = True
    """Answer matching ``If-None-Match``/``If-Modified-Since`` with a 304."""

    def payload(self) -> bytes:
        data = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip_module.compress(data) if self.gzip and not self.raw else data


Route = Answer | Sequence[Answer] | Callable[[Request], Answer]


class WebServer:
    """A threaded HTTP/1.1 server on an ephemeral port of 127.0.0.1 (see the module)."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self._routes: dict[str, Route] = dict(routes or {})
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.requests: list[Request] = []
        self.answered: list[tuple[Request, int]] = []
        """Each request with the status it was answered with, in the order answered."""
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        # A short poll: shutting down waits for it (the default half a second, per test).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute address of ``path`` on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, answer: Route) -> None:
        """Answer ``path`` (with its query, if it has one) with ``answer`` from now on."""
        with self._lock:
            self._routes[path] = answer
            self._served.pop(path, None)

    def seen(self, path: str | None = None) -> list[Request]:
        """The requests seen so far, for ``path`` only when given (query included if given)."""
        with self._lock:
            found = list(self.requests)
        if path is None:
            return found
        return [r for r in found if r.path == path or ("?" not in path and urlsplit(r.path).path == path)]

    def clear(self) -> None:
        """Forget the requests seen (and answered) so far."""
        with self._lock:
            self.requests.clear()
            self.answered.clear()

    def record(self, request: Request, status: int) -> None:
        """Note the status ``request`` was answered with."""
        with self._lock:
            self.answered.append((request, status))

    def answer_for(self, request: Request) -> Answer:
        """Record ``request`` and choose its answer: the route for the path with its query,
        else for the path alone, else a 404."""
        with self._lock:
            self.requests.append(request)
            key = request.path if request.path in self._routes else urlsplit(request.path).path
            route = self._routes.get(key)
            if route is None:
                return Answer(404, b"not found", {"Content-Type": "text/plain"})
            if isinstance(route, Answer):
                return route
            if not callable(route):
                count = self._served.get(key, 0)
                self._served[key] = count + 1
                return route[min(count, len(route) - 1)]
        return route(request)

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up on a kept-alive connection (a process that exits) is no error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _not_modified(answer: Answer, request: Request) -> bool:
    if not answer.conditional or answer.status != 200:
        return False
    headers = {k.lower(): v for k, v in answer.headers.items()}
    etag = headers.get("etag")
    if etag and request.headers.get("if-none-match") == etag:
        return True
    modified = headers.get("last-modified")
    since = request.headers.get("if-modified-since")
    return bool(modified) and "if-none-match" not in request.headers and since == modified


def _handler(server: WebServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "TestWeb/1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, *, head: bool) -> None:
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            answer = server.answer_for(request)
            if answer.delay and server._closing.wait(answer.delay):
                return
            if _not_modified(answer, request):
                server.record(request, 304)
                self.send_response(304)
                for name, value in answer.headers.items():
                    if name.lower() in ("etag", "last-modified", "cache-control"):
                        self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = answer.payload()
            server.record(request, answer.status)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.gzip:
                self.send_header("Content-Encoding", "gzip")
            if answer.trickle is None:
                self.send_header("Content-Length", str(len(data)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if head:
                return
            try:
                if answer.trickle is None:
                    self.wfile.write(data)
                    return
                for start in range(0, len(data), TRICKLE_BYTES):
                    self.wfile.write(data[start : start + TRICKLE_BYTES])
                    self.wfile.flush()
                    if server._closing.wait(answer.trickle):
                        return
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
