"""xiaoya-podcast: dialogue blog posts to two-minute 小雅 podcast episodes."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from podcast.heap import keep_heap_small

keep_heap_small()  # before numpy starts its threads: see podcast.heap

try:
    __version__ = version("xiaoya-podcast")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
