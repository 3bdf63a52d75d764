"""Blog page chrome that is not content: comment forms, share bars, related-post lists.

Two tables drive it. A *footer* line starts the page's tail: it and everything after it go,
provided the dialogue has already started (a "相关" link list at the top of a page must not
swallow the post). A *line* pattern drops just that line wherever it appears.
"""

from __future__ import annotations

import re

from podcast.parse.blocks import Block, Line

FOOTER_PATTERNS = [
    r"【?相关(?:文章|阅读|推荐|链接|博文)?】?[:：]?",
    r"发表回复|发表评论|评论列表|留下评论|文章导航|上一篇[:：].*|下一篇[:：].*",
    r"Related(?: posts| articles| reading)?:?",
    r"Leave a (?:reply|comment)(?: to .*)?|Post navigation|Share this:?|Like this:?",
    r"You (?:may|might) also like:?|More from .*",
]
LINE_PATTERNS = [
    r".*您的电子邮箱地址不会被公开.*", r".*必填项已用.*标注.*", r".*此站点使用\s*Akismet.*",
    r".*(?:阅读次数|浏览次数|点击量|阅读量)\s*[:：]?\s*[\d,]*.*", r"[\d,]+\s*(?:次阅读|人阅读|阅读)",
    r"分享到[:：]?.*", r"点击分享.*", r"(?:评论|显示名称|电子邮件|站点|网站)\s*\*?",
    r"在此浏览器中保存我的显示名称.*", r"Δ",
    r".*Your email address will not be published.*", r".*Required fields are marked.*",
    r".*This site uses Akismet.*", r"Click to (?:share|print|email).*", r".*\(Opens in new window\)",
    r"Like Loading\.*", r"Loading\.*", r"(?:Share|Tweet|Email|Print|Pin it|Like)",
    r"Share on (?:Facebook|Twitter|X|LinkedIn|WhatsApp|Reddit)", r"Powered by WordPress.*",
    r"Proudly powered by.*", r"(?:Comment|Name|Email|Website)\s*\*?",
    r"Save my name, email, and website.*", r"Skip to (?:content|main content)",
]  # fmt: skip

_FOOTER = re.compile("|".join(f"(?:{p})" for p in FOOTER_PATTERNS), re.IGNORECASE)
_LINE = re.compile("|".join(f"(?:{p})" for p in LINE_PATTERNS), re.IGNORECASE)

# "发布者" then the author's name on the next line (WordPress themes): the name is worth keeping.
_PUBLISHER = re.compile(r"(?:发布者|作者|Posted by|Published by|By)\s*[:：]?\s*(.*)", re.IGNORECASE)


def is_footer(line: str) -> bool:
    """True when ``line`` starts the page's tail.

    >>> is_footer("【相关】"), is_footer("发表回复"), is_footer("相关的讨论很多")
    (True, True, False)
    """
    return _FOOTER.fullmatch(line.strip()) is not None


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is page chrome wherever it appears.

    >>> is_boilerplate("此站点使用Akismet来减少垃圾评论。"), is_boilerplate("白：此站点很好")
    (True, False)
    """
    return _LINE.fullmatch(line.strip()) is not None


def publisher_line(block: Block) -> str | None:
    """The author named by a ``发布者`` footer block (``发布者`` then the name), if any.

    >>> publisher_line(Block("para", (Line("发布者"),)))
    ''
    >>> publisher_line(Block("para", (Line("发布者：立委"),)))
    '立委'
    """
    first = block.lines[0].text.strip()
    if first.startswith(("发布者", "Posted by", "Published by")):
        match = _PUBLISHER.fullmatch(first)
        return match.group(1).strip() if match else None
    return None


def strip_boilerplate(blocks: list[Block], tail_from: int) -> tuple[list[Block], str | None]:
    """Drop chrome lines and the page tail. Returns (kept blocks, author from a 发布者 footer).

    A footer line cuts the rest of the page only at block ``tail_from`` or later (after the
    dialogue has started); earlier, only the line itself is dropped.
    """
    author: str | None = None
    for index, block in enumerate(blocks):
        publisher = publisher_line(block) if block.lines else None
        if publisher:
            author = publisher
        elif publisher is not None and index + 1 < len(blocks) and blocks[index + 1].lines:
            author = blocks[index + 1].lines[0].text.strip()
        if author:
            break

    kept: list[Block] = []
    for index, block in enumerate(blocks):
        may_cut = index >= tail_from
        if block.lines and publisher_line(block) is not None:
            if may_cut:
                break
            continue
        lines: list[Line] = []
        cut = False
        for line in block.lines:
            if may_cut and is_footer(line.text):
                cut = True
                break
            if not is_boilerplate(line.text) and not is_footer(line.text):
                lines.append(line)
        if lines:
            kept.append(Block(block.kind, tuple(lines), block.meta))
        elif block.meta:
            kept.append(Block("code", (), block.meta))
        if cut:
            break
    return kept, author
