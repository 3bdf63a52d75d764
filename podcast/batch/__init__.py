"""Rendering a whole blog: every post found, once, then the feed and site once.

``run_batch`` finds the posts (folders, glob patterns, list files; a blog's feed or REST
API, read by `podcast.web.ingest` into the batch's cache folder), skips those whose
episode is up to date according to the manifest (``batch-manifest.json`` in the output
folder: each post's source digest, script digest, the settings that shaped it and the
episode produced), renders the rest in parallel (worker processes, or a Dask cluster),
records each finished post in the manifest at once, and finally calls the publisher.

A failed post is reported and the others go on. The manifest is written atomically after
every post and episode folders are swapped in whole, so a batch killed at any moment and
run again finishes the remaining posts without redoing the finished ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from podcast.batch.discover import Discovery, discover
from podcast.batch.executors import Runner, check_executor, open_runner, plan_workers
from podcast.batch.folder import exclusive, prune, remove_leftovers
from podcast.batch.manifest import (
    MANIFEST_NAME,
    Entry,
    Manifest,
    failed,
    load_manifest,
    manifest_path,
    now,
    save_manifest,
)
from podcast.batch.plan import (
    gone_posts,
    plan_jobs,
    settings_digest,
    settings_material,
)
from podcast.batch.worker import Job, Outcome, one_line
from podcast.config import Show
from podcast.episodes import check_output
from podcast.errors import BatchError, PodcastError
from podcast.parse import DEFAULT_MAX_BYTES
from podcast.pipeline import RenderOptions
from podcast.publish import Published

if TYPE_CHECKING:
    from podcast.web.ingest import WebOptions

__all__ = [
    "MANIFEST_NAME",
    "BatchError",
    "BatchListener",
    "BatchOptions",
    "BatchReport",
    "Discovery",
    "PostResult",
    "Publisher",
    "discover",
    "run_batch",
]


class Publisher(Protocol):
    """Builds the feed and site from ``<output>/episodes`` (``podcast.publish.publish``)."""

    def __call__(self, show: Show, output_root: Path, *, base_url: str | None = None) -> Published:
        """Publish; ``base_url`` overrides the show's."""
        ...


"""Held while a batch runs, so two batches never write one output folder's manifest."""
LOST = "its worker was lost (killed, out of memory, or cut off); run the batch again to retry it"
"""Why a post failed when the worker rendering it went away (the post may be innocent)."""
MAX_POOL_RESTARTS = 3
"""After this many lost worker pools, the remaining posts are not attempted."""


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How to run a batch."""

    render: RenderOptions
    """Output folder, engine, target length, summarizer, fitting (its ``slug`` is ignored:
    each post gets its own)."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Larger posts are refused."""
    jobs: int | None = None
    """Worker processes; None: one per core; 1: render in this process."""
    executor: str = "local"
    """``local`` (this machine) or ``dask://HOST:PORT`` (a Dask scheduler)."""
    connect_timeout: float = 10.0
    """Seconds to wait for the Dask scheduler."""
    force: bool = False
    """Render every post, even those whose episode is up to date."""
    prune: bool = False
    """Remove the episodes of posts that have been deleted (else they stay in the feed)."""
    publish: bool = True
    """Rebuild the feed and site at the end."""
    base_url: str | None = None
    """Where the output folder is published (None: the show's ``base_url``)."""
    post_timeout: float | None = 900.0
    """Seconds one post may take; a post that takes longer fails alone (None: no limit)."""
    web: WebOptions | None = None
    """Which posts of a blog's feed to take, and how politely (None: every post with
    dialogue, one request per second to a host)."""
    republish: bool = True
    """Rebuild the feed and site even when no episode was rendered or removed (False: only
    then, or when there is no feed yet — ``podcast sync``)."""


@dataclass(frozen=True, slots=True)
class PostResult:
    """What the batch did with one post (or with an input that named nothing)."""

    key: str
    """The post (relative to the show folder when inside it), or the input as given."""
    slug: str | None
    """Its episode folder name, once assigned."""
    status: Literal["rendered", "skipped", "failed", "pruned", "kept"]
    """``kept``: the post is gone but its episode stays (no ``--prune``)."""
    reason: str
    """Why it was rendered (``new``, ``post changed``…), skipped, failed or kept."""
    outcome: Outcome | None = None
    """The render's details (rendered and failed posts)."""


@dataclass(frozen=True, slots=True)
class BatchReport:
    """The outcome of a batch."""

    results: tuple[PostResult, ...]
    """Every post found (and every input that named nothing), by key."""
    found: int
    """Posts found."""
    published: Published | None = None
    """What the publisher wrote, when it ran and succeeded."""
    publish_error: str | None = None
    """Why publishing failed."""
    warnings: tuple[str, ...] = ()
    """Batch-level warnings (rebuilt manifest, inputs without posts, pruning withheld)."""
    runner: str = ""
    """Where posts were rendered."""
    manifest: Path = field(default_factory=Path)
    """The manifest file."""

    def count(self, status: str) -> int:
        """How many results have ``status``."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        """No post failed and publishing (if it ran) succeeded."""
        return self.count("failed") == 0 and self.publish_error is None


class BatchListener:
    """Hooks a front end overrides to follow a batch; here they do nothing.

    ``progress`` may be called from a helper thread (it relays the worker processes).
    """

    def warning(self, message: str) -> None:
        """Something the user should know; the batch goes on."""

    def fetching(self, url: str) -> None:
        """A feed, a page of one or a post's page is being fetched."""

    def planned(self, found: int, to_render: int, up_to_date: int) -> None:
        """Posts found, how many will be rendered and how many are up to date (the rest
        cannot be read)."""

    def started(self, key: str, slug: str) -> None:
        """A post was handed to a worker."""

    def progress(self, key: str, stage: str, done: int, total: int) -> None:
        """A post's render advanced (not reported by Dask workers)."""

    def finished(self, result: PostResult) -> None:
        """A post was rendered, skipped, failed, pruned or kept."""

    def publishing(self) -> None:
        """The feed and site are being built."""


def run_batch(
    inputs: Sequence[str],
    show: Show,
    options: BatchOptions,
    *,
    publisher: Publisher | None = None,
    listener: BatchListener | None = None,
    cwd: Path | None = None,
) -> BatchReport:
    """Render every post named by ``inputs`` that needs it, then publish once.

    ``publisher`` defaults to ``podcast.publish.publish``. Raises ``BatchError`` (or
    another ``PodcastError``) only when the batch cannot start; a post's failure is in the
    report. Ctrl-C stops the workers and re-raises ``KeyboardInterrupt`` with every
    finished post recorded.
    """
    check_executor(options.executor)
    listener = listener or BatchListener()
    # Settings are decided here, once (flag > environment > podcast.toml > default): every
    # worker, wherever it runs, renders with the same ones.
    resolved = options.render.settings.resolve(show)
    assert resolved.output_root is not None
    options = replace(
        options,
        render=replace(
            options.render,
            engine=resolved.engine,
            summarizer=resolved.summarizer,
            target_seconds=resolved.target_seconds,
            output_root=resolved.output_root.absolute(),
        ),
    )
    root = resolved.output_root.absolute()
    check_output(root)
    origin = show.root
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        listener.warning(message)

    discovery = discover(inputs, cwd=cwd, exclude=[root, show.root / "voices"])
    for item in discovery.empty:
        warn(f"{item}: no posts found there")
    results: list[PostResult] = [PostResult(m.input, None, "failed", m.reason) for m in discovery.missing]
    for result in results:
        listener.finished(result)
    report = _Reporter(results, listener)
    if not discovery.posts and not discovery.urls:
        # Nothing to do: the output folder is not even created.
        listener.planned(0, 0, 0)
        return BatchReport(tuple(results), 0, warnings=tuple(warnings), manifest=manifest_path(root))

    with exclusive(root):
        remove_leftovers(root)
        manifest, rebuilt = load_manifest(root, origin=origin)
        if rebuilt:
            warn(rebuilt)
        web, left_out = _from_the_web(discovery.urls, root, show, options, manifest, report, warn, listener)
        found = len(discovery.posts) + len(web)
        material = settings_material(show, options.render)
        digest = settings_digest(material)
        manifest.settings[digest] = material
        jobs, early, assigned = plan_jobs(
            discovery,
            manifest,
            digest,
            show,
            options.render,
            root,
            force=options.force,
            max_bytes=options.max_bytes,
            timeout=options.post_timeout,
            web=web,
        )
        listener.planned(found, len(jobs), sum(1 for r in early if r.status == "skipped"))
        for settled in early:
            report.add(PostResult(settled.key, settled.slug, settled.status, settled.reason))

        runner_name = ""
        if jobs:
            # No more workers than posts that share no sentences: one changed post is rendered
            # here, without a pool to start.
            workers, groups = plan_workers(options.jobs, [job for job, _ in jobs])
            runner = open_runner(
                options.executor, workers, listener.progress, connect_timeout=options.connect_timeout, groups=groups
            )
            runner_name = runner.description
            if assigned:
                save_manifest(root, manifest)
            try:
                _drive(runner, jobs, _recorder(manifest, digest, root, report), listener)
            finally:
                runner.close()
        elif assigned:
            save_manifest(root, manifest)

        gone = gone_posts(manifest.posts, discovery, origin)
        if gone and options.prune and discovery.missing:
            warn("not pruning: some inputs do not exist (a folder that is not mounted would look deleted)")
        for key in gone:
            entry = manifest.posts[key]
            if options.prune and not discovery.missing:
                prune(root, manifest, key)
                report.add(PostResult(key, entry.slug, "pruned", "post deleted; episode removed"))
            else:
                report.add(PostResult(key, entry.slug, "kept", "post deleted; episode kept (--prune removes it)"))

        published: Published | None = None
        publish_error: str | None = None
        changed = any(r.status in ("rendered", "pruned") for r in results)
        # A blog that listed nothing (its feed could not be read) publishes nothing either.
        if options.publish and found and (options.republish or changed or not (root / "feed.xml").exists()):
            listener.publishing()
            publish = publisher or _default_publisher()
            try:
                published = publish(show, root, base_url=options.base_url)
            except PodcastError as exc:
                publish_error = one_line(exc)
        return BatchReport(
            tuple(sorted(results, key=lambda r: r.key)),
            found + left_out,
            published,
            publish_error,
            tuple(warnings),
            runner_name,
            manifest_path(root),
        )


def _from_the_web(
    urls: Sequence[str],
    root: Path,
    show: Show,
    options: BatchOptions,
    manifest: Manifest,
    report: _Reporter,
    warn: Callable[[str], None],
    listener: BatchListener,
) -> tuple[dict[str, Path], int]:
    """The posts of the blogs at ``urls`` (key → local file), read into the batch's cache
    folder, and how many were left out; what was skipped or failed goes into the report."""
    if not urls:
        return {}, 0
    from podcast.web.ingest import ingest

    found = ingest(
        urls,
        manifest_path(root).parent / "web",
        options.web,
        max_bytes=options.max_bytes,
        aliases=show.aliases,
        on_fetch=listener.fetching,
    )
    for message in found.notes:
        warn(message)
    for key, reason in found.skipped:
        entry = manifest.posts.get(key)
        report.add(PostResult(key, entry.slug if entry else None, "skipped", reason))
    for key, reason in found.failed:
        entry = manifest.posts.get(key)
        report.add(PostResult(key, entry.slug if entry else None, "failed", reason))
    return {post.key: post.path for post in found.posts}, len(found.skipped)


class _Reporter:
    def __init__(self, results: list[PostResult], listener: BatchListener) -> None:
        self.results = results
        self.listener = listener

    def add(self, result: PostResult) -> None:
        self.results.append(result)
        self.listener.finished(result)


def _recorder(manifest: Manifest, digest: str, root: Path, report: _Reporter) -> Callable[[Job, str, Outcome], None]:
    """Records a finished post in the manifest (written at once) and the report."""

    def record(job: Job, reason: str, outcome: Outcome) -> None:
        entry = manifest.posts[job.key]
        if outcome.status == "cancelled":
            return
        if outcome.status == "rendered":
            manifest.posts[job.key] = Entry(
                slug=entry.slug,
                source_sha256=outcome.source_sha256,
                settings=digest,
                script_sha256=outcome.script_sha256,
                episode=outcome.episode,
                rendered=now(),
                synthesized=outcome.synthesized,
                reused=outcome.reused,
            )
            save_manifest(root, manifest)
            report.add(PostResult(job.key, entry.slug, "rendered", reason, outcome))
        else:
            manifest.posts[job.key] = failed(entry, outcome.reason or "failed")
            save_manifest(root, manifest)
            report.add(PostResult(job.key, entry.slug, "failed", outcome.reason or "failed", outcome))

    return record


def _drive(
    runner: Runner,
    jobs: list[tuple[Job, str]],
    record: Callable[[Job, str, Outcome], None],
    listener: BatchListener,
) -> None:
    """Keep the runner busy until every job is done; a lost worker fails only its posts."""
    pending = deque(jobs)
    in_flight: dict[Future[Outcome], tuple[Job, str]] = {}
    restarts = 0
    try:
        while pending or in_flight:
            while pending and len(in_flight) < runner.max_in_flight:
                job, reason = pending.popleft()
                listener.started(job.key, job.options.slug or "")
                in_flight[runner.submit(job)] = (job, reason)
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            lost = False
            for future in done:
                job, reason = in_flight.pop(future)
                try:
                    outcome = future.result()
                except runner.lost:
                    lost = True
                    outcome = Outcome(job.key, "failed", reason=LOST)
                record(job, reason, outcome)
            if lost:
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    for job, _ in pending:
                        record(job, "", Outcome(job.key, "failed", reason="not attempted: workers kept dying"))
                    pending.clear()
                else:
                    runner.recover()
    except KeyboardInterrupt:
        runner.interrupt()
        # Posts that finished while the interrupt arrived are kept.
        for future, (job, reason) in in_flight.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                record(job, reason, future.result())
        raise


def _default_publisher() -> Publisher:
    from podcast.publish import publish

    return publish
