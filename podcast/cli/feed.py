"""``podcast feed``: build feed.xml and the site from the rendered episodes."""

from __future__ import annotations

from typing import Annotated

import typer

from podcast.cli.common import ConfigOption, OutputOption, console, help_text, load_show_for, output_root, warn
from podcast.publish import publish

HELP = """Build the podcast feed (feed.xml) and the static site from the rendered episodes.

RSS 2.0 with the itunes and Podcasting 2.0 tags Apple Podcasts, Spotify and gPodder read:
enclosures with their byte sizes, durations, transcripts, chapters, stable guids. An episode
folder that cannot be read keeps its previous feed entry.

Example: podcast feed --base-url https://example.com/podcast/
"""


def register(app: typer.Typer) -> None:
    app.command("feed", help=help_text(HELP))(feed)


def feed(
    output: OutputOption = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", envvar="PODCAST_BASE_URL", help="Where the output folder is published.")
    ] = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    show = load_show_for(None, config)
    result = publish(show, output_root(output, show), base_url=base_url)
    warn(result.warnings, quiet=quiet)
    if not quiet:
        console.print(f"{result.feed}: {result.episodes} episodes; site {result.site}", highlight=False)
