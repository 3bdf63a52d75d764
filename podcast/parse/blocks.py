"""What every input format is turned into: a list of blocks of lines — and plain text's reader.

Everything downstream (boilerplate, broadcast framing, turn markers) reads blocks, so each
input format needs only one conversion: ``text_blocks`` here, ``markdown.markdown_blocks``
and ``html.html_blocks``. This module depends on no other part of ``podcast.parse``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["para", "heading", "code", "stage"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a block, as plain text."""

    text: str
    """The line's text with inline markup removed."""
    bold: str | None = None
    """The bold (``**…**``/``<strong>``) text the line starts with, if any."""
    italic: bool = False
    """The whole line is emphasized (stage directions, narration set in italics)."""


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph-like unit: a paragraph, a list item, a heading, a code block."""

    kind: BlockKind
    """What the block is; only ``para`` blocks can hold dialogue."""
    lines: tuple[Line, ...]
    """The block's lines in order."""
    meta: dict[str, str] = field(default_factory=dict)
    """Facts the format gave about the document (HTML ``<title>``, ``lang``…), on the first block."""

    @property
    def text(self) -> str:
        """The block's lines joined by newlines."""
        return "\n".join(line.text for line in self.lines)


# ---------------------------------------------------------------- plain text


def text_blocks(text: str) -> list[Block]:
    """Plain text: blank lines separate blocks; every other line is kept as written.

    >>> [b.text for b in text_blocks("a\\nb\\n\\n\\nc")]
    ['a\\nb', 'c']
    """
    blocks: list[Block] = []
    current: list[Line] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            current.append(Line(line))
        elif current:
            blocks.append(Block("para", tuple(current)))
            current = []
    if current:
        blocks.append(Block("para", tuple(current)))
    return blocks
