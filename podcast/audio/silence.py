"""Finding where the sound is: every engine pads its output with silence of its own."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def voiced_span(
    samples: npt.NDArray[np.float32],
    sample_rate: int,
    *,
    threshold_db: float = -50.0,
    lead: float = 0.02,
    tail: float = 0.03,
) -> slice:
    """The part worth keeping: from just before the first sound to just after the last.

    A 10 ms frame counts as sound when its power is within ``threshold_db`` of the loudest
    frame; ``lead`` and ``tail`` seconds are kept around it (a soft onset, a decaying vowel).

    >>> tone = np.sin(np.arange(2400, dtype=np.float32)).astype(np.float32)
    >>> audio = np.concatenate([np.zeros(4800, np.float32), tone, np.zeros(4800, np.float32)])
    >>> span = voiced_span(audio, 24000)
    >>> (span.start, span.stop)
    (4320, 7920)
    >>> voiced_span(np.zeros(4800, np.float32), 24000)
    slice(0, 0, None)
    """
    frame = max(1, sample_rate // 100)
    usable = len(samples) - len(samples) % frame
    if usable == 0:
        return slice(0, len(samples))
    power = np.mean(samples[:usable].reshape(-1, frame).astype(np.float64) ** 2, axis=1)
    peak = float(power.max())
    if peak <= 0.0:
        return slice(0, 0)
    loud = np.flatnonzero(power > peak * 10 ** (threshold_db / 10))
    start = max(0, int(loud[0]) * frame - round(lead * sample_rate))
    stop = min(len(samples), (int(loud[-1]) + 1) * frame + round(tail * sample_rate))
    return slice(start, stop)
