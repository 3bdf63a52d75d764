"""Parsing: a post's text in, a ``Post`` out.

``parse_post`` works on a string (no I/O); ``read_post`` is the file edge around it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from podcast.errors import ParseError
from podcast.model import Post
from podcast.parse.blocks import Block, markdown_blocks, text_blocks
from podcast.parse.boilerplate import strip_boilerplate
from podcast.parse.broadcast import extract_broadcast
from podcast.parse.dialogue import build_dialogue, first_turn_block
from podcast.parse.frontmatter import split_front_matter
from podcast.parse.html import html_blocks
from podcast.parse.source import DEFAULT_MAX_BYTES, detect_format, read_text

__all__ = ["DEFAULT_MAX_BYTES", "parse_post", "read_post"]

_HANZI = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_BOOK_TITLE = re.compile(r"^《(?P<title>[^》]{1,120})》$")
_TERMINAL = re.compile(r"[。！？!?…；;：:，,]$")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}  # fmt: skip


def read_post(
    path: Path | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> Post:
    """Read, decode and parse the post at ``path``."""
    path = Path(path)
    text = read_text(path, max_bytes=max_bytes)
    return parse_post(text, source=str(path), aliases=aliases)


def parse_post(
    text: str,
    *,
    source: str = "<text>",
    fmt: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> Post:
    """Parse a dialogue post.

    ``fmt`` is ``markdown``, ``html`` or ``text`` (guessed from ``source`` and the content when
    None). ``aliases`` maps a canonical speaker to other labels for the same person; the
    post's own front matter ``speakers:`` adds to it.

    >>> post = parse_post("李：你好。\\n\\n白：你好，李老师。")
    >>> [(t.speaker, t.text) for t in post.turns]
    [('李', '你好。'), ('白', '你好，李老师。')]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fmt = fmt or detect_format(source, text)
    if fmt not in ("markdown", "html", "text"):
        raise ParseError(f"{source}: unknown format {fmt!r} (use markdown, html or text)")
    front: dict[str, Any] = {}
    if fmt != "html":
        front, text, _ = split_front_matter(text, source)
    blocks = {"markdown": markdown_blocks, "html": html_blocks, "text": text_blocks}[fmt](text)

    page = blocks[0].meta if blocks else {}
    title = _text(front.get("title")) or page.get("title")
    blocks, title = _take_title(blocks, title)
    blocks, broadcast = extract_broadcast(blocks)

    merged_aliases = _aliases(front.get("speakers"), aliases, source)
    first = first_turn_block(blocks, merged_aliases)
    blocks, publisher = strip_boilerplate(blocks, (first + 1) if first is not None else len(blocks) // 2 + 1)

    author = _text(front.get("author")) or page.get("author") or publisher
    dialogue = build_dialogue(blocks, aliases=merged_aliases, author=author)
    author = author or dialogue.meta.get("author")
    if not dialogue.turns and not dialogue.notes and not broadcast:
        raise ParseError(f"{source}: no text left after removing page boilerplate")

    warnings: list[str] = []
    turns = dialogue.turns
    notes = dialogue.notes
    if not dialogue.has_dialogue:
        warnings.append("no dialogue found: the post is read as one narration turn")

    body = " ".join(t.text for t in turns) or " ".join(notes)
    language = _language(_text(front.get("language") or front.get("lang")) or page.get("lang"), body)
    date = _iso_date(front.get("date")) or _iso_date(page.get("date")) or _iso_date(dialogue.meta.get("date"))
    metadata: dict[str, Any] = {k: v for k, v in front.items() if k not in ("title", "author", "date")}
    if broadcast:
        metadata["broadcast"] = broadcast
    if dialogue.meta.get("source") and "source_url" not in metadata:
        metadata["source_url"] = dialogue.meta["source"]
    return Post(
        title=title or (broadcast or {}).get("title") or _fallback_title(source),
        author=author,
        date=date,
        language=language,
        source=source,
        turns=turns,
        notes=notes,
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _take_title(blocks: list[Block], title: str | None) -> tuple[list[Block], str | None]:
    """Use (and remove) the first block as the title when it is one: a heading, a 《title》
    line, or a lone short line on top of a plain-text page."""
    if not blocks or not blocks[0].lines:
        return blocks, title
    first = blocks[0]
    line = first.lines[0].text.strip()
    candidate: str | None = None
    if first.kind == "heading":
        candidate = line
    elif (book := _BOOK_TITLE.match(line)) is not None:
        candidate = book.group("title").strip()
    if candidate is None or len(first.lines) > 1:
        return blocks, title
    if title is None or candidate in (title, f"《{title}》") or first.kind == "heading":
        rest = blocks[1:]
        if first.meta and rest:
            rest[0] = Block(rest[0].kind, rest[0].lines, first.meta)
        return rest, title or candidate
    return blocks, title


def _aliases(declared: object, extra: Mapping[str, Iterable[str]] | None, source: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in (extra or {}).items()}
    if declared is None:
        return result
    if not isinstance(declared, dict):
        raise ParseError(f"{source}: front matter 'speakers' must map a name to its other labels")
    for name, labels in declared.items():
        if isinstance(labels, str):
            labels = [labels]
        if labels is None:
            labels = []
        if not isinstance(labels, list):
            raise ParseError(f"{source}: front matter 'speakers.{name}' must be a list of labels")
        result.setdefault(str(name), []).extend(str(x) for x in labels)
    return result


def _language(declared: str | None, body: str) -> str:
    """``zh`` or ``en``: declared, else by counting hanzi against Latin words.

    >>> _language(None, "纠结有日子了 GPT"), _language(None, "It is lossless."), _language("zh-CN", "")
    ('zh', 'en', 'zh-CN')
    """
    if declared:
        return declared
    hanzi = len(_HANZI.findall(body))
    words = len(_LATIN_WORD.findall(body))
    return "zh" if hanzi and hanzi >= words else "en" if words else "zh"


def _iso_date(value: object) -> str | None:
    """An ISO date from front matter, page metadata or a 时间：line.

    >>> _iso_date("2024年5月1日"), _iso_date("May 1, 2024"), _iso_date("2024/05/01 10:00")
    ('2024-05-01', '2024-05-01', '2024-05-01')
    >>> _iso_date("soon") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    found = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if found:
        year, month, day = (int(x) for x in found.groups())
    else:
        words = re.search(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)
        words2 = re.search(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})", text)
        if words and words.group(1).lower() in _MONTHS:
            month, day, year = _MONTHS[words.group(1).lower()], int(words.group(2)), int(words.group(3))
        elif words2 and words2.group(2).lower() in _MONTHS:
            day, month, year = int(words2.group(1)), _MONTHS[words2.group(2).lower()], int(words2.group(3))
        else:
            return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _fallback_title(source: str) -> str:
    stem = Path(source).stem if source and not source.startswith("<") else ""
    return stem or "Untitled"
