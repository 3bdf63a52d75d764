"""The voices the edge-tts service offers, and how a :class:`~podcast.speech.base.Prosody`
becomes the ``rate``, ``volume`` and ``pitch`` strings edge-tts takes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from podcast.errors import SpeechError

MAPPING_REVISION = 1
"""Bumped whenever the prosody mapping changes, so cached segments are re-synthesized."""

KNOWN_VOICES: Mapping[str, Literal["Female", "Male"]] = {
    "zh-CN-XiaoxiaoNeural": "Female",
    "zh-CN-XiaoyiNeural": "Female",
    "zh-CN-YunjianNeural": "Male",
    "zh-CN-YunxiNeural": "Male",
    "zh-CN-YunxiaNeural": "Male",
    "zh-CN-YunyangNeural": "Male",
    "zh-CN-liaoning-XiaobeiNeural": "Female",
    "zh-CN-shaanxi-XiaoniNeural": "Female",
    "en-US-AnaNeural": "Female",
    "en-US-AndrewMultilingualNeural": "Male",
    "en-US-AndrewNeural": "Male",
    "en-US-AriaNeural": "Female",
    "en-US-AvaMultilingualNeural": "Female",
    "en-US-AvaNeural": "Female",
    "en-US-BrianMultilingualNeural": "Male",
    "en-US-BrianNeural": "Male",
    "en-US-ChristopherNeural": "Male",
    "en-US-EmmaMultilingualNeural": "Female",
    "en-US-EmmaNeural": "Female",
    "en-US-EricNeural": "Male",
    "en-US-GuyNeural": "Male",
    "en-US-JennyNeural": "Female",
    "en-US-MichelleNeural": "Female",
    "en-US-RogerNeural": "Male",
    "en-US-SteffanNeural": "Male",
}
"""Voices the service's Edge read-aloud list offers (zh-CN and common en-US), with gender.
The service has hundreds more; ``EdgeEngine.fetch_voices`` adds them when online."""

WITHDRAWN_VOICES: Mapping[str, str] = {
    "zh-CN-XiaochenNeural": "withdrawn by the service in 2025",
}
"""Voices that used to work and now only produce "no audio received"."""

NOMINAL_F0 = {"Female": 200.0, "Male": 120.0}
"""Typical speaking F0 in Hz of an adult voice, the base for turning a pitch multiplier into
the Hz offset edge-tts takes (it accepts no percentage for pitch)."""

# Azure's documented SSML limits: rate 0.5–2 times and pitch 0.5–1.5 times the voice's
# own; volume is relative to the default, which already is the maximum (100).
RATE_RANGE = (0.5, 2.0)
PITCH_RANGE = (0.5, 1.5)
VOLUME_RANGE = (0.0, 2.0)


def _clamp(value: float, bounds: tuple[float, float], what: str) -> float:
    if not math.isfinite(value):
        raise SpeechError(f"the {what} multiplier must be a finite number, not {value}")
    return min(max(value, bounds[0]), bounds[1])


def _signed(number: int, unit: str) -> str:
    return f"{number:+d}{unit}"


def rate_string(multiplier: float) -> str:
    """The edge-tts ``rate`` for a speaking-rate multiplier, clamped to what the service takes.

    >>> rate_string(1.1), rate_string(0.9), rate_string(1.0), rate_string(5.0), rate_string(0.0)
    ('+10%', '-10%', '+0%', '+100%', '-50%')
    """
    return _signed(round((_clamp(multiplier, RATE_RANGE, "rate") - 1.0) * 100), "%")


def volume_string(multiplier: float) -> str:
    """The edge-tts ``volume`` for a loudness multiplier.

    >>> volume_string(0.8), volume_string(1.0), volume_string(-1.0), volume_string(3.0)
    ('-20%', '+0%', '-100%', '+100%')
    """
    return _signed(round((_clamp(multiplier, VOLUME_RANGE, "volume") - 1.0) * 100), "%")


def pitch_string(multiplier: float, nominal_f0: float) -> str:
    """The edge-tts ``pitch`` (an offset in Hz) for a pitch multiplier of a voice speaking
    around ``nominal_f0`` Hz.

    >>> pitch_string(1.05, 200.0), pitch_string(0.95, 120.0), pitch_string(1.001, 200.0)
    ('+10Hz', '-6Hz', '+0Hz')
    >>> pitch_string(3.0, 200.0), pitch_string(0.1, 200.0)
    ('+100Hz', '-100Hz')
    """
    return _signed(round((_clamp(multiplier, PITCH_RANGE, "pitch") - 1.0) * nominal_f0), "Hz")
