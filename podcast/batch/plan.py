"""Deciding what a batch does with each post: which settings shaped an episode, whether a
post must be rendered again, and which episode folder a new post gets."""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote, urlsplit

from podcast import __version__, identity
from podcast.batch.discover import Discovery, is_web_address
from podcast.batch.manifest import Entry, Manifest, episode_source, post_key, sha256_file
from podcast.batch.worker import Job, one_line
from podcast.config import Show
from podcast.episodes import EPISODES, read_episode, slugify
from podcast.errors import PodcastError
from podcast.parse.frontmatter import split_front_matter
from podcast.parse.source import detect_format, read_text
from podcast.pipeline import Context, RenderOptions
from podcast.profiles import builtin_dir
from podcast.speech import load_engine

MAX_SLUG = 100
"""Longest folder name ``episode_dir`` accepts."""


def settings_material(show: Show, options: RenderOptions) -> dict[str, Any]:
    """Everything besides the post that shapes its script and audio, as plain data.

    This package's version; the engine, its version (model, text frontend, normalizer,
    lexicon) and the voice profiles; the summarizer, target length and duration fitting;
    and the show settings that reach the episode: framing, speakers and their voices,
    jingles, cover, bitrate, channels, and the show title and author (tags, cover).
    Feed-only settings (description, base URL, category…) are left out: the feed is
    rebuilt at the end of every batch anyway.
    """
    context = Context(show, options.settings)
    engine_name = context.engine_name
    engine = load_engine(engine_name, lexicon_paths=context.lexicon_paths)  # "auto" stays undecided here
    files: dict[str, str | None] = {}
    for key in ("jingle_in", "jingle_out", "image"):
        setting = getattr(show, key)
        if setting and setting.lower() != "none":
            files[key] = file_digest(show.root / setting)
    for folder, label in ((builtin_dir(), "builtin"), (show.root / "voices", "show")):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                files[f"{label}/{path.name}"] = file_digest(path)
    return {
        "package": __version__,
        "engine": engine_name,
        "engine_version": engine.version,
        "summarizer": getattr(context.summarizer, "identity", context.settings.summarizer),
        "target_seconds": round(context.target_seconds, 3),
        "fit": options.fit,
        "show": {
            "title": show.title,
            "author": show.author,
            "framing": asdict(show.framing),
            "framing_en": asdict(show.framing_en),
            "framing_hant": asdict(show.framing_hant) if show.framing_hant else None,
            "speaker_voices": dict(show.speaker_voices),
            "aliases": {k: list(v) for k, v in show.aliases.items()},
            "jingle_in": show.jingle_in,
            "jingle_out": show.jingle_out,
            "image": show.image,
            "bitrate_kbps": show.bitrate_kbps,
            "channels": show.channels,
        },
        "files": files,
    }


def settings_digest(material: dict[str, Any]) -> str:
    """A short, stable name for ``material``.

    >>> settings_digest({"engine": "fake"})
    'a9e2620edb748303'
    """
    text = json.dumps(material, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read (the render reports that)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def render_reason(entry: Entry | None, source: str, settings: str, root: Path, *, force: bool) -> str | None:
    """Why the post must be rendered, or None when its episode is up to date."""
    if entry is None:
        return "new"
    if entry.episode is None:
        # Its slug is known (assigned in an interrupted run, or recovered from its folder).
        return "failed before" if entry.error else "unrecorded"
    if force:
        return "forced"
    if entry.source_sha256 != source:
        return "post changed"
    if entry.settings != settings:
        return "settings changed"
    if not episode_intact(root, entry):
        return "episode missing or altered"
    return None


def episode_intact(root: Path, entry: Entry) -> bool:
    """Whether the episode the manifest records is the one on disk (cheaply: its
    ``episode.json`` names the same MP3 digest and the MP3 has the recorded size)."""
    if entry.episode is None:
        return False
    folder = root / EPISODES / entry.slug
    episode, _ = read_episode(folder)
    if episode is None:
        return False
    try:
        size = (folder / episode.audio).stat().st_size
    except OSError:
        return False
    return bool(episode.sha256 == entry.episode.sha256 and size == entry.episode.size)


def base_slug(path: Path, key: str, max_bytes: int) -> str:
    """The slug ``podcast render`` would give the post: its front matter ``slug``, else its
    file name. Raises ``ParseError`` when the post cannot be read."""
    text = read_text(path, max_bytes=max_bytes)
    if detect_format(path.name, text) != "html":
        front, _, _ = split_front_matter(text, key)
        if front.get("slug"):
            return slugify(str(front["slug"]), fallback_seed=key)
    return slugify(path.stem, fallback_seed=key)


def unique_slug(base: str, path: PurePath, taken: set[str]) -> str:
    """``base`` if free, else qualified by the post's folder (``2025-a``), else numbered.

    >>> unique_slug("a", Path("/blog/2025/a.md"), {"a"})
    '2025-a'
    >>> unique_slug("a", Path("/blog/2025/a.md"), {"a", "2025-a"})
    'a-2'
    """
    candidates = [base]
    folder = slugify(path.parent.name) if path.parent.name else ""
    if folder and not folder.startswith("episode-"):
        candidates.append(f"{folder}-{base}")
    candidates += (f"{base}-{n}" for n in range(2, 10_000))
    for candidate in candidates:
        candidate = candidate[:MAX_SLUG].rstrip("-")
        if candidate not in taken:
            return candidate
    raise AssertionError("ten thousand posts with one name")


def existing_folders(root: Path) -> set[str]:
    """Slugs a new post must not get: the names in ``<root>/episodes`` (an unknown folder's
    name is never reused), and every slug ever published there (its guid is remembered,
    so a new post under a pruned episode's name would pass for that episode)."""
    names: set[str] = set()
    for folder in (root / EPISODES, root / identity.LEGACY_GUIDS):
        with contextlib.suppress(OSError):  # no such folder yet
            names |= {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    return names


def url_slug(url: str) -> str:
    """The slug of a post read from the web: the last segment of its address's path (its
    extension dropped), else its query (``?p=7``), else its host.

    >>> url_slug("https://blog.example/2024/05/lossless-compression/"), url_slug("http://blog.sina.com.cn/s/blog_4a3b5c0102.html")
    ('lossless-compression', 'blog-4a3b5c0102')
    >>> url_slug("https://blog.example/2024/05/%E6%97%A0%E6%8D%9F%E5%8E%8B%E7%BC%A9/"), url_slug("https://liweinlp.com/?p=7")
    ('wu-sun-ya-suo', 'p-7')
    """
    parts = urlsplit(url)
    segment = unquote(PurePosixPath(parts.path).name) if parts.path.strip("/") else ""
    segment = re.sub(r"\.(?:s?html?|php\d?|aspx?|jsp|cgi)$", "", segment, flags=re.IGNORECASE)
    return slugify(segment or unquote(parts.query) or parts.hostname or "", fallback_seed=url)


def gone_posts(posts: dict[str, Entry], discovery: Discovery, origin: Path) -> list[str]:
    """Keys of manifest posts whose file no longer exists, among the folders and patterns
    this batch searched (a post outside them is not this batch's business). A post read from
    the web is never gone: a feed lists only its newest posts."""
    gone: list[str] = []
    for key in sorted(posts):
        if is_web_address(key):
            continue
        path = Path(key) if Path(key).is_absolute() else origin / key
        if path.exists():
            continue
        if _within(path, discovery.scopes) or any(fnmatch.fnmatchcase(str(path), p) for p in discovery.patterns):
            gone.append(key)
    return gone


def keys_for(paths: Iterable[Path], origin: Path) -> dict[str, Path]:
    """Manifest keys of discovered posts."""
    return {post_key(path, origin): path for path in paths}


def _within(path: Path, folders: Iterable[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


class Early(NamedTuple):
    """A post settled without rendering: skipped as unchanged, or failed before it started."""

    key: str
    slug: str | None
    status: Literal["skipped", "failed"]
    reason: str


def plan_jobs(
    discovery: Discovery,
    manifest: Manifest,
    digest: str,
    show: Show,
    render: RenderOptions,
    root: Path,
    *,
    force: bool,
    max_bytes: int,
    timeout: float | None = None,
    web: Mapping[str, Path] | None = None,
) -> tuple[list[tuple[Job, str]], list[Early], bool]:
    """Jobs (each with why it is rendered) for the posts that need rendering, what became of
    the posts that are skipped or cannot be read, and whether new slugs were assigned.

    ``web`` adds posts read from the web: their address (the key) and the local file that
    holds them."""
    jobs: list[tuple[Job, str]] = []
    early: list[Early] = []
    known = identity.load(identity.path_for(show.root)) if show.path is not None else identity.Identities()
    taken = {e.slug for e in manifest.posts.values()}
    folders = existing_folders(root) | set(known.episodes)  # a published slug is never given again
    assigned = False
    posts = keys_for(discovery.posts, show.root)
    posts.update(web or {})
    for key, path in sorted(posts.items()):
        entry = manifest.posts.get(key)
        try:
            source = sha256_file(path)
        except OSError as exc:
            early.append(Early(key, entry.slug if entry else None, "failed", f"cannot read: {one_line(exc, path)}"))
            continue
        reason = render_reason(entry, source, digest, root, force=force)
        if reason is None:
            assert entry is not None
            early.append(Early(key, entry.slug, "skipped", "unchanged"))
            continue
        if entry is None and is_web_address(key):
            slug = _web_slug(key, known, root, taken, folders)
            entry = manifest.posts[key] = Entry(slug=slug)
            taken.add(slug)
            assigned = True
        elif entry is None:
            try:
                base = base_slug(path, key, max_bytes)
            except PodcastError as exc:
                early.append(Early(key, None, "failed", one_line(exc, path)))
                continue
            owner = episode_source(root / EPISODES / base, show.root) if base in folders else None
            adopt = base not in taken and owner is not None and owner.resolve() == path.resolve()
            renamed = None if adopt else _renamed(known, source, show.root)
            if renamed is not None:
                # The same post under a new name: it keeps its episode (slug and guid).
                slug, earlier = renamed
                for old_key in [k for k, e in manifest.posts.items() if e.slug == slug]:
                    del manifest.posts[old_key]
                taken.discard(slug)
                reason = f"renamed from {earlier}"
            else:
                slug = base if adopt else unique_slug(base, path, taken | folders)
            entry = manifest.posts[key] = Entry(slug=slug)
            taken.add(slug)
            assigned = True
        options_for_post = replace(render, output_root=root, slug=entry.slug)
        jobs.append((Job(key, str(path), show, options_for_post, max_bytes, timeout), reason))
    return jobs, early, assigned


def _web_slug(url: str, known: identity.Identities, root: Path, taken: set[str], folders: set[str]) -> str:
    """The slug of a post read from the web, new to the manifest: the one the show's identity
    file records for its address (its guid goes with it), else the folder whose episode was
    rendered from it, else the last segment of its address, made unique. ``taken``: the
    manifest's slugs; ``folders``: the names no new post may get."""
    for slug, record in sorted(known.episodes.items()):
        if record.source == url and slug not in taken:
            return slug
    base = url_slug(url)
    episode, _ = read_episode(root / EPISODES / base)
    if base not in taken and episode is not None and episode.source == url:
        return base
    return unique_slug(base, PurePosixPath(urlsplit(url).path or "/"), taken | folders)


def _renamed(known: identity.Identities, digest: str, origin: Path) -> tuple[str, str] | None:
    """The episode (slug, earlier post name) recorded for these post bytes under a post that
    no longer exists: the post was moved or renamed."""
    for slug, record in sorted(known.episodes.items()):
        if record.sha256 == digest and record.source and not (origin / record.source).exists():
            return slug, record.source
    return None
