"""Lines as the author meant them: hard-wrapped sentences joined, line breaks kept.

Text saved from a page, an e-mail or a terminal is often wrapped at a fixed width, so one
sentence runs over two lines; read line by line it would become two sentences
(``看看能。做些什么事情``). A line is joined to the next when it stops mid-sentence and
looks wrapped: it ends with a comma, or it is long and ends without punctuation. Chinese
lines join without a space, Latin ones with one. A line that ends a sentence, a short line
(a chat message, a verse) and a line before a speaker label are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from podcast.parse.blocks import Block, Line
from podcast.parse.furniture import IMAGE_NAME, furniture

_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Characters of Chinese text, punctuation included: no space when a line break falls beside one.
_WIDE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")
# Where a line may end a sentence or a thought: nothing after it is its continuation.
_ENDS = "。！？!?…；;：:."
_CLOSERS = "”’」』\"'）)】]》"
_CLAUSE = "，,、"
MIN_WRAPPED_HANZI = 14
"""A Chinese line shorter than this is a line on purpose (a chat message, a verse), not a wrap."""
MIN_WRAPPED_CHARS = 45
"""The same for Latin text, in characters."""
WRAP_SHARE = 0.7
"""A wrapped line is at least this share of the block's longest line."""


def unwrap(block: Block, starts_turn: Callable[[str], bool]) -> Block:
    """``block`` with hard-wrapped lines joined; ``starts_turn(line)`` says a line opens a turn.

    >>> b = Block("para", (Line("他说明天我们一起去图书馆查资料，顺便看看能"), Line("做些什么事情。"), Line("好的。")))
    >>> [line.text for line in unwrap(b, lambda s: False).lines]
    ['他说明天我们一起去图书馆查资料，顺便看看能做些什么事情。', '好的。']
    >>> b = Block("para", (Line("好的"), Line("我明白了")))
    >>> [line.text for line in unwrap(b, lambda s: False).lines]
    ['好的', '我明白了']
    """
    if block.kind != "para" or len(block.lines) < 2:
        return block
    longest = max(len(line.text) for line in block.lines)
    if not _fixed_width(block.lines, longest):
        longest = 10**6  # lines of free length: only a comma or a lower-case start joins them
    joined: list[Line] = [block.lines[0]]
    for line in block.lines[1:]:
        previous = joined[-1]
        if _wrapped(previous.text, line.text, longest) and not starts_turn(line.text) and not furniture(line.text):
            joined[-1] = Line(_join(previous.text, line.text), previous.bold, previous.italic and line.italic)
        else:
            joined.append(line)
    if len(joined) == len(block.lines):
        return block
    return Block(block.kind, tuple(joined), block.meta)


def _fixed_width(lines: tuple[Line, ...], longest: int) -> bool:
    """The signature of wrapping at a fixed width: most lines (the last aside) run close to
    the longest one."""
    body = [len(line.text) for line in lines[:-1]]
    full = sum(n >= 0.85 * longest for n in body)
    return full >= max(1, len(body) / 2)


def _wrapped(text: str, following: str, longest: int) -> bool:
    """True when ``text`` stops mid-sentence and ``following`` goes on with it.

    >>> _wrapped("we went to the library to look up the old records and", "found nothing.", 60)
    True
    >>> _wrapped("Thank you.", "Sure.", 60)
    False
    """
    text = text.rstrip()
    if not text or not following.strip():
        return False
    last = text[-1]
    if following.lstrip()[:1] in "。，、！？；：」』）”’":
        return True  # the wrap left the punctuation at the start of the next line
    if last in _ENDS or (last in _CLOSERS and len(text) > 1 and text[-2] in _ENDS):
        return False
    if last in _CLAUSE:
        return True
    chinese = _HANZI.search(text) is not None
    if chinese:
        wide = len(_HANZI.findall(text))
        return wide >= MIN_WRAPPED_HANZI and len(text) >= WRAP_SHARE * longest
    if following.lstrip()[:1].islower():
        return len(text) >= 8  # a sentence going on in lower case: wrapped, however narrow
    return len(text) >= MIN_WRAPPED_CHARS and len(text) >= WRAP_SHARE * longest


def _join(text: str, following: str) -> str:
    """Join two pieces of one sentence: no space between hanzi, one between words.

    >>> _join("看看能", "做些什么事情"), _join("the old", "records"), _join("infor-", "mation")
    ('看看能做些什么事情', 'the old records', 'information')
    """
    left, right = text.rstrip(), following.strip()
    if _WIDE.match(right[:1]) or _WIDE.match(left[-1:]):
        if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
            return f"{left} {right}"
        return left + right
    if re.search(r"[a-z]-$", left) and right[:1].islower():
        return left[:-1] + right
    return f"{left} {right}"


_LEAD_IN = re.compile(
    r"(?:以下|下面)(?:为|是|為)[^。！？：:]{0,24}(?:实录|實錄|全文|内容|內容|对话|對話|访谈|訪談|摘要|节选|節選|整理|问答|問答)"
    r"[^。！？：:]{0,10}[:：]|(?:实录|實錄|全文|对话|對話|内容|內容)如下[:：]"
)


def split_lead_ins(block: Block, starts_turn: Callable[[str], bool]) -> Block:
    """Cut a line where a lead-in ends and the first turn begins on the same line
    (``…以下为本次聊天实录： 主持人：各位网友好``).

    >>> b = Block("para", (Line("三位嘉宾做客。以下为聊天实录： 主持人：各位好。"),))
    >>> [line.text for line in split_lead_ins(b, lambda s: s.startswith("主持人")).lines]
    ['三位嘉宾做客。以下为聊天实录：', '主持人：各位好。']
    """
    lines: list[Line] = []
    for line in block.lines:
        match = _LEAD_IN.search(line.text)
        rest = line.text[match.end() :].strip() if match else ""
        if match and rest and starts_turn(rest):
            lines += [Line(line.text[: match.end()].strip(), line.bold, line.italic), Line(rest)]
        else:
            lines.append(line)
    return block if len(lines) == len(block.lines) else Block(block.kind, tuple(lines), block.meta)


def unglue_images(block: Block) -> Block:
    """Drop an image's file name glued to the start of a line (``QandA_QDrop.jpgHow did…``).

    >>> [line.text for line in unglue_images(Block("para", (Line("QandA_QDrop.jpgHow did it start?"),))).lines]
    ['How did it start?']
    """
    if not any(IMAGE_NAME.match(line.text) for line in block.lines):
        return block
    lines = tuple(Line(IMAGE_NAME.sub("", line.text, count=1), line.bold, line.italic) for line in block.lines)
    return Block(block.kind, lines, block.meta)
