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
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.errors import OutputError
from podcast.fsutil import describe_os_error
from podcast.model import Episode, Post, Script

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
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(unicodedata.normalize("NFKC", text))
    ascii_text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:80].rstrip("-")
    if not slug:
        slug = "episode-" + hashlib.sha256((fallback_seed or text).encode()).hexdigest()[:8]
    return slug


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
    never a half-written one. A folder left over from an interrupted swap is restored first.
    """
    parent = target.parent
    restore_interrupted(target)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    except OSError as exc:
        raise OutputError(describe_os_error(exc, parent)) from exc
    try:
        yield stage
        old = parent / f".{target.name}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        restore_interrupted(target)
        raise OutputError(describe_os_error(exc, target)) from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def restore_interrupted(target: Path) -> None:
    """Put back a previous episode folder if a swap was interrupted between its two renames."""
    old = target.parent / f".{target.name}.old"
    if old.is_dir() and not target.exists():
        os.replace(old, target)
    for leftover in target.parent.glob(f".{target.name}.new-*") if target.parent.is_dir() else ():
        shutil.rmtree(leftover, ignore_errors=True)


GUIDS = Path(".podcast") / "guids"
"""Under the output root: one small file per episode slug holding the guid it was published
with, so even an episode folder deleted and rendered again keeps its guid."""


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


def remember_guid(root: Path, slug: str, guid: str) -> None:
    """Record ``slug``'s guid (once: an existing record is never changed)."""
    from podcast.fsutil import write_text

    if known_guid(root, slug) is None:
        write_text(root / GUIDS / slug, guid + "\n")


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
    """The episode's folder name: the post's ``slug``, else its file name, else its title."""
    if isinstance(source, Post) and source.slug:
        return slugify(source.slug)
    stem = Path(script.source).stem if script.source and not script.source.startswith("<") else ""
    if stem and stem != "script":
        return slugify(stem, fallback_seed=script.source)
    return slugify(script.title, fallback_seed=script.source)
