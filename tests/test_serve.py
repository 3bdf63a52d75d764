"""``podcast serve`` as a static server, read by raw sockets: what goes over the wire is what
is checked (status line, headers, the exact body bytes, the connection closing)."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

import pytest

from podcast.publish import serve as serve_module
from podcast.publish.serve import StaticServer, make_server, parse_range

MP3 = bytes(range(256)) * 800  # 204,800 bytes: incompressible enough, long enough for ranges
TEXT_FILES = {
    "index.html": "<!doctype html><title>节目</title>" + "<p>hello</p>" * 200,
    "feed.xml": '<?xml version="1.0"?><rss version="2.0"><channel>' + "<item/>" * 200 + "</channel></rss>",
    "style.css": "body { margin: 0 }\n" * 100,
    "app.js": "console.log('x');\n" * 100,
    "notes.txt": "plain text\n" * 100,
    "episodes/first/index.html": "<!doctype html><audio src=episode.mp3></audio>" * 50,
    "episodes/first/chapters.json": '{"version": "1.2.0", "chapters": [' + '{"startTime": 0},' * 100 + "{}]}",
    "episodes/first/episode.json": '{"title": "第一期"}' + " " * 500,
    "episodes/first/transcript.vtt": "WEBVTT\n\n" + "00:00.000 --> 00:01.000\n你好\n\n" * 50,
    "episodes/first/transcript.srt": "1\n00:00:00,000 --> 00:00:01,000\n你好\n\n" * 50,
}


@dataclass
class Served:
    root: Path
    server: StaticServer
    log: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    raw: bytes


def make_site(root: Path, outside: Path) -> None:
    for name, text in TEXT_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "episodes" / "first" / "episode.mp3").write_bytes(MP3)
    (root / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (root / "blob.bin").write_bytes(b"\x00" * 10)
    (root / "empty.txt").write_bytes(b"")
    (root / "episodes" / "nothing").mkdir()
    (root / ".podcast" / "guids").mkdir(parents=True)
    (root / ".podcast" / "guids" / "first").write_text("guid")
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside / "secret.txt", root / "link-out.txt")
    os.symlink(outside, root / "dir-out")
    os.symlink(root / "notes.txt", root / "link-in.txt")


def start(root: Path, *, timeout: float = 5.0) -> Served:
    served = Served(root, make_server(root, port=0, timeout=timeout, log=None))
    served.server.log = served.log.append
    threading.Thread(target=served.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "out"
    root.mkdir()
    make_site(root, tmp_path / "outside")
    served = start(root)
    yield served
    served.server.shutdown()
    served.server.server_close()


def receive_all(sock: socket.socket) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def parse(raw: bytes, *, head: bool = False) -> Response:
    head_part, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, f"no end of headers in {raw[:200]!r}"
    lines = head_part.decode("latin-1").split("\r\n")
    version, status, *_ = lines[0].split(" ", 2)
    assert version == "HTTP/1.1", lines[0]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if head or int(status) in (204, 304):
        assert body == b"", "a body where there must be none"
    elif "content-length" in headers:
        assert len(body) == int(headers["content-length"]), "Content-Length does not match the body"
    return Response(int(status), headers, body, raw)


def request(
    served: Served, target: str | bytes = "/", *, method: str = "GET", headers: dict[str, str] | None = None
) -> Response:
    """One request over a fresh connection (``Connection: close``), read to the server's close."""
    line = target if isinstance(target, bytes) else target.encode("latin-1")
    data = method.encode() + b" " + line + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    for name, value in (headers or {}).items():
        data += f"{name}: {value}\r\n".encode("latin-1")
    return send_raw(served, data + b"\r\n", head=method == "HEAD")


def send_raw(served: Served, data: bytes, *, head: bool = False) -> Response:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(data)
        return parse(receive_all(sock), head=head)


def file_bytes(served: Served, name: str) -> bytes:
    return (served.root / name).read_bytes()


# ---------------------------------------------------------------- ranges


def test_single_range(served: Served) -> None:
    size = len(MP3)
    cases = {
        "bytes=100-1099": (100, 1099),
        "bytes=0-0": (0, 0),
        "bytes=-500": (size - 500, size - 1),
        "bytes=1000-": (1000, size - 1),
        f"bytes=100-{size * 10}": (100, size - 1),  # the end is clamped
        f"bytes=-{size * 10}": (0, size - 1),  # a suffix longer than the file: all of it
        "Bytes = 5-9 ": (5, 9),  # the unit is case-insensitive
    }
    for value, (first, last) in cases.items():
        response = request(served, "/episodes/first/episode.mp3", headers={"Range": value})
        assert response.status == 206, value
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}", value
        assert response.body == MP3[first : last + 1], value
        assert response.headers["content-type"] == "audio/mpeg"
        assert response.headers["accept-ranges"] == "bytes"


def test_unknown_unit_several_ranges_or_invalid_range_get_the_whole_file(served: Served) -> None:
    for value in ("items=0-5", "bytes=0-1,5-6", "bytes=5-2", "bytes=abc", "bytes=-", "bytes 0-5", "bytes=0-1;x"):
        response = request(served, "/episodes/first/episode.mp3", headers={"Range": value})
        assert response.status == 200, value
        assert response.body == MP3 and "content-range" not in response.headers, value


def test_unsatisfiable_range(served: Served) -> None:
    size = len(MP3)
    for value in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        response = request(served, "/episodes/first/episode.mp3", headers={"Range": value})
        assert response.status == 416, value
        assert response.headers["content-range"] == f"bytes */{size}" and response.body == b"", value


def test_if_range(served: Served) -> None:
    plain = request(served, "/episodes/first/episode.mp3")
    etag, modified = plain.headers["etag"], plain.headers["last-modified"]
    older = formatdate(os.stat(served.root / "episodes/first/episode.mp3").st_mtime - 3600, usegmt=True)

    def ranged(validator: str) -> Response:
        return request(served, "/episodes/first/episode.mp3", headers={"Range": "bytes=10-19", "If-Range": validator})

    for validator in (etag, modified):  # still the same file: the range applies
        response = ranged(validator)
        assert response.status == 206 and response.body == MP3[10:20], validator
    for validator in ('"stale-etag"', "W/" + etag, older, "not a date"):  # changed (or weak): the whole file
        response = ranged(validator)
        assert response.status == 200 and response.body == MP3, validator


def test_parse_range_never_converts_huge_numbers() -> None:
    huge = "9" * 5000
    assert parse_range(f"bytes={huge}-", 100) == "unsatisfiable"
    assert parse_range(f"bytes=0-{huge}", 100) == (0, 99)
    assert parse_range(f"bytes=-{huge}", 100) == (0, 99)
    assert parse_range("bytes=" + "0" * 5000 + "5-9", 100) == (5, 9)
    assert parse_range("bytes=0-", 0) is None  # an empty file: the whole (empty) file


# ---------------------------------------------------------------- validators


def test_every_file_has_an_etag_and_last_modified(served: Served) -> None:
    names = [*TEXT_FILES, "episodes/first/episode.mp3", "cover.png", "blob.bin", "empty.txt"]
    etags = set()
    for name in names:
        response = request(served, "/" + name)
        assert response.status == 200 and response.body == file_bytes(served, name), name
        assert response.headers["etag"].startswith('"'), name
        mtime = int(os.stat(served.root / name).st_mtime)
        assert response.headers["last-modified"] == formatdate(mtime, usegmt=True), name
        etags.add(response.headers["etag"])
    assert len(etags) == len(names)


def test_conditional_requests_give_304_without_a_body(served: Served) -> None:
    target = "/episodes/first/episode.mp3"
    an_hour_ago = time.time() - 3600
    os.utime(served.root / target[1:], (an_hour_ago, an_hour_ago))
    first = request(served, target)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": "W/" + etag},  # weak comparison for If-None-Match
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": formatdate(time.time() - 1, usegmt=True)},
    ):
        response = request(served, target, headers=headers)
        assert response.status == 304, headers
        assert response.body == b"" and response.headers["etag"] == etag, headers
        assert response.headers["last-modified"] == modified
    for headers in (
        {"If-None-Match": '"other"'},
        {"If-None-Match": '"other"', "If-Modified-Since": modified},  # If-None-Match decides
        {"If-Modified-Since": formatdate(os.stat(served.root / target[1:]).st_mtime - 60, usegmt=True)},
        {"If-Modified-Since": "garbage"},
    ):
        response = request(served, target, headers=headers)
        assert response.status == 200 and response.body == MP3, headers
    # HEAD too.
    head = request(served, target, method="HEAD", headers={"If-None-Match": etag})
    assert head.status == 304 and head.raw.endswith(b"\r\n\r\n")


def test_a_changed_file_gets_a_new_etag(served: Served) -> None:
    target = served.root / "notes.txt"
    before = request(served, "/notes.txt").headers["etag"]
    target.write_text("changed", encoding="utf-8")
    os.utime(target, (time.time() + 5, time.time() + 5))
    response = request(served, "/notes.txt", headers={"If-None-Match": before})
    assert response.status == 200 and response.body == b"changed" and response.headers["etag"] != before


def test_if_match_and_if_unmodified_since_fail_with_412(served: Served) -> None:
    etag = request(served, "/notes.txt").headers["etag"]
    assert request(served, "/notes.txt", headers={"If-Match": etag}).status == 200
    assert request(served, "/notes.txt", headers={"If-Match": "*"}).status == 200
    assert request(served, "/notes.txt", headers={"If-Match": '"other"'}).status == 412
    assert request(served, "/notes.txt", headers={"If-Unmodified-Since": formatdate(0, usegmt=True)}).status == 412


# ---------------------------------------------------------------- hostile requests


def test_hostile_requests_get_a_status(served: Served) -> None:
    cases: list[tuple[bytes, tuple[int, ...]]] = [
        (b"/notes\x00.txt", (400,)),
        (b"/notes%00.txt", (400,)),
        (b"/" + b"a" * 300, (400, 414)),
        (b"/episodes/" + b"%e4%bd%a0" * 100 + b"/x", (400, 414)),  # 300 bytes once decoded
        (b"/%ff%fe", (400, 404)),
        (b"/notes%0d%0aSet-Cookie:%20x", (400,)),
        (b"/../etc/passwd", (404,)),
        (b"/%2e%2e/%2e%2e/etc/passwd", (404,)),
        (b"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", (404,)),
        (b"/episodes/../../outside/secret.txt", (404,)),
        (b"/..%2foutside/secret.txt", (404,)),
        (b"/link-out.txt", (404,)),
        (b"/dir-out/secret.txt", (404,)),
        (b"/.podcast/guids/first", (404,)),
        (b"/notes.txt/", (404,)),
        (b"/episodes/nothing/", (404,)),
        (b"http://evil.example/../../etc/passwd", (404,)),
        (b"relative", (400,)),
    ]
    for target, statuses in cases:
        response = request(served, target)
        assert response.status in statuses, target
        assert b"secret" not in response.body and b"root:" not in response.body, target
    huge = "9" * 5000
    response = request(served, "/episodes/first/episode.mp3", headers={"Range": f"bytes={huge}-"})
    assert response.status == 416 and response.headers["content-range"] == f"bytes */{len(MP3)}"
    response = request(served, "/episodes/first/episode.mp3", headers={"Range": f"bytes=0-{huge}"})
    assert response.status == 206 and response.body == MP3
    assert request(served, "/link-in.txt").body == file_bytes(served, "notes.txt")  # a symlink inside is fine
    assert request(served, "/notes.txt?x=1#frag").status == 200
    assert_clean_log(served)


def test_malformed_requests_get_a_status(served: Served) -> None:
    cases: list[tuple[bytes, int]] = [
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nConnection: close\r\n\r\n", 414),
        (b"GET /notes.txt HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /notes.txt\r\n", 400),  # HTTP/0.9: no status line to answer with, so not spoken
        (b"GET /a b c HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET / FTP/1.0\r\n\r\n", 400),
        (b"BREW /pot HTTP/1.1\r\nConnection: close\r\n\r\n", 501),
        (b"POST /notes.txt HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 405),
        (b"DELETE /notes.txt HTTP/1.1\r\n\r\n", 405),
        (b"OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n", 204),
    ]
    for data, status in cases:
        response = send_raw(served, data)
        assert response.status == status, data[:40]
    assert request(served, "/notes.txt").status == 200  # still serving
    assert_clean_log(served)


def test_a_failing_handler_answers_500_and_logs_one_line(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path) -> str:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(serve_module, "content_type", broken)
    response = request(served, "/notes.txt")
    assert response.status == 500 and b"broken" not in response.body
    monkeypatch.undo()
    assert request(served, "/notes.txt").status == 200
    failing = [line for line in served.log if " 500 " in line]
    assert len(failing) == 1 and "RuntimeError: broken on purpose" in failing[0]
    assert_clean_log(served)


def assert_clean_log(served: Served) -> None:
    time.sleep(0.05)  # the last line is written after the answer
    assert served.log, "nothing logged"
    for line in served.log:
        assert "Traceback" not in line and "\n" not in line, line
        assert '"' in line, line  # every line is a request line


def test_one_log_line_per_request(served: Served) -> None:
    targets = ["/", "/notes.txt", "/missing", "/episodes/first", "/%00"]
    for target in targets:
        request(served, target)
    time.sleep(0.05)
    assert len(served.log) == len(targets)
    assert '"GET /missing HTTP/1.1" 404' in served.log[2]
    assert '"GET /notes.txt HTTP/1.1" 200 1100' in served.log[1]


# ---------------------------------------------------------------- connections


def test_twenty_clients_at_once_without_a_stall(served: Served) -> None:
    # The accept loop is busy elsewhere (here: not started) while 20 clients connect: the
    # backlog must hold them all, or the kernel drops SYNs and clients retry a second later.
    idle = make_server(served.root, port=0, timeout=5)
    try:
        started = time.monotonic()
        sockets = [socket.create_connection(("127.0.0.1", idle.server_address[1]), timeout=0.9) for _ in range(20)]
        assert time.monotonic() - started < 0.5
        for sock in sockets:
            sock.close()
    finally:
        idle.server_close()

    results: list[int] = []

    def client() -> None:
        results.append(request(served, "/episodes/first/episode.mp3").status)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 20 and time.monotonic() - started < 1.0


def test_idle_clients_do_not_block_others(served: Served) -> None:
    idle = [socket.create_connection(("127.0.0.1", served.port), timeout=5) for _ in range(20)]
    try:
        idle[0].sendall(b"GET / HTTP/1.1\r\n")  # a request that never ends
        started = time.monotonic()
        assert request(served, "/notes.txt").status == 200
        assert time.monotonic() - started < 0.5
    finally:
        for sock in idle:
            sock.close()


def test_idle_connections_time_out(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    make_site(root, tmp_path / "outside")
    served = start(root, timeout=0.3)
    try:
        for opening in (b"", b"GET /notes.txt HTTP/1.1\r\n", b"GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
                sock.sendall(opening)
                started = time.monotonic()
                received = receive_all(sock)  # the server closes
                assert time.monotonic() - started < 2
                if opening.endswith(b"\r\n\r\n"):  # answered, then closed after idling
                    assert parse(received).status == 200
                else:
                    assert received == b""
        assert len(served.log) == 1  # timeouts are not requests
    finally:
        served.server.shutdown()
        served.server.server_close()


def test_keep_alive(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(
            b"GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
            b"HEAD /episodes/first/episode.mp3 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /episodes/first/episode.mp3 HTTP/1.1\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n"
        )
        raw = receive_all(sock)
    notes = file_bytes(served, "notes.txt")
    assert raw.count(b"HTTP/1.1 ") == 4
    assert b"HTTP/1.1 200 OK" in raw and notes in raw and b"HTTP/1.1 404" in raw
    assert raw.endswith(MP3[:10]) and b"HTTP/1.1 206" in raw


def serve_process(fake_show: Path, root: Path) -> tuple[subprocess.Popen[str], int]:
    command = [sys.executable, "-m", "podcast", "serve", "--config", str(fake_show / "podcast.toml"),
               "-o", str(root), "--port", "0", "--timeout", "30"]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "serving" in line, line + (process.stderr.read() if process.stderr else "")
    return process, int(line.rsplit(":", 1)[1].split("/", 1)[0])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_at_once(fake_show: Path, tmp_path: Path, signum: int) -> None:
    root = tmp_path / "out"
    root.mkdir()
    make_site(root, tmp_path / "outside")
    process, port = serve_process(fake_show, root)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as busy:
            busy.sendall(b"GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n")  # answered, then kept alive
            assert busy.recv(12) == b"HTTP/1.1 200"
            idle = socket.create_connection(("127.0.0.1", port), timeout=5)  # never sends anything
            time.sleep(0.2)
            started = time.monotonic()
            process.send_signal(signum)
            stdout, stderr = process.communicate(timeout=2)
            assert time.monotonic() - started < 2
            idle.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "stopped" in stdout and "Traceback" not in stderr
    assert stderr.count('"GET /notes.txt HTTP/1.1" 200') == 1


# ---------------------------------------------------------------- types and compression


def test_mime_types(served: Served) -> None:
    expected = {
        "/episodes/first/chapters.json": "application/json+chapters",
        "/episodes/first/episode.json": "application/json",
        "/episodes/first/transcript.vtt": "text/vtt; charset=utf-8",
        "/episodes/first/transcript.srt": "application/x-subrip; charset=utf-8",
        "/episodes/first/episode.mp3": "audio/mpeg",
        "/feed.xml": "application/rss+xml; charset=utf-8",
        "/": "text/html; charset=utf-8",
        "/episodes/first/": "text/html; charset=utf-8",
        "/style.css": "text/css; charset=utf-8",
        "/app.js": "text/javascript; charset=utf-8",
        "/notes.txt": "text/plain; charset=utf-8",
        "/cover.png": "image/png",
        "/blob.bin": "application/octet-stream",
    }
    for target, mime in expected.items():
        response = request(served, target)
        assert response.status == 200 and response.headers["content-type"] == mime, target
        assert response.headers["server"] == "podcast-serve"


def test_text_is_gzipped_when_accepted(served: Served) -> None:
    for name in TEXT_FILES:
        data = file_bytes(served, name)
        response = request(served, "/" + name, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert response.status == 200 and response.headers["content-encoding"] == "gzip", name
        assert response.headers["vary"] == "Accept-Encoding", name
        assert int(response.headers["content-length"]) == len(response.body) < len(data), name
        assert gzip.decompress(response.body) == data, name
        assert response.headers["etag"].startswith('W/"'), name  # not the identity bytes
        head = request(served, "/" + name, method="HEAD", headers={"Accept-Encoding": "gzip"})
        assert head.headers["content-length"] == response.headers["content-length"], name
        plain = request(served, "/" + name)
        assert "content-encoding" not in plain.headers and plain.body == data, name
        assert plain.headers["vary"] == "Accept-Encoding", name
    # Revalidating the gzip answer's tag works.
    etag = request(served, "/feed.xml", headers={"Accept-Encoding": "gzip"}).headers["etag"]
    assert request(served, "/feed.xml", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}).status == 304


def test_no_gzip_for_ranges_audio_or_refusals(served: Served) -> None:
    data = file_bytes(served, "index.html")
    ranged = request(served, "/index.html", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert ranged.status == 206 and ranged.body == data[:100] and "content-encoding" not in ranged.headers
    audio = request(served, "/episodes/first/episode.mp3", headers={"Accept-Encoding": "gzip"})
    assert audio.body == MP3 and "content-encoding" not in audio.headers and "vary" not in audio.headers
    for refusal in ("gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0, *"):
        response = request(served, "/index.html", headers={"Accept-Encoding": refusal})
        assert response.body == data and "content-encoding" not in response.headers, refusal
    star = request(served, "/index.html", headers={"Accept-Encoding": "*"})
    assert star.headers["content-encoding"] == "gzip"
    for name, data in (("empty.txt", b""), ("tiny.txt", b"tiny")):  # nothing to gain
        (served.root / name).write_bytes(data)
        response = request(served, "/" + name, headers={"Accept-Encoding": "gzip"})
        assert response.status == 200 and response.body == data and "content-encoding" not in response.headers


# ---------------------------------------------------------------- HEAD, redirects


def test_head_sends_headers_only(served: Served) -> None:
    for target, length in (("/episodes/first/episode.mp3", len(MP3)), ("/notes.txt", 1100)):
        response = request(served, target, method="HEAD")
        assert response.status == 200 and response.raw.endswith(b"\r\n\r\n")
        assert int(response.headers["content-length"]) == length and "etag" in response.headers
    ranged = request(served, "/episodes/first/episode.mp3", method="HEAD", headers={"Range": "bytes=0-9"})
    assert ranged.status == 206 and ranged.headers["content-length"] == "10" and ranged.body == b""
    missing = request(served, "/missing", method="HEAD")
    assert missing.status == 404 and missing.body == b""


def test_folders_redirect_to_their_slash(served: Served) -> None:
    response = request(served, "/episodes/first?x=1")
    assert response.status == 301 and response.headers["location"] == "/episodes/first/?x=1"
    assert request(served, "/episodes/first/").body == file_bytes(served, "episodes/first/index.html")


def test_obsolete_date_forms_and_expect_continue(served: Served) -> None:
    an_hour_ago = time.time() - 3600
    os.utime(served.root / "notes.txt", (an_hour_ago, an_hour_ago))
    later = time.gmtime(time.time() - 60)
    for form in ("%a %b %d %H:%M:%S %Y", "%A, %d-%b-%y %H:%M:%S GMT"):  # asctime, RFC 850: both GMT
        response = request(served, "/notes.txt", headers={"If-Modified-Since": time.strftime(form, later)})
        assert response.status == 304, form
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(b"GET /notes.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
        raw = receive_all(sock)
    interim, _, final = raw.partition(b"\r\n\r\n")
    assert interim == b"HTTP/1.1 100 Continue"
    assert parse(final).body == file_bytes(served, "notes.txt")
