"""What a single line looks like, whatever it says: a headline, a caption, a lead-in.

These tests read one line's shape (length, end punctuation, a verb or not) and nothing
around it; the dialogue reader (``reader``, ``regions``) decides what the shape means
where the line stands.
"""

from __future__ import annotations

import re

HEADLINE_HANZI = 30
"""A line without end punctuation up to this many characters may be a headline (Chinese)."""
HEADLINE_WORDS = 16
"""The same for English, in words."""

_LEAD_IN = re.compile(
    r"(?:以下|下面)(?:为|是|為)[^。！？]{0,24}(?:实录|實錄|全文|内容|內容|对话|對話|访谈|訪談|摘要|节选|節選|整理|问答|問答)"
    r"[^。！？]{0,10}[:：]?|(?:实录|實錄|全文|对话|對話|内容|內容)如下[:：]?|"
    r"(?:访谈|訪談|对话|對話|文字|聊天|嘉宾|嘉賓|节目|節目)?(?:文字)?(?:实录|實錄)[:：]?|"
    r"(?:Full |Episode |Interview |Show )?Transcript[:：]?",
    re.IGNORECASE,
)
_VERBS = re.compile(
    r"\b(?:is|are|was|were|be|been|am|has|have|had|do|does|did|can|could|will|would|shall|should|may|might|"
    r"must|i|you|we|he|she|they|it|me|us|him|her|them|my|your|our|this|that|there|here|yes|no|not)\b",
    re.IGNORECASE,
)


def is_lead_in(text: str) -> bool:
    """The line says the transcript starts here (``以下为聊天实录：``, ``Transcript``).

    >>> is_lead_in("以下为对话实录："), is_lead_in("Full Transcript"), is_lead_in("实录之外")
    (True, True, False)
    """
    return _LEAD_IN.fullmatch(text) is not None


def headline_shaped(text: str) -> bool:
    """A short line that does not end a sentence: a title, a subhead, a menu item.

    >>> headline_shaped("铅字年代的夜班"), headline_shaped("好的。"), headline_shaped("The Salt Road")
    (True, False, True)
    >>> headline_shaped("记一次被面试官追着问到底的 HashMap 二面（对话还原）")
    True
    """
    text = text.strip()
    core = text.rstrip("”’」』\"'）)】]》 ")
    if not core or core[-1] in "。.；;，,、：:":
        return False
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) <= HEADLINE_HANZI * 1.5 and not re.search(r"[。；]", core)
    return len(text.split()) <= HEADLINE_WORDS and not re.search(r"[.;]\s+[A-Z]", core)


def caption_like(text: str) -> bool:
    """An English line that names a picture rather than says something: a noun phrase, no verb.

    >>> caption_like("A manuscript page from Abernathy’s novel The Winter Kitchen.")
    True
    >>> caption_like("A lot of it was luck."), caption_like("Twelve years, give or take.")
    (False, False)
    """
    return (
        re.match(r"(?:A|An|The) [a-z]", text) is not None
        and 4 <= len(text.split()) <= 16
        and not _VERBS.search(text)
        and not re.search(r"\w+(?:ed|ing)\b", text)
    )


def title_sized(text: str) -> bool:
    """Short enough to be a title, however it ends."""
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) <= 60
    return len(text.split()) <= 24
