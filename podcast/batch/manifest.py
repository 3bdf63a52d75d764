"""The batch manifest: what every post's episode was made from, so unchanged posts are skipped.

``<output>/batch-manifest.json`` (written atomically after every finished post)::

    {
      "kind": "xiaoya-podcast batch manifest",
      "version": 1,
      "updated": "2025-05-01T10:00:00+00:00",
      "posts": {
        "posts/2024/a.md": {                       # relative to the show folder when inside it
          "slug": "a",                             # assigned once, never changes
          "source_sha256": "…",                    # the post file's bytes
          "settings": "…",                         # digest of the settings below
          "script_sha256": "…",                    # the script.md that was voiced
          "episode": {"guid": "…", "sha256": "…", "size": 972816, "duration": 121.3, "title": "…"},
          "rendered": "2025-05-01T10:00:00+00:00",
          "synthesized": 14, "reused": 3,          # sentences, in that render
          "error": null                            # the last failure, if the post failed
        }
      },
      "settings": {"<digest>": {"package": "0.1.0", "engine": "offline", "engine_version": "…", …}}
    }

A missing manifest starts from the episode folders already there; a corrupt one or one
from an older version is set aside (``batch-manifest.json.old``) and rebuilt from the
episode folders (their slugs are kept; the posts are rendered again, which the speech
cache makes cheap).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from podcast import fsutil
from podcast.episodes import episode_dir, episode_folders, read_episode
from podcast.errors import BatchError, OutputError
from podcast.paths import cache_dir

MANIFEST_NAME = "batch-manifest.json"
"""The manifest's file name, in the output folder."""
KIND = "xiaoya-podcast batch manifest"
VERSION = 1
"""Bumped when the layout changes; an older manifest is rebuilt, a newer one refused."""


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """The episode a post produced, as far as skipping it needs to know."""

    guid: str
    """The feed GUID (kept by every re-render)."""
    sha256: str
    """SHA-256 of ``episode.mp3``."""
    size: int
    """Bytes of ``episode.mp3``."""
    duration: float
    """Seconds."""
    title: str
    """The episode's title."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One post of the manifest."""

    slug: str
    """The episode folder name, assigned the first time the post is seen and then kept."""
    source_sha256: str | None = None
    """SHA-256 of the post file's bytes when its episode was rendered."""
    settings: str | None = None
    """Digest of the settings that shaped the episode (a key of ``Manifest.settings``)."""
    script_sha256: str | None = None
    """SHA-256 of the ``script.md`` that was voiced."""
    episode: EpisodeRecord | None = None
    """The episode produced; None until the post has been rendered once."""
    rendered: str | None = None
    """When (UTC, ISO 8601)."""
    synthesized: int = 0
    """Sentences synthesized in that render (the rest came from the speech cache)."""
    reused: int = 0
    """Sentences taken from the speech cache in that render."""
    error: str | None = None
    """Why the last attempt failed, or None."""


@dataclass(slots=True)
class Manifest:
    """Every post a batch has seen in this output folder, by key."""

    posts: dict[str, Entry] = field(default_factory=dict)
    """Entries by post key (the path relative to the show folder, or absolute)."""
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The settings behind each digest used by an entry, readable."""

    def to_json(self) -> dict[str, Any]:
        """The file's content (settings no entry refers to are dropped)."""
        used = {e.settings for e in self.posts.values()}
        return {
            "kind": KIND,
            "version": VERSION,
            "updated": now(),
            "posts": {key: _entry_json(self.posts[key]) for key in sorted(self.posts)},
            "settings": {k: v for k, v in sorted(self.settings.items()) if k in used},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Read the file's content; ``ValueError``, ``KeyError`` or ``TypeError`` when malformed."""
        posts: dict[str, Entry] = {}
        for key, raw in data["posts"].items():
            episode = raw.get("episode")
            record = None
            if episode is not None:
                record = EpisodeRecord(
                    guid=str(episode["guid"]),
                    sha256=str(episode["sha256"]),
                    size=int(episode["size"]),
                    duration=float(episode["duration"]),
                    title=str(episode["title"]),
                )
            posts[str(key)] = Entry(
                slug=_text(raw["slug"]) or "",
                source_sha256=_text(raw.get("source_sha256")),
                settings=_text(raw.get("settings")),
                script_sha256=_text(raw.get("script_sha256")),
                episode=record,
                rendered=_text(raw.get("rendered")),
                synthesized=int(raw.get("synthesized", 0)),
                reused=int(raw.get("reused", 0)),
                error=_text(raw.get("error")),
            )
            try:
                episode_dir(Path(), posts[str(key)].slug)
            except OutputError:
                raise ValueError(f"post {key!r} has no valid slug") from None
        settings = data.get("settings", {})
        if not isinstance(settings, dict):
            raise TypeError("settings must be an object")
        return cls(posts, {str(k): dict(v) for k, v in settings.items()})


def now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def manifest_path(root: Path) -> Path:
    """Where the manifest of the output folder ``root`` is kept: in the user's cache, not in
    ``root`` (the output folder holds only what is published)."""
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "batches" / name / MANIFEST_NAME


def _adopt_legacy(root: Path) -> None:
    """Move a manifest an earlier version kept in the output folder to its place."""
    legacy = root / MANIFEST_NAME
    if legacy.is_file():
        target = manifest_path(root)
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.replace(legacy, target)
            else:
                legacy.unlink()


def load_manifest(root: Path, *, origin: Path) -> tuple[Manifest, str | None]:
    """The manifest in ``root`` and a warning when it had to be rebuilt.

    ``origin`` is the folder post keys are relative to (the show folder): a rebuilt
    manifest gets back the slug of every episode folder whose ``episode.json`` names a
    post that still exists.
    """
    _adopt_legacy(root)
    path = manifest_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        # A first batch over episodes rendered one by one (or a deleted manifest): their
        # folders say which post they belong to, and keep their slugs (and guids).
        return recover(root, origin), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem = f"it cannot be read ({_reason(exc)})"
    else:
        if not isinstance(data, dict) or data.get("kind") != KIND:
            problem = "it is not a batch manifest"
        elif not isinstance(data.get("version"), int):
            problem = "it has no version"
        elif data["version"] > VERSION:
            raise BatchError(
                f"{path} was written by a newer xiaoya-podcast (manifest version {data['version']}); "
                "upgrade, or use another output folder"
            )
        elif data["version"] < VERSION:
            problem = f"it is from an older version (manifest version {data['version']})"
        else:
            try:
                return Manifest.from_json(data), None
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problem = f"it is damaged ({_reason(exc)})"
    aside = path.with_name(path.name + ".old")
    with contextlib.suppress(OSError):
        os.replace(path, aside)
    manifest = recover(root, origin)
    warning = (
        f"{path}: {problem}; rebuilt from the {len(manifest.posts)} episode folders found "
        f"(their posts are rendered again; the old file is {aside.name})"
    )
    return manifest, warning


def recover(root: Path, origin: Path) -> Manifest:
    """A manifest that knows only which slug belongs to which post, from ``episode.json`` files."""
    manifest = Manifest()
    for folder in episode_folders(root):
        source = episode_source(folder, origin)
        if source is not None:
            manifest.posts.setdefault(post_key(source, origin), Entry(slug=folder.name))
    return manifest


def episode_source(folder: Path, origin: Path) -> Path | None:
    """The post an episode folder was rendered from, when its ``episode.json`` says and
    the post still exists."""
    episode, _ = read_episode(folder)
    source = episode.source if episode is not None else None
    if not source or source.startswith("<"):
        return None
    # A batch records sources relative to the show folder; ``podcast render`` as given on
    # its command line, most likely relative to where it was run (here, too).
    given = Path(source)
    for path in [given] if given.is_absolute() else [origin / given, Path.cwd() / given]:
        if path.is_file():
            return Path(os.path.normpath(path.absolute()))
    return None


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes (``OSError`` when it cannot be read)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def save_manifest(root: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (a crash leaves the previous one or this one)."""
    fsutil.write_text(manifest_path(root), json.dumps(manifest.to_json(), ensure_ascii=False, indent=1) + "\n")


def post_key(path: Path, origin: Path) -> str:
    """How the manifest names a post: relative to ``origin`` (the show folder) when inside
    it, so the show folder can move; else absolute.

    >>> post_key(Path("/blog/posts/a.md"), Path("/blog")), post_key(Path("/elsewhere/b.md"), Path("/blog"))
    ('posts/a.md', '/elsewhere/b.md')
    """
    path = Path(os.path.normpath(path))
    with contextlib.suppress(ValueError):
        return path.relative_to(origin).as_posix()
    # The same folders reached through a symbolic link (``/home`` linked elsewhere).
    with contextlib.suppress(ValueError, OSError):
        return path.resolve().relative_to(origin.resolve()).as_posix()
    return path.as_posix()


def failed(entry: Entry, reason: str) -> Entry:
    """``entry`` after a failed attempt: the previous episode (if any) is still the one recorded."""
    return replace(entry, error=reason)


def _entry_json(entry: Entry) -> dict[str, Any]:
    episode = entry.episode
    return {
        "slug": entry.slug,
        "source_sha256": entry.source_sha256,
        "settings": entry.settings,
        "script_sha256": entry.script_sha256,
        "episode": None
        if episode is None
        else {
            "guid": episode.guid,
            "sha256": episode.sha256,
            "size": episode.size,
            "duration": round(episode.duration, 3),
            "title": episode.title,
        },
        "rendered": entry.rendered,
        "synthesized": entry.synthesized,
        "reused": entry.reused,
        "error": entry.error,
    }


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).split("\n")[0][:120]
