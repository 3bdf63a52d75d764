"""``podcast script``: write the two-minute 小雅 script of a post."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from podcast import fsutil, registry
from podcast.cli.common import (
    ConfigOption,
    MaxBytesOption,
    MinutesOption,
    SecondsOption,
    console_err,
    help_text,
    load_show_for,
    show_voices_dir,
    target_seconds,
    warn,
)
from podcast.parse import read_post
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.profiles import load_voice_set
from podcast.script import load_summarizer, write_script
from podcast.script.scriptfile import to_markdown

HELP = """Write a post's two-minute 小雅 script as Markdown you can edit and render.

小雅's intro, the dialogue retold speaker by speaker within the time budget, and the outro.

The budget is the target length times the narrator voice's measured pace, minus the
intro, outro, jingles and pauses.

Example: podcast script episodes/lossless-compression.md -o script.md --minutes 2
"""


def register(app: typer.Typer) -> None:
    app.command("script", help=help_text(HELP))(script)


def script(
    post: Annotated[Path, typer.Argument(help="The post file (.md, .txt, .html).", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the script here instead of printing it.")
    ] = None,
    minutes: MinutesOption = None,
    seconds: SecondsOption = None,
    summarizer: Annotated[
        str, typer.Option("--summarizer", help="How to condense the post.", envvar="PODCAST_SUMMARIZER")
    ] = "extractive",
    engine: Annotated[
        str | None, typer.Option("--engine", help="Budget for this engine's voices (default: the show's).")
    ] = None,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or report.")] = False,
) -> None:
    show = load_show_for(post, config)
    chosen = load_summarizer(summarizer)
    parsed = read_post(post, max_bytes=max_bytes, aliases=show.aliases)
    warn(parsed.warnings, quiet=quiet)
    voices = load_voice_set(_profile_engine(engine or show.engine), parsed.language, show_voices_dir(show))
    written, plan = write_script(
        parsed,
        show=show,
        voices=voices,
        target_seconds=target_seconds(minutes, seconds, show),
        summarizer=chosen,
    )
    text = to_markdown(written)
    if output is None:
        typer.echo(text, nl=False)
    else:
        fsutil.write_text(output, text)
    if not quiet:
        where = f" → {output}" if output else ""
        console_err.print(
            f"script{where}: {len(written.segments)} segments, about {plan.estimated_seconds:.0f} s "
            f"({plan.speech_seconds:.0f} s of speech at {plan.pace:g}/s + {plan.overhead_seconds:.0f} s of "
            f"jingles and pauses; target {plan.target_seconds:.0f} s)",
            soft_wrap=True,
        )


def _profile_engine(engine: str) -> str:
    """The profile set a script is budgeted with: ``auto`` plans for the offline voice it
    falls back to."""
    if engine == "auto":
        return "offline"
    registry.load(registry.ENGINES, engine)  # an unknown name raises, listing the known engines
    return engine
