"""What a failed call to the edge-tts service means: which failures may pass (and are
retried after a backoff with jitter), which will not, and the one message the user
reads when the tries run out."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Literal, TypeVar

from podcast.errors import ServiceError, SpeechError
from podcast.speech.edge.stream import _BadRequestError, _EmptyAudioError, _NoFirstAudioError

_T = TypeVar("_T")


# --- Failures -------------------------------------------------------------------------

Kind = Literal["unreachable", "timeout", "refused", "rate-limited", "no-audio", "failing"]

_HEADLINE: Mapping[Kind, str] = {
    "unreachable": "could not be reached",
    "timeout": "did not answer in time",
    "refused": "refused the connection",
    "rate-limited": "kept rate-limiting",
    "no-audio": "sent no audio",
    "failing": "kept failing",
}
_ADVICE: Mapping[Kind, str] = {
    "unreachable": "check the network or use --engine offline",
    "timeout": "try again later or use --engine offline",
    "refused": "the service may have changed its access scheme: upgrade edge-tts "
    "(pip install -U edge-tts) or use --engine offline",
    "rate-limited": "render with fewer parallel workers, wait a while, or use --engine offline",
    "no-audio": "the service may be down or may have withdrawn the voice: "
    "try again later, choose another voice, or use --engine offline",
    "failing": "try again later or use --engine offline",
}


@dataclass(frozen=True, slots=True)
class _Fault:
    kind: Kind
    reason: str


def _classify(exc: BaseException, limit: float, edge_tts: ModuleType) -> _Fault:
    """What a failed call means, for a network, service or timeout error (all retried)."""
    import aiohttp

    errors = edge_tts.exceptions
    # TimeoutError is also an OSError: it must be matched first.
    if isinstance(exc, _NoFirstAudioError):
        return _Fault("timeout", str(exc))
    if isinstance(exc, TimeoutError):
        return _Fault("timeout", f"no answer within {limit:.3g} s")
    if isinstance(exc, aiohttp.ClientResponseError):
        status = exc.status
        where = " on the websocket handshake" if isinstance(exc, aiohttp.WSServerHandshakeError) else ""
        kind: Kind = "refused" if status in (401, 403) else "rate-limited" if status == 429 else "failing"
        return _Fault(kind, f"HTTP {status}{where}")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return _Fault("unreachable", f"DNS lookup failed for {exc.host}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        what = "the proxy" if isinstance(exc, aiohttp.ClientProxyConnectionError) else "the service"
        where = f"{what} at {exc.host}:{exc.port}"
        return _Fault("unreachable", f"cannot connect to {where}: {_cause(exc.os_error)}")
    if isinstance(exc, aiohttp.ClientError):
        return _Fault("failing", _one_line(f"{type(exc).__name__}: {exc}", 80))
    if isinstance(exc, OSError):
        return _Fault("unreachable", _cause(exc))
    if isinstance(exc, errors.NoAudioReceived):
        return _Fault("no-audio", "no audio received")
    if isinstance(exc, errors.WebSocketError):
        return _Fault("failing", _one_line(f"websocket error: {exc}", 80))
    if isinstance(exc, errors.SkewAdjustmentError):
        return _Fault("refused", "HTTP 403 and the clock-skew retry failed")
    return _Fault("failing", _one_line(f"{type(exc).__name__}: {exc}", 80))


def _cause(exc: OSError) -> str:
    """What went wrong at the socket, in a few words.

    >>> _cause(ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)"))
    'connection refused'
    """
    # aiohttp replaces strerror with the address it tried; the errno says more.
    if exc.errno is not None and exc.errno > 0:
        return os.strerror(exc.errno).lower()
    return _one_line(exc.strerror or str(exc) or type(exc).__name__, 80).lower()


def _give_up_message(faults: list[_Fault], voice: str) -> str:
    last = faults[-1]
    reasons = list(dict.fromkeys(f.reason for f in faults))
    headline = _HEADLINE[last.kind]
    if last.kind == "no-audio":
        headline += f" for {voice}"
    attempts = f"{len(faults)} attempt{'s' if len(faults) != 1 else ''}"
    return f"the edge-tts service {headline} after {attempts} ({'; '.join(reasons)}); {_ADVICE[last.kind]}"


class _RetryableError(Exception):
    """A failed call that may succeed if tried again."""

    def __init__(self, fault: _Fault) -> None:
        super().__init__(fault.reason)
        self.fault = fault


def _service_call(run: Callable[[], _T], limit: float, edge_tts: ModuleType) -> _T:
    """``run()``, one exchange with the service, with its failures sorted: those that may
    pass become ``_RetryableError``, the others ``SpeechError`` or ``ServiceError``."""
    import aiohttp

    errors = edge_tts.exceptions
    try:
        return run()
    except _BadRequestError as exc:
        raise SpeechError(f"edge-tts rejected the request: {_one_line(str(exc))}") from exc
    except (errors.UnknownResponse, errors.UnexpectedResponse) as exc:
        # The service's protocol changed under this edge-tts: retrying cannot help.
        raise ServiceError(
            f"the edge-tts service sent a reply edge-tts does not understand "
            f"({_one_line(str(exc), 80)}); upgrade edge-tts (pip install -U edge-tts) "
            "or use --engine offline"
        ) from exc
    except _EmptyAudioError as exc:
        raise _RetryableError(_Fault("no-audio", "no audio received")) from exc
    except (TimeoutError, OSError, aiohttp.ClientError, errors.EdgeTTSException) as exc:
        raise _RetryableError(_classify(exc, limit, edge_tts)) from exc


def _one_line(text: str, limit: int = 120) -> str:
    """``text`` on one line, cut to ``limit`` characters.

    >>> _one_line("Cannot connect\\n  to host", 20)
    'Cannot connect to h…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- Backing off -----------------------------------------------------------------------


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after the ``failures``-th failure: exponential backoff with full
    jitter, uniform in ``[0, min(cap, base * 2 ** (failures - 1))]``.

    Full jitter keeps parallel workers that failed together from retrying together.

    >>> rng = random.Random(0)
    >>> all(0 <= backoff_delay(n, 1.0, 5.0, rng) <= min(5.0, 2 ** (n - 1)) for n in range(1, 10))
    True
    """
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, failures - 1)))
