"""What every command shares: consoles and warning output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from podcast.config import Show, find_config, load_show
from podcast.web import is_address

if TYPE_CHECKING:
    from podcast.web.ingest import WebOptions

# Options several commands share, declared once.
ConfigOption = Annotated[Path | None, typer.Option("--config", help="The show's podcast.toml.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Output folder (default: the show's).")]
MinutesOption = Annotated[float | None, typer.Option("--minutes", min=0.1, help="Target length in minutes.")]
SecondsOption = Annotated[float | None, typer.Option("--seconds", min=1, help="Target length in seconds.")]
EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="offline, edge, auto or a plugin's engine (default: $PODCAST_ENGINE, the script's or the show's).",
    ),
]
SummarizerOption = Annotated[
    str | None,
    typer.Option("--summarizer", help="How to condense a post (default: $PODCAST_SUMMARIZER or extractive)."),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="The model --summarizer llm asks (default: [summarizer.llm] model in podcast.toml)."),
]
ForceModelOption = Annotated[
    bool, typer.Option("--force", help="Ask the summarizer's model again instead of reusing its cached answer.")
]
FitOption = Annotated[bool, typer.Option("--fit/--no-fit", help="Land the length on the target.")]
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes", envvar="PODCAST_MAX_BYTES", min=1, help="Refuse posts (a page: as decoded) larger than this."
    ),
]
PostArgument = Annotated[
    str,
    typer.Argument(
        help="The post: a file (.md, .txt, .html) or its web address (http:// or https://).",
        show_default=False,
    ),
]

console = Console(highlight=False, soft_wrap=True)
console_err = Console(stderr=True, highlight=False, soft_wrap=True)


_WIDE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def help_text(text: str) -> str:
    """Command help as paragraphs: lines inside a paragraph joined (the terminal wraps them),
    ``Example:`` lines and list items kept on lines of their own.

    >>> help_text("Render a post.\\n\\nThe folder is replaced\\nwhen complete.\\n\\nExample: a\\nExample: b")
    'Render a post.\\n\\nThe folder is replaced when complete.\\n\\nExample: a\\nExample: b'
    """
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            line = line.strip()
            if (
                lines
                and not line.startswith(("Example:", "- ", "Exit status"))
                and not lines[-1].startswith("Example:")
            ):
                wide = re.match(r"[\u3000-\u9fff\uff00-\uffef]", line[:1]) and re.search(
                    r"[\u3000-\u9fff\uff00-\uffef]$", lines[-1]
                )
                lines[-1] += ("" if wide else " ") + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def print_table(table: object) -> None:
    """Print a rich table; when stdout is not a terminal, wide enough that nothing is cut."""
    if console.is_terminal:
        console.print(table)
    else:
        Console(highlight=False, width=200).print(table)


def warn(messages: Iterable[str], *, quiet: bool = False) -> None:
    """Print each warning as one line on stderr (unless quiet)."""
    if quiet:
        return
    for message in messages:
        console_err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True)


def load_show_for(post: Path | str | None, config: Path | None) -> Show:
    """The show settings: ``--config``, else ``$PODCAST_CONFIG``, else the nearest
    ``podcast.toml`` above the post (or the current folder, for a web address), else defaults."""
    post = None if post is None or is_address(post) else Path(post)
    if config is None:
        config = find_config(post.parent if post is not None and post.exists() else None)
        if config is None and post is not None:
            config = find_config()
    return load_show(config)


def target_seconds(minutes: float | None, seconds: float | None, show: Show) -> float:
    """``--seconds`` or ``--minutes`` (not both), else the show's length."""
    if minutes is not None and seconds is not None:
        raise typer.BadParameter("give --minutes or --seconds, not both")
    if seconds is not None:
        return seconds
    return (minutes if minutes is not None else show.minutes) * 60.0


def output_root(output: Path | None, show: Show) -> Path:
    """``--output``, else ``$PODCAST_OUTPUT``, else the show's ``output`` (beside podcast.toml)."""
    from podcast.pipeline import Settings

    resolved = Settings(output_root=output).resolve(show).output_root
    assert resolved is not None
    return resolved


def duration_text(seconds: float) -> str:
    """``m:ss``.

    >>> duration_text(119.6)
    '2:00'
    """
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def web_options(*, since: dt.datetime | None, limit: int | None, include_all: bool, rate: float) -> WebOptions:
    """What ``batch`` and ``sync`` ask of a blog on the web; the fetching stack (httpx) is
    imported here, when a command runs, not when the CLI starts."""
    from podcast.web.ingest import WebOptions

    return WebOptions(since=since.date() if since else None, limit=limit, include_all=include_all, rate=rate)
