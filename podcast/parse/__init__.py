"""Parsing: a post's text in, a ``Post`` out.

``parse_post`` works on a string (no I/O); ``read_post`` is the file edge around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from podcast.errors import ParseError
from podcast.hanzi import TRADITIONAL, looks_traditional
from podcast.model import LeftOut, Post, Turn
from podcast.parse import roles
from podcast.parse import title as titles
from podcast.parse.blocks import Block, Line, text_blocks
from podcast.parse.broadcast import extract_broadcast
from podcast.parse.dialogue import Dialogue, read_dialogue
from podcast.parse.frontmatter import split_front_matter
from podcast.parse.furniture import furniture, tail_start
from podcast.parse.html import html_blocks
from podcast.parse.markdown import markdown_blocks
from podcast.parse.markers import find_marker
from podcast.parse.source import DEFAULT_MAX_BYTES, detect_format, no_text, read_text, shown, strip_controls
from podcast.parse.wrapping import split_lead_ins, unglue_images, unwrap
from podcast.text import iso_date

__all__ = ["DEFAULT_MAX_BYTES", "parse_post", "read_post"]

_HANZI = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_BOOK_TITLE = re.compile(r"^《(?P<title>[^》]{1,120})》$")
_TERMINAL = re.compile(r"[。！？!?…；;：:，,]$")


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
    # No control character gets past here: a post's "\x1b[31m" must not reach a terminal.
    text = strip_controls(text).lstrip("\ufeff")
    name = shown(source)
    if not text.strip():
        raise ParseError(f"{name}: {no_text()}")
    fmt = fmt or detect_format(source, text)
    if fmt not in ("markdown", "html", "text"):
        raise ParseError(f"{name}: unknown format {shown(fmt)!r} (use markdown, html or text)")
    front: dict[str, Any] = {}
    if fmt != "html":
        front, text, _ = split_front_matter(text, name)
        front = _clean_value(front)  # YAML escapes ("\e[31m") spell control characters too
    warnings: list[str] = []
    if fmt == "markdown":
        blocks = markdown_blocks(text, warnings=warnings)
    else:
        blocks = {"html": html_blocks, "text": text_blocks}[fmt](text)
    blocks = [split_lead_ins(unwrap(unglue_images(b), _starts_turn), _starts_turn) for b in blocks]

    page = blocks[0].meta if blocks else {}
    left_out: list[LeftOut] = []
    blocks, heading = _take_title(blocks)
    if heading:
        left_out.append(LeftOut(heading, "title"))
    blocks, broadcast = extract_broadcast(blocks)

    merged_aliases = roles.aliases_with(
        _aliases(front.get("speakers"), aliases, name), roles.definitions(_lines(blocks, 200))
    )
    author = _text(front.get("author")) or page.get("author")
    dialogue = read_dialogue(blocks, aliases=merged_aliases, author=author)
    author = author or dialogue.meta.get("author")
    if not dialogue.turns and not dialogue.notes and not broadcast and heading:
        # A post that is only its headline is that line.
        dialogue = read_dialogue(text_blocks(heading), aliases=merged_aliases, author=author)
    if not dialogue.turns and not dialogue.notes and not broadcast:
        raise ParseError(f"{name}: no text left after removing page furniture (see podcast parse --explain)")

    turns = dialogue.turns
    notes = dialogue.notes
    if not dialogue.has_dialogue:
        warnings.append("no dialogue found: the post is read as one narration turn")

    body = " ".join(t.text for t in turns) or " ".join(notes)
    title = (
        _text(front.get("title"))
        or heading
        or (broadcast or {}).get("title")
        or _found_title(page, dialogue, body, source)
    )
    context = [*(page.get(k, "") for k in ("title_og", "title_tag")), *dialogue.headlines, *notes]
    turns = _resolve(turns, dialogue.casts, [*context, *(x.text for x in dialogue.left_out)], title or "", author)
    if not title:
        speakers = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
        title = titles.derive(
            speakers, [t.text for t in turns if not t.direction] or list(notes), _language(None, body)
        )
        warnings.append(f"no title found in the post: it is announced as “{title}” (set title: in front matter)")

    declared = _text(front.get("language") or front.get("lang"))
    # A page's lang attribute comes from its site's template: "zh-CN" on a traditional page is
    # only "Chinese"; front matter is the author's own word.
    language = _language(declared, body) if declared else _page_language(page.get("lang"), body)
    date = iso_date(front.get("date")) or iso_date(page.get("date")) or iso_date(dialogue.meta.get("date"))
    metadata: dict[str, Any] = {k: v for k, v in front.items() if k not in ("title", "author", "date")}
    if broadcast:
        metadata["broadcast"] = broadcast
    if dialogue.meta.get("source") and "source_url" not in metadata:
        metadata["source_url"] = dialogue.meta["source"]
    return Post(
        title=title,
        author=author,
        date=date,
        language=language,
        source=source,
        turns=turns,
        notes=notes,
        preface=dialogue.preface,
        metadata=metadata,
        warnings=tuple(warnings),
        left_out=tuple(_as_title(x, title) for x in (*left_out, *dialogue.left_out)),
    )


def _found_title(page: Mapping[str, str], dialogue: Dialogue, body: str, source: str) -> str | None:
    """The title the page declares or shows above the dialogue; a file name that reads as one."""
    declared = [page.get(k, "") for k in ("title", "title_og", "title_tag")] + [dialogue.meta.get("title", "")]
    names = " ".join(f"{t.speaker} {t.label or ''}" for t in dialogue.turns if t.speaker)
    found = titles.choose(
        page=declared, headlines=dialogue.headlines, anchored=dialogue.anchored, body=f"{body} {names}"
    )
    return found or _stem_title(source)


def _as_title(line: LeftOut, title: str) -> LeftOut:
    """A left-out line that is the title says so."""
    return LeftOut(line.text, "title") if titles.clean(line.text) == title else line


def _starts_turn(text: str) -> bool:
    marker = find_marker(Line(text))
    return marker is not None and marker.kind in ("speaker", "narrator")


def _lines(blocks: list[Block], limit: int) -> list[str]:
    """The first ``limit`` lines of the post, where it says who is who."""
    return [line.text for block in blocks for line in block.lines][:limit]


def _resolve(
    turns: tuple[Turn, ...], casts: tuple[tuple[str, str], ...], context: list[str], title: str, author: str | None
) -> tuple[Turn, ...]:
    """Role labels (Q, 记者, 主持人…) replaced by the people the post says play them."""
    resolved = roles.resolve(turns, casts=casts, context=context, title=title, author=author)
    if not resolved:
        return turns
    return tuple(
        Turn(resolved.get(t.speaker, t.speaker) if t.speaker else None, t.label, t.text, t.direction,
             resolved.get(t.subject, t.subject) if t.subject else None)
        for t in turns
    )  # fmt: skip


def _clean_value(value: Any) -> Any:
    """A front matter value with no control character in any string of it."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {_clean_value(k): _clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_value(x) for x in value]
    return value


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _take_title(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """The title when the post opens with one — a 《title》 line, or a heading with only page
    furniture above it — and the blocks without it."""
    for index, block in enumerate(blocks[:8]):
        if not block.lines:
            continue
        line = block.lines[0].text.strip()
        if block.kind == "heading" and len(block.lines) == 1:
            candidate: str | None = titles.clean(line)
        elif index == 0 and len(block.lines) == 1 and (book := _BOOK_TITLE.match(line)) is not None:
            candidate = book.group("title").strip()
        elif block.kind == "para" and all(furniture(x.text) or tail_start(x.text) for x in block.lines):
            continue  # a breadcrumb, a date line: furniture above the title
        else:
            return blocks, None
        rest = blocks[:index] + blocks[index + 1 :]
        if block.meta and rest:
            rest[0] = Block(rest[0].kind, rest[0].lines, {**block.meta, **rest[0].meta})
        return rest, candidate
    return blocks, None


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


def _page_language(lang: str | None, body: str) -> str:
    """An HTML page's ``lang``, except that a simplified-Chinese tag on traditional text is
    only the site template's "Chinese".

    >>> _page_language("zh-CN", "這個問題"), _page_language("zh-CN", "这个问题"), _page_language(None, "Hi there")
    ('zh-Hant', 'zh-CN', 'en')
    """
    if lang and lang.lower() in ("zh-cn", "zh-hans", "zh-hans-cn", "zh-sg") and looks_traditional(body):
        return TRADITIONAL
    return _language(lang, body)


def _language(declared: str | None, body: str) -> str:
    """``zh``, ``zh-Hant`` or ``en``: declared, else by counting hanzi against Latin words
    (a post that says only ``zh`` is ``zh-Hant`` when its characters are traditional).

    >>> _language(None, "纠结有日子了 GPT"), _language(None, "It is lossless."), _language("zh-CN", "")
    ('zh', 'en', 'zh-CN')
    >>> _language(None, "糾結有日子了，這個問題"), _language("zh", "糾結有日子了，這個問題"), _language("zh-TW", "")
    ('zh-Hant', 'zh-Hant', 'zh-TW')
    """
    if declared and declared.lower() != "zh":
        return declared
    hanzi = len(_HANZI.findall(body))
    words = len(_LATIN_WORD.findall(body))
    language = declared or ("zh" if hanzi and hanzi >= words else "en" if words else "zh")
    if language == "zh" and hanzi and looks_traditional(body):
        return TRADITIONAL
    return language


def _stem_title(source: str) -> str | None:
    """The file name as a title, only when it reads as one (``李白对话录：谈压缩.txt``):
    never a slug or a number (``04-csdn-yuelu-duihua``).

    >>> _stem_title("posts/李白对话录 谈压缩.txt"), _stem_title("04-csdn-yuelu-duihua.md"), _stem_title("<text>")
    ('李白对话录 谈压缩', None, None)
    """
    stem = " ".join(strip_controls(Path(source).stem).split()) if source and not source.startswith("<") else ""
    if shown(stem) != stem:  # bytes the file system could not decode: not a title to announce
        return None
    return stem if re.search(r"[\u3400-\u9fff]{2}", stem) and not re.search(r"\d{2}", stem) else None
