"""``podcast sync``: a blog's new posts become episodes, the feed and site rebuilt — one line for cron."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from podcast.batch import BatchOptions, BatchReport, PostResult
from podcast.batch.discover import is_web_address
from podcast.cli.batch import (
    AllOption,
    BaseUrlOption,
    Follower,
    JobsOption,
    LimitOption,
    PostTimeoutOption,
    RateOption,
    SinceOption,
    result_line,
    run_with,
)
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
    help_text,
    load_show_for,
    output_root,
    target_seconds,
    warn,
    web_options,
)
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.pipeline import RenderOptions

HELP = """Fetch what is new on a blog, render it, and rebuild the feed and site: the one line to
run from cron or a scheduled CI job.

What podcast batch FEED_URL does, made for running unattended: the feed (RSS, Atom or
WordPress's REST API) is asked conditionally, only new or edited posts with dialogue are
rendered, and the feed and site are rebuilt only when an episode was added or changed (or
there is no feed yet). Existing episodes keep their guids.

Quiet when nothing changed: no output at all, exit status 0. Otherwise one line per post
rendered or failed on stderr, and the totals on stdout (cron mails them).

Exit status: 0 when nothing failed; 1 when a feed, page or post failed, publishing failed, or
the sync could not start; 2 for a usage error; 130 when interrupted.

Example: podcast sync https://blog.example.com/feed/
Example: podcast sync https://blog.example.com/feed/ --since 2024-01-01 --limit 20 -o site/
Example: podcast sync https://blog.example.com/wp-json/wp/v2/posts --rate 0.5
"""


def register(app: typer.Typer) -> None:
    """Add ``podcast sync`` to ``app``."""
    app.command("sync", help=help_text(HELP))(sync_command)


def sync_command(
    feeds: Annotated[
        list[str],
        typer.Argument(
            metavar="FEED_URL...",
            help="A blog's feed, REST API or home page address (https://blog.example.com/feed/).",
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    since: SinceOption = None,
    limit: LimitOption = None,
    include_all: AllOption = False,
    rate: RateOption = 1.0,
    base_url: BaseUrlOption = None,
    jobs: JobsOption = None,
    engine: EngineOption = None,
    minutes: MinutesOption = None,
    seconds: SecondsOption = None,
    summarizer: SummarizerOption = None,
    model: ModelOption = None,
    fit: FitOption = True,
    post_timeout: PostTimeoutOption = 900.0,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    for feed in feeds:
        if not is_web_address(feed):
            raise typer.BadParameter(f"{feed!r} is not an http:// or https:// address", param_hint="FEED_URL")
    show = load_show_for(None, config)
    options = BatchOptions(
        render=RenderOptions(
            output_root=output_root(output, show),
            engine=engine,
            target_seconds=target_seconds(minutes, seconds, show),
            summarizer=summarizer,
            fit=fit,
            model=model,
        ),
        web=web_options(since=since, limit=limit, include_all=include_all, rate=rate),
        max_bytes=max_bytes,
        jobs=jobs,
        base_url=base_url,
        post_timeout=post_timeout,
        republish=False,
    )
    display = _Quiet()
    report = run_with(feeds, show, options, display)
    _conclude(report, display)
    if not report.ok:
        raise typer.Exit(1)


class _Quiet(Follower):
    """Says nothing until something happens: a post rendered or failed. Warnings are held
    back and shown only then (a standing warning would make cron mail every run)."""

    def __init__(self) -> None:
        self.held: list[str] = []
        self.spoke = False

    def warning(self, message: str) -> None:
        if self.spoke:
            warn([message])
        else:
            self.held.append(message)

    def finished(self, result: PostResult) -> None:
        if result.outcome is not None:
            self.recorded += 1
        if result.status in ("rendered", "failed", "pruned"):
            self.speak()
            console_err.print(result_line(result), soft_wrap=True, highlight=False, markup=False)
            warn(f"{result.key}: {message}" for message in (result.outcome.warnings if result.outcome else ()))

    def speak(self) -> None:
        """From now on everything is shown: first what was held back."""
        if not self.spoke:
            self.spoke = True
            for message in self.held:
                warn([message])
            self.held.clear()


def _conclude(report: BatchReport, display: _Quiet) -> None:
    """The totals, when there is anything to say."""
    if report.publish_error:
        display.speak()
        console_err.print(f"[bold red]error:[/] publishing failed: {escape(report.publish_error)}", soft_wrap=True)
    if not display.spoke:
        return
    if report.published is not None:
        for message in report.published.warnings:
            warn([message])
    totals = [f"{report.count(s)} {s}" for s in ("rendered", "skipped", "failed", "pruned") if report.count(s)]
    if report.published is not None:
        totals.append(f"feed: {report.published.feed} ({report.published.episodes} episodes)")
    typer.echo(" · ".join(totals))
