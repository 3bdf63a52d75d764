"""Rendering one post of a batch, wherever it runs: in the batch's own process, in a
worker process of the pool, or on a Dask worker.

Everything here is a module-level function of picklable arguments, so a pool or a Dask
cluster can run it; a post's failure comes back as an ``Outcome``, never as an exception,
so one bad post cannot stop the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from podcast.batch.manifest import EpisodeRecord, sha256_file
from podcast.config import Show
from podcast.errors import PodcastError
from podcast.parse.source import read_text
from podcast.pipeline import RenderOptions, render
from podcast.speech.offline import THREADS_ENV, share_cores
from podcast.web import file_post

Report = Callable[[str, str, int, int], None]
"""``report(key, stage, done, total)``: a post's progress."""


@dataclass(frozen=True, slots=True)
class Job:
    """One post to render."""

    key: str
    """The post's key in the manifest (also the episode's ``source``)."""
    path: str
    """Where to read it (absolute)."""
    show: Show
    """The show."""
    options: RenderOptions
    """How to render it (with its slug)."""
    max_bytes: int
    """Larger posts are refused."""
    timeout: float | None = None
    """Seconds the post may take; None: no limit."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a job."""

    key: str
    """The post's key."""
    status: Literal["rendered", "failed", "cancelled"]
    """``cancelled``: the batch was stopping, the post was not started."""
    reason: str | None = None
    """Why it failed (one line)."""
    source_sha256: str | None = None
    """The post bytes that were rendered."""
    script_sha256: str | None = None
    """The script that was voiced."""
    episode: EpisodeRecord | None = None
    """The episode written."""
    synthesized: int = 0
    """Sentences synthesized (the rest came from the speech cache)."""
    reused: int = 0
    """Sentences from the speech cache."""
    warnings: tuple[str, ...] = ()
    """The parse's and the render's warnings."""
    seconds: float = 0.0
    """Wall-clock time of the render."""


class _TooLong(Exception):
    """A post ran past its deadline."""


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise ``_TooLong`` in this thread after ``seconds`` (a post that stalls — a FIFO, a
    silent service — cannot hold up a batch). Only where signals can do it: the main thread
    of a process (a pool worker, or the batch itself with ``--jobs 1``)."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Orphaned(KeyboardInterrupt):
    """The batch process is gone: unwind (removing the half-built episode folder) and exit."""


ORPHAN_GRACE = 10.0
"""Seconds an orphaned worker gives its post to unwind before it exits regardless."""

_report: Report | None = None
_running = False
_stopping = False
_orphaned = False


def render_job(job: Job) -> Outcome:
    """Render one post; a ``PodcastError`` or ``OSError`` becomes a failed ``Outcome``."""
    global _running
    if _stopping:
        return Outcome(job.key, "cancelled")
    started = time.perf_counter()
    _running = True
    try:
        with _deadline(job.timeout):
            digest = sha256_file(Path(job.path))
            text = read_text(Path(job.path), max_bytes=job.max_bytes)
            post = file_post(text, Path(job.path), source=job.key, aliases=job.show.aliases)
            rendered = render(post, job.show, job.options, progress=_progress(job.key))
            script = (rendered.folder / rendered.episode.files.get("script", "script.md")).read_bytes()
    except _Orphaned:
        os._exit(1)
    except _TooLong:
        reason = f"did not finish within {job.timeout:g} s; stopped so the other posts could go on"
        return Outcome(job.key, "failed", reason=reason, seconds=time.perf_counter() - started)
    except (PodcastError, OSError) as exc:
        reason = one_line(exc, job.path, job.key)
        return Outcome(job.key, "failed", reason=reason, seconds=time.perf_counter() - started)
    finally:
        _running = False
    episode = rendered.episode
    return Outcome(
        job.key,
        "rendered",
        source_sha256=digest,
        script_sha256=hashlib.sha256(script).hexdigest(),
        episode=EpisodeRecord(episode.guid, episode.sha256, episode.size, episode.duration, episode.title),
        synthesized=rendered.synthesized,
        reused=rendered.reused,
        warnings=tuple(dict.fromkeys([*post.warnings, *episode.warnings])),
        seconds=time.perf_counter() - started,
    )


def render_job_on_dask(job: Job) -> Outcome:
    """``render_job`` on a Dask worker: the offline engine gets this machine's cores shared
    among the worker's threads (unless the worker's environment already says)."""
    if THREADS_ENV not in os.environ:
        from distributed import get_worker

        os.environ[THREADS_ENV] = str(max(1, cpu_count() // max(1, int(get_worker().state.nthreads))))
    return render_job(job)


def init_pool_worker(queue: Queue[Any], threads: int | None, parent: int, rendering: Any = None) -> None:
    """Set up a worker process of the batch's pool.

    ``queue`` carries progress to the batch; ``threads`` is this worker's share of the
    cores for the offline engine (None: the environment decides). ``rendering``, kept by
    the batch, says how many workers have a post: the share then follows it (all the cores
    divided among them), so the cores of workers that have run out of posts go to those
    still rendering. Ctrl-C is left to the batch, which stops workers with SIGTERM: a post
    being rendered then unwinds (its half-built folder removed) and the posts queued
    behind it are not started.
    """
    global _report
    if threads is not None:
        os.environ[THREADS_ENV] = str(threads)
        if rendering is not None:
            cores = cpu_count()
            # Only the batch writes it; an int is read whole, without a lock.
            share_cores(lambda: max(1, cores // max(1, int(rendering.value))))
    threading.Thread(target=_watch_parent, args=(parent,), name="batch-orphan-watch", daemon=True).start()

    def report(key: str, stage: str, done: int, total: int) -> None:
        queue.put((key, stage, done, total))

    _report = report
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    queue.put(("", "pid", os.getpid(), 0))


def set_reporter(report: Report | None) -> None:
    """Where ``render_job`` reports progress when it runs in the batch's own process."""
    global _report
    _report = report


def _terminate(signum: int, frame: FrameType | None) -> None:
    global _stopping
    if _stopping:  # asked twice: leave now
        os._exit(1)
    _stopping = True
    if _running:
        raise KeyboardInterrupt


def _watch_parent(parent: int) -> None:
    """Exit when the batch process is gone (killed outright).

    An idle worker would otherwise wait forever for work (it holds both ends of its
    queue, so it never sees the batch hang up), and a busy one would finish a post that a
    rerun of the batch may already be rendering into the same folder. The post in hand
    unwinds at its next step, which removes its half-built folder.
    """
    global _orphaned
    while os.getppid() == parent:
        time.sleep(0.5)
    _orphaned = True
    deadline = time.monotonic() + ORPHAN_GRACE
    while _running and time.monotonic() < deadline:
        time.sleep(0.1)
    os._exit(1)


def _progress(key: str) -> Callable[[str, int, int], None]:
    def tick(stage: str, done: int, total: int) -> None:
        if _orphaned:
            raise _Orphaned
        if _report is not None:
            _report(key, stage, done, total)

    return tick


def one_line(exc: BaseException, *about: object) -> str:
    """An error as one line; a leading ``FILE: `` naming one of ``about`` (the post, which
    the report names anyway) is left out.

    >>> one_line(ValueError("posts/a.md: the file   is empty"), "posts/a.md")
    'the file is empty'
    """
    if isinstance(exc, OSError) and not isinstance(exc, PodcastError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        text = " ".join(str(exc).split())
    for name in about:
        if text.startswith(f"{name}: "):
            return text[len(f"{name}: ") :]
    return text


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
