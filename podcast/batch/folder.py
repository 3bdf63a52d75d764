"""The output folder a batch works in: its lock (one batch at a time), the leftovers of a
killed batch, and removing the episode of a deleted post."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from podcast.batch.manifest import MANIFEST_NAME, Manifest, manifest_path, save_manifest
from podcast.episodes import EPISODES, episode_dir
from podcast.errors import BatchError, OutputError
from podcast.fsutil import describe_os_error

LOCK_NAME = ".batch.lock"
"""The lock file at the output root."""


@contextlib.contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the output folder's batch lock (released by the system if the batch is killed).
    The lock file is in the user's cache: the output folder holds only what is published."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock; run one batch per output folder at a time
        yield
        return
    lock = lock_path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, lock)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"another podcast batch is writing {root}; wait for it to finish") from None
        yield
    finally:
        os.close(fd)


def lock_path(root: Path) -> Path:
    """The batch lock of the output folder ``root``."""
    return manifest_path(root).with_name(LOCK_NAME.lstrip("."))


def remove_leftovers(root: Path) -> None:
    """Temporary manifests and pruned folders a killed batch left behind (the lock is held,
    so nothing else is writing them)."""
    for tmp in manifest_path(root).parent.glob(f".{MANIFEST_NAME}.*.tmp"):
        tmp.unlink(missing_ok=True)
    (root / LOCK_NAME).unlink(missing_ok=True)  # where an earlier version kept the lock
    episodes = root / EPISODES
    if episodes.is_dir():
        for trash in episodes.glob(".*.pruned"):
            shutil.rmtree(trash, ignore_errors=True)


def prune(root: Path, manifest: Manifest, key: str) -> None:
    """Remove a deleted post's episode, then its manifest entry.

    The folder is first renamed out of the feed's sight, so a crash midway leaves either
    the episode or nothing (and the entry, pruned again next time).
    """
    slug = manifest.posts[key].slug
    folder = episode_dir(root, slug)
    trash = folder.with_name(f".{slug}.pruned")
    try:
        if trash.exists():
            shutil.rmtree(trash)
        if folder.exists():
            os.replace(folder, trash)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, folder)) from exc
    del manifest.posts[key]
    save_manifest(root, manifest)
    shutil.rmtree(trash, ignore_errors=True)
