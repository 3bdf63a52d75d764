"""The episode store: the one owner of ``<output>/episodes/<slug>/``.

Everything about an episode folder is here and nowhere else: its path and file names, safe
slugs, the all-or-nothing swap of a finished folder, reading and writing ``episode.json``
(one reader, which says when a file is damaged), the guid each slug was first published
with, and the show's ``cover.png``. Rendering, publishing and batches all go through it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.errors import OutputError
from podcast.fsutil import describe_os_error, make_temp_dir
from podcast.model import Episode, Post, Script
from podcast.urls import is_web_address, url_slug

if TYPE_CHECKING:
    from podcast.config import Show
    from podcast.cover import Cover

EPISODES = "episodes"
"""The folder, under the output root, that holds one folder per episode."""
FILES = {
    "audio": "episode.mp3",
    "vtt": "transcript.vtt",
    "srt": "transcript.srt",
    "chapters": "chapters.json",
    "script": "script.md",
    "meta": "episode.json",
}
"""The files of an episode folder."""
COVER = "cover.png"
"""The show's cover, at the output root."""


def slugify(text: str, *, fallback_seed: str = "") -> str:
    """A safe folder name: lower-case ASCII words joined by hyphens (Chinese by its pinyin).

    Nothing in a slug can climb out of the output folder.

    >>> slugify("李白对话录：谈无损压缩")
    'li-bai-dui-hua-lu-tan-wu-sun-ya-suo'
    >>> slugify("../../etc/passwd"), slugify("Why Small Models Matter!")
    ('etc-passwd', 'why-small-models-matter')
    >>> slugify("🎙️🎙️", fallback_seed="x")
    'episode-2d711642'
    """
    if text.isascii():
        words = [text]  # as pypinyin would give it back, without loading its tables (0.2 s)
    else:
        from pypinyin import lazy_pinyin

        words = lazy_pinyin(unicodedata.normalize("NFKC", text))
    ascii_text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:80].rstrip("-")
    if not slug:
        slug = "episode-" + hashlib.sha256((fallback_seed or text).encode()).hexdigest()[:8]
    return slug


def check_output(root: Path) -> None:
    """Refuse an output folder that is a file (or whose ``episodes`` is), in one line."""
    for path in (root, root / EPISODES):
        if path.exists() and not path.is_dir():
            raise OutputError(f"cannot write episodes to {path}: it is a file, not a folder; choose another --output")


def episode_dir(root: Path, slug: str) -> Path:
    """Where an episode lives; refuses anything but a plain slug."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", slug):
        raise OutputError(f"not a safe episode name: {slug!r}")
    return root / EPISODES / slug


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target``.

    The previous folder stays in place until the new one is complete, then the two are
    swapped by renames: an interrupted render leaves the previous episode (or nothing),
    never a half-written one. Two writers of one episode (two renders, a render during a
    batch) take turns: each holds the episode's lock while it writes. Staging left by a
    killed writer is removed by the next one.
    """
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, parent)) from exc
    with episode_lock(target):
        restore_interrupted(target)
        sweep(parent)
        try:
            stage = make_temp_dir(f".{target.name}.new-", parent)
        except OSError as exc:
            raise OutputError(describe_os_error(exc, parent)) from exc
        try:
            yield stage
            old = parent / f".{target.name}.old"
            _remove(old)
            if target.exists() or target.is_symlink():
                os.replace(target, old)
            os.replace(stage, target)
            _remove(old)
        except OSError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            restore_interrupted(target)
            raise OutputError(describe_os_error(exc, target)) from exc
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


LOCK_WAIT = 600.0
"""Seconds a second writer of one episode waits for the first to finish."""


@contextmanager
def episode_lock(target: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold ``target``'s lock, waiting up to ``wait`` seconds for another writer; where
    ``fcntl`` does not exist, no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    path = _lock_path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path)) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"another render has been writing {target} for {wait:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


def _lock_path(target: Path) -> Path:
    """An episode folder's lock, in the user's cache (the output holds only what is published)."""
    from podcast.paths import cache_dir

    name = hashlib.sha256(str(target.absolute()).encode("utf-8")).hexdigest()[:20]
    return cache_dir() / "locks" / "episodes" / f"{name}.lock"


def sweep(parent: Path) -> None:
    """Remove the staging folders and leftovers of writers that were killed: those whose
    episode lock nobody holds."""
    try:
        import fcntl
    except ImportError:
        return
    names = {p.name.split(".new-")[0][1:] for p in parent.glob(".*.new-*")}
    names |= {p.name[1:].removesuffix(".old") for p in parent.glob(".*.old")}
    for name in names:
        lock = _lock_path(parent / name)
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # its writer is alive
        try:
            restore_interrupted(parent / name)
            _remove(parent / f".{name}.old")
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    """Remove a folder or a file, whichever ``path`` is (a plain file may sit where an
    episode folder belongs)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def restore_interrupted(target: Path) -> None:
    """Put back a previous episode folder if a swap was interrupted between its two renames,
    and remove the staging a killed writer left (the caller holds the episode's lock)."""
    old = target.parent / f".{target.name}.old"
    if old.is_dir() and not target.exists():
        os.replace(old, target)
    for leftover in target.parent.glob(f".{target.name}.new-*") if target.parent.is_dir() else ():
        shutil.rmtree(leftover, ignore_errors=True)


GUIDS = Path(".podcast") / "guids"
"""Where earlier versions kept each slug's guid, under the output root (now read only: the
show's ``podcast-ids.toml`` holds them, see :mod:`podcast.identity`)."""


def new_guid() -> str:
    """A guid for an episode published for the first time."""
    return str(uuid.uuid4())


def known_guid(root: Path, slug: str) -> str | None:
    """The guid ``slug`` was first published with, if any."""
    try:
        value = (root / GUIDS / slug).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value or None


def episode_folders(root: Path) -> list[Path]:
    """Every episode folder under ``root``, by slug (staging and swap leftovers excluded)."""
    folder = root / EPISODES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_episode(folder: Path) -> tuple[Episode | None, str | None]:
    """The episode ``folder`` holds, and why not when it holds none: ``(None, None)`` when
    it has no ``episode.json``, ``(None, reason)`` when the file is damaged."""
    try:
        text = (folder / FILES["meta"]).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{folder / FILES['meta']} cannot be read ({exc})"
    try:
        return Episode.from_json(json.loads(text)), None
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"{folder / FILES['meta']} is damaged ({type(exc).__name__}: {exc})"


def write_episode(stage: Path, episode: Episode) -> None:
    """Write ``episode.json`` into a staging folder."""
    from podcast.fsutil import write_text

    write_text(stage / FILES["meta"], json.dumps(episode.to_json(), ensure_ascii=False, indent=2) + "\n")


def show_cover(show: Show, root: Path) -> Cover:
    """The show's cover: its own image (checked), or the generated one. Either way it is
    written as ``<root>/cover.png`` when that file is missing or different."""
    from podcast.cover import generate_cover, load_cover
    from podcast.fsutil import write_bytes

    if show.image:
        cover = load_cover((show.root / show.image).resolve())
    else:
        cover = generate_cover(show.title, show.author or "")
    target = root / COVER
    try:
        same = target.is_file() and target.read_bytes() == cover.png
    except OSError:
        same = False
    if not same:
        write_bytes(target, cover.png)  # atomic; a failure is one OutputError line
    return cover


def slug_for(source: Post | Script, script: Script) -> str:
    """The episode's folder name: the post's ``slug``, else its file name (for a post read
    from the web, the last segment of its address), else its title."""
    if isinstance(source, Post) and source.slug:
        return slugify(source.slug)
    stem = ""
    if is_web_address(script.source):
        stem = url_slug(script.source) or ""
    elif script.source and not script.source.startswith("<"):
        stem = Path(script.source).stem
    if stem and stem != "script":
        return slugify(stem, fallback_seed=script.source)
    return slugify(script.title, fallback_seed=script.source)
