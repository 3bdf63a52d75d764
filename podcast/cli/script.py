"""``podcast script``: write the two-minute 小雅 script of a post."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from podcast import fsutil
from podcast.cli.common import (
    ConfigOption,
    EngineOption,
    ForceModelOption,
    MaxBytesOption,
    MinutesOption,
    ModelOption,
    PostArgument,
    SecondsOption,
    SummarizerOption,
    console_err,
    help_text,
    load_show_for,
    target_seconds,
    warn,
)
from podcast.model import Script
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.pipeline import Context, Settings, read_post, write_script
from podcast.script.scriptfile import to_markdown

HELP = """Write a post's two-minute 小雅 script as Markdown you can edit and render.

小雅's intro, the dialogue retold speaker by speaker within the time budget, and the outro.
The post is a file or the web address of its page.

The budget is the target length times the narrator voice's measured pace, minus the
intro, outro, jingles and pauses.

Example: podcast script episodes/lossless-compression.md -o script.md --minutes 2

Example: podcast script https://blog.example.org/2024/05/post.html -o script.md
"""


def register(app: typer.Typer) -> None:
    app.command("script", help=help_text(HELP))(script)


def script(
    post: PostArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the script here instead of printing it.")
    ] = None,
    minutes: MinutesOption = None,
    seconds: SecondsOption = None,
    summarizer: SummarizerOption = None,
    model: ModelOption = None,
    force: ForceModelOption = False,
    engine: EngineOption = None,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or report.")] = False,
) -> None:
    show = load_show_for(post, config)
    context = Context(
        show,
        Settings(
            engine=engine,
            summarizer=summarizer,
            target_seconds=target_seconds(minutes, seconds, show),
            model=model,
            force=force,
        ),
    )
    _ = context.summarizer  # an unknown summarizer is one line before the post is read
    parsed = read_post(post, context, max_bytes=max_bytes)
    warn(parsed.warnings, quiet=quiet)
    written, plan = write_script(parsed, context)
    warn([*context.notes, *plan.notes], quiet=quiet)
    text = to_markdown(written)
    if output is None:
        typer.echo(text, nl=False)
    else:
        fsutil.write_text(output, text)
    if not quiet:
        where = f" → {output}" if output else ""
        console_err.print(
            f"script{where} by {_writer(written)}: {len(written.segments)} segments, "
            f"about {plan.estimated_seconds:.0f} s "
            f"({plan.speech_seconds:.0f} s of speech at {plan.pace:g}/s + {plan.overhead_seconds:.0f} s of "
            f"jingles and pauses; target {plan.target_seconds:.0f} s)",
            soft_wrap=True,
        )


def _writer(script: Script) -> str:
    """Which summarizer wrote the script (and with which model)."""
    return f"{script.summarizer} ({script.summarizer_model})" if script.summarizer_model else script.summarizer
