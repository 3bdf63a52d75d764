"""What every command shares: consoles and warning output."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from podcast.config import Show, find_config, load_show

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


def warn(messages: Iterable[str], *, quiet: bool = False) -> None:
    """Print each warning as one line on stderr (unless quiet)."""
    if quiet:
        return
    for message in messages:
        console_err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True)


def load_show_for(post: Path | None, config: Path | None) -> Show:
    """The show settings: ``--config``, else ``$PODCAST_CONFIG``, else the nearest
    ``podcast.toml`` above the post (or the current folder), else defaults."""
    if config is None:
        config = find_config(post.parent if post is not None and post.exists() else None)
        if config is None and post is not None:
            config = find_config()
    return load_show(config)


def show_voices_dir(show: Show) -> Path | None:
    """The show's own ``voices/`` folder, if it has one."""
    folder = show.root / "voices"
    return folder if folder.is_dir() else None


def target_seconds(minutes: float | None, seconds: float | None, show: Show) -> float:
    """``--seconds`` or ``--minutes`` (not both), else the show's length."""
    if minutes is not None and seconds is not None:
        raise typer.BadParameter("give --minutes or --seconds, not both")
    if seconds is not None:
        return seconds
    return (minutes if minutes is not None else show.minutes) * 60.0
