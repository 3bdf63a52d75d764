"""Recognising a post that already is a 小雅 broadcast, so it never gets a second frame."""

from __future__ import annotations

import re

from podcast.parse.blocks import Block

INTRO = re.compile(
    r"^(?:我是)?(?:数字秘书)?(?P<host>小雅)[，,\s]*(?:今天|现在)?(?:为(?:您|大家))?播报"
    r"\s*[《“\"](?P<title>[^》”\"]+)[》”\"]\s*[。.!！]?$"
)
OUTRO = re.compile(
    r"^我是(?P<host>小雅)[，,\s]*以上就是(?P<author>.+?)(?:最新)?(?:的)?博客的?(?:[一二两三四五六七八九十\d]+分(?:半)?钟)?播报"
    r"[，,\s]*(?P<tagline>.*?)[。.!！]?\s*(?:咱们|我们)?下次再见[。.!！]?$"
)
INTRO_EN = re.compile(
    r"^I'?m (?P<host>Xiaoya)[^.]*\.\s*Today[^:]*[:,]?\s*[“\"]?(?P<title>[^”\"]+?)[”\"]?\.?$",
    re.IGNORECASE,
)
OUTRO_EN = re.compile(
    r"^(?:This is|I'?m) (?P<host>Xiaoya)[.,]\s*That was (?P<author>.+?)'s? latest post in \w+ minutes?"
    r"[.,]?\s*(?P<tagline>.*?)\s*See you next time[.!]?$",
    re.IGNORECASE,
)


def extract_broadcast(blocks: list[Block]) -> tuple[list[Block], dict[str, str] | None]:
    """Remove a 小雅 intro and outro from ``blocks``; return what they said.

    >>> from podcast.parse.blocks import Line
    >>> blocks = [Block("para", (Line("我是数字秘书小雅，今天播报《无损压缩》"),)),
    ...           Block("para", (Line("李老师说：好"),))]
    >>> kept, info = extract_broadcast(blocks)
    >>> info["title"], len(kept)
    ('无损压缩', 1)
    """
    info: dict[str, str] = {}
    kept: list[Block] = []
    for block in blocks:
        lines = []
        for line in block.lines:
            text = line.text.strip()
            intro = None if "intro" in info else (INTRO.match(text) or INTRO_EN.match(text))
            outro = None if "outro" in info else (OUTRO.match(text) or OUTRO_EN.match(text))
            if intro:
                info.update(intro=text, host=intro["host"], title=intro["title"].strip())
            elif outro:
                info.update(
                    outro=text,
                    host=outro["host"],
                    author=outro["author"].strip(),
                    tagline=outro["tagline"].strip(" ，,。."),
                )
            else:
                lines.append(line)
        if lines:
            kept.append(Block(block.kind, tuple(lines), block.meta))
        elif block.meta:
            kept.append(Block("code", (), block.meta))
    if "intro" not in info:
        return blocks, None
    return kept, info
