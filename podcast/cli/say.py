"""``podcast say``: speak a line of text with any engine and voice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from podcast import fsutil
from podcast.audio import ffmpeg
from podcast.cli.common import ConfigOption, EngineOption, console_err, help_text, load_show_for, warn
from podcast.pipeline import Context, Settings
from podcast.pipeline import say as say_text
from podcast.speech import SAMPLE_RATE

HELP = """Speak a line of text with any engine and voice, to WAV or MP3.

The format follows the output file's extension.

--voice takes a profile name (podcast voices) or an engine voice id; the default is the
engine's narrator for the text's language.

Example: podcast say "我是数字秘书小雅，今天播报《无损压缩》。" -o hello.mp3
"""


def register(app: typer.Typer) -> None:
    app.command("say", help=help_text(HELP))(say)


def say(
    text: Annotated[str, typer.Argument(help="What to say.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="out.wav or out.mp3.", show_default=False)],
    engine: EngineOption = None,
    voice: Annotated[str | None, typer.Option("--voice", help="Profile name or engine voice id.")] = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or report.")] = False,
) -> None:
    suffix = output.suffix.lower()
    if suffix not in (".wav", ".mp3"):
        raise typer.BadParameter("the output must end in .wav or .mp3", param_hint="--output")
    if not text.strip():
        raise typer.BadParameter("there is nothing to say", param_hint="TEXT")
    show = load_show_for(None, config)
    context = Context(show, Settings(engine=engine))
    language = "zh" if re.search(r"[\u3400-\u9fff]", text) else "en"
    spoken, profile = say_text(text, context, language, voice)
    warn(context.notes, quiet=quiet)
    audio = spoken.audio
    pcm = (audio.samples.clip(-1, 1) * 32767).astype("<i2").tobytes()
    if suffix == ".wav":
        import io
        import wave

        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm)
        fsutil.write_bytes(output, buffer.getvalue())
    else:
        encoded = ffmpeg.run(
            ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "64k",
             "-f", "mp3", "pipe:1"], data=pcm,
        ).stdout  # fmt: skip
        fsutil.write_bytes(output, encoded)
    warn(audio.warnings, quiet=quiet)
    if not quiet:
        console_err.print(
            f"{output}: {audio.duration:.1f} s, {context.engine.name} voice {profile.voice} "
            f"({spoken.synthesized} synthesized, {spoken.reused} from cache)",
            soft_wrap=True,
            highlight=False,
        )
