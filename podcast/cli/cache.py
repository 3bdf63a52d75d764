"""``podcast cache``: what the speech cache holds, and clearing it."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer

from podcast import stored
from podcast.cli.common import console, help_text
from podcast.errors import OutputError
from podcast.paths import cache_dir
from podcast.speech.cache import SegmentCache

HELP = """Show or clear the cache of synthesized sentences.

The cache also holds the installed offline voice.

Its folder is the platform's user cache, or $PODCAST_CACHE_DIR.

Example: podcast cache info
"""
INFO_HELP = """Show where the cache is and how much it holds.

Example: podcast cache info
"""
CLEAR_HELP = """Remove the synthesized sentences (re-rendering will synthesize them again), and the
covers, stings and encoded episodes kept to make renders faster.

Example: podcast cache clear --all
"""

cache_app = typer.Typer(help=help_text(HELP), no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


@cache_app.command("info", help=help_text(INFO_HELP))
def info() -> None:
    stats = SegmentCache().stats()
    voices = cache_dir() / "voices"
    voice_bytes = sum(p.stat().st_size for p in voices.rglob("*") if p.is_file()) if voices.is_dir() else 0
    console.print(f"cache folder: {cache_dir()}", soft_wrap=True, highlight=False)
    console.print(f"sentences: {stats.entries} ({_size(stats.size_bytes)})", highlight=False)
    console.print(f"voice assets: {_size(voice_bytes)}", highlight=False)


@cache_app.command("clear", help=help_text(CLEAR_HELP))
def clear(
    everything: Annotated[bool, typer.Option("--all", help="Also remove the installed offline voice.")] = False,
) -> None:
    removed = SegmentCache().clear()
    message = f"removed {removed} cached sentences"
    derived = stored.clear()  # covers, stings, encoded MP3s, tables: made again when needed
    if derived:
        message += f" and {derived} other cached files"
    if everything:
        voices = cache_dir() / "voices"
        if voices.is_dir():
            try:
                shutil.rmtree(voices)
            except OSError as exc:
                raise OutputError(f"cannot remove {voices}: {exc.strerror or exc}") from exc
        message += " and the offline voice (reinstall: podcast voices install)"
    console.print(message, highlight=False)
