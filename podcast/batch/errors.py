"""The batch's own error (a child of ``PodcastError``, so the CLI reports it in one line)."""

from __future__ import annotations

from podcast.errors import PodcastError


class BatchError(PodcastError):
    """Raised when a batch cannot start: an unreachable Dask scheduler, a bad ``--executor``,
    another batch running on the same output folder, or a manifest from a newer version."""
