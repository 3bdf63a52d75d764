"""Cross-process call slots: at most ``count`` calls to a service (the edge-tts voices, a
language model) in flight across the processes of this user, held as ``flock(2)`` locks on
files under ``cache_dir()/locks``."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from podcast.errors import ServiceError

_log = logging.getLogger("podcast.slots")

# --- Slots -----------------------------------------------------------------------------

_SLOT_NOTE = (
    b"A slot for one call to a service (edge-tts, a language model), held with flock(2) while\n"
    b"the call runs. Safe to delete when no podcast process is running.\n"
)
# Waiting for a slot another process holds is a poll; the jitter keeps waiters apart.
_POLL_SECONDS = (0.02, 0.1)


class ProcessSlots:
    """``count`` lock files in ``directory``, one per call allowed in flight across the
    processes of this user. A slot is held with ``fcntl.flock``, which the system releases
    when its holder exits, however it exits.

    Where ``fcntl`` does not exist (Windows) or the directory cannot be written, the slots
    admit every caller, and only the limit within each process applies.
    """

    def __init__(self, directory: Path, count: int, service: str = "edge-tts") -> None:
        self.directory = Path(directory)
        self.count = count
        self.service = service
        """What the slots are for: it names the lock files and the messages."""
        self._ready: bool | None = None
        self._ready_lock = threading.Lock()

    @property
    def paths(self) -> list[Path]:
        """The lock files, one per slot."""
        return [self.directory / f"{self.service}-slot-{n}.lock" for n in range(self.count)]

    def _prepare(self) -> bool:
        with self._ready_lock:
            if self._ready is None:
                try:
                    import fcntl  # noqa: F401
                except ImportError:
                    self._ready = False
                    _log.warning("no fcntl here: the %s call limit applies within each process only", self.service)
                    return False
                try:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    for path in self.paths:
                        _create_lock_file(path)
                    self._ready = True
                except OSError as exc:
                    self._ready = False
                    _log.warning(
                        "cannot create %s slot files in %s (%s): the call limit applies within each process only",
                        self.service,
                        self.directory,
                        exc.strerror or exc,
                    )
            return self._ready

    @contextlib.contextmanager
    def hold(self, timeout: float | None) -> Iterator[int | None]:
        """Hold a free slot for the duration of the ``with`` block; yields its number, or
        None when slots are not in use here. Raises ``ServiceError`` after ``timeout``
        seconds without a free slot."""
        if not self._prepare():
            yield None
            return
        import fcntl

        deadline = None if timeout is None else time.monotonic() + timeout
        start = random.randrange(self.count)
        while True:
            for step in range(self.count):
                number = (start + step) % self.count
                path = self.paths[number]
                try:
                    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
                except FileNotFoundError:
                    # Someone cleaned the cache: put the file back, and try it next round.
                    self.directory.mkdir(parents=True, exist_ok=True)
                    _create_lock_file(path)
                    continue
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                except BaseException:
                    os.close(fd)
                    raise
                try:
                    yield number
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)
                return
            if deadline is not None and time.monotonic() >= deadline:
                raise ServiceError(
                    f"waited {timeout:.3g} s for one of the {self.count} {self.service} call slots in "
                    f"{self.directory}: other podcast processes hold them all; wait for them to finish "
                    "or stop them"
                )
            time.sleep(random.uniform(*_POLL_SECONDS))


def _create_lock_file(path: Path) -> None:
    """Create ``path`` with a note inside, never replacing an existing one (its inode may
    be locked right now) and never leaving it empty."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", dir=path.parent)
    try:
        os.write(fd, _SLOT_NOTE)
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            return
        # Filesystems without hard links: create in place (briefly empty).
        with contextlib.suppress(FileExistsError):
            new = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(new, _SLOT_NOTE)
            finally:
                os.close(new)
    finally:
        os.unlink(tmp)
