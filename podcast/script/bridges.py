"""小雅's own lines between the turns, made only of the post's words.

- A stage direction becomes a short third-person line (``（整理了一下衣衫）`` in 李白's turn →
  ``李白整理了一下衣衫。``).
- The post's own account of who talks about what (front matter ``summary``, an editor's
  preface, an opening narration) becomes the host's first bridge, in one or two sentences.
- Where whole exchanges are cut, the host may say where the talk goes in one clause, named by
  the cut turns' own key word (``中间还聊到了写诗。``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from podcast.hanzi import localize
from podcast.keywords import topics
from podcast.model import Post, Turn
from podcast.script.text import clean_for_speech
from podcast.text import is_chinese, join_sentences, speech_units, split_sentences

_SOUND_CUES = re.compile(
    r"^(?:SOUNDBITE|SOUND ?BITE|BEGIN|END|MUSIC|CROSSTALK|INAUDIBLE|UNINTELLIGIBLE|APPLAUSE|BREAK|COMMERCIAL|"
    r"AS |BEAT|PAUSE|SILENCE|NOISE|VIDEO|AUDIO|CLIP|BACKGROUND)",
    re.IGNORECASE,
)
_LAUGH = re.compile(r"^(?:laughter|laughs?|laughing|chuckles?|both laugh|all laugh)$", re.IGNORECASE)
_PREFACE_LABEL = re.compile(
    r"^[【\[]?[^：:】\]]{0,8}(?:按|按语|前言|导语|導語|导读|引言|题记|简介|摘要|背景|Editor's note|Preface)"
    r"[】\]]?[:：]?\s*"
)
MAX_OPENING_SHARE = 0.2
"""The opening bridge takes at most this share of the body's budget."""


def direction_line(turn: Turn, language: str) -> str | None:
    """What the host says for a stage direction, or None when there is nothing to say (a
    sound cue the listener cannot hear, a character the actor plays).

    >>> direction_line(Turn(None, None, "整理了一下衣衫", True, "李白"), "zh")
    '李白整理了一下衣衫。'
    >>> direction_line(Turn(None, None, "極不情愿地", True, "李白"), "zh")
    '李白極不情愿地开口。'
    >>> direction_line(Turn(None, None, "两人都笑了", True), "zh")
    '两人都笑了。'
    >>> direction_line(Turn(None, None, "LAUGHTER", True, "Ken Burns"), "en")
    'Ken Burns laughs.'
    >>> direction_line(Turn(None, None, "SOUNDBITE OF MUSIC", True), "en") is None
    True
    """
    text = turn.text.strip().rstrip("。.")
    if not text:
        return None
    subject = turn.subject or ""
    if is_chinese(language):
        if re.fullmatch(r"[\u3400-\u9fff]{1,2}", text):  # （笑）
            said = {"笑": "笑了", "哭": "哭了", "叹气": "叹了口气", "嘆氣": "嘆了口氣"}.get(text)
            text = localize(said, language) if said else text
        if subject and text.startswith(subject):
            subject = ""
        if text.endswith("地"):
            return f"{subject}{text}{localize('开口', language)}。" if subject else None
        return clean_for_speech(f"{subject}{text}。", language)
    if _LAUGH.match(text):
        return f"{subject} laughs." if subject else "They laugh."
    if _SOUND_CUES.match(text) or text.isupper():
        return None
    words = text[0].lower() + text[1:]
    if subject and re.match(r"[a-z]+s\b", words):  # (sighs), (pauses)
        return f"{subject} {words}."
    return None


_FIRST_PERSON_ZH = re.compile(r"[我咱]|本人|笔者|筆者")
_FIRST_PERSON_EN = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|we|our|us)\b")


OWN_VOICE = re.compile(r"^[^：:。！？!?]{1,40}?(?:写道：|寫道：| writes: )")
"""How ``in_own_voice`` starts what it attributes."""


def in_own_voice(text: str, author: str | None, language: str) -> str:
    """The post's narration as the host says it: words in the first person are the author's,
    so the host says whose they are (heard bare, "我" would be the host).

    >>> in_own_voice("我和老白聊了一晚上。", "立委", "zh"), in_own_voice("两人聊了一晚上。", "立委", "zh")
    ('立委写道：我和老白聊了一晚上。', '两人聊了一晚上。')
    >>> in_own_voice("I met him in Kyoto.", None, "en")
    'The author writes: I met him in Kyoto.'
    """
    if is_chinese(language):
        return localize(f"{author or '作者'}写道：", language) + text if _FIRST_PERSON_ZH.search(text) else text
    return f"{author or 'The author'} writes: {text}" if _FIRST_PERSON_EN.search(text) else text


def opening(post: Post, language: str, budget_units: float) -> tuple[str, frozenset[int]] | None:
    """The host's first bridge, from the post's own words about who talks about what, and the
    turns it retells (so they are not retold again); None when the post says nothing of it.

    >>> preface = ("立委按：这是李白关于压缩的对话。两人从无损压缩谈起。此处略。",)
    >>> post = Post("t", None, None, "zh", "p", (Turn("李", "李", "好。"),), preface=preface)
    >>> opening(post, "zh", 400)
    ('这是李白关于压缩的对话。两人从无损压缩谈起。', frozenset())
    """
    source: list[str] = []
    used: frozenset[int] = frozenset()
    if post.summary:
        source = split_sentences(post.summary)
    elif post.preface:
        source = split_sentences(_PREFACE_LABEL.sub("", post.preface[0].strip(), count=1))
    else:
        first = next((i for i, t in enumerate(post.turns) if t.speaker), None)
        narration = [i for i, t in enumerate(post.turns[:first]) if t.speaker is None and not t.direction]
        if narration:
            source = split_sentences(post.turns[narration[0]].text)
            used = frozenset(narration[:1])
    sentences = [clean_for_speech(s, language) for s in source[:2]]
    sentences = [s for s in sentences if speech_units(s, language) >= 4]
    while sentences and speech_units(_joined(sentences, language), language) > MAX_OPENING_SHARE * budget_units:
        sentences.pop()
    if not sentences:
        return None
    return _joined(sentences, language), used


def transition(cut: Sequence[str], kept: str, language: str) -> str | None:
    """One clause saying where the talk went in turns that were cut, named by their own key
    word (a topic the kept lines do not already name); None when nothing stands out.

    >>> transition(["写诗要靠灵感吗？", "写诗是手艺。写诗要练。"], "我们聊了喝酒。", "zh")
    '中间还聊到了写诗。'
    >>> transition(["寫詩要靠靈感嗎？", "寫詩是手藝。寫詩要練。"], "", "zh-Hant")
    '中間還聊到了寫詩。'
    """
    topic = next((w for w in topics(cut, language) if w.lower() not in kept.lower()), None)
    if topic is None:
        return None
    if is_chinese(language):
        return f"{localize('中间还聊到了', language)}{topic}。"
    return f"They also talk about {topic}."


def _joined(sentences: Sequence[str], language: str) -> str:
    return join_sentences(list(sentences), language)
