"""``podcast render``: a post (or an edited script) to a finished episode folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from podcast.cli.common import (
    ConfigOption,
    EngineOption,
    FitOption,
    ForceModelOption,
    MaxBytesOption,
    MinutesOption,
    ModelOption,
    OutputOption,
    SecondsOption,
    SummarizerOption,
    console,
    console_err,
    duration_text,
    help_text,
    load_show_for,
    output_root,
    target_seconds,
    warn,
)
from podcast.errors import ScriptError
from podcast.model import Post, Script
from podcast.parse.source import DEFAULT_MAX_BYTES, read_text
from podcast.pipeline import Context, RenderOptions, read_post, render
from podcast.script.scriptfile import from_markdown

HELP = """Render a post (or an edited script) to a finished, publishable episode.

The post is a file or the web address of its page: a page is fetched politely (robots.txt
honoured, at most one request a second to a site) and read as its saved copy would be; its
address names the episode folder, and the episode page links to its canonical address.

小雅's script is voiced (offline by default) between two jingles, normalized for podcast
apps (−19 LUFS mono, ≤ −1 dBTP) and written as an MP3 with ID3 chapters and cover art,
a WebVTT/SRT transcript, Podcasting 2.0 chapters and episode.json.

The episode folder (OUTPUT/episodes/SLUG/) is replaced only when the new one is complete.

Example: podcast render episodes/lossless-compression.md
Example: podcast render https://blog.example.org/2024/05/post.html
Example: podcast render --script script.md --engine edge
"""


def register(app: typer.Typer) -> None:
    app.command("render", help=help_text(HELP))(render_command)


def render_command(
    post: Annotated[
        str | None,
        typer.Argument(
            help="The post: a file (.md, .txt, .html) or its web address (http:// or https://).",
            show_default=False,
        ),
    ] = None,
    script: Annotated[
        Path | None, typer.Option("--script", help="Render this (edited) script instead of a post.")
    ] = None,
    output: OutputOption = None,
    engine: EngineOption = None,
    minutes: MinutesOption = None,
    seconds: SecondsOption = None,
    slug: Annotated[str | None, typer.Option("--slug", help="The episode's folder name.")] = None,
    summarizer: SummarizerOption = None,
    model: ModelOption = None,
    force: ForceModelOption = False,
    fit: FitOption = True,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or warnings; print the MP3 path only.")
    ] = False,
) -> None:
    if (post is None) == (script is None):
        raise typer.BadParameter("give a POST or --script FILE (one of them)")
    show = load_show_for(post if post is not None else script, config)
    source: Post | Script
    if script is not None:
        if minutes is not None or seconds is not None:
            raise typer.BadParameter("--minutes/--seconds apply to posts; a script's length is its text")
        source = from_markdown(_read_script(script, max_bytes), str(script))
        target = None
    else:
        assert post is not None
        source = read_post(post, Context(show), max_bytes=max_bytes)
        warn(source.warnings, quiet=quiet)
        target = target_seconds(minutes, seconds, show)
    options = RenderOptions(
        output_root=output_root(output, show), engine=engine, target_seconds=target, summarizer=summarizer,
        fit=fit, slug=slug, model=model, force=force,
    )  # fmt: skip
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=quiet or not console_err.is_terminal,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        result = render(source, show, options, progress=progress)
    episode = result.episode
    mp3 = result.folder / episode.audio
    if quiet:
        typer.echo(str(mp3))
        return
    warn(episode.warnings)
    console.print(f"[bold]{episode.title}[/]", soft_wrap=True)
    console.print(
        f"{mp3}  {duration_text(episode.duration)} · {episode.loudness['integrated']:.1f} LUFS · "
        f"peak {episode.loudness['true_peak']:.1f} dBTP · {len(episode.chapters)} chapters · {episode.engine} voice · "
        f"{result.synthesized} sentences synthesized, {result.reused} from cache",
        soft_wrap=True,
        highlight=False,
    )


def _read_script(path: Path, max_bytes: int) -> str:
    from podcast.errors import ParseError

    try:
        return read_text(path, max_bytes=max_bytes)
    except ParseError as exc:
        raise ScriptError(str(exc)) from exc
