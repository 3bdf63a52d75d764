"""The ``edge`` speech engine: Microsoft's neural voices through edge-tts (needs the network).

The service behind edge-tts is free, unauthenticated and unreliable: it refuses handshakes
when its token scheme changes, sends no audio now and then, rate-limits parallel
connections and can hang without an answer. So every attempt must bring its first audio
within ``FIRST_AUDIO_SECONDS`` and end within its timeout, every call within its deadline;
failures that may pass are retried with exponential backoff and full jitter, failures that
will not pass are reported at once; after ``BREAKER_FAILURES`` attempts in a row that the
service did not answer, every later call fails at once; and at most ``max_concurrent``
calls are in flight at a time, across the threads of this process and across processes
of this user (lock files under ``cache_dir()/locks``).

edge-tts is an optional extra and is imported only when the service is used.

The package's modules, each depending only on those before it:

- :mod:`.voices` — the known voices and the prosody mapping (``rate_string`` …).
- :mod:`.stream` — one call: ``EdgeRequest``, the chunk stream, ``communicate_stream``,
  running it on a private event loop.
- :mod:`.failures` — sorting failures into retried and final ones, backoff, the message.
- :mod:`.breaker` — ``CircuitBreaker``: the service taken to be down after failures in a row.
- :mod:`.slots` — ``ProcessSlots``, the cross-process limit on calls in flight.
- :mod:`.engine` — ``EdgeEngine``.
"""

from __future__ import annotations

from podcast.slots import ProcessSlots
from podcast.speech.edge.breaker import BREAKER_FAILURES, CircuitBreaker
from podcast.speech.edge.engine import CALL_DEADLINE_SECONDS, EdgeEngine
from podcast.speech.edge.failures import backoff_delay
from podcast.speech.edge.stream import (
    FIRST_AUDIO_SECONDS,
    SAMPLE_RATE,
    EdgeRequest,
    StreamChunk,
    StreamFactory,
    call_timeout,
    communicate_stream,
    timings_from_boundaries,
)
from podcast.speech.edge.stream import TICKS_PER_SECOND as TICKS_PER_SECOND
from podcast.speech.edge.voices import KNOWN_VOICES, pitch_string, rate_string, volume_string

__all__ = [
    "BREAKER_FAILURES",
    "CALL_DEADLINE_SECONDS",
    "FIRST_AUDIO_SECONDS",
    "KNOWN_VOICES",
    "SAMPLE_RATE",
    "CircuitBreaker",
    "EdgeEngine",
    "EdgeRequest",
    "ProcessSlots",
    "StreamChunk",
    "StreamFactory",
    "backoff_delay",
    "call_timeout",
    "communicate_stream",
    "pitch_string",
    "rate_string",
    "timings_from_boundaries",
    "volume_string",
]
