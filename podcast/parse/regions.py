"""Where the dialogue begins and where the page's tail starts.

Between the first pass (which labels are accepted, ``labels``) and the second (``reader``),
the post is cut in three: the *head* above the first turn (title, bylines, a preface), the
*dialogue*, and the *tail* (related posts, comments, a signature, an author box).
"""

from __future__ import annotations

from podcast.parse.furniture import tail_start
from podcast.parse.line_shapes import headline_shaped, is_lead_in
from podcast.parse.markers import Marker
from podcast.parse.post_lines import Key, PostLines

BOXES = {"related posts", "share bar", "navigation"}
"""Tails that may also be a box inside the post, with the dialogue going on below."""


def dialogue_start(lines: PostLines, markers: dict[Key, Marker], accepted: set[Key]) -> Key | None:
    """The first line that starts a turn. A weak label line with no end punctuation right
    above a date or byline is the page's headline (``林秉坤：一个标题改七遍，那是常事``); when
    the page says where its transcript begins (``访谈实录``, ``以下为聊天实录：``), labels above
    that line are not the dialogue (a block of endorsements, a guest list)."""
    speaking = [k for k in lines.keys if k in accepted and markers[k].kind in ("speaker", "narrator")]
    lead = next((k for k in lines.keys if is_lead_in(lines.text[k]) and k not in accepted), None)
    if lead is not None and any(lines.order[k] > lines.order[lead] for k in speaking):
        for key in speaking:
            if lines.order[key] < lines.order[lead]:
                accepted.discard(key)
    for key in lines.keys:
        marker = markers.get(key)
        if key not in accepted or marker is None or marker.kind not in ("speaker", "narrator"):
            continue
        if marker.kind == "speaker" and not marker.strong and headline_shaped(lines.text[key]):
            after = [k for k in lines.following(key, 3) if lines.text[k]]
            dated = bool(after) and lines.furniture.get(after[0]) in ("date", "byline")
            repeated = bool(after) and lines.text[after[0]] == lines.text[key]
            plain = (
                bool(after)
                and after[0] not in accepted
                and (after[0] in lines.furniture or headline_shaped(lines.text[after[0]]))
                and lines.text[key].rstrip()[-1:] not in "?？"
            )
            if dated or repeated or plain:
                accepted.discard(key)  # "叶小棠：第一次开微博，我连年份都记错了" over a byline
                continue
        return key
    return None


def find_tail(lines: PostLines, start: Key | None, markers: dict[Key, Marker], accepted: set[Key]) -> int:
    """Index (in ``lines.keys``) where the page's tail begins: comments, a signature, an
    author box — or related posts, unless the dialogue goes on below them (a "Related" box
    in the middle of an interview)."""
    first = lines.order[start] + 1 if start is not None else 0
    speaking = sorted(lines.order[k] for k in accepted if markers[k].kind == "speaker")
    for n in range(first, len(lines.keys)):
        key = lines.keys[n]
        why = tail_start(lines.text[key]) if lines.blocks[key[0]].kind == "para" else None
        if not why or (start is None and n == 0):
            continue
        if why in BOXES and speaking and speaking[-1] > n:
            continue
        return n
    return len(lines.keys)
