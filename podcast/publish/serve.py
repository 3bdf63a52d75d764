"""``podcast serve``: the output folder over HTTP, as a static server should answer.

- Byte ranges (podcast apps and browsers seek with them): one range is answered 206 with
  ``Content-Range``; an unknown unit, several ranges or an invalid one get the whole file (200);
  an unsatisfiable one 416 with ``Content-Range: bytes */SIZE``; ``If-Range`` is honoured.
- Validators on every file (``ETag`` from size and mtime, ``Last-Modified``) and conditional
  requests: ``If-None-Match`` / ``If-Modified-Since`` give 304, ``If-Match`` /
  ``If-Unmodified-Since`` 412.
- The right MIME types (``chapters.json`` is ``application/json+chapters``, ``feed.xml`` RSS);
  text gzip-compressed for clients that accept it, on full 200 answers only.
- Nothing outside the folder: no ``..``, no hidden files, no symlinks out; hostile requests get a
  status (400, 404, 414, 416...), never a dropped connection or a traceback.
- One thread per connection, a listen backlog for bursts, idle connections timed out, one log
  line per request.
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import socket
import socketserver
import stat
import sys
import time
from collections.abc import Callable
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Final, cast
from urllib.parse import unquote_to_bytes, urlsplit

from podcast.errors import OutputError

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}
# Files whose name, not only their extension, says what they are.
NAMED_TYPES = {
    "chapters.json": "application/json+chapters",  # Podcasting 2.0 <podcast:chapters type=...>
    "feed.xml": "application/rss+xml; charset=utf-8",
}
_COMPRESSIBLE = {
    "application/json",
    "application/json+chapters",
    "application/manifest+json",
    "application/xml",
    "application/rss+xml",
    "application/x-subrip",
    "image/svg+xml",
}
GZIP_MIN_BYTES = 256  # smaller: gzip's own overhead eats the gain
GZIP_MAX_BYTES = 8 * 1024 * 1024  # larger text goes out as it is, streamed
MAX_REQUEST_LINE = 8 * 1024  # longer: 414
MAX_PATH_BYTES = 4 * 1024  # longer: 414
MAX_SEGMENT_BYTES = 255  # a longer path segment cannot name a file (ENAMETOOLONG): 400
_CHUNK = 64 * 1024
_BIG = 1 << 63  # stands for any number too long to be a file offset
_RANGE_SPEC = re.compile(r"(\d*)-(\d*)")
_ETAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')
_UNSATISFIABLE: Final = "unsatisfiable"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEEP_ALIVE_ERRORS = {HTTPStatus.NOT_FOUND, HTTPStatus.PRECONDITION_FAILED, HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE}


def content_type(path: Path) -> str:
    """The ``Content-Type`` of a file in the output folder."""
    return NAMED_TYPES.get(path.name) or MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


def compressible(mime: str) -> bool:
    """Text worth gzipping (audio and images are compressed already)."""
    base = mime.split(";", 1)[0].strip().lower()
    return base.startswith("text/") or base in _COMPRESSIBLE


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip;q=0`` refuses it, ``*`` allows it)."""
    named: float | None = None
    star: float | None = None
    for item in header.split(","):
        name, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        name = name.strip().lower()
        if name in ("gzip", "x-gzip"):
            named = quality
        elif name == "*":
            star = quality
    chosen = named if named is not None else star
    return chosen is not None and chosen > 0


def _number(digits: str) -> int:
    """A decimal of any length, without int()'s digit limit: longer than any offset is _BIG."""
    digits = digits.lstrip("0") or "0"
    return _BIG if len(digits) > 18 else int(digits)


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``(first, last)`` byte positions for a ``Range`` value, ``_UNSATISFIABLE``, or None
    when the header is to be ignored (the whole file, 200): another unit, several ranges
    (a multipart answer is more than players need), invalid syntax, an empty file."""
    unit, equals, specs = header.partition("=")
    if not equals or unit.strip().lower() != "bytes" or size == 0:
        return None
    parts = [part.strip() for part in specs.split(",") if part.strip()]
    if len(parts) != 1:
        return None
    match = _RANGE_SPEC.fullmatch(parts[0])
    if match is None or not (match.group(1) or match.group(2)):
        return None
    if match.group(1):
        first = _number(match.group(1))
        last = _number(match.group(2)) if match.group(2) else _BIG
        if last < first:
            return None  # invalid, not unsatisfiable
        if first >= size:
            return _UNSATISFIABLE
        return first, min(last, size - 1)
    suffix = _number(match.group(2))  # "bytes=-500": the last 500 bytes
    if suffix == 0:
        return _UNSATISFIABLE
    return max(0, size - suffix), size - 1


def _entity_tags(header: str) -> list[tuple[bool, str]] | None:
    """``(weak, opaque tag)`` pairs of an ``If-Match`` / ``If-None-Match`` list; None for ``*``."""
    if header.strip() == "*":
        return None
    tags = []
    position = 0
    while position < len(header):
        match = _ETAG.match(header, position)
        if match is None or match.end() == position:
            break  # a malformed list: what came before still counts
        tags.append((bool(match.group(1)), match.group(2)))
        position = match.end()
    return tags


def _timestamp(header: str) -> int | None:
    """An HTTP date as a POSIX timestamp; None if it is not one."""
    try:
        moment = parsedate_to_datetime(header.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # the obsolete asctime form, or "-0000": HTTP dates are GMT
        moment = moment.replace(tzinfo=UTC)
    try:
        return int(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def _printable(text: str, limit: int = 200) -> str:
    text = text if len(text) <= limit else text[:limit] + "..."
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class _Refused(Exception):
    """A request answered with an error status; raised while locating the file."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the files of one folder; no directory listings, no uploads."""

    protocol_version = "HTTP/1.1"  # keep-alive: a player seeking sends many range requests
    server_version = "podcast-serve"
    sys_version = ""
    timeout = 30.0  # the default idle limit (seconds); setup() applies the server's (make_server(timeout=))

    _status = 0
    _sent = 0
    _note = ""
    _headers_out = False
    _close_sent = False

    # ---------------------------------------------------------------- the connection

    @property
    def _static(self) -> StaticServer:
        return cast(StaticServer, self.server)

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self._static.idle_timeout)

    def handle_one_request(self) -> None:
        """One request: read, answer, log one line. Errors become statuses, not tracebacks."""
        self._status, self._sent, self._note = 0, 0, ""
        self._headers_out = self._close_sent = False
        self._headers_buffer: list[bytes] = []
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if self.raw_requestline in (b"\r\n", b"\n"):  # RFC 9112 2.2: one stray empty line is tolerated
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = _printable(self.raw_requestline.decode("latin-1"), 60)
                self.request_version, self.command = "HTTP/1.0", ""
                self.close_connection = True
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "request line too long")
            elif len(str(self.raw_requestline, "iso-8859-1").split()) == 2:
                # HTTP/0.9 ("GET /path"): answers without a status line, and parse_request would
                # wait for headers that never come.
                self.requestline = _printable(str(self.raw_requestline, "iso-8859-1").rstrip("\r\n"))
                self.request_version, self.command = "HTTP/1.0", ""
                self.close_connection = True
                self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not supported")
            elif not self.parse_request():
                pass  # answered already (or the line was empty: nothing to answer)
            else:
                if self.headers.get("Content-Length", "0").strip() != "0" or "Transfer-Encoding" in self.headers:
                    self.close_connection = True  # a body this server does not read: no next request after it
                self._dispatch()
            self.wfile.flush()
            self._log()
        except TimeoutError:
            self.close_connection = True  # idle or stalled: close quietly
            if self._status:
                self._note = "timed out"
                self._log()
        except ConnectionError:
            self.close_connection = True  # the client hung up (a player seeking elsewhere): normal
            if self._status:
                self._note = "client hung up"
                self._log()

    def handle_expect_100(self) -> bool:
        self.send_response_only(HTTPStatus.CONTINUE)
        BaseHTTPRequestHandler.end_headers(self)  # not a response: no Connection header, not logged
        return True

    def _dispatch(self) -> None:
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.close_connection = True
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, "unsupported method")
            return
        try:
            method()
        except (ConnectionError, TimeoutError):
            raise
        except Exception as exc:
            self._note = f"{type(exc).__name__}: {exc}"
            self.close_connection = True
            if self._headers_out:
                return  # too late for a status: closing the connection tells the client
            self._headers_buffer = []
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error", log_note=False)

    # ---------------------------------------------------------------- responses

    def send_response(self, code: int, message: str | None = None) -> None:
        """The status line and standard headers; logging happens once, after the answer."""
        self._status = int(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "connection" and value.lower() == "close":
            self._close_sent = True
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        if self.close_connection and not self._close_sent:
            self.send_header("Connection", "close")
        elif not self.close_connection and self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")
        super().end_headers()
        self._headers_out = True

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None, *, log_note: bool = True
    ) -> None:
        """A short plain-text error; the connection stays open for the harmless ones (404, 412, 416)."""
        status = HTTPStatus(code)
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # a malformed request line, or 0.9: answer with a status line
        if log_note and message:
            self._note = message
        if status not in _KEEP_ALIVE_ERRORS:
            self.close_connection = True
        self.send_response(status)
        body = b""
        if code >= 200 and code not in (HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED):
            text = f"{status.value} {status.phrase}" + (f": {_printable(message)}" if message else "")
            body = (text + "\n").encode("utf-8", "replace")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD" and body:
            self._write(body)

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self._sent += len(data)

    # ---------------------------------------------------------------- logging

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Unused: each request is logged once, by _log."""

    def log_error(self, format: str, *args: Any) -> None:
        """Unused: errors are part of the request's one log line."""

    def log_message(self, format: str, *args: Any) -> None:
        if self._static.quiet:
            return
        message = _printable(format % args, 400)
        self._static.log(f"{self.address_string()} - - [{self.log_date_time_string()}] {message}")

    def _log(self) -> None:
        if not self._status:
            return
        line = f'"{_printable(self.requestline)}" {self._status} {self._sent or "-"}'
        self.log_message("%s", line + (f" ({self._note})" if self._note else ""))

    # ---------------------------------------------------------------- methods

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, OPTIONS")
        self.end_headers()

    def _not_allowed(self) -> None:
        self.close_connection = True
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed

    # ---------------------------------------------------------------- files

    def _locate(self) -> Path | None:
        """The file a request names, inside the folder; None when a redirect was sent.
        Raises _Refused for everything else."""
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute-form (RFC 9112 3.2.2)
            target = urlsplit(target).path or "/"
        raw_path = target.split("?", 1)[0].split("#", 1)[0]
        if not raw_path.startswith("/") or _CONTROL.search(raw_path):
            raise _Refused(HTTPStatus.BAD_REQUEST, "malformed path")
        if len(raw_path) > MAX_PATH_BYTES:
            raise _Refused(HTTPStatus.REQUEST_URI_TOO_LONG, "path too long")
        try:
            decoded = unquote_to_bytes(raw_path).decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(HTTPStatus.BAD_REQUEST, "path is not UTF-8") from None
        if _CONTROL.search(decoded):
            raise _Refused(HTTPStatus.BAD_REQUEST, "control character in path")
        segments = decoded.split("/")
        if any(len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES for segment in segments):
            raise _Refused(HTTPStatus.BAD_REQUEST, "path segment too long")
        parts = [segment for segment in segments if segment not in ("", ".")]
        if any(part.startswith(".") for part in parts):  # "..", and staging and records (.podcast)
            raise _Refused(HTTPStatus.NOT_FOUND, "not found")
        root = self._static.root
        path = self._inside(root.joinpath(*parts))
        if path.is_dir():
            if not raw_path.endswith("/"):
                query = target[len(raw_path) :].split("#", 1)[0]
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", raw_path + "/" + query)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = self._inside(path / "index.html")
        elif raw_path.endswith("/"):
            raise _Refused(HTTPStatus.NOT_FOUND, "not found")
        return path

    def _inside(self, path: Path) -> Path:
        """``path`` with its symlinks resolved, if that stays inside the folder and shows nothing hidden."""
        root = self._static.root
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, a symlink loop, a name too long
            raise _Refused(HTTPStatus.NOT_FOUND, "not found") from None
        if not resolved.is_relative_to(root) or any(part.startswith(".") for part in resolved.relative_to(root).parts):
            raise _Refused(HTTPStatus.NOT_FOUND, "not found")
        return resolved

    def _serve(self, *, body: bool) -> None:
        try:
            path = self._locate()
        except _Refused as refused:
            self.send_error(refused.status, refused.message)
            return
        if path is None:
            return
        try:
            # O_NONBLOCK: never hang on a FIFO someone swapped in; harmless for regular files.
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except PermissionError:
            self.send_error(HTTPStatus.FORBIDDEN, "not readable")
            return
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                self.send_error(HTTPStatus.NOT_FOUND, "not found")
                return
            self._answer(path, handle, info, body=body)

    def _answer(self, path: Path, handle: BinaryIO, info: os.stat_result, *, body: bool) -> None:
        size = info.st_size
        modified = int(info.st_mtime)
        etag = f'"{size:x}-{info.st_mtime_ns:x}"'
        mime = content_type(path)
        text = compressible(mime)
        gzipped = (
            text
            and GZIP_MIN_BYTES <= size <= GZIP_MAX_BYTES
            and accepts_gzip(", ".join(self.headers.get_all("Accept-Encoding", [])))
        )

        def validators(tag: str) -> None:
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            # Always revalidate (a cheap 304): the folder changes under a running server.
            self.send_header("Cache-Control", "no-cache")
            if text:
                self.send_header("Vary", "Accept-Encoding")

        # RFC 9110 13.2.2: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, If-Range.
        if not self._preconditions_hold(etag, modified):
            self.send_error(HTTPStatus.PRECONDITION_FAILED, "precondition failed")
            return
        if self._not_modified(etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            validators("W/" + etag if gzipped else etag)
            self.end_headers()
            return
        span = None
        range_header = self.headers.get("Range")
        if range_header is not None and self._if_range_holds(etag, modified):
            span = parse_range(range_header, size)
        if span == _UNSATISFIABLE:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if isinstance(span, tuple):
            first, last = span
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            gzipped = False
        else:
            first, last = 0, size - 1
            self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", mime)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")
        if gzipped:
            data = gzip.compress(handle.read(size), compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            validators("W/" + etag)  # another representation: not byte-equal to the file
            self.end_headers()
            if body:
                self._write(data)
            return
        self.send_header("Content-Length", str(last - first + 1))
        validators(etag)
        self.end_headers()
        if body:
            self._copy(handle, first, last - first + 1)

    def _copy(self, handle: BinaryIO, start: int, length: int) -> None:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:  # the file shrank under us: the promised length cannot be kept
                self._note = "file changed while sending"
                self.close_connection = True
                return
            self._write(chunk)
            remaining -= len(chunk)

    # ---------------------------------------------------------------- conditions

    def _header(self, name: str) -> str | None:
        values = self.headers.get_all(name)
        return ", ".join(values) if values else None

    def _preconditions_hold(self, etag: str, modified: int) -> bool:
        if_match = self._header("If-Match")
        if if_match is not None:
            tags = _entity_tags(if_match)
            return tags is None or any(not weak and tag == etag for weak, tag in tags)  # strong comparison
        since = self.headers.get("If-Unmodified-Since")
        if since is not None:
            moment = _timestamp(since)
            return moment is None or modified <= moment
        return True

    def _not_modified(self, etag: str, modified: int) -> bool:
        if_none_match = self._header("If-None-Match")
        if if_none_match is not None:
            tags = _entity_tags(if_none_match)
            return tags is None or any(tag == etag for _, tag in tags)  # weak comparison
        since = self.headers.get("If-Modified-Since")
        if since is not None:
            moment = _timestamp(since)
            return moment is not None and moment <= time.time() and modified <= moment
        return False

    def _if_range_holds(self, etag: str, modified: int) -> bool:
        """No ``If-Range``, or one whose validator still matches: the range applies."""
        value = self.headers.get("If-Range")
        if value is None:
            return True
        value = value.strip()
        if value.startswith('"'):
            return value == etag  # strong comparison
        if value.startswith("W/"):
            return False  # a weak tag never matches here (RFC 9110 13.1.5)
        return _timestamp(value) == modified


class StaticServer(ThreadingHTTPServer):
    """One thread per connection (daemons: they never hold the process), a backlog deep enough
    for a burst of clients, and closes that let the client read the answer first."""

    daemon_threads = True
    block_on_close = False  # server_close() must not wait for idle keep-alive connections
    request_queue_size = 128
    linger_seconds = 2.0

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        *,
        quiet: bool = False,
        timeout: float | None = 30.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.quiet = quiet
        self.idle_timeout = timeout
        self.log = log or _stderr
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can stall for seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def shutdown_request(self, request: Any) -> None:
        """Close after a lingering read: closing with unread request bytes (a refused 100 KB
        request line, a body) would reset the connection and lose the answer sent."""
        connection = cast(socket.socket, request)
        try:
            connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + self.linger_seconds
            drained = 0
            while drained < (1 << 20):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                connection.settimeout(left)
                chunk = connection.recv(_CHUNK)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass
        self.close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, no traceback; a client going away is not an error."""
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return
        if not self.quiet:
            host = client_address[0] if isinstance(client_address, tuple) and client_address else "?"
            self.log(f"{host} - - error: {type(error).__name__}: {_printable(str(error))}")


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    quiet: bool = False,
    timeout: float | None = 30.0,
    log: Callable[[str], None] | None = None,
) -> StaticServer:
    """A server for ``root`` (not started). ``port=0`` picks a free one; ``timeout`` closes
    connections idle that long (seconds); ``log`` receives the request lines (default stderr)."""
    if not root.is_dir():
        raise OutputError(f"{root} does not exist: render something first (podcast render POST)")
    try:
        return StaticServer((host, port), root, quiet=quiet, timeout=timeout, log=log)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise OutputError(f"port {port} on {host} is in use; choose another with --port") from exc
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
