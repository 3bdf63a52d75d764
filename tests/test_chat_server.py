"""Self-test of tests/chat_server.py against the real openai client."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import openai
import pytest

from tests.chat_server import ChatServer, Reply

MESSAGES: list[Any] = [{"role": "user", "content": "讲个笑话"}]


def client(server: ChatServer, timeout: float = 5) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, timeout=timeout)


def test_answer() -> None:
    with ChatServer([Reply("你好，世界")]) as server:
        completion = client(server).chat.completions.create(model="m-1", messages=MESSAGES)
    assert completion.choices[0].message.content == "你好，世界"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "m-1"
    assert completion.usage is not None and completion.usage.total_tokens > 0
    assert server.requests == [{"model": "m-1", "messages": MESSAGES}]


def test_streaming_answer() -> None:
    text = "One two three four five six seven."
    with ChatServer([Reply(text)]) as server:
        stream = client(server).chat.completions.create(model="m", messages=MESSAGES, stream=True)
        pieces = [chunk.choices[0].delta.content for chunk in stream if chunk.choices]
    assert "".join(p or "" for p in pieces) == text
    assert len([p for p in pieces if p]) > 1
    assert server.requests[0]["stream"] is True


def test_queue_then_last_repeats_and_callable_script() -> None:
    with ChatServer([Reply("a"), Reply("b")]) as server:
        answers = [client(server).chat.completions.create(model="m", messages=MESSAGES) for _ in range(3)]
    assert [a.choices[0].message.content for a in answers] == ["a", "b", "b"]

    with ChatServer(lambda request: Reply(request["model"].upper())) as server:
        answer = client(server).chat.completions.create(model="echo", messages=MESSAGES)
    assert answer.choices[0].message.content == "ECHO"


def test_rate_limit() -> None:
    with (
        ChatServer([Reply(status=429, headers={"Retry-After": "1"})]) as server,
        pytest.raises(openai.RateLimitError) as caught,
    ):
        client(server).chat.completions.create(model="m", messages=MESSAGES)
    assert caught.value.response.headers["Retry-After"] == "1"
    assert caught.value.status_code == 429


def test_server_error() -> None:
    with (
        ChatServer([Reply("boom", kind="error", status=500)]) as server,
        pytest.raises(openai.InternalServerError, match="boom"),
    ):
        client(server).chat.completions.create(model="m", messages=MESSAGES)


def test_hang_times_out_and_shutdown_is_prompt() -> None:
    start = time.monotonic()
    with ChatServer([Reply("late", kind="hang", delay=3)]) as server:
        with pytest.raises(openai.APITimeoutError):
            client(server, timeout=0.5).chat.completions.create(model="m", messages=MESSAGES)
        assert len(server.requests) == 1  # recorded before replying
    assert time.monotonic() - start < 2


def test_empty_answer() -> None:
    with ChatServer([Reply("ignored", kind="empty")]) as server:
        completion = client(server).chat.completions.create(model="m", messages=MESSAGES)
    assert completion.choices[0].message.content == ""


@pytest.mark.parametrize("stream", [False, True])
def test_trickle(stream: bool) -> None:
    with ChatServer([Reply("slowly does it", kind="trickle", trickle_seconds=0.5)]) as server:
        start = time.monotonic()
        api = client(server).chat.completions
        if stream:
            chunks = api.create(model="m", messages=MESSAGES, stream=True)
            text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        else:
            text = api.create(model="m", messages=MESSAGES).choices[0].message.content or ""
        elapsed = time.monotonic() - start
    assert text == "slowly does it"
    assert 0.4 < elapsed < 3


@pytest.mark.parametrize("stream", [False, True])
def test_malformed(stream: bool) -> None:
    with ChatServer([Reply("half", kind="malformed")]) as server:
        api = client(server).chat.completions
        with pytest.raises(ValueError):  # json.JSONDecodeError
            if stream:
                list(api.create(model="m", messages=MESSAGES, stream=True))
            else:
                api.create(model="m", messages=MESSAGES)


def test_unknown_path_is_404() -> None:
    with ChatServer([Reply("x")]) as server:
        request = urllib.request.Request(server.base_url + "/embeddings", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 404
    assert "error" in json.loads(caught.value.read())
    assert server.requests == []
