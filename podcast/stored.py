"""Work done once and kept in the cache under the digest of what it was made from: the
generated cover, the stings, an episode's encoded MP3, tables derived from a package's data.

A miss, or an entry that cannot be read, only costs the time to make it again; so does a
cache that cannot be written. Each kind keeps its newest ``limit`` entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

from podcast import fsutil
from podcast.errors import OutputError
from podcast.paths import cache_dir

KINDS = ("covers", "stings", "encoded", "tables")
"""The folders of the cache this module keeps (``podcast cache clear`` empties them)."""


def digest(*parts: object) -> str:
    """The key of a piece of work: a digest of everything it is made from (JSON-able values;
    anything else by its ``str``).

    >>> digest("cover", 1, ["小雅"]) == digest("cover", 1, ["小雅"]), digest(1) == digest("1")
    (True, False)
    """
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """The entries of one kind, ``<cache dir>/<kind>/<key><suffix>``."""

    def __init__(self, kind: str, root: Path | None = None, *, limit: int = 64) -> None:
        self.folder = (root or cache_dir()) / kind
        self.limit = limit
        """Entries kept: writing one more removes the oldest used."""

    def path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}{suffix}"

    def read(self, key: str, suffix: str) -> bytes | None:
        """The entry's bytes, or None (a miss)."""
        path = self.path(key, suffix)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return data

    def write(self, key: str, suffix: str, data: bytes) -> None:
        """Keep ``data`` (atomically); a cache that cannot be written is passed over."""
        with contextlib.suppress(OutputError):
            fsutil.write_bytes(self.path(key, suffix), data)
            self._prune()

    def _prune(self) -> None:
        with contextlib.suppress(OSError):
            files = [p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")]
            used: dict[str, float] = {}
            for path in files:
                key = path.name.split(".")[0]
                used[key] = max(path.stat().st_mtime, used.get(key, 0.0))
            stale = set(sorted(used, key=used.__getitem__)[: max(0, len(used) - self.limit)])
            for path in files:
                if path.name.split(".")[0] in stale:
                    path.unlink(missing_ok=True)


def clear(root: Path | None = None) -> int:
    """Empty every kind; returns how many files there were."""
    removed = 0
    for kind in KINDS:
        folder = (root or cache_dir()) / kind
        if not folder.is_dir():
            continue
        removed += sum(1 for p in folder.iterdir() if p.is_file())
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            raise OutputError(f"cannot clear {folder}: {exc.strerror or exc}") from exc
    return removed
