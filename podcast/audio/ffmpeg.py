"""Finding and running ffmpeg (never ffprobe: the PyPI build has none).

Where ffmpeg comes from, first found wins: ``$PODCAST_FFMPEG``, ``ffmpeg`` on PATH, the
binary bundled by the ``imageio-ffmpeg`` wheel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, cast

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
    args: Sequence[str], *, data: bytes | memoryview | None = None, timeout: float = 600.0
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with ``args`` (quiet, no stdin prompts); failures become one-line ``AudioError``."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        result = subprocess.run(
            command, input=data, capture_output=True, timeout=timeout, check=False, preexec_fn=_die_with_parent()
        )
    except FileNotFoundError as exc:
        raise AudioError(f"ffmpeg could not be started ({command[0]}); set ${FFMPEG_ENV}") from exc
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"ffmpeg took longer than {timeout:.0f} s and was stopped") from exc
    if result.returncode != 0:
        raise AudioError(failure(result.stderr.decode("utf-8", "replace"), result.returncode, args))
    return result


def run_piped(
    first: Sequence[str],
    second: Sequence[str],
    *,
    data: bytes | memoryview | None = None,
    cwd: str | None = None,
    timeout: float = 600.0,
) -> str:
    """Run two ffmpegs at once, the first's standard output feeding the second's standard
    input (in ``cwd``); returns the second's log. A failure of either is one ``AudioError``."""
    commands = [[ffmpeg_path(), "-hide_banner", "-nostdin", "-y", *args] for args in (first, second)]
    pipe = subprocess.PIPE
    try:
        head = subprocess.Popen(
            commands[0], stdin=pipe, stdout=pipe, stderr=pipe, cwd=cwd, preexec_fn=_die_with_parent()
        )
    except FileNotFoundError as exc:
        raise AudioError(f"ffmpeg could not be started ({commands[0][0]}); set ${FFMPEG_ENV}") from exc
    try:
        tail = subprocess.Popen(
            commands[1], stdin=head.stdout, stdout=subprocess.DEVNULL, stderr=pipe, cwd=cwd,
            preexec_fn=_die_with_parent(),
        )  # fmt: skip
    except BaseException:
        head.kill()
        head.wait()
        raise
    assert head.stdout is not None
    head.stdout.close()  # the second ffmpeg's now: the first sees it hang up if it fails
    logs: dict[str, bytes] = {}

    def feed() -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            # communicate() writes any buffer (it takes a memoryview of it); typed as bytes.
            logs["first"] = head.communicate(cast(bytes | None, data), timeout=timeout)[1]

    feeder = threading.Thread(target=feed, name="ffmpeg-feed", daemon=True)
    feeder.start()
    try:
        logs["second"] = tail.communicate(timeout=timeout)[1]
        feeder.join(timeout)
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"ffmpeg took longer than {timeout:.0f} s and was stopped") from exc
    finally:
        for process in (head, tail):
            if process.poll() is None:
                process.kill()
                process.wait()
        feeder.join(5)
    if head.returncode != 0:
        raise AudioError(failure(logs.get("first", b"").decode("utf-8", "replace"), head.returncode, first))
    if tail.returncode != 0:
        raise AudioError(failure(logs["second"].decode("utf-8", "replace"), tail.returncode, second))
    return logs["second"].decode("utf-8", "replace")


_CAUSES = ("No space left on device", "Disk quota exceeded", "Read-only file system", "Permission denied")


def failure(stderr: str, returncode: int, args: Sequence[str]) -> str:
    """One line saying why ffmpeg failed: the cause it names (a full disk, and where) rather
    than its closing "Conversion failed!".

    >>> failure("[out#0/mp3] Error writing trailer: No space left on device\\nConversion failed!", 1, ["x.mp3"])
    'no space left on device while ffmpeg wrote x.mp3'
    """
    lines = [x.strip() for x in stderr.splitlines() if x.strip()]
    output = next((a for a in reversed(args) if a and not a.startswith(("-", "pipe:"))), None)
    for cause in _CAUSES:
        if any(cause in line for line in lines):
            return f"{cause.lower()} while ffmpeg wrote {output or 'its output'}"
    telling = [x for x in lines if x != "Conversion failed!"]
    errors = [x for x in telling if "rror" in x or "nvalid" in x]
    return f"ffmpeg failed: {(errors or telling or lines or [f'exit status {returncode}'])[-1]}"


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a child that is killed when this process dies (even by SIGKILL): a killed
    render leaves no ffmpeg behind."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = _prctl()
    if prctl is None:
        return None

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    return arm


PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Any:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def decode(data: bytes, *, sample_rate: int, input_format: str | None = None) -> npt.NDArray[np.float32]:
    """Decode any audio ffmpeg reads (MP3, WAV…) to mono float32 samples at ``sample_rate``."""
    args = ["-f", input_format] if input_format else []
    result = run([*args, "-i", "pipe:0", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1"], data=data)
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def decode_file(path: str, *, sample_rate: int) -> npt.NDArray[np.float32]:
    """Like ``decode`` for a file on disk."""
    result = run(["-i", path, "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1"])
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
