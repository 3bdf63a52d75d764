"""The segment cache: synthesized audio keyed by everything that shaped it.

Key = engine, engine/asset version, voice, prosody and the exact text sent to the engine.
Re-rendering an edited script therefore synthesizes only the segments whose text changed.
Entries are written atomically; an unreadable entry is a miss (and is replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from podcast import fsutil
from podcast.errors import OutputError
from podcast.paths import cache_dir
from podcast.speech.base import Audio, Prosody, Timing

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

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.npz"

    def get(self, key: str) -> Audio | None:
        """The cached audio for ``key``, or None (a corrupt entry is removed and is a miss)."""
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                samples = data["pcm"].astype(np.float32) / 32767.0
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        timings = tuple(Timing(t, s, e) for t, s, e in meta["timings"])
        return Audio(samples, int(meta["sample_rate"]), timings, tuple(meta["warnings"]))

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
            raise OutputError(f"{exc} (the speech cache; move it with $PODCAST_CACHE_DIR)") from exc

    def stats(self) -> CacheStats:
        """Entry count and size."""
        entries = 0
        size = 0
        if self.root.is_dir():
            for path in self.root.rglob("*.npz"):
                entries += 1
                size += path.stat().st_size
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
