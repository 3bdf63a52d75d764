"""``podcast parse``: show what the parser reads in a post."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from podcast.cli.common import (
    ConfigOption,
    MaxBytesOption,
    PostArgument,
    console,
    help_text,
    load_show_for,
    warn,
)
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.pipeline import Context, read_post

HELP = """Parse a dialogue post and show its speakers, turns and notes.

Reads Markdown (with YAML front matter), HTML or plain text saved from a blog page,
in UTF-8, GB18030/GBK or Big5 — or the page at a web address, fetched politely
(robots.txt honoured, at most one request a second to a site, --max-bytes as decoded).
Page furniture (menus, bylines, share bars, captions, copyright lines, comments)
is left out; --explain lists every line that was, and why.
When the heuristics get a speaker wrong, pin it in front matter (speakers: {李老师: [李, 立委]})
or in podcast.toml's [speakers] table.

Example: podcast parse episodes/lossless-compression.md --json

Example: podcast parse saved-page.txt --explain

Example: podcast parse https://blog.example.org/2024/05/post.html
"""


def register(app: typer.Typer) -> None:
    app.command("parse", help=help_text(HELP))(parse)


def parse(
    post: PostArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print the parse as JSON.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also list every line not read as dialogue, and why.")
    ] = False,
    config: ConfigOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    show = load_show_for(post, config)
    parsed = read_post(post, Context(show), max_bytes=max_bytes)
    warn(parsed.warnings, quiet=quiet)
    if as_json:
        typer.echo(json.dumps(parsed.to_json(explain=explain), ensure_ascii=False, indent=2))
        return
    # A post's words are printed, never read as rich markup ("[/]" in a title is text).
    details = [parsed.author or "author unknown", parsed.date or "date unknown", parsed.language]
    console.print(f"[bold]{escape(parsed.title)}[/]")
    console.print(escape(" · ".join(details)), style="dim")
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
        who = turn.speaker or ("(stage direction)" if turn.direction else "(narration)")
        table.add_row(str(number), escape(who), escape(turn.label or ""), escape(short))
    console.print(table)
    if parsed.notes:
        console.print(f"{len(parsed.notes)} note(s) outside the dialogue:", style="dim")
        for note in parsed.notes:
            console.print(f"  • {escape(note[:160])}", style="dim")
    if explain:
        console.print(f"{len(parsed.left_out)} line(s) left out:", style="dim")
        for line in parsed.left_out:
            console.print(f"  [dim]{escape(line.why)}:[/] {escape(line.text[:140])}")
