"""The title a listener hears: the post's own, found among the page's headlines, or made up
from who talks about what — never a file name.

A page copied from a browser opens with its site name, menus, the title, a byline; an HTML
page's ``<title>`` and ``og:title`` often carry the site name (``标题_新浪网``, ``Title |
Site``). Among such lines the title is the one whose words the post goes on to use: each
candidate (and each part of it between site separators) is scored by how much of it the body
repeats.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from podcast.hanzi import localize, to_simplified
from podcast.keywords import STOPWORDS_EN, tokenize, topics
from podcast.parse.markers import ROLE_LABELS
from podcast.text import MAX_SENTENCE, is_chinese, split_sentences

_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A run of hanzi no punctuation breaks: jieba's segmentation of it takes time quadratic in its
# length (100 000 characters: minutes), so it is given the run in sentence-sized pieces.
_LONG_RUN = re.compile(rf"[\u3400-\u9fff\uf900-\ufaff]{{{MAX_SENTENCE},}}")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．]\s|第[一二三四五六七八九十\d]+[章节部分])")
# Words of a dialogue post's title: a line that has one is more likely the title.
_DIALOGUE_WORDS = re.compile(
    r"对话|對話|访谈|訪談|对谈|對談|专访|專訪|问答|問答|实录|實錄|聊天|夜话|夜話|圆桌|圓桌|相声|相聲|"
    r"\b(?:interview|conversation|q&a|in conversation|talks?|transcript)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+[-–—|｜_·•»]\s+|\s*[|｜_]\s*|\s+-\s*|\s*-\s+")
# Decorations around a title: brackets, badges, forum tags, a repost mark with its date.
_DECORATION = [
    re.compile(r"^(?:Re|RE|Fw|Fwd)\s*[:：]\s*"),
    re.compile(r"^\[[^\]]{1,8}\]\s*"),
    re.compile(r"^[│|｜]\s*[^│|｜]{1,6}\s*[│|｜]\s*"),
    re.compile(r"^(?:標題|标题)\s*(?=\[|Re:|Fw:)"),
    re.compile(r"^(?:Transcript (?:for|of)|Transcript:|Full transcript:)\s*", re.IGNORECASE),
    re.compile(r"\s*[（(]\s*\d{4}-\d{1,2}-\d{1,2}[^）)]*[）)]\s*(?:转载|轉載)?\s*▼?\s*$"),
    re.compile(r"\s*(?:转载|轉載)\s*▼?\s*$|\s+精选$|\s+精選$|\s*\[(?:原创|原創|转载|轉載|精华|精華)\]$"),
    re.compile(r"\s*[|｜]\s*$"),
    re.compile(r"^\s*[【《](.*)[】》]\s*$"),
]


def clean(title: str) -> str:
    """A headline without its decorations.

    >>> clean("【李白之23：再探句法树】"), clean("Re: [討論] 大模型會取代工程師嗎")
    ('李白之23：再探句法树', '大模型會取代工程師嗎')
    >>> clean("标题 (2012-03-01 10:00)转载▼")
    '标题'
    """
    text = " ".join(title.split())
    for _ in range(2):
        for pattern in _DECORATION:
            text = pattern.sub(lambda m: m.group(1) if m.groups() else "", text).strip()
    return text


def choose(*, page: Sequence[str], headlines: Sequence[str], body: str, anchored: Sequence[str] = ()) -> str | None:
    """The title: the page's own (HTML ``<h1>``, ``og:title``, ``<title>``, a forum header),
    cleaned of the site's name, else the best of the headlines above the dialogue.

    >>> choose(page=["对话鸟类学者｜城市里的鸟", "城市自然笔记"], headlines=["01 乌鸫"], body="乌鸫")
    '对话鸟类学者｜城市里的鸟'
    """
    page = [p for p in page if p and p.strip()]
    for declared in page:  # in the page's own order of authority: <h1>, og:title, <title>
        found = best_headline([declared], body)
        if found:
            return found
    # A headline next to the byline or the date is where pages put the title.
    likely = [h for h in headlines if _title_like(clean(h))]
    return (
        best_headline([h for h in anchored if h in likely], body)
        or best_headline(likely, body)
        or best_headline(likely, body, threshold=0.01)
        or best_headline(headlines, body)
        or next((clean(h) for h in likely), None)
        or (clean(page[0]) if page else None)
    )


def _partly(word: str, words: str) -> bool:
    return any(word[i : i + 2] in words for i in range(len(word) - 1))


def _title_like(text: str) -> bool:
    """Long enough for a title (menus and tags are shorter), not a sentence, not a numbered
    section head (``二、书店靠什么活下去``)."""
    if not text or text.rstrip()[-1:] in "。.：:；;，," or "。" in text or _SECTION.match(text):
        return False
    if _HANZI.search(text):
        return 6 <= len(text) <= 60
    return 3 <= len(text.split()) <= 24


def best_headline(candidates: Iterable[str], body: str, *, threshold: float = 1.0) -> str | None:
    """The candidate (or the part of one between site separators) the body bears out: of those
    sharing enough words with it, the first that scores at least half the best.

    >>> body = "白老师说休眠弧要带唤醒条件。李老师说句法树先不把话说死。"
    >>> best_headline(["立委NLP频道", "首页", "【李白之23：再探句法树的休眠与唤醒】"], body)
    '李白之23：再探句法树的休眠与唤醒'
    >>> best_headline(["The Salt Road - Fresh Air | KRWG"], "Mara drives the salt road. The road is long.")
    'The Salt Road'
    """
    words = _body_words(body)
    scored: list[tuple[float, str]] = []
    listed = [c for c in candidates if c.strip()]
    for candidate in dict.fromkeys(listed):
        whole = clean(candidate)
        best = (_score(whole, words), whole)
        for part in dict.fromkeys(clean(p) for p in _SEPARATORS.split(candidate) if p.strip()):
            score = _score(part, words)
            if part != whole and score >= 0.6 * best[0] and score > 0:
                best = (score, part)  # "Title | Site": the part without the site's name
        if best[0] > 0 and best[0] >= threshold:
            # A headline the page prints twice (over the article and in it) is its title.
            scored.append((best[0] * (1.5 if listed.count(candidate) > 1 else 1.0), best[1]))
    if not scored:
        return None
    top = max(score for score, _ in scored)
    return next(part for score, part in scored if score >= 0.6 * top)


def _body_words(body: str) -> str:
    """The body as the scorer searches it: lower-cased, without spaces, in simplified
    characters (as the headline's words are)."""
    return re.sub(r"\s+", "", to_simplified(body.lower()))


def _tokens(text: str) -> set[str]:
    """Content words of a headline: jieba's words for Chinese, words of three letters or more
    for the rest."""
    lowered = text.lower()
    tokens: set[str] = set()
    if _HANZI.search(lowered):
        tokens.update(w for w in tokenize(lowered, "zh") if _HANZI.search(w))
    tokens.update(w for w in re.findall(r"[a-z0-9][a-z0-9'’-]+", lowered) if w not in STOPWORDS_EN and len(w) > 2)
    return tokens


def _score(part: str, words: str) -> float:
    """How well the body bears out ``part``: how many of its words the body repeats, for a
    line of a title's length (a menu item is too short, a paragraph too long)."""
    if _HANZI.search(part):
        size = len(_HANZI.findall(part))
        fit = 0.0 if size < 3 or len(part) > 70 else 0.5 if size < 6 else 1.0 if len(part) <= 45 else 0.6
    else:
        count = len(part.split())
        fit = 0.0 if count < 2 or count > 26 else 0.6 if count < 3 else 1.0 if count <= 18 else 0.6
    if not fit:
        return 0.0
    if part.rstrip()[-1:] in "。.：:；;，," or "。" in part:
        return 0.0  # a sentence of the preface, a lead-in: not a title
    tokens = _tokens(part)
    fit *= 2.0 if _DIALOGUE_WORDS.search(part) else 1.0
    # A word the body uses in part ("老木匠" where the post says "木匠") counts too.
    shared = sum(t in words or (len(t) >= 3 and _HANZI.match(t) is not None and _partly(t, words)) for t in tokens)
    return shared * (shared / len(tokens)) ** 0.5 * fit if tokens else 0.0


def derive(speakers: Sequence[str], texts: Sequence[str], language: str) -> str:
    """A title made from the post when it has none: who talks about what.

    >>> derive(["李老师", "白老师"], ["压缩的是函数不是文本。压缩的对象是函数。"], "zh")
    '李老师和白老师谈函数'
    >>> derive(["李白", "杜甫"], ["長安的酒好。長安的詩人多。"], "zh-Hant")
    '李白和杜甫談長安'
    >>> derive(["Ada", "Bob"], ["Mules are stubborn. Mules learn fast."], "en")
    'Ada and Bob on mules'
    """
    names = {w.lower() for s in speakers for w in re.findall(r"\w+", s)}
    if is_chinese(language):
        texts = [piece for text in texts for piece in (split_sentences(text) if _LONG_RUN.search(text) else [text])]
    topic = next((w for w in topics(texts, language) if w.lower() not in names), "")
    zh = is_chinese(language)
    people = [s for s in speakers if s not in ROLE_LABELS and not re.search(r"\d", s)][:2]
    if zh:
        say = functools.partial(localize, language=language)  # 谈 or 談, as the post writes
        who = say("和").join(people)
        if who and topic:
            return f"{who}{say('谈')}{topic}"
        return who + say("的对话") if who else (f"{say('关于')}{topic}{say('的对话')}" if topic else say("一段对话"))
    who = " and ".join(people)
    if who and topic:
        return f"{who} on {topic}"
    return who or (f"A conversation on {topic}" if topic else "A conversation")
