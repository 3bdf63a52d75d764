"""Forum threads: posts (floors) by the thread's poster carry the dialogue, readers' replies do not.

Two layouts. A thread whose posts open with a header naming the poster and the time
(``作者：北方的狼2015  时间：2016-03-12 22:41:09``, as on 天涯) is read line by line: the
reader follows whose floor it is in (``floor_poster``) and leaves readers' floors out. A
thread laid out as posts under the poster's name and a ``#1 引用回覆 … 發表時間 …`` line, with
no speaker labels anywhere, gets each post marked as a turn by its poster (``label_floors``).
"""

from __future__ import annotations

import re

from podcast.hanzi import to_simplified
from podcast.parse.markers import Marker
from podcast.parse.post_lines import Key, PostLines

# A forum floor's header: who posted it ("作者：北方的狼2015  时间：2016-03-12 22:41:09").
_FLOOR = re.compile(r"(?:楼主|作者)\s*[:：]\s*(?P<who>\S{1,30}?)\s+(?:楼主\s+)?(?:时间|日期|发表于)\s*[:：]")
_POST_HEADER = re.compile(r"#\d{1,5}\s*(?:引用回覆|引用回复|引用).{0,60}(?:發表時間|发表时间|發表於|发表于)")


def label_floors(lines: PostLines, markers: dict[Key, Marker], accepted: set[Key], canonical: dict[str, str]) -> None:
    """A forum thread laid out as posts (the poster's name, their stats, ``#1 引用回覆 …
    發表時間 …``, then the post): each post is a turn by its poster."""
    if any(markers[k].kind == "speaker" for k in accepted):
        return
    headers = [k for k in lines.keys if lines.furniture.get(k) == "forum" and _POST_HEADER.search(lines.text[k])]
    if len(headers) < 2:
        return
    for header in headers:
        n = lines.order[header]
        poster = next(
            (
                k
                for k in reversed(lines.keys[max(0, n - 15) : n])
                if k not in lines.furniture
                and 1 < len(lines.text[k]) <= 20
                and not re.search(r"[:：\d]", lines.text[k])
            ),
            None,
        )
        following = lines.following(header, 1)
        if poster is None or not following or following[0] in lines.furniture:
            continue
        name = lines.text[poster]
        lines.furniture[poster] = "forum poster"
        markers[following[0]] = Marker("speaker", name, name, lines.text[following[0]], True)
        accepted.add(following[0])
        canonical.setdefault(name, name)


def floor_poster(text: str) -> str | None:
    """Who posted the floor whose header ``text`` is, as written; None if it is no floor header.

    >>> floor_poster("作者：北方的狼2015  时间：2016-03-12 22:41:09")
    '北方的狼2015'
    """
    floor = _FLOOR.search(to_simplified(text))
    # As written: the rule reads the simplified text.
    return text[floor.start("who") : floor.end("who")] if floor else None


def thread_header(text: str) -> tuple[str, str] | None:
    """The thread's author or title from a forum header line (``作者 某某 (…)``, ``标题 …``).

    >>> thread_header("标题 我和我爸的对话")
    ('title', '我和我爸的对话')
    """
    header = re.match(r"(作者|標題|标题)\s*(.+)", text)
    if not header:
        return None
    key = "author" if header.group(1) == "作者" else "title"
    value = re.sub(r"\s*\(.*\)\s*$", "", header.group(2)) if key == "author" else header.group(2)
    return key, value.strip()
