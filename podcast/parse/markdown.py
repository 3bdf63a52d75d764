"""Markdown posts to blocks: CommonMark via markdown-it, HTML blocks inside it read as HTML."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from podcast.parse.blocks import Block, Line
from podcast.parse.html import html_blocks

MAX_DEPTH = 50
"""Block nesting (a list adds two levels, a list item's own list two more, a quote one) below
which Markdown is read as Markdown; anything deeper is read as plain text, never dropped."""

# markdown-it drops everything after a block nested past maxNesting ("commonmark" sets 20: ten
# nested lists lose the rest of the post). The limit stays, as a guard against recursion, but
# out of reach: the over-deep rule below takes over first.
_MD = MarkdownIt("commonmark", {"maxNesting": 2 * MAX_DEPTH}).enable("table")
_DEEP_KEY = "podcast_too_deep"
_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t]|$)))*[ \t]*")
_ITEM = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
DEEP_WARNING = "part of the post is nested too deeply (lists or quotes inside each other): it is read as plain text"


def _over_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """At the nesting limit, the rest of this list item or quote as plain paragraphs: one per
    item, the text of each line kept (its list and quote markers are markup)."""
    if state.level < MAX_DEPTH or silent:
        return False
    last = start
    line = start
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] < state.blkIndent:
                break
            last = line
        line += 1
    groups: list[list[str]] = []
    fresh = True
    for raw in state.getLines(start, last + 1, state.blkIndent, False).split("\n"):
        text = _MARKERS.sub("", raw, count=1).strip()
        if not text:
            fresh = True
            continue
        if fresh or _ITEM.match(raw):
            groups.append([])
        groups[-1].append(text)
        fresh = False
    for group in groups:
        state.push("paragraph_open", "p", 1).map = [start, last + 1]
        inline = state.push("inline", "", 0)
        inline.content = "\n".join(group)
        inline.map = [start, last + 1]
        inline.children = []
        state.push("paragraph_close", "p", -1)
    state.env[_DEEP_KEY] = True
    state.line = last + 1
    return True


_MD.block.ruler.before("table", "over_deep", _over_deep)


def markdown_blocks(text: str, *, warnings: list[str] | None = None) -> list[Block]:
    """CommonMark via markdown-it: paragraphs, list items, quotes, headings, code, tables.

    Lists or quotes nested past ``MAX_DEPTH`` are read as plain text, and ``warnings`` (when
    given) says so.
    """
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    if env.get(_DEEP_KEY) and warnings is not None:
        warnings.append(DEEP_WARNING)
    blocks: list[Block] = []
    ordinals: list[int | None] = []  # one entry per open list: next number, or None if bulleted
    pending_prefix = ""
    for i, token in enumerate(tokens):
        if token.type == "ordered_list_open":
            ordinals.append(int(token.attrs.get("start", 1) or 1))
        elif token.type == "bullet_list_open":
            ordinals.append(None)
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            ordinals.pop()
        elif token.type == "list_item_open" and ordinals:
            number = ordinals[-1]
            if number is not None:
                # List numbers are content ("1. 你的算法…"): keep them as written.
                pending_prefix = f"{number}{token.markup or '.'} "
                ordinals[-1] = number + 1
        elif token.type == "inline":
            opener = tokens[i - 1].type if i else ""
            lines = _inline_lines(token)
            if pending_prefix and lines:
                first = lines[0]
                lines[0] = Line(pending_prefix + first.text, None, first.italic)
                pending_prefix = ""
            if not lines:
                continue
            if opener == "heading_open":
                blocks.append(Block("heading", tuple(lines)))
            elif opener in ("th_open", "td_open"):
                blocks.append(Block("code", tuple(lines)))
            else:
                blocks.append(Block("para", tuple(lines)))
        elif token.type in ("fence", "code_block"):
            body = tuple(Line(x) for x in token.content.strip("\n").split("\n") if x.strip())
            if body:
                blocks.append(Block("code", body))
        elif token.type == "html_block":
            blocks.extend(html_blocks(token.content, fragment=True))
    return blocks


def _inline_lines(token: Token) -> list[Line]:
    """Render an inline token to plain lines, remembering leading bold and whole-line italics."""
    lines: list[Line] = []
    parts: list[str] = []
    bold: str | None = None
    bold_start: int | None = None
    italic_depth = 0
    italic_chars = 0
    plain_chars = 0

    def flush() -> None:
        nonlocal parts, bold, bold_start, italic_chars, plain_chars
        text = "".join(parts).strip()
        if text:
            whole_italic = italic_chars > 0 and plain_chars == 0
            lines.append(Line(text, bold, whole_italic))
        parts, bold, bold_start, italic_chars, plain_chars = [], None, None, 0, 0

    for child in token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            flush()
        elif kind == "strong_open":
            if not "".join(parts).strip():
                bold_start = len(parts)
        elif kind == "strong_close":
            if bold_start is not None and bold is None:
                bold = "".join(parts[bold_start:]).strip()
        elif kind == "em_open":
            italic_depth += 1
        elif kind == "em_close":
            italic_depth = max(0, italic_depth - 1)
        elif kind in ("text", "code_inline", "html_inline"):
            content = child.content
            if kind == "html_inline":
                content = ""  # inline tags carry no words
            parts.append(content)
            visible = len(content.strip())
            if italic_depth:
                italic_chars += visible
            else:
                plain_chars += visible
        elif kind == "image":
            pass  # image captions are not part of the dialogue
    flush()
    return lines
