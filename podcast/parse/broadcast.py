"""Recognising a post that already is a 小雅 broadcast, so it never gets a second frame."""

from __future__ import annotations

import re

from podcast.hanzi import to_simplified
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
    >>> extract_broadcast([Block("para", (Line("我是數字祕書小雅，今天播報《無損壓縮》"),))])[1]["title"]
    '無損壓縮'
    """
    info: dict[str, str] = {}
    kept: list[Block] = []
    for block in blocks:
        lines = []
        for line in block.lines:
            text = line.text.strip()
            plain = to_simplified(text)  # 我是數字祕書小雅 is the same intro; its title keeps its characters

            def said(match: re.Match[str], group: str, text: str = text) -> str:
                return text[match.start(group) : match.end(group)]

            intro = None if "intro" in info else (INTRO.match(plain) or INTRO_EN.match(plain))
            outro = None if "outro" in info else (OUTRO.match(plain) or OUTRO_EN.match(plain))
            if intro:
                info.update(intro=text, host=said(intro, "host"), title=said(intro, "title").strip())
            elif outro:
                info.update(
                    outro=text,
                    host=said(outro, "host"),
                    author=said(outro, "author").strip(),
                    tagline=said(outro, "tagline").strip(" ，,。."),
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
