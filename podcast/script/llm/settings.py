"""How the ``llm`` summarizer reaches its model: ``[summarizer.llm]`` in ``podcast.toml``, the
standard ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` variables, and ``--model``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from podcast.errors import ConfigError


@dataclass(frozen=True, slots=True)
class LLMSettings:
    """Where the model is and how long it may take."""

    base_url: str | None = None
    """The OpenAI-compatible endpoint (``http://localhost:11434/v1`` for Ollama); None: the
    ``OPENAI_BASE_URL`` variable, else OpenAI's."""
    model: str = "gpt-4o-mini"
    """The model's name at that endpoint."""
    api_key_env: str = "OPENAI_API_KEY"
    """The environment variable holding the key (local servers take any)."""
    temperature: float = 0.3
    """Low: a retelling, not a story."""
    timeout: float = 60.0
    """Seconds one request may wait for the server to answer or send more."""
    deadline: float = 180.0
    """Seconds a post may spend with the model in all (both rounds, every section)."""
    retries: int = 2
    """Retries of a request refused for load (429, 5xx) or a dropped connection."""
    context_tokens: int = 8000
    """The model's context as we use it: a longer post is retold section by section."""
    max_in_flight: int = 2
    """Requests in flight at once across this user's processes (a batch with ``--jobs``)."""
    stream: bool = True
    """Receive the answer as it is written (the deadline can then stop a slow trickle)."""

    @classmethod
    def from_table(
        cls, table: Mapping[str, Any], *, model: str | None = None, source: str = "podcast.toml"
    ) -> LLMSettings:
        """Settings from ``[summarizer.llm]`` (each key checked), ``--model`` winning over
        the table's ``model``."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise ConfigError(f"{source}: unknown key summarizer.llm.{key} (known: {', '.join(sorted(known))})")
            default = getattr(cls(), key)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
            else:
                ok = isinstance(value, str) and bool(value.strip())
            if key == "base_url" and isinstance(value, str):
                ok = value.startswith(("http://", "https://"))
            if not ok:
                raise ConfigError(f"{source}: summarizer.llm.{key} = {value!r} is not a valid setting")
            values[key] = (
                type(default)(value) if isinstance(default, int | float) and not isinstance(default, bool) else value
            )
        if model:
            values["model"] = model
        return cls(**values)

    @property
    def endpoint(self) -> str | None:
        """The base URL in use: the setting, else ``$OPENAI_BASE_URL``."""
        return self.base_url or os.environ.get("OPENAI_BASE_URL") or None

    @property
    def api_key(self) -> str:
        """The key from ``api_key_env``; local servers accept any, so a placeholder."""
        return os.environ.get(self.api_key_env) or "not-needed"
