"""Episode folders: safe slugs and an all-or-nothing swap of the finished folder."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from podcast.errors import OutputError
from podcast.fsutil import describe_os_error

EPISODES = "episodes"
"""The folder, under the output root, that holds one folder per episode."""


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
