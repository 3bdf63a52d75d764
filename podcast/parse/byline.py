"""The post's author and the lines next to its byline, from the page's head and tail.

A byline names the author (``By Terry Gross``, or a bare ``Eleanor Ashby`` over the date); an
author box in the tail does too (``发布者`` then the name). The headlines within a few lines
of the byline or date are where a page puts its title (``anchored``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from podcast.parse.markers import looks_like_person

_BY = re.compile(r"(?:By|Interview by|Written by|Story by)\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*$")
_POSTED_BY = r"(?:发布者|發佈者|Posted by|Published by)\s*[:：]?\s*"

HeadLine = tuple[str, str | None]
"""A line of the page's head and its furniture class (None for a plain line)."""


def byline_name(text: str) -> bool:
    """A line that is only a person's name (``Eleanor Ashby``, ``林知远``).

    >>> byline_name("Eleanor Ashby"), byline_name("The Margin Notes"), byline_name("林知远")
    (True, False, True)
    """
    if re.fullmatch(r"[\u3400-\u9fff]{2,4}", text):
        return looks_like_person(text)
    words = text.split()
    return (
        2 <= len(words) <= 3
        and all(re.fullmatch(r"[A-Z][a-z'’-]+", w) for w in words)
        and words[0] not in ("The", "By", "From", "With")
    )


def head_author(text: str, why: str | None, previous: str | None) -> str | None:
    """The author a line of the page's head names, given its furniture class ``why`` and the
    head line above it.

    >>> head_author("By Terry Gross", "byline", None)
    'Terry Gross'
    >>> head_author("Feb 02, 2024", "date", "Eleanor Ashby")
    'Eleanor Ashby'
    """
    if why == "date" and previous and byline_name(previous):
        return previous  # "Eleanor Ashby" over "Feb 02, 2024": the byline, with no "By".
    if why == "byline" and (by := _BY.match(text)):
        return by.group(1)  # "By Terry Gross"
    return None


def tail_author(text: str, following: str | None) -> str | None:
    """The author an author box in the page's tail names: ``发布者 张三``, or ``发布者`` over the name.

    >>> tail_author("Posted by", "Lin Zhiyuan"), tail_author("发布者：张三", None)
    ('Lin Zhiyuan', '张三')
    """
    if re.fullmatch(_POSTED_BY, text, re.IGNORECASE):
        return following or None
    if match := re.fullmatch(rf"{_POSTED_BY}(\S.{{0,30}})", text, re.IGNORECASE):
        return match.group(1).strip()
    return None


def anchored(head: Sequence[HeadLine], headlines: Sequence[str]) -> list[str]:
    """The ``headlines`` within three lines of the head's byline or date: where titles sit."""
    marks = [n for n, (_, why) in enumerate(head) if why in ("date", "byline")]
    near = {n for m in marks for n in range(m - 3, m + 3) if 0 <= n < len(head) and head[n][1] is None}
    # A line beside a caption's furniture ("【查看原图】") is the caption.
    near -= {n + d for n, (_, why) in enumerate(head) if why == "caption" for d in (-1, 1)}
    return [head[n][0] for n in sorted(near) if head[n][0] in headlines and not byline_name(head[n][0])]
