"""``podcast batch``: render every post of a blog that needs it, then publish once."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from podcast.batch import BatchListener, BatchOptions, BatchReport, PostResult, run_batch
from podcast.cli.common import (
    ConfigOption,
    EngineOption,
    FitOption,
    MaxBytesOption,
    MinutesOption,
    ModelOption,
    OutputOption,
    SecondsOption,
    SummarizerOption,
    console_err,
    duration_text,
    help_text,
    load_show_for,
    output_root,
    print_table,
    target_seconds,
    warn,
    web_options,
)
from podcast.config import Show
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.pipeline import RenderOptions

HELP = """Render every post found (folders recursively, glob patterns, @LIST files, a blog's
feed), then rebuild the feed and site once.

A blog's address is read from the web: its RSS or Atom feed (the next pages followed), or
WordPress's REST API where the blog has one (preferred: every post in full). A post's full
text comes from the feed when the feed carries it, else from its page. Posts without dialogue
are skipped unless --all; --since and --limit take the newest. Each address's ETag and
Last-Modified are recorded: the next run asks conditionally and renders only new or edited
posts. At most one request per second to a host (--rate); robots.txt is honoured. A feed,
page or post that cannot be fetched fails alone.

Incremental: a manifest (in the user cache, one per output folder) records each post's source and script digests,
the settings and engine versions that shaped its episode, and the episode. Unchanged posts
are skipped, changed ones rendered again (only changed sentences are synthesized);
--force renders all. A deleted post's episode stays in the feed unless --prune is given.
Each post keeps its episode folder (slug) for good; two posts with one file name get
distinct slugs (a/ and 2025-a/).

Interrupt it at any time (Ctrl-C, even kill -9) and run it again: finished posts are not
redone, and no episode, manifest or feed is left half-written.

Exit status: 0 when no post failed (also when no posts are found: nothing to do);
1 when a post, an input or publishing failed, or the batch could not start;
2 for a usage error; 130 when interrupted.

Example: podcast batch posts/
Example: podcast batch 'posts/**/*.md' @new-posts.txt --jobs 2 --prune
Example: podcast batch posts/ --executor dask://10.0.0.5:8786
Example: podcast batch https://blog.example.com/feed/ --since 2024-01-01 --limit 20
Example: podcast batch https://blog.example.com/wp-json/wp/v2/posts --all --rate 0.5
"""

# Options podcast sync shares.
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Worker processes (default: one on every core for a few posts, one per core from 3 posts each).",
    ),
]
BaseUrlOption = Annotated[
    str | None, typer.Option("--base-url", envvar="PODCAST_BASE_URL", help="Where the output folder is published.")
]
PostTimeoutOption = Annotated[
    float,
    typer.Option("--post-timeout", min=1, help="Seconds one post may take before it fails alone (default 900)."),
]
SinceOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--since",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="A blog's posts published on or after this day only (e.g. --since 2024-01-01).",
    ),
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Only the newest N posts of each blog (e.g. --limit 20).")
]
AllOption = Annotated[
    bool, typer.Option("--all", help="Also render a blog's posts without dialogue (read as one narration).")
]
RateOption = Annotated[
    float,
    typer.Option(
        "--rate",
        min=0,
        help="Requests per second to one host when reading a blog (default 1; 0: no limit, for your own server).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``podcast batch`` to ``app``."""
    app.command("batch", help=help_text(HELP))(batch_command)


def batch_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH_GLOB_OR_URL...",
            help="Post files, folders (searched recursively), glob patterns ('posts/**/*.md'), "
            "a blog's feed or REST API address (https://blog.example.com/feed/), "
            "or @FILE listing one of these per line (@- reads standard input).",
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    jobs: JobsOption = None,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            metavar="local|dask://HOST:PORT",
            help="Render on this machine, or on a Dask cluster whose workers share the output folder "
            "(pip install 'xiaoya-podcast\\[dask]').",
        ),
    ] = "local",
    force: Annotated[bool, typer.Option("--force", help="Render every post, even unchanged ones.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove the episodes of deleted posts (under the folders/patterns given).")
    ] = False,
    publish: Annotated[
        bool, typer.Option("--publish/--no-publish", help="Rebuild the feed and site at the end.")
    ] = True,
    base_url: BaseUrlOption = None,
    since: SinceOption = None,
    limit: LimitOption = None,
    include_all: AllOption = False,
    rate: RateOption = 1.0,
    engine: EngineOption = None,
    minutes: MinutesOption = None,
    seconds: SecondsOption = None,
    summarizer: SummarizerOption = None,
    model: ModelOption = None,
    fit: FitOption = True,
    post_timeout: PostTimeoutOption = 900.0,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress, table or warnings; failures still go to stderr.")
    ] = False,
) -> None:
    first = next((Path(i.removeprefix("@")) for i in inputs if Path(i.removeprefix("@")).exists()), None)
    show = load_show_for(first, config)
    options = BatchOptions(
        render=RenderOptions(
            output_root=output_root(output, show),
            engine=engine,
            target_seconds=target_seconds(minutes, seconds, show),
            summarizer=summarizer,
            fit=fit,
            model=model,
            force=force,
        ),
        web=web_options(since=since, limit=limit, include_all=include_all, rate=rate),
        max_bytes=max_bytes,
        jobs=jobs,
        executor=executor,
        force=force,
        prune=prune,
        publish=publish,
        base_url=base_url,
        post_timeout=post_timeout,
    )
    if jobs is not None and executor != "local" and not quiet:
        console_err.print("[yellow]warning:[/] --jobs is ignored with a Dask executor (its workers decide)")
    display = _Display(quiet=quiet)
    report = run_with(inputs, show, options, display)
    _conclude(report, inputs, quiet=quiet)
    if not report.ok:
        raise typer.Exit(1)


class Follower(BatchListener):
    """A batch listener for a command: entered while the batch runs, counting the posts it
    saw rendered or failed (for the line Ctrl-C prints)."""

    recorded = 0
    """Posts rendered or failed so far."""

    def __enter__(self) -> Follower:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def run_with(inputs: list[str], show: Show, options: BatchOptions, display: Follower) -> BatchReport:
    """Run the batch with ``display`` following it; Ctrl-C is exit status 130 with one line."""
    try:
        with display:
            return run_batch(inputs, show, options, listener=display)
    except KeyboardInterrupt:
        console_err.print(
            f"interrupted: the {display.recorded} posts finished in this run are recorded; "
            "run the same command again to finish",
            soft_wrap=True,
            highlight=False,
        )
        raise typer.Exit(130) from None


class _Display(Follower):
    """Rich progress (all posts, and each post being rendered) on a terminal; plain lines
    otherwise; nothing but failures when quiet."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and console_err.is_terminal
        self.to_render = 0
        self.recorded = 0
        """Posts rendered or failed so far."""
        self._lock = threading.Lock()
        self._tasks: dict[str, tuple[TaskID, str]] = {}
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console_err,
            transient=True,
            disable=not self.live,
        )
        self._overall: TaskID | None = None
        self._reading: TaskID | None = None

    def __enter__(self) -> _Display:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)

    def warning(self, message: str) -> None:
        warn([message], quiet=self.quiet)

    def fetching(self, url: str) -> None:
        if not self.live:
            return
        with self._lock:
            if self._reading is None:
                self._reading = self._bar.add_task("", total=None)
            self._bar.update(self._reading, description=f"fetching {escape(url)}")

    def planned(self, found: int, to_render: int, up_to_date: int) -> None:
        self.to_render = to_render
        if self._reading is not None:
            self._bar.remove_task(self._reading)
            self._reading = None
        if self.quiet or not found:
            return
        if self.live:
            self._overall = self._bar.add_task("posts", total=to_render)
        unreadable = found - to_render - up_to_date
        console_err.print(
            f"{found} posts found: {to_render} to render, {up_to_date} up to date"
            + (f", {unreadable} unreadable" if unreadable else ""),
            highlight=False,
        )

    def started(self, key: str, slug: str) -> None:
        if self.live:
            with self._lock:
                self._tasks[key] = (self._bar.add_task(f"  {escape(slug)}", total=None), slug)

    def progress(self, key: str, stage: str, done: int, total: int) -> None:
        if not self.live:
            return
        with self._lock:
            if key in self._tasks:
                task, slug = self._tasks[key]
                self._bar.update(task, description=f"  {escape(slug)} · {stage}", completed=done, total=total or None)

    def finished(self, result: PostResult) -> None:
        with self._lock:
            if result.key in self._tasks:
                self._bar.remove_task(self._tasks.pop(result.key)[0])
        if result.outcome is not None:
            self.recorded += 1
            if self._overall is not None:
                self._bar.advance(self._overall)
        if self.quiet:
            if result.status == "failed":
                console_err.print(f"error: {escape(result.key)}: {escape(result.reason)}", soft_wrap=True)
            return
        if result.status == "skipped":
            return
        if not self.live:
            console_err.print(
                f"[{self.recorded}/{self.to_render}] {result_line(result)}" if result.outcome else result_line(result),
                soft_wrap=True,
                highlight=False,
                markup=False,
            )
        elif result.status == "failed":
            console_err.print(f"[red]failed[/] {escape(result.key)}: {escape(result.reason)}", soft_wrap=True)
        if result.outcome is not None:
            warn(f"{result.key}: {message}" for message in result.outcome.warnings)

    def publishing(self) -> None:
        if self.live and self._overall is not None:
            self._bar.update(self._overall, description="publishing")


def result_line(result: PostResult) -> str:
    """One plain line for a post."""
    arrow = f" → {result.slug}" if result.slug else ""
    return f"{result.status} {result.key}{arrow}: {_details(result)}"


def _details(result: PostResult) -> str:
    outcome = result.outcome
    if result.status == "rendered" and outcome is not None and outcome.episode is not None:
        return (
            f"{result.reason}; {duration_text(outcome.episode.duration)}; "
            f"{outcome.synthesized} sentences synthesized, {outcome.reused} from cache; {outcome.seconds:.1f} s"
        )
    return result.reason


def _conclude(report: BatchReport, inputs: list[str], *, quiet: bool) -> None:
    """The closing table and totals (or, when quiet, only what failed)."""
    if report.publish_error:
        console_err.print(f"[bold red]error:[/] publishing failed: {escape(report.publish_error)}", soft_wrap=True)
    if report.published is not None:
        warn(report.published.warnings, quiet=quiet)
    if not report.found and not quiet:
        console_err.print(
            f"no posts found in {' '.join(inputs)}" + ("" if report.results else ": nothing to do"),
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
    if quiet or not report.results:
        return
    table = Table("post", "episode", "result", "details", title="batch", title_justify="left")
    colours = {"rendered": "green", "failed": "red", "pruned": "magenta", "kept": "yellow"}
    for result in report.results:
        if result.status != "skipped":
            colour = colours[result.status]
            table.add_row(
                escape(result.key),
                escape(result.slug or "—"),
                f"[{colour}]{result.status}[/]",
                escape(_details(result)),
            )
    reasons: dict[str, int] = {}
    for result in report.results:
        if result.status == "skipped":
            reasons[result.reason] = reasons.get(result.reason, 0) + 1
    for reason, count in reasons.items():
        table.add_row(f"({count} posts)", "", "skipped", reason)
    print_table(table)
    totals = [f"{report.count(s)} {s}" for s in ("rendered", "skipped", "failed", "pruned", "kept") if report.count(s)]
    if report.runner:
        totals.append(report.runner)
    if report.published is not None:
        totals.append(f"feed: {report.published.feed} ({report.published.episodes} episodes)")
    typer.echo(" · ".join(totals))
