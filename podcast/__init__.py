"""xiaoya-podcast: dialogue blog posts to two-minute 小雅 podcast episodes."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xiaoya-podcast")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
