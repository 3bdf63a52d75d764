"""What every command shares: consoles and warning output."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


def warn(messages: Iterable[str], *, quiet: bool = False) -> None:
    """Print each warning as one line on stderr (unless quiet)."""
    if quiet:
        return
    for message in messages:
        console_err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True)
