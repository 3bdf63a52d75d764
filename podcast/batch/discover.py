"""Finding the posts of a batch: folders (recursively), glob patterns and list files; web
addresses among them (a blog's feed) are set aside for `podcast.web.ingest`.

What counts as a post inside a folder or behind a pattern is decided by the file name
(``.md``, ``.txt``, ``.html`` and their kin); a file named on its own is always taken.
Hidden files and folders, the output folder and the show's ``voices/`` folder are never
searched, so ``podcast batch .`` in a show folder does not pick up its own rendered
scripts and pages.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

POST_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".txt", ".html", ".htm", ".xhtml"})
"""File name endings taken as posts when a folder or a pattern is searched."""
_MAGIC = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Missing:
    """An input that names nothing: a path that does not exist, or an unreadable list file."""

    input: str
    """The argument (or list-file line) as given."""
    reason: str
    """Why it yielded nothing."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """What the inputs of a batch name."""

    posts: tuple[Path, ...]
    """Post files, absolute, each once, in a stable order."""
    missing: tuple[Missing, ...] = ()
    """Inputs that do not exist (each is a failure of the batch)."""
    empty: tuple[str, ...] = ()
    """Folders and patterns that exist but hold no post (worth a warning, not a failure)."""
    scopes: tuple[Path, ...] = field(default=())
    """Folders searched (absolute): a post missing from under one of them has been deleted."""
    patterns: tuple[str, ...] = field(default=())
    """Glob patterns searched (absolute): a post path matching one, but gone, has been deleted."""
    urls: tuple[str, ...] = field(default=())
    """Web addresses given (a blog's feed, REST API or home page), each once, in order."""


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address rather than a path (also a post's manifest key
    when it was read from the web).

    >>> is_web_address("https://blog.example/feed/"), is_web_address("HTTP://b.example"), is_web_address("posts/a.md")
    (True, True, False)
    """
    return re.match(r"(?i)https?://", text) is not None


def is_pattern(text: str) -> bool:
    """Whether ``text`` is a glob pattern rather than a path.

    >>> is_pattern("posts/**/*.md"), is_pattern("posts/a.md")
    (True, False)
    """
    return any(ch in _MAGIC for ch in text)


def discover(
    inputs: Sequence[str],
    *,
    cwd: Path | None = None,
    exclude: Iterable[Path] = (),
) -> Discovery:
    """The posts named by ``inputs``: files, folders (searched recursively), glob patterns
    (``**`` crosses folders) and ``@LIST`` files (one input per line, ``#`` comments,
    relative to the list file; ``@-`` reads standard input); and the web addresses among them.

    ``exclude`` lists folders never searched (the output folder, the show's voices).
    """
    base = (cwd or Path.cwd()).absolute()
    skip = {_canonical(p) for p in exclude}
    found: dict[Path, Path] = {}
    missing: list[Missing] = []
    empty: list[str] = []
    scopes: list[Path] = []
    patterns: list[str] = []
    urls: dict[str, None] = {}

    def take(paths: Iterable[Path]) -> int:
        count = 0
        for path in paths:
            count += 1
            found.setdefault(_canonical(path), _absolute(path))
        return count

    def one(item: str, folder: Path, from_list: bool) -> None:
        if item.startswith("@") and not from_list:
            for entry, where in _list_entries(item[1:], folder, missing):
                one(entry, where, True)
            return
        if is_web_address(item):
            urls[item] = None
            return
        path = Path(os.path.expanduser(item))
        path = path if path.is_absolute() else folder / path
        if path.is_dir():
            scopes.append(_absolute(path))
            if not take(_walk(path, skip)):
                empty.append(item)
        elif path.exists():
            take([path])
        elif is_pattern(item):
            pattern = str(path)
            patterns.append(pattern)
            if not take(_glob(pattern, skip)):
                empty.append(item)
        else:
            missing.append(Missing(item, "no such file or folder"))

    for item in inputs:
        one(item, base, False)
    posts = sorted(found.values(), key=lambda p: p.as_posix())
    return Discovery(tuple(posts), tuple(missing), tuple(empty), tuple(scopes), tuple(patterns), tuple(urls))


def _list_entries(name: str, folder: Path, missing: list[Missing]) -> list[tuple[str, Path]]:
    """The lines of a list file, each with the folder its relative paths start from."""
    try:
        if name == "-":
            text, where = sys.stdin.read(), folder
        else:
            path = Path(os.path.expanduser(name))
            path = path if path.is_absolute() else folder / path
            text, where = path.read_text(encoding="utf-8-sig"), path.parent
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        missing.append(Missing(f"@{name}", f"cannot read the list file: {reason}"))
        return []
    lines = (line.strip() for line in text.splitlines())
    return [(line, where) for line in lines if line and not line.startswith("#")]


def _walk(folder: Path, skip: set[Path]) -> Iterable[Path]:
    # Symbolic links to folders are followed (blogs get assembled from several places),
    # each real folder once, so a link loop cannot recurse forever.
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        here = Path(root)
        try:
            info = here.stat()
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen or _canonical(here) in skip:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in POST_SUFFIXES:
                yield here / name


def _glob(pattern: str, skip: set[Path]) -> Iterable[Path]:
    # glob leaves hidden names out unless the pattern spells them.
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if path.is_dir():
            yield from _walk(path, skip)
        elif path.suffix.lower() in POST_SUFFIXES and not any(s in _canonical(path).parents for s in skip):
            yield path


def _absolute(path: Path) -> Path:
    """Absolute and normalized, but not through symbolic links (a linked post keeps its name)."""
    return Path(os.path.normpath(path.absolute()))


def _canonical(path: Path) -> Path:
    """The real location (what makes two inputs the same file)."""
    try:
        return path.resolve()
    except OSError:
        return _absolute(path)
