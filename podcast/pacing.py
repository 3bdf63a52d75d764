"""How an episode's time is spent beyond speech: jingles and pauses.

The script budget and the assembly share these numbers, so what the script plans for is
what the renderer builds.
"""

from __future__ import annotations

INTRO_JINGLE_SECONDS = 3.0
"""The opening sting (the generated default's length)."""
OUTRO_JINGLE_SECONDS = 3.0
"""The closing sting."""
GAP_BETWEEN_SEGMENTS = 0.4
"""Silence between two speakers' segments (natural turn-taking is ≈ 0.2 s; blocks read
better with a little more)."""
GAP_BEFORE_OUTRO = 0.9
"""Silence before the sign-off."""


def overhead_seconds(segments: int) -> float:
    """Seconds of music and pauses around ``segments`` spoken segments.

    >>> overhead_seconds(6)
    8.5
    """
    if segments <= 0:
        return INTRO_JINGLE_SECONDS + OUTRO_JINGLE_SECONDS
    gaps = max(0, segments - 2) * GAP_BETWEEN_SEGMENTS + (GAP_BEFORE_OUTRO if segments > 1 else 0.0)
    return INTRO_JINGLE_SECONDS + OUTRO_JINGLE_SECONDS + gaps
