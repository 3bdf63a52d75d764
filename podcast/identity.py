"""Who each episode is, kept with the show (beside ``podcast.toml``), not with the output.

A feed's subscribers know an episode by its ``<guid>`` and a show by its ``podcast:guid``:
change either and every app lists the episode (or the show) again as new. So the guids are
recorded in ``podcast-ids.toml`` beside ``podcast.toml``, a small file meant to be committed
with the posts — stable order, one table per episode, easy to merge — and ``out/`` is a pure
build product that can be deleted and rebuilt with every guid intact.

An episode is found again by its slug; a post that was moved or renamed keeps its episode:
pinned by front matter (``guid:``, ``slug:``), or matched by the content of its file (the
same bytes under a new name), and the render says "renamed from …".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podcast import fsutil
from podcast.errors import ConfigError

FILE_NAME = "podcast-ids.toml"
"""The identity file, beside ``podcast.toml``."""
LEGACY_GUIDS = Path(".podcast") / "guids"
"""Where earlier versions kept guids, inside the output folder (read once, then recorded here)."""
CHANNEL_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace: the channel guid first given is UUIDv5 of the feed URL."""


@dataclass(frozen=True, slots=True)
class Record:
    """One episode's identity."""

    guid: str
    """Its feed guid, forever."""
    source: str | None = None
    """The post it was last rendered from (relative to the show folder when inside it)."""
    sha256: str | None = None
    """The post file's digest at that render: how a renamed post is recognized."""


@dataclass(slots=True)
class Identities:
    """The show's identity file, in memory."""

    channel_guid: str | None = None
    episodes: dict[str, Record] = field(default_factory=dict)

    def to_toml(self) -> str:
        """The file's text: a header saying what it is, then sorted, one table per episode."""
        lines = [
            "# Who each episode is: the guids podcast apps know them by. Commit this file with",
            "# your posts; out/ can then be deleted and rebuilt with every guid intact.",
            "# Written by podcast; safe to merge by hand (one table per episode).",
            "",
        ]
        if self.channel_guid:
            lines += [f"channel_guid = {_quote(self.channel_guid)}", ""]
        for slug in sorted(self.episodes):
            record = self.episodes[slug]
            lines.append(f"[episodes.{_quote(slug)}]")
            lines.append(f"guid = {_quote(record.guid)}")
            if record.source:
                lines.append(f"source = {_quote(record.source)}")
            if record.sha256:
                lines.append(f"sha256 = {_quote(record.sha256)}")
            lines.append("")
        return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def path_for(show_root: Path) -> Path:
    """The identity file of the show in ``show_root``."""
    return show_root / FILE_NAME


def load(path: Path) -> Identities:
    """Read the identity file (a missing file is an empty one; a damaged one is an error,
    never silently replaced: it holds what subscribers know)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Identities()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}); fix it or restore it from version control") from exc
    identities = Identities(channel_guid=_text(data.get("channel_guid")))
    table = data.get("episodes", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [episodes] must be a table of episode tables")
    for slug, value in table.items():
        guid = _text(value.get("guid")) if isinstance(value, dict) else None
        if guid is None:
            raise ConfigError(f"{path}: episodes.{slug} has no guid")
        identities.episodes[str(slug)] = Record(guid, _text(value.get("source")), _text(value.get("sha256")))
    return identities


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


@contextlib.contextmanager
def editing(path: Path) -> Iterator[Identities]:
    """Read, change and write the identity file, holding its lock (the workers of a batch
    write it too); written only when something changed."""
    with _locked(path):
        identities = load(path)
        before = identities.to_toml()
        yield identities
        after = identities.to_toml()
        if after != before:
            fsutil.write_text(path, after)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:
        yield
        return
    from podcast.paths import cache_dir

    lock_dir = cache_dir() / "locks"
    with contextlib.suppress(OSError):
        lock_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    try:
        fd = os.open(lock_dir / f"identity-{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield  # no lock to be had: one writer at a time is then the user's care
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def file_digest(path: Path) -> str | None:
    """The digest a post file is recognized by after a rename."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def source_key(source: str, show_root: Path) -> str:
    """How a post is named in the file: relative to the show folder when inside it."""
    path = Path(source)
    with contextlib.suppress(ValueError, OSError):
        return path.resolve().relative_to(show_root.resolve()).as_posix()
    return source


@dataclass(frozen=True, slots=True)
class Found:
    """An episode's identity for a render."""

    slug: str
    guid: str
    renamed_from: str | None = None
    """The post's earlier name, when it was recognized after a rename."""


def settle(
    identities: Identities,
    *,
    slug: str,
    source: str,
    show_root: Path,
    pinned_guid: str | None = None,
    pinned_slug: bool = False,
    fallback_guid: str | None = None,
) -> Found:
    """The identity the episode of ``source`` (slug ``slug`` by its name) takes, recorded in
    ``identities``: its pinned guid; else the slug's recorded guid; else, when the same post
    bytes were recorded under a post that no longer exists, that episode (renamed); else
    ``fallback_guid`` (an earlier render's) or a new guid."""
    if re.match(r"(?i)https?://", source):
        key, digest = source, None  # a post read from the web is known by its address
    else:
        given = Path(source)
        located = given if given.is_absolute() or given.exists() else show_root / given
        key = source_key(str(located), show_root)
        digest = file_digest(located)
    renamed_from = None
    record = identities.episodes.get(slug)
    if record is not None and record.source not in (None, key) and _exists(record.source, show_root):
        record = None  # another post holds this slug: not ours (the caller made the slug unique)
    if record is None and not pinned_slug and digest is not None:
        for other_slug, other in sorted(identities.episodes.items()):
            if other.sha256 == digest and other.source != key and not _exists(other.source, show_root):
                slug, record, renamed_from = other_slug, other, other.source
                break
    guid = pinned_guid or (record.guid if record else None) or fallback_guid or str(uuid.uuid4())
    identities.episodes[slug] = Record(guid, key, digest)
    return Found(slug, guid, renamed_from)


def _exists(source: str | None, show_root: Path) -> bool:
    if not source:
        return False
    path = Path(source)
    return (path if path.is_absolute() else show_root / path).exists()


def channel_guid(identities: Identities, feed_url: str) -> str:
    """The show's ``podcast:guid``: the recorded one, else given now (UUIDv5 of the feed URL
    without its scheme, as Podcasting 2.0 says) and recorded — never recomputed after.

    >>> ids = Identities()
    >>> first = channel_guid(ids, "https://example.com/show/feed.xml")
    >>> channel_guid(ids, "https://moved.example.org/feed.xml") == first
    True
    """
    if identities.channel_guid is None:
        bare = re.sub(r"^[a-z]+://", "", feed_url).rstrip("/")
        identities.channel_guid = str(uuid.uuid5(CHANNEL_NAMESPACE, bare))
    return identities.channel_guid


def import_legacy(identities: Identities, output_root: Path) -> None:
    """Guids an earlier version kept in ``out/.podcast/guids``: recorded here (never changed
    if already recorded), so nothing published is lost in the move."""
    folder = output_root / LEGACY_GUIDS
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            guid = entry.read_text(encoding="utf-8").strip()
            if guid and entry.name not in identities.episodes:
                identities.episodes[entry.name] = Record(guid)
