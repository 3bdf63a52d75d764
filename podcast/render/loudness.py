"""Loudness for podcast apps: EBU R128, one gain to target, peaks limited.

Targets: −16 LUFS integrated for stereo, −19 LUFS for mono (the same perceived level), true
peak at most −1 dBTP (Apple, AES TD1004). The episode's loudness is measured here (ITU-R
BS.1770-4, :func:`integrated_loudness`), raised or lowered by one gain (so speech keeps its
dynamics), and a look-ahead limiter holds the peaks under the ceiling with room for what MP3
encoding adds; the encoded file — what is published — is then measured by ffmpeg's
``ebur128`` filter (true peak included) and encoded again if it missed. Two ffmpeg passes,
where a two-pass ``loudnorm`` would take three times as long (it works at 192 kHz).

An episode whose audio and settings were encoded before is not encoded again: the MP3 is
kept in the cache under their digest (:func:`encode_mp3`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from podcast import fsutil, stored
from podcast.audio import ffmpeg
from podcast.errors import AudioError

TARGET_MONO = -19.0
TARGET_STEREO = -16.0
TRUE_PEAK_CEILING = -1.0
TOLERANCE_LU = 0.5
"""How close to the target an encode must land before it is accepted."""


@dataclass(frozen=True, slots=True)
class Loudness:
    """An EBU R128 measurement."""

    integrated: float
    """Integrated loudness, LUFS."""
    true_peak: float
    """True peak, dBTP."""
    lra: float
    """Loudness range, LU."""
    duration: float = 0.0
    """Seconds of audio measured (what ffmpeg decoded)."""


def measure(path: Path, *, true_peak: bool = True) -> Loudness:
    """Measure a file with ffmpeg's ``ebur128`` filter (true peak costs a 4× oversampling)."""
    # No framelog=quiet: some ffmpeg builds then report "I: 0.0 LUFS".
    spec = "ebur128=peak=true" if true_peak else "ebur128=peak=sample"
    result = ffmpeg.run(["-i", str(path), "-af", spec, "-f", "null", "-"])
    return parse_ebur128(result.stderr.decode("utf-8", "replace"))


def parse_ebur128(log: str) -> Loudness:
    """The summary numbers (and decoded length) from an ``ebur128`` log.

    >>> log = "Summary:\\n  Integrated loudness:\\n    I:         -19.0 LUFS\\n  Loudness range:\\n"
    >>> log += "    LRA:         6.1 LU\\n  True peak:\\n    Peak:       -1.6 dBFS\\nsize=N/A time=00:01:57.89 bi"
    >>> parse_ebur128(log)
    Loudness(integrated=-19.0, true_peak=-1.6, lra=6.1, duration=117.89)
    """
    summary = log[log.rfind("Summary:") :]
    found = {
        key: re.search(pattern, summary)
        for key, pattern in (("I", r"I:\s+(-?[\d.]+|-inf)\s+LUFS"), ("LRA", r"LRA:\s+(-?[\d.]+)\s+LU"),
                             ("TP", r"Peak:\s+(-?[\d.]+|-inf)\s+dBFS"))
    }  # fmt: skip
    if not all(found.values()):
        raise AudioError("ffmpeg's loudness measurement gave no summary")
    value = {k: float(m.group(1)) for k, m in found.items() if m}
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", log)
    duration = 0.0
    if times:
        hours, minutes, seconds = times[-1]
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return Loudness(value["I"], value["TP"], value["LRA"], duration)


ENCODING_REVISION = 2
"""Bumped when the same audio and settings would be encoded differently."""


def encode_mp3(
    pcm: npt.NDArray[np.int16],
    rate: int,
    mp3: Path,
    *,
    target: float = TARGET_MONO,
    ceiling: float = TRUE_PEAK_CEILING,
    bitrate_kbps: int = 64,
    sample_rate: int = 44100,
    channels: int = 1,
    cache_root: Path | None = None,
) -> Loudness:
    """Write 16-bit mono ``pcm`` (at ``rate``) to ``mp3`` at ``target`` LUFS with true peaks
    under ``ceiling``, as a CBR MP3 without tags; return the MP3's own measurement.

    The same samples with the same settings give the MP3 kept from last time (in the cache
    at ``cache_root``, default the user's), unmeasured and unencoded: a warm render with
    nothing changed runs no ffmpeg at all.
    """
    data = memoryview(np.ascontiguousarray(pcm, dtype="<i2").data).cast("B")
    settings = [ENCODING_REVISION, rate, target, ceiling, bitrate_kbps, sample_rate, channels, ffmpeg.ffmpeg_path()]
    key = stored.digest("mp3", settings, hashlib.sha256(data).hexdigest())
    store = stored.Store("encoded", cache_root, limit=32)
    kept, measured = store.read(key, ".mp3"), store.read(key, ".json")
    if kept is not None and measured is not None:
        try:
            result = Loudness(**json.loads(measured))
        except (ValueError, TypeError):
            pass  # not what was kept: encode again
        else:
            fsutil.write_bytes(mp3, kept)
            return result
    result = normalize_to_mp3(
        data, rate, mp3, target=target, ceiling=ceiling, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate,
        channels=channels, loudness=round(integrated_loudness(pcm, rate), 1),
    )  # fmt: skip
    if abs(target - result.integrated) <= TOLERANCE_LU and result.true_peak <= ceiling:
        store.write(key, ".mp3", mp3.read_bytes())
        store.write(key, ".json", json.dumps(asdict(result)).encode())
    return result


def normalize_to_mp3(
    pcm: bytes | memoryview,
    rate: int,
    mp3: Path,
    *,
    loudness: float,
    target: float = TARGET_MONO,
    ceiling: float = TRUE_PEAK_CEILING,
    bitrate_kbps: int = 64,
    sample_rate: int = 44100,
    channels: int = 1,
) -> Loudness:
    """Bring 16-bit mono ``pcm`` at ``rate``, whose integrated loudness is ``loudness``, to
    ``target`` LUFS with true peaks under ``ceiling`` as a CBR MP3.

    ``loudness`` is best given to 0.1 LU, as ffmpeg reports it: the encoded true peak moves
    by up to 0.4 dB with gains 0.03 dB apart, so a finer gain would change episodes that
    were measured by ffmpeg before.

    Returns the MP3's own measurement (and its decoded length).
    """
    if loudness <= -69.0:
        raise AudioError("the episode is silent: nothing to normalize")
    gain = target - loudness
    limit_db = ceiling - 1.0  # MP3 encoding and resampling lift peaks a little: keep room
    result = Loudness(loudness, 0.0, 0.0)
    for _ in range(3):
        limit = 10 ** (limit_db / 20)
        encode = [
            "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
            "-af", f"volume={gain:.2f}dB,aresample={sample_rate},"
                   f"alimiter=limit={limit:.4f}:attack=2:release=60:level=false:latency=true",
            "-ac", str(channels), "-ar", str(sample_rate), "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
        ]  # fmt: skip
        result = _encode_measured(pcm, mp3, encode)
        missed = target - result.integrated
        if abs(missed) <= TOLERANCE_LU and result.true_peak <= ceiling:
            return result
        # Limiting takes a little loudness away; put it back (and tighten the limit if the
        # peaks still got through).
        gain += missed
        if result.true_peak > ceiling:
            limit_db -= result.true_peak - ceiling + 0.3
    return result


_MP3_HEADERS = ["-write_xing", "1", "-id3v2_version", "0"]


def _encode_measured(pcm: bytes | memoryview, mp3: Path, encode: list[str]) -> Loudness:
    """Encode ``pcm`` to ``mp3`` and measure the MP3 frames written.

    The two run at once: ffmpeg's ``tee`` muxer writes the file and hands the same frames to
    a second ffmpeg that measures them as they come. Its decoded length also counts the
    encoder's delay and padding, which the file's LAME tag tells players to drop: the
    duration is the file's. An ffmpeg without ``tee`` encodes, then measures the file.
    """
    if re.fullmatch(r"[\w.-]+", mp3.name):  # tee's own syntax never meets this name
        outputs = f"[f=mp3:write_xing=1:id3v2_version=0]{mp3.name}|[f=mp3:write_xing=0:id3v2_version=0]pipe:1"
        measuring = ["-f", "mp3", "-i", "pipe:0", "-af", "ebur128=peak=true", "-f", "null", "-"]
        teeing = [*encode, "-map", "0:a", "-f", "tee", outputs]
        try:
            log = ffmpeg.run_piped(teeing, measuring, data=pcm, cwd=str(mp3.parent))
        except AudioError:
            pass  # no tee muxer, or a real failure: the plain way says which
        else:
            found = parse_ebur128(log)
            duration = tagged_duration(mp3)
            return Loudness(found.integrated, found.true_peak, found.lra, duration or found.duration)
    ffmpeg.run([*encode, *_MP3_HEADERS, "-f", "mp3", str(mp3)], data=pcm)
    return measure(mp3)


def tagged_duration(mp3: Path) -> float | None:
    """Seconds a player plays of ``mp3``, from its Xing/Info frame and LAME tag (frames less
    the encoder's delay and padding), to 0.01 s as ffmpeg reports it; None without them."""
    try:
        with open(mp3, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    at = max(head.find(b"Info"), head.find(b"Xing"))
    if at < 4 or len(head) < at + 8:
        return None
    flags = int.from_bytes(head[at + 4 : at + 8], "big")
    if not flags & 1:
        return None
    frames = int.from_bytes(head[at + 8 : at + 12], "big")
    lame = at + 12 + (4 if flags & 2 else 0) + (100 if flags & 4 else 0) + (4 if flags & 8 else 0)
    if len(head) < lame + 24:
        return None
    delay = (head[lame + 21] << 4) | (head[lame + 22] >> 4)
    padding = ((head[lame + 22] & 0x0F) << 8) | head[lame + 23]
    frame = head[:4]
    if frame[0] != 0xFF or (frame[1] & 0xE0) != 0xE0:
        return None
    version = (frame[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    rates = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
    rate_index = (frame[2] >> 2) & 3
    if version not in rates or rate_index == 3:
        return None
    rate = rates[version][rate_index]
    samples = frames * (1152 if version == 3 else 576) - delay - padding
    return math.floor(samples / rate * 100) / 100 if samples > 0 else None


# K-weighting (BS.1770-4) for any sample rate, as libebur128 derives it: a high shelf (+4 dB
# above ≈ 1.7 kHz, the head's effect) and a high-pass at ≈ 38 Hz. At 48 kHz these give
# the standard's published coefficients.
_SHELF = (1681.974450955533, 3.999843853973347, 0.7071752369554196)  # f0, gain dB, Q
_HIGH_PASS = (38.13547087602444, 0.5003270373238773)  # f0, Q
_FFT_SIZE = 1 << 16
_MIN_OVERLAP = 2048
"""Samples of history each FFT block carries: the filters' response has died away by then
(below −150 dB at 24 kHz)."""


def k_weighting(rate: int) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """The two biquads (b, a) of the K-weighting filter at ``rate``.

    >>> [round(c, 8) for c in k_weighting(48000)[0][0]]
    [1.53512486, -2.69169619, 1.19839281]
    """
    f0, gain_db, q = _SHELF
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0),
    )
    f0, q = _HIGH_PASS
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_pass = ((1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
    return [shelf, high_pass]


def integrated_loudness(samples: npt.NDArray[np.float32] | npt.NDArray[np.int16], rate: int) -> float:
    """Integrated loudness (LUFS) of mono ``samples`` (float, or 16-bit: full scale 32767)
    by ITU-R BS.1770-4: K-weighted, in 400 ms blocks every 100 ms, gated at −70 LUFS and
    10 LU under the mean of what passed. Filtered by FFT blocks (overlap-save); it agrees
    with ffmpeg's ``ebur128`` to its 0.1 LU.

    >>> tone = (0.3 * np.sin(2 * np.pi * 1000 * np.arange(240000) / 24000)).astype(np.float32)
    >>> round(integrated_loudness(tone, 24000), 1), integrated_loudness(np.zeros(24000, np.float32), 24000)
    (-13.4, -inf)
    """
    hop = rate // 10
    step = (_FFT_SIZE - _MIN_OVERLAP) // hop * hop
    overlap = _FFT_SIZE - step
    grid = np.exp(-1j * np.pi * np.arange(_FFT_SIZE // 2 + 1) / (_FFT_SIZE // 2))  # z⁻¹ on the FFT's bins
    response = np.ones(len(grid), np.complex128)
    for b, a in k_weighting(rate):
        response *= (b[0] + b[1] * grid + b[2] * grid**2) / (a[0] + a[1] * grid + a[2] * grid**2)
    response64 = response.astype(np.complex64)
    count = len(samples) // hop
    energy = np.empty(count, np.float64)  # sum of squares in each 100 ms
    block = np.zeros(_FFT_SIZE, np.float32)
    for first in range(0, count * hop, step):
        # The block holds samples first - overlap … first + step (zeros before the start).
        low = max(0, first - overlap)
        high = min(count * hop, first + step)
        block[:] = 0.0
        block[low - (first - overlap) : high - (first - overlap)] = samples[low:high]
        if samples.dtype == np.int16:
            block /= np.float32(32767.0)
        weighted = np.fft.irfft(np.fft.rfft(block) * response64, _FFT_SIZE)[overlap:]
        hops = min(step, count * hop - first) // hop
        squares = np.square(weighted[: hops * hop], dtype=np.float64)
        energy[first // hop : first // hop + hops] = squares.reshape(hops, hop).sum(axis=1)
    if count < 4:
        return float("-inf")
    blocks = (energy[:-3] + energy[1:-2] + energy[2:-1] + energy[3:]) / (4 * hop)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(blocks)
    passed = blocks[levels > -70.0]
    if not len(passed):
        return float("-inf")
    relative = -0.691 + 10 * math.log10(float(passed.mean())) - 10.0
    kept = blocks[(levels > -70.0) & (levels > relative)]
    return float(-0.691 + 10 * math.log10(float(kept.mean())))
