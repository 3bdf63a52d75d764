"""Finding and running ffmpeg (never ffprobe: the PyPI build has none).

Where ffmpeg comes from, first found wins: ``$PODCAST_FFMPEG``, ``ffmpeg`` on PATH, the
binary bundled by the ``imageio-ffmpeg`` wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from podcast.errors import AudioError

FFMPEG_ENV = "PODCAST_FFMPEG"


@cache
def ffmpeg_path() -> str:
    """The ffmpeg executable to use, or ``AudioError`` saying how to get one."""
    override = os.environ.get(FFMPEG_ENV)
    if override:
        if shutil.which(override) is None:
            raise AudioError(f"${FFMPEG_ENV} is {override!r}, which is not an executable ffmpeg")
        return override
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise AudioError(f"ffmpeg not found: install it (pip install imageio-ffmpeg) or set ${FFMPEG_ENV}") from exc


def run(
    args: Sequence[str], *, data: bytes | None = None, timeout: float = 600.0
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with ``args`` (quiet, no stdin prompts); failures become one-line ``AudioError``."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        result = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise AudioError(f"ffmpeg could not be started ({command[0]}); set ${FFMPEG_ENV}") from exc
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"ffmpeg took longer than {timeout:.0f} s and was stopped") from exc
    if result.returncode != 0:
        lines = [x for x in result.stderr.decode("utf-8", "replace").splitlines() if x.strip()]
        raise AudioError(f"ffmpeg failed: {lines[-1] if lines else f'exit status {result.returncode}'}")
    return result


def decode(data: bytes, *, sample_rate: int, input_format: str | None = None) -> npt.NDArray[np.float32]:
    """Decode any audio ffmpeg reads (MP3, WAV…) to mono float32 samples at ``sample_rate``."""
    args = ["-f", input_format] if input_format else []
    result = run([*args, "-i", "pipe:0", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1"], data=data)
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def decode_file(path: str, *, sample_rate: int) -> npt.NDArray[np.float32]:
    """Like ``decode`` for a file on disk."""
    result = run(["-i", path, "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1"])
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
