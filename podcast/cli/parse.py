"""``podcast parse``: show what the parser reads in a post."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from podcast.cli.common import MaxBytesOption, console, help_text, warn
from podcast.parse import read_post
from podcast.parse.source import DEFAULT_MAX_BYTES

HELP = """Parse a dialogue post and show its speakers, turns and notes.

Reads Markdown (with YAML front matter), HTML or plain text saved from a blog page,
in UTF-8, GB18030/GBK or Big5.

Example: podcast parse episodes/lossless-compression.md --json
"""


def register(app: typer.Typer) -> None:
    app.command("parse", help=help_text(HELP))(parse)


def parse(
    post: Annotated[Path, typer.Argument(help="The post file (.md, .txt, .html).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the parse as JSON.")] = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    parsed = read_post(post, max_bytes=max_bytes)
    warn(parsed.warnings, quiet=quiet)
    if as_json:
        typer.echo(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
        return
    heading = f"[bold]{parsed.title}[/]"
    details = [parsed.author or "author unknown", parsed.date or "date unknown", parsed.language]
    console.print(heading)
    console.print(" · ".join(details), style="dim")
    if parsed.broadcast:
        console.print("already a 小雅 broadcast: its intro and outro are kept as metadata", style="dim")
    table = Table(show_lines=False, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("speaker", no_wrap=True)
    table.add_column("label", style="dim", no_wrap=True)
    table.add_column("text", ratio=1)
    for number, turn in enumerate(parsed.turns, 1):
        text = turn.text.replace("\n\n", " ¶ ")
        short = text if len(text) <= 160 else text[:157] + "…"
        table.add_row(str(number), turn.speaker or "(narration)", turn.label or "", short)
    console.print(table)
    if parsed.notes:
        console.print(f"{len(parsed.notes)} note(s) outside the dialogue:", style="dim")
        for note in parsed.notes:
            console.print(f"  • {note[:160]}", style="dim")
