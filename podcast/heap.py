"""One heap for the whole process: a render's memory peaks far lower (glibc only).

By default glibc gives each thread that allocates a heap of its own, and raises its
threshold for mapping a block on its own pages each time such a block is freed. A render's
threads (the voice's two models, the intro voiced beside the summarizer, numpy's own) then
spread the interpreters' working memory, the audio buffers and the dictionaries' tables over
heaps that never shrink: the sample render peaked at 600–630 MB that way, 437 MB with one
heap and blocks of 2 MB or more mapped on their own pages (455 MB at 4 MB, 465 MB with one
heap alone). A lower threshold saves little more and costs time: the acoustic model's
tensors of 0.3–2 MB, made afresh at every call, would be mapped and zeroed every time
(256 kB: 430 MB, and speech 10 % slower; 2 MB costs about 4 %).

It must happen before other threads allocate (numpy starts one as it is imported), so
``podcast`` does it as it is imported. ``MALLOC_ARENA_MAX`` or ``MALLOC_MMAP_THRESHOLD_``
in the environment leave glibc's settings to the user.
"""

from __future__ import annotations

import os
import sys

MMAP_THRESHOLD = 2 * 1024 * 1024
"""Blocks at least this large get pages of their own, returned to the system when freed."""

_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_done = False


def keep_heap_small() -> None:
    """Set glibc's allocator as above, once; elsewhere (macOS, musl), nothing."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    if any(name in os.environ for name in ("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_")):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, 1)
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # no glibc (musl has no mallopt)
        pass
