"""HTML pages to blocks: the article body in order, site chrome and comments left out."""

from __future__ import annotations

import re
from typing import cast

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from podcast.parse.blocks import Block, BlockKind, Line, text_blocks
from podcast.parse.source import strip_controls

_BLOCK_TAGS = {
    "p", "li", "blockquote", "dd", "dt", "pre", "figcaption", "td", "th",
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "main",
    "body", "ul", "ol", "dl", "table", "tr", "tbody", "thead", "center",
}  # fmt: skip
_DROP_TAGS = [
    "script", "style", "noscript", "nav", "aside", "form", "iframe", "svg", "button",
    "select", "textarea", "template", "img", "picture", "video", "audio", "figure",
]  # fmt: skip
# Class/id words of page furniture: share bars, related posts, comment sections, headers.
_NOISE = re.compile(
    r"comment|share|sharing|social|related|sidebar|widget|breadcrumb|navigation|menu|"
    r"advert|sharedaddy|post-navigation|footer|masthead|site-header|author-bio|"
    r"subscribe|newsletter|cookie",
    re.IGNORECASE,
)
_KEEP_TAGS = {"html", "body", "main", "article"}
_CONTENT_SELECTORS = [
    '//*[@itemprop="articleBody"]',
    '//*[@id="js_content"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " rich_media_content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " post-content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article-content ")]',
    "//article",
    "//main",
    "//body",
]
_META = {
    "title": ["//article//h1", "//h1", '//meta[@property="og:title"]/@content', "//title/text()"],
    "title_og": ['//meta[@property="og:title"]/@content'],
    "title_tag": ["//title/text()"],
    "author": ['//meta[@name="author"]/@content', '//meta[@property="article:author"]/@content',
               '//*[@rel="author"]//text()'],
    "date": ['//meta[@property="article:published_time"]/@content', '//meta[@name="date"]/@content',
             "//time/@datetime"],
    "lang": ["/html/@lang"],
}  # fmt: skip


def html_blocks(text: str, *, fragment: bool = False) -> list[Block]:
    """The article's block elements in order.

    The first block's ``meta`` carries ``title``, ``author``, ``date`` and ``lang`` when the
    page declares them.

    >>> [b.text for b in html_blocks("<p><b>李：</b>你好<br>再见</p><div class='share'>分享</div>")]
    ['李：你好\\n再见']
    """
    if not text.strip():
        return []
    try:
        if fragment or not re.search(r"<html|<body|<!doctype", text[:4096], re.IGNORECASE):
            root = lxml.html.fragment_fromstring(text, create_parent="div")
        else:
            root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return text_blocks(re.sub(r"<[^>]+>", " ", text))

    meta = {} if fragment else _meta(root)
    for comment in _elements(root, "//comment()"):
        _drop(comment)
    for tag in _DROP_TAGS:
        for element in list(root.iter(tag)):
            _drop(element)
    whole = len(root.text_content())
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None or element.tag in _KEEP_TAGS:
            continue
        marker = f"{element.get('id', '')} {element.get('class', '')}"
        noisy = element.tag in ("header", "footer") or (marker.strip() and _NOISE.search(marker))
        # A wrapper holding most of the page ("comment_feature" on WeChat's body) is not furniture.
        if noisy and len(element.text_content()) < 0.4 * whole:
            _drop(element)

    content = root
    if not fragment:
        for selector in _CONTENT_SELECTORS:
            found = _elements(root, selector)
            if found:
                content = found[0]
                break

    blocks: list[Block] = []
    _walk(content, blocks)
    if meta:
        if blocks:
            blocks[0] = Block(blocks[0].kind, blocks[0].lines, meta)
        else:
            blocks.append(Block("code", (), meta))
    return blocks


def _elements(root: HtmlElement, xpath: str) -> list[HtmlElement]:
    return cast(list[HtmlElement], root.xpath(xpath))


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _meta(root: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, xpaths in _META.items():
        for xpath in xpaths:
            found = cast(list[object], root.xpath(xpath))
            values = [
                " ".join(strip_controls(v.text_content() if isinstance(v, HtmlElement) else str(v)).split())
                for v in found
            ]
            value = next((v for v in values if v), None)
            if value:
                meta[key] = value
                break
    return meta


def _walk(element: HtmlElement, blocks: list[Block]) -> None:
    """Collect block elements depth-first; text directly inside a block becomes its lines."""
    lines: list[Line] = []
    parts: list[str] = []
    bold: str | None = None

    def flush() -> None:
        nonlocal bold
        # Character references (&#27;) can spell what the post's own text may not hold.
        text = re.sub(r"[ \t\u00a0]+", " ", strip_controls("".join(parts))).strip()
        if text:
            lines.append(Line(text, bold))
        parts.clear()
        bold = None

    def emit() -> None:
        flush()
        if lines:
            tag = str(element.tag)
            kind: BlockKind = "heading" if re.fullmatch(r"h[1-6]", tag) else "code" if tag == "pre" else "para"
            blocks.append(Block(kind, tuple(lines)))
            lines.clear()

    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _BLOCK_TAGS:
            emit()
            _walk(child, blocks)
        elif tag == "br":
            flush()
        elif tag:
            inner = child.text_content()
            if tag in ("strong", "b") and not "".join(parts).strip() and bold is None:
                bold = strip_controls(inner).strip()
            parts.append(inner)
        if child.tail:
            parts.append(child.tail)
    emit()
