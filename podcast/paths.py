"""Where the project keeps things outside the working tree (nothing is created at import)."""

from __future__ import annotations

import errno
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


def unwritable_cache(what: str, folder: Path, error: BaseException) -> str:
    """One line for a cache folder that cannot be written: it names the folder and
    ``$PODCAST_CACHE_DIR``, the one way to move it (an output folder option does not).

    >>> unwritable_cache("speech cache", Path("/x/segments"), PermissionError(13, "Permission denied"))
    'cannot write the speech cache at /x/segments (Permission denied); set PODCAST_CACHE_DIR to a writable folder'
    """
    cause = error if isinstance(error, OSError) else error.__cause__
    if isinstance(cause, OSError):
        reason = cause.strerror or " ".join(str(cause).split()) or type(cause).__name__
        if cause.errno == errno.ENOSPC:
            return f"cannot write the {what} at {folder} ({reason}); free some space or set {CACHE_ENV} to another disk"
    else:
        reason = " ".join(str(error).split())
    return f"cannot write the {what} at {folder} ({reason}); set {CACHE_ENV} to a writable folder"
