"""The ``podcast`` command: a thin layer that reads options, calls the library and reports.

Errors: a ``PodcastError`` becomes one line on stderr and exit 1; a usage error one line and
exit 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from podcast import __version__
from podcast.cli.common import console_err
from podcast.errors import PodcastError

COMMANDS = ("parse", "script", "render", "voices", "say", "cache", "feed", "serve", "init", "batch", "sync")
"""Each command, in the order of the help, is the module ``podcast.cli.<name>`` (its
``register(app)`` adds it). A module is imported only when its command runs or the help
lists them all: ``podcast render`` never loads the batch, the site or the server."""


def _command(name: str) -> Any:
    """The command ``name`` as its module registers it (a click command of typer's)."""
    holder = typer.Typer()
    importlib.import_module(f"podcast.cli.{name}").register(holder)
    return typer.main.get_group(holder).commands[name]


class _Group(TyperGroup):
    """Turns a ``PodcastError`` into one line on stderr and exit 1 (also under CliRunner).

    Usage errors keep typer's own report and exit 2. Commands are built from their modules
    on first use (``COMMANDS``).
    """

    @property  # type: ignore[override]
    def commands(self) -> dict[str, Any]:
        """Every command (all modules imported)."""
        for name in COMMANDS:
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, Any]) -> None:
        self._commands = value

    def _load(self, name: str) -> None:
        if name in COMMANDS and name not in self._commands:
            self._commands[name] = _command(name)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self._commands if name not in COMMANDS)]

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


def main() -> None:
    """Console-script entry point."""
    app()
