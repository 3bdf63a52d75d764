"""From blocks to turns: who speaks, where each turn ends, what is narration, notes or furniture.

Two passes. The first classifies every line — page furniture, or a speaker marker — and
decides, over the whole post, which labels are speakers (a weak ``Name: text`` seen once is
more likely a headline). That fixes three regions: the *head* before the first turn (title,
bylines, a preface), the *dialogue*, and the page's *tail* (related posts, comments, a
signature). The second pass walks the lines in order and builds the turns, splitting stage
directions and narration out of what the speakers say, and records every line it leaves out
with the reason (``podcast parse --explain``).

This module runs the passes; the work is done in:

- ``post_lines``: the post's lines in order, with their cleaned text and furniture class;
- ``labels``: the first pass — which markers start a turn, guest lists, unlabelled interviews;
- ``forum``: forum threads — posts by the thread's poster as turns, readers' floors apart;
- ``regions``: where the dialogue starts and where the page's tail begins;
- ``reader``: the second pass, the state machine that builds the turns (and ``Dialogue``);
- ``line_shapes`` and ``byline``: what one line looks like; the author and the byline's
  neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from podcast.parse.blocks import Block
from podcast.parse.forum import label_floors
from podcast.parse.labels import decide_labels, label_interview, unglue_blocks
from podcast.parse.post_lines import PostLines
from podcast.parse.reader import Dialogue, Reader
from podcast.parse.regions import dialogue_start, find_tail
from podcast.parse.speakers import core

__all__ = ["Dialogue", "read_dialogue"]


def read_dialogue(
    blocks: list[Block],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    author: str | None = None,
) -> Dialogue:
    """Read turns, narration, notes and left-out lines out of ``blocks``."""
    lines = PostLines(unglue_blocks(blocks))
    markers, accepted, canonical = decide_labels(lines, aliases, author)
    label_interview(lines, markers, accepted, canonical)
    label_floors(lines, markers, accepted, canonical)
    start = dialogue_start(lines, markers, accepted)
    has_dialogue = start is not None
    end = find_tail(lines, start, markers, accepted)
    reader = Reader(lines, markers, accepted, canonical, _known_names(canonical, aliases), has_dialogue)
    reader.walk(start, end)
    return reader.result()


def _known_names(canonical: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None) -> list[str]:
    names = set(canonical) | set(canonical.values())
    for person, labels in (aliases or {}).items():
        names.add(person)
        names.update(str(x) for x in labels)
    names |= {core(n) for n in names if not n.isascii()}
    names.discard("我")
    return sorted(names, key=len, reverse=True)
