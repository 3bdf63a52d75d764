"""Finding engines and summarizers by name through entry points.

Built-ins register in pyproject.toml exactly the way a third-party plugin would.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from podcast.errors import UnknownNameError

ENGINES = "xiaoya_podcast.engines"
SUMMARIZERS = "xiaoya_podcast.summarizers"
_KIND = {ENGINES: "engine", SUMMARIZERS: "summarizer"}


def _entries(group: str) -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=group)}


def names(group: str) -> list[str]:
    """Registered names in ``group``, sorted."""
    return sorted(_entries(group))


def load(group: str, name: str) -> object:
    """The object registered as ``name`` in ``group`` (an error lists the known names)."""
    entries = _entries(group)
    if name not in entries:
        known = ", ".join(sorted(entries)) or "none installed"
        raise UnknownNameError(f"unknown {_KIND.get(group, 'plugin')} {name!r} (known: {known})")
    return entries[name].load()
