"""The ``podcast`` command: a thin layer that reads options, calls the library and reports.

Errors: a ``PodcastError`` becomes one line on stderr and exit 1; a usage error one line and
exit 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from podcast import __version__
from podcast.cli import batch as batch_cmd
from podcast.cli import cache as cache_cmd
from podcast.cli import feed as feed_cmd
from podcast.cli import init as init_cmd
from podcast.cli import parse as parse_cmd
from podcast.cli import render as render_cmd
from podcast.cli import say as say_cmd
from podcast.cli import script as script_cmd
from podcast.cli import serve as serve_cmd
from podcast.cli import voices as voices_cmd
from podcast.cli.common import console_err
from podcast.errors import PodcastError


class _Group(TyperGroup):
    """Turns a ``PodcastError`` into one line on stderr and exit 1 (also under CliRunner).

    Usage errors keep typer's own report and exit 2.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except PodcastError as exc:
            message = " ".join(str(exc).split("\n"))
            console_err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            if kwargs.get("standalone_mode", True):
                sys.exit(1)
            raise


app = typer.Typer(
    cls=_Group,
    name="podcast",
    help=(
        "Turn dialogue blog posts into two-minute 小雅 podcast episodes.\n\n"
        "Example: podcast render episodes/lossless-compression.md"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"podcast {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn dialogue blog posts into two-minute 小雅 podcast episodes."""


parse_cmd.register(app)
script_cmd.register(app)
render_cmd.register(app)
voices_cmd.register(app)
say_cmd.register(app)
cache_cmd.register(app)
feed_cmd.register(app)
serve_cmd.register(app)
init_cmd.register(app)
batch_cmd.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
