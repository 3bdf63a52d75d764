"""Where the project keeps things outside the working tree (nothing is created at import)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CACHE_ENV = "PODCAST_CACHE_DIR"
"""Environment variable that moves the cache (synthesized segments, voice assets)."""


def cache_dir() -> Path:
    """The user's cache directory for this tool: ``$PODCAST_CACHE_DIR`` or the platform's."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_cache_path("xiaoya-podcast", appauthor=False)
