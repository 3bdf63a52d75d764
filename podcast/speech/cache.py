"""The segment cache: synthesized audio keyed by everything that shaped it.

Key = engine, engine/asset version, voice, prosody and the exact text sent to the engine.
Re-rendering an edited script therefore synthesizes only the segments whose text changed.
Entries are written atomically. An entry that cannot be read back as what ``put`` wrote
(empty, truncated, foreign bytes, wrong arrays, a folder in its place) is a miss: it is
removed, the segment is synthesized again and stored anew, and the run is warned once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import math
import os
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from podcast import fsutil
from podcast.errors import OutputError
from podcast.paths import cache_dir, unwritable_cache
from podcast.speech.base import Audio, Prosody, Timing

_log = logging.getLogger("podcast.speech.cache")

FORMAT = 1
"""Bumped when the entry layout changes, so old entries are simply misses."""


def segment_key(engine: str, version: str, prosody: Prosody, text: str) -> str:
    """The content address of one synthesis.

    >>> segment_key("offline", "v1", Prosody("baker"), "你好")[:12]
    'f5949ff246cf'
    """
    material = json.dumps(
        {
            "format": FORMAT,
            "engine": engine,
            "version": version,
            "voice": prosody.voice,
            "rate": round(prosody.rate, 4),
            "pitch": round(prosody.pitch, 4),
            "volume": round(prosody.volume, 4),
            "text": text,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def quantize(audio: Audio) -> Audio:
    """The audio exactly as the cache stores it (16-bit), so a fresh synthesis and a
    cache hit give the same samples, and an unchanged episode the same bytes."""
    pcm = np.clip(np.round(audio.samples * 32767.0), -32768, 32767).astype("<i2")
    return Audio(pcm.astype(np.float32) / 32767.0, audio.sample_rate, audio.timings, audio.warnings)


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What ``podcast cache info`` reports."""

    root: Path
    """The cache folder."""
    entries: int
    """Synthesized segments stored."""
    size_bytes: int
    """Their total size on disk."""


class SegmentCache:
    """Synthesized segments on disk under ``<cache dir>/segments``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "segments"
        self.hits = 0
        self.misses = 0
        self.damaged = 0
        """Entries found damaged (each also a miss)."""
        self._claims: dict[str, Future[Audio]] = {}
        self._claims_lock = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.npz"

    def get(self, key: str, sample_rate: int | None = None) -> Audio | None:
        """The cached audio for ``key`` (at ``sample_rate``, when given), or None.

        Never raises: an entry that cannot be read back whole is removed, counted in
        ``damaged`` and is a miss (the first one of a run logs one warning).
        """
        path = self._path(key)
        try:
            audio = _read_entry(path)
        except FileNotFoundError:
            if not path.is_symlink():
                self.misses += 1
                return None
            self._discard(path, "a link to nothing")
            return None
        except Exception as exc:  # whatever a damaged entry raises (EOFError, KeyError…), it is a miss
            self._discard(path, _reason(exc))
            return None
        if sample_rate is not None and audio.sample_rate != sample_rate:
            self._discard(path, f"{audio.sample_rate} Hz audio where {sample_rate} Hz was expected")
            return None
        self.hits += 1
        return audio

    def _discard(self, path: Path, reason: str) -> None:
        """Remove a damaged entry (``put`` writes it anew) and say so, once per run."""
        self.misses += 1
        self.damaged += 1
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        with _warned_lock:
            if self.root in _warned:
                return
            _warned.add(self.root)
        _log.warning(
            "damaged entries in the speech cache at %s are synthesized again (the first: %s: %s)",
            self.root,
            path.name,
            reason,
        )

    def claim(self, key: str) -> Future[Audio] | None:
        """Claim the synthesis of ``key`` for this caller: None if it is now this caller's
        (who must then :meth:`settle` it), else the future of the caller who claimed it
        first. Two renders' threads that share this cache (the intro voiced beside the
        summarizer, then the whole script) so never say the same sentence twice at once."""
        with self._claims_lock:
            found = self._claims.get(key)
            if found is None:
                self._claims[key] = Future()
            return found

    def settle(self, key: str, audio: Audio | None = None, error: BaseException | None = None) -> None:
        """End this caller's claim on ``key`` with its ``audio`` (stored first) or its ``error``."""
        with self._claims_lock:
            future = self._claims.pop(key, None)
        if future is None:
            return
        if audio is not None:
            future.set_result(audio)
        else:
            future.set_exception(error or RuntimeError(f"the synthesis of {key} was abandoned"))

    def put(self, key: str, audio: Audio) -> None:
        """Store ``audio`` under ``key`` (atomically; a read-only cache is a clear error)."""
        meta = {
            "sample_rate": audio.sample_rate,
            "timings": [[t.text, t.start, t.end] for t in audio.timings],
            "warnings": list(audio.warnings),
        }
        pcm = np.clip(np.round(audio.samples * 32767.0), -32768, 32767).astype("<i2")
        buffer = io.BytesIO()
        np.savez(buffer, pcm=pcm, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8))
        try:
            fsutil.write_bytes(self._path(key), buffer.getvalue())
        except OutputError as exc:
            raise OutputError(unwritable_cache("speech cache", self.root, exc)) from exc

    def stats(self) -> CacheStats:
        """Entry count and size."""
        entries = 0
        size = 0
        if self.root.is_dir():
            for path in self.root.rglob("*.npz"):
                entries += 1
                with contextlib.suppress(OSError):
                    size += path.lstat().st_size
        return CacheStats(self.root, entries, size)

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        count = self.stats().entries
        if self.root.is_dir():
            try:
                shutil.rmtree(self.root)
            except OSError as exc:
                raise OutputError(f"cannot clear {self.root}: {exc.strerror or exc}") from exc
        return count

    def writable(self) -> bool:
        """Whether entries can be written here."""
        probe = self.root
        while not probe.exists():
            probe = probe.parent
        return os.access(probe, os.W_OK)


# Roots whose damaged entries were reported in this process: one warning per run.
_warned: set[Path] = set()
_warned_lock = threading.Lock()
MAX_SAMPLE_RATE = 768_000
"""A stored sample rate above this is damage, not audio."""


def _read_entry(path: Path) -> Audio:
    """The audio ``put`` stored at ``path``; raises (anything) when the entry is not that."""
    loaded = np.load(path, allow_pickle=False)
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError("not an npz archive")
    with loaded as data:
        pcm = data["pcm"]
        raw_meta = data["meta"]
    if pcm.ndim != 1 or pcm.dtype.kind != "i" or pcm.dtype.itemsize != 2:
        raise ValueError(f"pcm is {pcm.dtype} of shape {pcm.shape}, not 16-bit mono")
    if raw_meta.ndim != 1 or raw_meta.dtype != np.uint8:
        raise ValueError(f"meta is {raw_meta.dtype} of shape {raw_meta.shape}, not bytes")
    meta = json.loads(raw_meta.tobytes().decode("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError("meta is not an object")
    sample_rate = meta["sample_rate"]
    if type(sample_rate) is not int or not 0 < sample_rate <= MAX_SAMPLE_RATE:
        raise ValueError(f"bad sample rate {sample_rate!r}")
    timings = tuple(_timing(item) for item in _list(meta["timings"]))
    warnings = _list(meta["warnings"])
    if not all(isinstance(w, str) for w in warnings):
        raise ValueError("a warning is not text")
    samples = pcm.astype(np.float32) / 32767.0
    return Audio(samples, sample_rate, timings, tuple(warnings))


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, not {type(value).__name__}")
    return value


def _timing(item: Any) -> Timing:
    text, start, end = _list(item)
    if not isinstance(text, str):
        raise ValueError("a timing's text is not text")
    numbers = (start, end)
    if not all(type(n) in (int, float) and math.isfinite(n) for n in numbers):
        raise ValueError("a timing's times are not numbers")
    return Timing(text, float(start), float(end))


def _reason(exc: BaseException) -> str:
    """A damaged entry's fault in a few words (one line)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = " ".join(str(exc).split())[:80]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
