"""YAML front matter (``---`` … ``---`` at the top of a post)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from podcast.errors import ParseError

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_YAML_KEY = re.compile(r"^[\w\"'][^\n:]*:(?:\s|$)")


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str, int]:
    """Split ``text`` into (front matter mapping, body, number of lines the front matter took).

    >>> split_front_matter("---\\ntitle: 对话\\n---\\n白：好", "p.md")
    ({'title': '对话'}, '白：好', 3)
    >>> split_front_matter("白：好", "p.md")
    ({}, '白：好', 0)
    """
    opened = _OPEN.match(text)
    if not opened:
        return {}, text, 0
    rest = text[opened.end() :]
    closed = _CLOSE.search(rest)
    if closed is None:
        if _YAML_KEY.match(rest):
            raise ParseError(f"{name}: line 1: the front matter opened with '---' is never closed")
        return {}, text, 0  # a horizontal rule at the top, not front matter
    source = rest[: closed.start()]
    body = rest[closed.end() :].lstrip("\n")
    used = text[: len(text) - len(body)].count("\n")
    try:
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is None or (mark.index >= len(source.rstrip()) and exc.context_mark is not None):
            # Stumbling on the end ("[x" never closed) points at the end; the construct
            # that was left open is where the fix goes.
            mark = exc.context_mark
        line = mark.line + 2 if mark is not None else 2  # +1 for 1-based, +1 for the '---'
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(f"{name}: line {line}: broken front matter: {problem}") from exc
    except yaml.YAMLError as exc:
        raise ParseError(f"{name}: broken front matter: {exc}") from exc
    if data is None:
        return {}, body, used
    if not isinstance(data, dict):
        raise ParseError(f"{name}: line 2: front matter must be 'key: value' lines")
    return {str(k): v for k, v in data.items()}, body, used
