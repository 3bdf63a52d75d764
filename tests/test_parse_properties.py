"""Properties of parsing that must hold for any input, found by hypothesis."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast.errors import ParseError
from podcast.model import Post
from podcast.parse import parse_post
from podcast.parse.furniture import furniture


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400), fmt=st.sampled_from(["markdown", "html", "text"]))
def test_any_text_gives_a_post_or_parse_error(text: str, fmt: str) -> None:
    try:
        post = parse_post(text, source="any", fmt=fmt)
    except ParseError:
        return
    assert isinstance(post, Post)
    assert post.title
    for turn in post.turns:
        assert turn.text.strip()


# Post-like text: labels real posts use, and sentences over an alphabet without the words of
# page boilerplate (which is meant to be dropped) or ASCII colons (a "1:00" line alone is a
# transcript timestamp, also meant to be dropped).
LABELS = [
    "李", "白", "李老师说", "白硕老师", "Q", "A", "TERRY GROSS, HOST", "GROSS", "Lex Fridman",
    "李白（極不情愿地）", "立委按", "我", "主持人", "问", "答", "**白硕**", "Interviewer",
]  # fmt: skip
COLONS = ["：", ": ", ":", " ：", "：", "说："]
WORDS = "压缩函数模型数据智能推理对齐泛化文本训练参数逼近目标"
ALPHABET = WORDS + "abcxyzABCXYZ0123456789，。？！、,.!? ()（）《》“”\"'-"
# A line the furniture rules drop ("X" alone is the share button of X) is boilerplate too.
sentence = (
    st.text(alphabet=ALPHABET, min_size=1, max_size=40).map(str.strip).filter(lambda s: s and furniture(s) is None)
)
labelled = st.builds(lambda label, c, s: f"{label}{c}{s}", st.sampled_from(LABELS), st.sampled_from(COLONS), sentence)
line = st.one_of(labelled, sentence, st.sampled_from(LABELS).map(lambda label: label + "："))
post_text = st.lists(st.tuples(line, st.sampled_from(["\n", "\n\n", "\n\n\n"])), min_size=1, max_size=25).map(
    lambda parts: "".join(a + b for a, b in parts)
)


def content(texts: Iterable[str]) -> Counter[str]:
    """Letters and digits: what a listener could miss."""
    return Counter(ch for text in texts for ch in text if unicodedata.category(ch)[0] in "LN")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=post_text)
def test_no_content_character_is_lost(text: str) -> None:
    post = parse_post(text, source="generated", fmt="text")
    kept = [post.title, *post.notes]
    for turn in post.turns:
        kept += [turn.text, turn.label or ""]
    kept += [str(v) for v in (post.broadcast or {}).values()]
    kept += [line.text for line in post.left_out]  # furniture and metadata: dropped, and said so
    missing = content([text]) - content(kept)
    assert not missing, f"lost {dict(missing)}"


# Markdown posts: the same lines as paragraphs, list items nested to any depth (deeper than
# markdown-it's own nesting limit too), block quotes, code fences and headings. A sentence that
# opens with a list, quote or heading marker would be markup, not a paragraph's content.
_MARKUP_START = re.compile(r"^(?:\d{1,9}[.)]|[-+*>#])(?:\s|$)")
md_sentence = sentence.filter(lambda s: not _MARKUP_START.match(s))
md_labelled = st.builds(
    lambda label, c, s: f"{label}{c}{s}", st.sampled_from(LABELS), st.sampled_from(COLONS), md_sentence
)
md_line = st.one_of(md_labelled, md_sentence)


@st.composite
def nested_list(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Items nested one level deeper each (up to 30), bulleted or numbered, indented as
    CommonMark wants (under the content of the item above)."""
    depth = draw(st.integers(min_value=1, max_value=30))
    lines: list[str] = []
    said: list[str] = []
    indent = 0
    for _ in range(depth):
        marker = draw(st.sampled_from(["- ", "* ", "1. ", "2) "]))
        for _ in range(draw(st.integers(min_value=1, max_value=2))):
            text = draw(md_line)
            lines.append(" " * indent + marker + text)
            said.append(text)
        indent += len(marker)
    return "\n".join(lines), said


@st.composite
def block_quote(draw: st.DrawFn) -> tuple[str, list[str]]:
    depth = draw(st.integers(min_value=1, max_value=30))
    text = draw(md_line)
    return "> " * depth + text, [text]


@st.composite
def code_fence(draw: st.DrawFn) -> tuple[str, list[str]]:
    body = draw(st.lists(md_sentence, min_size=1, max_size=3))
    return "```\n" + "\n".join(body) + "\n```", body


@st.composite
def heading(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(md_sentence)
    return "#" * draw(st.integers(min_value=1, max_value=6)) + " " + text, [text]


md_paragraph = md_line.map(lambda text: (text, [text]))
md_block = st.one_of(md_paragraph, md_paragraph, nested_list(), block_quote(), code_fence(), heading())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(md_block, min_size=1, max_size=12))
def test_no_content_character_of_a_markdown_post_is_lost(parts: list[tuple[str, list[str]]]) -> None:
    text = "\n\n".join(markdown for markdown, _ in parts) + "\n"
    said = [piece for _, pieces in parts for piece in pieces]
    post = parse_post(text, source="generated.md", fmt="markdown")
    kept = [post.title, *post.notes]
    for turn in post.turns:
        kept += [turn.text, turn.label or ""]
    kept += [str(v) for v in (post.broadcast or {}).values()]
    kept += [line.text for line in post.left_out]
    missing = content(said) - content(kept)
    assert not missing, f"lost {dict(missing)}"
