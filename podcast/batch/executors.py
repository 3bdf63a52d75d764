"""Where a batch's posts are rendered: in its own process, in a pool of worker processes,
or on a Dask cluster. Each is a ``concurrent.futures`` executor behind the same small
``Runner`` interface, so the batch loop does not care which one it drives.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol
from urllib.parse import urlsplit

from podcast.batch.worker import (
    Job,
    Outcome,
    Report,
    cpu_count,
    init_pool_worker,
    render_job,
    render_job_on_dask,
    set_reporter,
)
from podcast.errors import BatchError
from podcast.speech.offline import THREADS_ENV
from podcast.text import split_sentences

DASK_SCHEME = "dask://"
SETTLE_SECONDS = 1.0
"""How long fewer workers must have a post before the others take their cores."""


class Runner(Protocol):
    """Runs jobs; the batch keeps at most ``max_in_flight`` of them submitted at once."""

    description: str
    """For messages: ``on 2 worker processes``, ``on Dask at tcp://…``."""
    max_in_flight: int
    """How many jobs to keep submitted."""
    lost: tuple[type[BaseException], ...]
    """Exceptions a future raises when the worker running it was lost (the post failed,
    the batch goes on)."""

    def submit(self, job: Job) -> Future[Outcome]:
        """Start rendering ``job``."""

    def recover(self) -> None:
        """Called after a worker was lost, before more jobs are submitted."""

    def interrupt(self) -> None:
        """The batch is stopping (Ctrl-C): stop the jobs in flight as soon as possible."""

    def close(self) -> None:
        """Release workers and connections (waits for jobs in flight)."""


def default_jobs() -> int:
    """One worker per core this process may use (the most a batch starts by default)."""
    return cpu_count()


MIN_POSTS_PER_WORKER = 3
"""A worker process costs its start (≈ 1.5 s: imports, the voice, jieba) and leaves a core
idle when the posts run out unevenly; one worker voicing on every core instead (its two
models overlapped) is as fast until each worker would have this many posts."""
SHARED_SENTENCES = 3
"""Posts with at least this many sentences in common (of 8 characters or more) are kept on
one worker: rendered one after the other, the later ones take them from the speech cache."""


def plan_workers(requested: int | None, jobs: Sequence[Job]) -> tuple[int, dict[str, int]]:
    """How many workers to start for ``jobs``, and which posts must share one (key → group).

    Never more workers than posts that share nothing with each other; without ``--jobs``,
    one worker per core once every worker gets ``MIN_POSTS_PER_WORKER`` posts, else one
    worker with all the cores.
    """
    groups = sentence_groups(jobs)
    independent = len(set(groups.values()))
    wanted = min(cpu_count(), len(jobs) // MIN_POSTS_PER_WORKER) if requested is None else requested
    return max(1, min(wanted, independent)), groups


def sentence_groups(jobs: Sequence[Job]) -> dict[str, int]:
    """Each post's group: posts sharing ``SHARED_SENTENCES`` sentences, directly or through
    another post, are in one group. A post that cannot be read is a group of its own (its
    render will say why)."""
    parent = list(range(len(jobs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        for sentence in _long_sentences(job):
            seen.setdefault(sentence, []).append(index)
    shared: dict[tuple[int, int], int] = {}
    for posts in seen.values():
        for other in posts[1:]:
            pair = (posts[0], other)
            shared[pair] = shared.get(pair, 0) + 1
            if shared[pair] == SHARED_SENTENCES:
                parent[root(other)] = root(posts[0])
    return {job.key: root(index) for index, job in enumerate(jobs)}


def _long_sentences(job: Job) -> set[str]:
    try:
        with open(job.path, "rb") as handle:
            text = handle.read(job.max_bytes).decode("utf-8", "replace")
    except OSError:
        return set()
    return {s for s in split_sentences(text) if len(s) >= 8}


def engine_threads(jobs: int) -> int | None:
    """The offline engine's threads per worker: the cores shared among ``jobs`` workers, so
    workers do not oversubscribe them; None when ``$PODCAST_TTS_THREADS`` already says."""
    if os.environ.get(THREADS_ENV, "").strip():
        return None
    return max(1, cpu_count() // max(1, jobs))


def check_executor(executor: str) -> None:
    """Refuse an ``--executor`` value that is neither ``local`` nor ``dask://HOST:PORT``."""
    if executor.startswith(DASK_SCHEME):
        dask_address(executor)
    elif executor != "local":
        raise BatchError(f"unknown executor {executor!r} (use local or dask://HOST:PORT)")


def open_runner(
    executor: str,
    jobs: int,
    report: Report | None,
    *,
    connect_timeout: float = 10.0,
    groups: Mapping[str, int] | None = None,
) -> Runner:
    """The runner for ``--executor`` (``local``, or ``dask://HOST:PORT``) and ``--jobs``;
    a pool renders the posts of one of ``groups`` (key → group) one after the other."""
    check_executor(executor)
    if executor.startswith(DASK_SCHEME):
        return DaskRunner(dask_address(executor), connect_timeout)
    if jobs <= 1:
        return InlineRunner(report)
    return PoolRunner(jobs, report, groups)


def dask_address(executor: str) -> str:
    """The scheduler address Dask understands.

    >>> dask_address("dask://127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    """
    parts = urlsplit(executor)
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None or parts.path not in ("", "/"):
        raise BatchError(f"bad executor {executor!r}: write dask://HOST:PORT (the scheduler's address)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"tcp://{host}:{port}"


class InlineRunner:
    """Renders in the batch's own process, one post at a time (``--jobs 1``)."""

    description = "in this process"
    max_in_flight = 1
    lost: tuple[type[BaseException], ...] = ()

    def __init__(self, report: Report | None) -> None:
        self._previous = os.environ.get(THREADS_ENV)
        threads = engine_threads(1)
        if threads is not None:
            os.environ[THREADS_ENV] = str(threads)
        set_reporter(report)

    def submit(self, job: Job) -> Future[Outcome]:
        """Render now; the returned future is already done. A bug raises here."""
        future: Future[Outcome] = Future()
        future.set_running_or_notify_cancel()
        future.set_result(render_job(job))
        return future

    def recover(self) -> None:
        """Nothing to recover."""

    def interrupt(self) -> None:
        """Ctrl-C already unwinds the render in this process."""

    def close(self) -> None:
        """Put the environment back as it was."""
        set_reporter(None)
        if self._previous is None:
            os.environ.pop(THREADS_ENV, None)
        else:
            os.environ[THREADS_ENV] = self._previous


class PoolRunner:
    """``jobs`` worker processes (spawned: the speech model's threads do not survive a fork),
    each with its share of the cores (the cores of workers that have run out of posts go to
    those still rendering); their progress comes back over a queue."""

    lost: tuple[type[BaseException], ...] = (BrokenProcessPool,)

    def __init__(self, jobs: int, report: Report | None, groups: Mapping[str, int] | None = None) -> None:
        # A post waiting for its group holds no worker: room for each one that may wait.
        self.max_in_flight = jobs + len(groups or {}) - len(set((groups or {}).values()))
        self.description = f"on {jobs} worker processes"
        self._jobs = jobs
        self._report = report
        self._groups = dict(groups or {})
        self._last: dict[int, Future[Outcome]] = {}
        """Each group's latest job: the next one of the group starts when it is done."""
        self._context = multiprocessing.get_context("spawn")
        self._queue: Any = self._context.Queue()
        self._rendering: Any = self._context.RawValue("i", 0)
        """How many workers have a post (written here only; each worker takes its share of
        the cores from it)."""
        self._in_pool = 0
        """Jobs handed to the pool and not done (queued or being rendered)."""
        self._low_since: float | None = None
        self._count_lock = threading.Lock()
        self._pids: set[int] = set()
        self._drain = threading.Thread(target=self._forward, name="batch-progress", daemon=True)
        self._drain.start()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._jobs,
            mp_context=self._context,
            initializer=init_pool_worker,
            initargs=(self._queue, engine_threads(self._jobs), os.getpid(), self._rendering),
        )

    def _forward(self) -> None:
        while True:
            message = self._queue.get()
            if message is None:
                return
            key, stage, done, total = message
            if stage == "pid":
                self._pids.add(done)
            elif self._report is not None:
                self._report(key, stage, done, total)

    def submit(self, job: Job) -> Future[Outcome]:
        """Queue ``job`` for a worker, after the job before it in its group (posts sharing
        sentences are never voiced at once: the later one takes them from the cache)."""
        group = self._groups.get(job.key)
        before = self._last.get(group) if group is not None else None
        if before is None or before.done():
            future = self._pool.submit(render_job, job)
            self._count(future)
        else:
            future = Future()
            before.add_done_callback(lambda _: self._start(job, future))
        if group is not None:
            self._last[group] = future
        return future

    def _start(self, job: Job, future: Future[Outcome]) -> None:
        """Start a job that waited for its group (a stopped batch cancels it instead)."""
        if not future.set_running_or_notify_cancel():
            return
        try:
            started = self._pool.submit(render_job, job)
        except (RuntimeError, BrokenProcessPool) as exc:  # shut down, or broken: not started
            future.set_exception(exc if isinstance(exc, BrokenProcessPool) else CancelledError())
            return
        self._count(started)

        def finish(done: Future[Outcome]) -> None:
            if done.cancelled():
                future.set_exception(CancelledError())
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(done.result())

        started.add_done_callback(finish)

    def _count(self, future: Future[Outcome]) -> None:
        """Count a job handed to the pool until it is done."""
        with self._count_lock:
            self._in_pool += 1
            self._publish()

        def done(_: Future[Outcome]) -> None:
            with self._count_lock:
                self._in_pool -= 1
                self._publish()

        future.add_done_callback(done)

    def _publish(self) -> None:
        """Tell the workers how many of them have a post: more at once; fewer only once it
        has stayed so for ``SETTLE_SECONDS`` (a worker between two posts is not idle, and
        its neighbour should not load its voice again for it)."""
        busy = min(self._jobs, self._in_pool)
        if busy >= self._rendering.value:
            self._rendering.value, self._low_since = busy, None
            return
        now = time.monotonic()
        if self._low_since is None:
            self._low_since = now
            timer = threading.Timer(SETTLE_SECONDS, self._settled)
            timer.daemon = True
            timer.start()
        elif now - self._low_since >= SETTLE_SECONDS:
            self._rendering.value, self._low_since = busy, None

    def _settled(self) -> None:
        with self._count_lock:
            if self._low_since is not None:
                self._publish()

    def recover(self) -> None:
        """A worker died and took the pool with it: start a fresh pool."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pids.clear()
        self._pool = self._new_pool()

    def interrupt(self) -> None:
        """Ask each worker to stop (SIGTERM: its current post unwinds, queued ones are dropped)."""
        for pid in list(self._pids):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)

    def close(self) -> None:
        """Wait for the workers to finish and exit; stop forwarding progress."""
        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self._queue.put(None)
            self._drain.join(timeout=5)
            self._queue.close()
            self._queue.join_thread()


class DaskRunner:
    """A Dask cluster (``distributed``, the ``dask`` extra) whose workers see the same output
    folder. The scheduler is contacted here, before any post is rendered."""

    def __init__(self, address: str, timeout: float) -> None:
        try:
            # Typed as Any: distributed is only partly annotated.
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise BatchError("--executor dask://… needs Dask: pip install 'xiaoya-podcast[dask]'") from None
        try:
            self._client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except OSError as exc:  # distributed reports refused and timed-out connections alike
            raise BatchError(
                f"cannot reach the Dask scheduler at {address} ({' '.join(str(exc).split())}); "
                "check the address and that 'dask scheduler' is running there"
            ) from None
        self._executor = self._client.get_executor(pure=False)
        workers = self._client.scheduler_info().get("workers", {})
        threads = sum(int(w.get("nthreads", 1)) for w in workers.values())
        self.description = f"on Dask at {address} ({len(workers)} workers)"
        # Keep every worker thread busy, with one job queued behind each.
        self.max_in_flight = max(2, 2 * threads)
        # OSError: the connection to the scheduler broke while the post was out;
        # CancelledError: the cluster dropped the task (a restarted scheduler, say).
        self.lost: tuple[type[BaseException], ...] = (distributed.KilledWorker, OSError, CancelledError)

    def submit(self, job: Job) -> Future[Outcome]:
        """Send ``job`` to the cluster."""
        future: Future[Outcome] = self._executor.submit(render_job_on_dask, job)
        return future

    def recover(self) -> None:
        """Dask replaces lost workers itself."""

    def interrupt(self) -> None:
        """Cancel what the cluster has not started (running posts finish on their worker)."""
        self._executor.shutdown(wait=False)

    def close(self) -> None:
        """Disconnect from the scheduler."""
        try:
            self._executor.shutdown(wait=True)
        finally:
            self._client.close()
