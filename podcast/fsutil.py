"""Atomic file output: write to a temporary name in the same folder, then rename.

A reader (or a crash) never sees a half-written file: the target is either the previous
version or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import glob
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from podcast.errors import OutputError


def describe_os_error(exc: OSError, path: Path) -> str:
    """A one-line, user-facing explanation of a failed write."""
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device while writing {path}; free some space and retry"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: permission denied (choose a writable output folder)"
    return f"cannot write {path}: {exc.strerror or exc}"


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    On any failure the temporary file is removed and ``path`` is left untouched.
    ``OSError`` (full disk, permissions) is turned into ``OutputError``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_stale(path)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~umask())  # as any Unix tool writes (mkstemp makes it 0600)
        os.close(fd)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path)) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(describe_os_error(exc, path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@functools.cache
def umask() -> int:
    """The process's umask, read once (reading it means setting it for a moment)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def make_temp_dir(prefix: str, parent: Path) -> Path:
    """A new folder in ``parent`` with the modes ``mkdir`` would give it (``mkdtemp`` makes
    it 0700, which a web server running as another user cannot read)."""
    made = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(made, 0o777 & ~umask())
    return made


STALE_SECONDS = 300.0
"""A temporary file of ours this old was left by a writer that was killed."""


def _sweep_stale(path: Path) -> None:
    """Remove ``path``'s temporary files that a killed writer left behind."""
    cutoff = time.time() - STALE_SECONDS
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, flushed to disk before the rename."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))
