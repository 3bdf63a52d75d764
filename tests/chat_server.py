"""A scripted stand-in for an OpenAI chat-completions endpoint, for tests.

`ChatServer` is a small HTTP server (standard library only) that answers
``POST /v1/chat/completions`` well enough for the official ``openai`` client, and replays
scripted `Reply` behaviours, one per request, so tests can exercise faults: HTTP errors
with ``Retry-After``, hangs, bodies that trickle in a few bytes at a time, malformed JSON,
empty answers.

Usage::

    with ChatServer([Reply(status=429, headers={"Retry-After": "1"}), Reply("你好")]) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
        ...
        assert server.requests[0]["model"] == "some-model"

Kinds of `Reply`:

- ``"answer"``: a ``chat.completion`` (or, when the request asks for ``"stream": true``,
  server-sent ``chat.completion.chunk`` events then ``data: [DONE]``) whose message content
  is `Reply.content` (``None`` gives ``"content": null``). A status other than 200 turns an
  ``"answer"`` into an ``"error"``.
- ``"error"``: `Reply.status` (500 when left at 200) with an OpenAI-style error body; the
  message is `Reply.content` when given.
- ``"hang"``: nothing at all for `Reply.delay` seconds, then a normal answer. Server
  shutdown cuts the wait short (and then nothing is sent).
- ``"trickle"``: the headers at once, then the body a few bytes at a time spread over
  `Reply.trickle_seconds`.
- ``"malformed"``: status 200 and a body that is not valid JSON (for a stream, one
  ``data:`` line of broken JSON).
- ``"empty"``: a valid completion whose content is ``""``.

Every kind waits `Reply.delay` seconds first, and sends `Reply.headers` as extra headers.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

__all__ = ["KINDS", "ChatServer", "Reply"]

KINDS = ("answer", "error", "hang", "trickle", "malformed", "empty")
CHAT_PATH = "/v1/chat/completions"
TRICKLE_BYTES = 4  # bytes per write for "trickle"
STREAM_PIECES = 4  # content pieces per streamed answer

_ERROR_TYPES: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "model_not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "overloaded"),
}


@dataclass
class Reply:
    """One scripted behaviour, used for one request."""

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "answer"
    delay: float = 0.0
    trickle_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown Reply kind {self.kind!r}; expected one of {KINDS}")


Script = list[Reply] | Callable[[dict[str, Any]], Reply]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Do not join handler threads on close: a handler may be hanging, or waiting on a
    # keep-alive connection the client never closes.
    block_on_close = False
    owner: ChatServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients time out and hang up mid-reply on purpose."""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    # -- routing -----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._read_body()
        self._send_json(404, _error_body("Not found: GET " + self.path, 404))

    def do_POST(self) -> None:
        owner = self.server.owner
        if owner.stopping.is_set():
            self.close_connection = True
            return
        raw = self._read_body()
        if self.path.split("?", 1)[0].rstrip("/") != CHAT_PATH:
            self._send_json(404, _error_body("Not found: POST " + self.path, 404))
            return
        try:
            request = json.loads(raw or b"null")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            self._send_json(400, _error_body("request body is not a JSON object", 400))
            return
        owner._record(request)
        reply = owner._next_reply(request)
        try:
            self._reply(request, reply)
        except OSError:  # the client hung up (for example after its own timeout)
            self.close_connection = True

    # -- replies -----------------------------------------------------------------------

    def _reply(self, request: dict[str, Any], reply: Reply) -> None:
        if not self._wait(reply.delay):
            return
        kind = reply.kind
        if kind == "answer" and reply.status != 200:
            kind = "error"
        stream = request.get("stream") is True
        model = str(request.get("model") or "test-model")

        if kind == "error":
            status = reply.status if reply.status != 200 else 500
            self._send_json(status, _error_body(reply.content, status), reply.headers)
            return

        content: str | None = "" if kind == "empty" else reply.content
        if stream:
            include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
            body = _sse_body(model, request, content, include_usage, malformed=kind == "malformed")
            self._send_stream(body, reply.headers, reply.trickle_seconds if kind == "trickle" else 0.0)
            return
        if kind == "malformed":
            body = _malformed_completion(model, content)
        else:
            body = json.dumps(_completion(model, request, content), ensure_ascii=False).encode()
        self._send_bytes(
            200, "application/json", body, reply.headers, reply.trickle_seconds if kind == "trickle" else 0.0
        )

    def _send_json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, "application/json", json.dumps(payload, ensure_ascii=False).encode(), headers or {})

    def _send_bytes(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str], trickle: float = 0.0
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self._write(body, trickle)

    def _send_stream(self, body: bytes, headers: dict[str, str], trickle: float) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self._write(body, trickle)

    def _write(self, body: bytes, trickle: float) -> None:
        if trickle <= 0:
            self.wfile.write(body)
            self.wfile.flush()
            return
        pieces = [body[i : i + TRICKLE_BYTES] for i in range(0, len(body), TRICKLE_BYTES)]
        pause = trickle / max(1, len(pieces))
        for index, piece in enumerate(pieces):
            if index and not self._wait(pause):
                self.close_connection = True
                return
            self.wfile.write(piece)
            self.wfile.flush()

    # -- helpers -----------------------------------------------------------------------

    def _wait(self, seconds: float) -> bool:
        """Sleep, cut short by server shutdown; False when the server is stopping."""
        stopping = self.server.owner.stopping
        if seconds > 0:
            stopping.wait(seconds)
        if stopping.is_set():
            self.close_connection = True
            return False
        return True

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""


# -- payloads ----------------------------------------------------------------------------


def _error_body(message: str | None, status: int) -> dict[str, Any]:
    kind, code = _ERROR_TYPES.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    return {"error": {"message": message or f"scripted error {status}", "type": kind, "code": code, "param": None}}


def _tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


def _prompt_tokens(request: dict[str, Any]) -> int:
    total = 0
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            total += _tokens(content)
        elif isinstance(content, list):
            total += sum(_tokens(str(part.get("text", ""))) for part in content if isinstance(part, dict))
    return total


def _usage(request: dict[str, Any], content: str | None) -> dict[str, int]:
    prompt, completion = _prompt_tokens(request), _tokens(content or "")
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _new_id() -> str:
    return f"chatcmpl-test{time.monotonic_ns():x}"


def _completion(model: str, request: dict[str, Any], content: str | None) -> dict[str, Any]:
    return {
        "id": _new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(request, content),
    }


def _malformed_completion(model: str, content: str | None) -> bytes:
    """A completion cut off right after its content: not valid JSON."""
    text = json.dumps(_completion(model, {}, content), ensure_ascii=False)
    cut = text.index('"refusal"')
    return text[:cut].encode()


def _pieces(text: str, count: int = STREAM_PIECES) -> list[str]:
    size = max(1, -(-len(text) // count))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _sse_body(
    model: str, request: dict[str, Any], content: str | None, include_usage: bool, *, malformed: bool = False
) -> bytes:
    chunk_id, created = _new_id(), int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }

    def line(payload: object) -> str:
        return "data: " + json.dumps(payload, ensure_ascii=False) + "\n\n"

    events = [line(chunk({"role": "assistant", "content": ""}))]
    if malformed:
        broken = line(chunk({"content": content or ""}))
        events.append(broken[: broken.index('"logprobs"')] + "\n\n")
    else:
        events.extend(line(chunk({"content": piece})) for piece in _pieces(content or ""))
        events.append(line(chunk({}, "stop")))
        if include_usage:
            usage = {**chunk({}), "choices": [], "usage": _usage(request, content)}
            events.append(line(usage))
    events.append("data: [DONE]\n\n")
    return "".join(events).encode()


# -- the server --------------------------------------------------------------------------


class ChatServer:
    """A scripted chat-completions server on 127.0.0.1, run as a context manager.

    `replies` is either a list consumed one per request (the last one repeats once the
    list runs out) or a function from the parsed request JSON to a `Reply`.
    """

    def __init__(self, replies: Script) -> None:
        if isinstance(replies, list):
            if not replies:
                raise ValueError("ChatServer needs at least one Reply")
            self._queue: list[Reply] | None = list(replies)
            self._choose: Callable[[dict[str, Any]], Reply] | None = None
        else:
            self._queue = None
            self._choose = replies
        self.base_url = ""
        self.requests: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def _record(self, request: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_reply(self, request: dict[str, Any]) -> Reply:
        if self._choose is not None:
            return self._choose(request)
        with self._lock:
            assert self._queue
            return self._queue.pop(0) if len(self._queue) > 1 else self._queue[0]

    def __enter__(self) -> ChatServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.stopping.clear()
        port = httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"ChatServer:{port}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()  # wakes hanging and trickling handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
