"""Interviews without speaker labels: the questions set apart, the answers below them.

Magazines print the interviewer's questions in bold or as short question lines
(``What frightens you most?``, ``1. Why Substack?``, ``**书里有很多好笑的段落……？**``) and the
answers as plain paragraphs, naming the two people only in the byline and the standfirst.
When a post has at least three such questions, each followed by an answer, every question
starts an interviewer's turn and every answer a guest's turn — even if the first of each
carries a label (``界面文化：``, ``方小禾：``), which then names the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

Key = tuple[int, int]
MIN_QUESTIONS = 3
"""Fewer question lines than this are questions inside a text, not an interview's layout."""
_QUESTION_END = re.compile(r"[?？][”’\"')）]*\s*$")
# "Q." / "Q：" / "Q " marks a question; the Q of "Quite…" or "Q说…" is a word's.
_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.、)）]|Q(?:[.:：]|(?![^\W\d_])))\s*")
_GLUED = re.compile(r"[?？](?=[A-Z“\"‘\u3400-\u9fff])")


@dataclass(frozen=True, slots=True)
class Line:
    """A line as the interview reader sees it."""

    key: Key
    """Where the line is (block, line)."""
    text: str
    """The line's text."""
    bold: bool
    """The whole line is bold."""
    first: bool
    """The line opens its block (paragraph)."""


def _short_question(text: str) -> bool:
    words = len(text.split()) if not re.search(r"[\u3400-\u9fff]", text) else len(text) / 2
    return _QUESTION_END.search(text) is not None and words <= 45


def questions(lines: Sequence[Line], labelled: set[Key]) -> dict[Key, str] | None:
    """``q`` for each line that asks, ``a`` for the first line of each answer; None when the
    post is not laid out as an unlabelled interview.

    ``labelled``: lines that already start a turn with a speaker label.

    >>> page = [Line((0, 0), "What frightens you most?", False, True), Line((0, 1), "Geese.", False, False),
    ...         Line((1, 0), "Your worst job?", False, True), Line((1, 1), "Selling books.", False, False),
    ...         Line((2, 0), "And love?", False, True), Line((2, 1), "Tea.", False, False)]
    >>> questions(page, set())
    {(0, 0): 'q', (0, 1): 'a', (1, 0): 'q', (1, 1): 'a', (2, 0): 'q', (2, 1): 'a'}
    """
    bold = [n for n, line in enumerate(lines) if line.bold and line.first]
    asked = (
        bold
        if len(bold) >= MIN_QUESTIONS
        else [n for n, line in enumerate(lines) if line.first and _short_question(line.text)]
    )
    roles: dict[Key, str] = {}
    count = 0
    for n in asked:
        following = lines[n + 1] if n + 1 < len(lines) else None
        if following is None or (following.bold and following.first) or _short_question(following.text):
            continue  # a subhead over the next question, or a list of questions
        roles[lines[n].key] = "q"
        roles[following.key] = "a"
        count += 1
    if count < MIN_QUESTIONS or len(labelled) >= count:
        return None
    return roles


def unglue(text: str) -> tuple[str, str] | None:
    """Split a question printed against its answer (``…the phrase?I don't mind it.``).

    >>> unglue("Do you mind the phrase?I don’t mind it at all.")
    ('Do you mind the phrase?', 'I don’t mind it at all.')
    >>> unglue("Why? Because.") is None
    True
    """
    match = _GLUED.search(text)
    if match is None or match.end() >= len(text):
        return None
    question, answer = text[: match.end()].strip(), text[match.end() :].strip()
    return (question, answer) if _short_question(question) and answer else None


def strip_number(text: str) -> str:
    """A question without its number (``1. Why Substack?`` → ``Why Substack?``).

    >>> strip_number("Q. Why Substack?"), strip_number("Q：为什么？"), strip_number("Quite so?")
    ('Why Substack?', '为什么？', 'Quite so?')
    """
    return _NUMBER.sub("", text, count=1)
