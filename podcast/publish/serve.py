"""``podcast serve``: the output folder over HTTP, with byte ranges (podcast apps and browsers
seek with them), the right MIME types, and nothing outside the folder."""

from __future__ import annotations

import errno
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from podcast.errors import OutputError

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Handler(SimpleHTTPRequestHandler):
    """Static files from one folder, with single byte ranges and no directory listings."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}  # noqa: RUF012 - the base class's own attribute
    quiet = False

    def send_head(self) -> BinaryIO | None:
        root = Path(self.directory).resolve()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", self.path.split("?", 1)[0] + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        resolved = path.resolve()
        # translate_path drops "..", but a symlink could still lead out of the folder.
        if (
            not resolved.is_relative_to(root)
            or not resolved.is_file()
            or any(part.startswith(".") for part in resolved.relative_to(root).parts)  # staging, records
        ):
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return None
        size = resolved.stat().st_size
        start, end = 0, size - 1
        header = self.headers.get("Range")
        partial_content = False
        if header:
            match = _RANGE.match(header.strip())
            if match is None or (not match.group(1) and not match.group(2)):
                self._unsatisfiable(size)
                return None
            if match.group(1):
                start = int(match.group(1))
                end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            else:  # "bytes=-500": the last 500 bytes
                start = max(0, size - int(match.group(2)))
            if start >= size or start > end:
                self._unsatisfiable(size)
                return None
            partial_content = True
        handle = open(resolved, "rb")  # noqa: SIM115 - the base class closes it after copyfile
        handle.seek(start)
        self._remaining = end - start + 1
        self.send_response(HTTPStatus.PARTIAL_CONTENT if partial_content else HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(resolved)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(self._remaining))
        if partial_content:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Last-Modified", self.date_time_string(int(resolved.stat().st_mtime)))
        self.end_headers()
        return handle

    def _unsatisfiable(self, size: int) -> None:
        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:  # type: ignore[override]
        remaining = getattr(self, "_remaining", None)
        while remaining is None or remaining > 0:
            chunk = source.read(64 * 1024 if remaining is None else min(64 * 1024, remaining))
            if not chunk:
                break
            try:
                outputfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the player seeked elsewhere and hung up: normal
            if remaining is not None:
                remaining -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False) -> ThreadingHTTPServer:
    """A server for ``root`` (not started). ``port=0`` picks a free one."""
    if not root.is_dir():
        raise OutputError(f"{root} does not exist: render something first (podcast render POST)")
    handler = type("QuietHandler" if quiet else "Handler", (Handler,), {"quiet": quiet})
    try:
        return ThreadingHTTPServer((host, port), partial(handler, directory=os.fspath(root)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise OutputError(f"port {port} on {host} is in use; choose another with --port") from exc
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
