"""The circuit breaker: after a few calls in a row that the service did not answer (timed
out, could not connect), the service is taken to be down, and every later call fails at
once with one clear message instead of waiting out its own timeouts and retries.

Engines on the real service share one breaker per proxy for the whole process (a batch
builds an engine per post; the third post should not wait for what the first learned).
An engine given its own stream factory gets a breaker of its own.
"""

from __future__ import annotations

import threading

from podcast.errors import ServiceError
from podcast.speech.edge.failures import _Fault

BREAKER_FAILURES = 3
"""Calls in a row that time out or cannot connect before the service is taken to be down."""

_DOWN_KINDS = frozenset({"timeout", "unreachable"})
"""Failures that say the service is not answering; any other outcome is an answer."""


class CircuitBreaker:
    """Counts calls in a row the service did not answer; opens at ``threshold`` and stays
    open for the life of the process (a run is minutes; the user retries later)."""

    def __init__(self, threshold: int = BREAKER_FAILURES) -> None:
        if threshold < 1:
            raise ValueError("the breaker threshold must be at least 1")
        self.threshold = threshold
        self._lock = threading.Lock()
        self._failures = 0
        self._last: _Fault | None = None
        self._open = threading.Event()

    @property
    def is_open(self) -> bool:
        """Whether calls are refused."""
        return self._open.is_set()

    def check(self) -> None:
        """Raise the breaker's ``ServiceError`` when it is open."""
        if self._open.is_set():
            raise ServiceError(self.message())

    def record(self, fault: _Fault | None) -> bool:
        """Note one call's outcome (``None``: it succeeded); whether the breaker is now open."""
        with self._lock:
            if self._open.is_set():
                return True
            if fault is None or fault.kind not in _DOWN_KINDS:
                self._failures = 0
                return False
            self._failures += 1
            self._last = fault
            if self._failures >= self.threshold:
                self._open.set()
            return self._open.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds``, or less if the breaker opens meanwhile; whether it is open."""
        return self._open.wait(max(0.0, seconds))

    def message(self) -> str:
        """The one line every refused call raises."""
        with self._lock:
            failures, last = self._failures, self._last
        reason = f"; the last: {last.reason}" if last is not None else ""
        return (
            f"the edge voices are not answering ({failures} calls failed in a row){reason}; "
            "check the network, try again later or use --engine offline"
        )


_SHARED: dict[tuple[str | None, int], CircuitBreaker] = {}
_SHARED_LOCK = threading.Lock()


def shared_breaker(proxy: str | None, threshold: int = BREAKER_FAILURES) -> CircuitBreaker:
    """The process's breaker for the real service reached through ``proxy``."""
    with _SHARED_LOCK:
        breaker = _SHARED.get((proxy, threshold))
        if breaker is None:
            breaker = _SHARED[(proxy, threshold)] = CircuitBreaker(threshold)
        return breaker
