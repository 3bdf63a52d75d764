"""Asking an OpenAI-compatible chat-completions endpoint, within a deadline.

The official ``openai`` client (the ``llm`` extra) does the protocol: the standard
``OPENAI_BASE_URL``/``OPENAI_API_KEY`` variables, retries of 429/5xx/dropped connections
that honour ``Retry-After``. What it cannot do alone is bound the time a request takes in
all: a server that answers a few bytes a second resets every read timeout. So the answer is
streamed and read against the post's deadline; a hung connection ends at the read timeout.
"""

from __future__ import annotations

import time
from typing import Any

from podcast.errors import PodcastError
from podcast.script.llm.settings import LLMSettings


class ModelError(PodcastError):
    """The model could not be asked or gave nothing usable (one line: why)."""


def ask(settings: LLMSettings, messages: list[dict[str, str]], deadline: float) -> str:
    """The model's answer to ``messages`` (JSON mode asked for), by ``deadline`` (a
    ``time.monotonic()`` value). Raises ``ModelError`` with one line saying why not."""
    try:
        import openai
    except ImportError:
        raise ModelError("the llm summarizer needs the openai client: pip install 'xiaoya-podcast[llm]'") from None
    remaining = deadline - time.monotonic()
    if remaining <= 0.5:
        raise ModelError(f"no time left within the deadline of {settings.deadline:g} s")
    client = openai.OpenAI(
        base_url=settings.endpoint,
        api_key=settings.api_key,
        max_retries=settings.retries,
        timeout=min(settings.timeout, remaining),
    )
    request: dict[str, Any] = {
        "model": settings.model,
        "messages": messages,
        "temperature": settings.temperature,
        "response_format": {"type": "json_object"},
    }
    where = settings.endpoint or "api.openai.com"
    try:
        if not settings.stream:
            completion = client.chat.completions.create(**request)
            if not completion.choices:
                raise ModelError("the model returned no choices")
            return completion.choices[0].message.content or ""
        parts: list[str] = []
        stream = client.chat.completions.create(**request, stream=True)
        try:
            for chunk in stream:
                if time.monotonic() > deadline:
                    raise ModelError(f"the model was still writing at the deadline ({settings.deadline:g} s)")
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
        finally:
            stream.close()
        return "".join(parts)
    except ModelError:
        raise
    except openai.RateLimitError as exc:
        raise ModelError(f"{where} refused for load (429) after {settings.retries} retries: {_message(exc)}") from None
    except openai.APITimeoutError:
        raise ModelError(f"{where} did not answer within {min(settings.timeout, remaining):.0f} s") from None
    except openai.APIConnectionError as exc:
        raise ModelError(f"cannot reach {where}: {_message(exc)}") from None
    except openai.APIStatusError as exc:
        raise ModelError(f"{where} answered HTTP {exc.status_code}: {_message(exc)}") from None
    except (openai.OpenAIError, ValueError) as exc:
        raise ModelError(f"{where}: {type(exc).__name__}: {_message(exc)}") from None


def _message(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    cause = exc.__cause__ or exc.__context__
    if cause is not None and text in ("Connection error.", ""):
        text = " ".join(str(cause).split()) or type(cause).__name__
    return text[:160]
