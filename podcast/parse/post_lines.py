"""The post's lines in reading order, as both passes of the dialogue reader address them.

A line is named by its ``Key`` (block index, line index). ``PostLines`` keeps, for every
line, its cleaned text (timestamps stripped), its furniture class, and which texts the page
repeats (running headers and footers).
"""

from __future__ import annotations

import re
from collections import Counter

from podcast.parse.blocks import Block
from podcast.parse.furniture import furniture
from podcast.parse.line_shapes import headline_shaped
from podcast.parse.markers import strip_timestamp

_CONTENTS_LINE = re.compile(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}\s*[–—-]\s*(\S.{1,80})$")

Key = tuple[int, int]
"""Where a line is: (block index, line index in the block)."""


class PostLines:
    """The post's lines in order, with their block, text and furniture class."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.keys: list[Key] = [(i, j) for i, b in enumerate(blocks) for j in range(len(b.lines))]
        self.order = {key: n for n, key in enumerate(self.keys)}
        self.text = {k: strip_timestamp(blocks[k[0]].lines[k[1]].text.strip()) for k in self.keys}
        self.furniture = {k: why for k in self.keys if blocks[k[0]].kind == "para" and (why := furniture(self.text[k]))}
        # A table of contents ("34:40 – Fear and wonder") names the chapter headings the
        # transcript repeats inside the dialogue: those lines are headings, not speech.
        chapters = {m.group(1).lower() for t in self.text.values() if (m := _CONTENTS_LINE.match(t))}
        for key in self.keys:
            if key not in self.furniture and self.text[key].lower() in chapters:
                self.furniture[key] = "chapter heading"
        # A line the page repeats, that does not end a sentence: a running header or footer.
        counts = Counter(self.text.values())
        self.repeated = {t for t, n in counts.items() if n >= 2 and len(t) >= 8 and headline_shaped(t)}

    def next_text(self, key: Key) -> str | None:
        n = self.order[key] + 1
        return self.blocks[self.keys[n][0]].lines[self.keys[n][1]].text if n < len(self.keys) else None

    def following(self, key: Key, count: int) -> list[Key]:
        n = self.order[key]
        return self.keys[n + 1 : n + 1 + count]

    def next_line(self, key: Key) -> str:
        """The cleaned text of the line after ``key``, or ``""`` at the end."""
        after = self.following(key, 1)
        return self.text[after[0]] if after else ""
