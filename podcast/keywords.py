"""Key words of a text: jieba segmentation and TF-IDF weights (Chinese), word counts (English).

Parsing uses them to tell a page's title from its menus and to name a post that has no
title; the extractive summarizer uses them to choose what to keep.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from podcast.hanzi import to_simplified
from podcast.text import is_chinese

if TYPE_CHECKING:
    from podcast.wordtable import Tags

STOPWORDS_ZH = frozenset(
    """不是 就是 这个 那个 一个 我们 你们 他们 她们 它们 什么 怎么 为什么 因为 所以 如果 但是 可是
    而且 或者 还是 没有 可以 可能 这样 那样 这么 那么 这些 那些 自己 已经 现在 时候 其实 当然 然后
    一些 一样 一种 一直 不过 只是 只有 还有 就会 就要 也是 都是 而是 的话 真的 觉得 知道 需要 应该
    不能 不会 不要 不用 能够 东西 事情 问题 关于 对于 其中 之后 之前 以及 以后 以前 这种 那种 很多""".split()
)
STOPWORDS_EN = frozenset(
    """a an the and or but if then else of to in on at by for with from as is are was were be been
    being it its this that these those i you he she we they me him her us them my your his our their
    what which who whom whose when where why how not no yes do does did done have has had having will
    would can could should may might must shall so than too very just also only about into over under
    again further once here there all any both each few more most other some such own same s t don
    now up down out off there's it's i'm you're we're they're that's let's isn't aren't wasn't can't
    won't don't didn't doesn't because while until before after above below between through during""".split()
)


@cache
def _jieba() -> tuple[object, IdfTable, float]:
    """jieba (on the compact dictionary), its IDF table and the table's median
    (jieba.analyse is not imported: it would load its tables again)."""
    from podcast import wordtable  # with NumPy: not for a command that never segments Chinese

    jieba = wordtable.jieba_module()  # before the IDF table's file is looked up: it imports jieba
    table = IdfTable.load()
    return jieba, table, table.median


class IdfTable:
    """jieba's IDF table as two sorted arrays: 15 MB where a dict of it takes 85 MB, read
    back from the cache in milliseconds where parsing the file takes 0.3 s."""

    REVISION = 1

    def __init__(self, words: Any, values: Any) -> None:
        self.words = words
        """Every word, UTF-8, sorted (a NumPy bytes array)."""
        self.values = values
        """Their IDF, in the same order."""
        import numpy as np

        self.median = float(np.median(values)) if len(values) else 1.0

    @classmethod
    def load(cls) -> IdfTable:
        """The table of the installed jieba: kept in the cache once parsed."""
        import numpy as np

        from podcast import wordtable

        data = resources.files("jieba").joinpath("analyse", "idf.txt").read_bytes()

        def parse() -> wordtable.Arrays:
            words, values = wordtable.columns(data, 2)
            order = np.argsort(words)
            return {"words": words[order], "values": values.astype(np.float64)[order]}

        def usable(kept: wordtable.Arrays) -> bool:
            words, values = kept["words"], kept["values"]
            return bool(words.dtype.kind == "S" and values.dtype == np.float64 and 0 < len(words) == len(values))

        arrays = wordtable.kept_arrays("jieba idf", cls.REVISION, data, parse, usable)
        return cls(arrays["words"], arrays["values"])

    def get(self, word: str, default: float) -> float:
        """The IDF of ``word``, or ``default``."""
        found = self._index(word)
        return default if found is None else float(self.values[found])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._index(word) is not None

    def _index(self, word: str) -> int | None:
        import numpy as np

        key = word.encode("utf-8")
        if len(key) > self.words.dtype.itemsize:
            return None
        at = int(np.searchsorted(self.words, key))
        return at if at < len(self.words) and self.words[at] == key else None


def release() -> None:
    """Let go of the IDF table (15 MB); the next lookup reads it back from the cache.
    jieba's own dictionary stays: the offline voice segments with it too."""
    _jieba.cache_clear()


def tokenize(text: str, language: str) -> list[str]:
    """Content words of ``text``: jieba for Chinese (on simplified characters, so a word is
    the same word in either script; Latin words lower-cased), stopwords out.

    >>> tokenize("压缩的是函数不是文本", "zh"), tokenize("壓縮的是函數", "zh-Hant")
    (['压缩', '函数', '文本'], ['压缩', '函数'])
    >>> tokenize("The burden of proof is on you", "en")
    ['burden', 'proof']
    """
    words: list[str]
    if is_chinese(language):
        jieba = _jieba()[0]
        words = [w.strip().lower() for w in jieba.lcut(to_simplified(text))]  # type: ignore[attr-defined]
    else:
        words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*|[\u3400-\u9fff]+", text)]
    result = []
    for word in words:
        if not word or word in STOPWORDS_ZH or word in STOPWORDS_EN:
            continue
        if re.fullmatch(r"[\u3400-\u9fff]{2,}|[a-z][a-z'’-]+", word):
            result.append(word)
    return result


def keyword_weights(texts: Sequence[str], language: str, top: int | None = None) -> dict[str, float]:
    """TF-IDF weight of each content word over ``texts`` (jieba's IDF table for Chinese
    words, the texts' own sentence frequency for the rest), scaled so the top word is 1.

    >>> w = keyword_weights(["压缩的是函数。", "压缩的对象是函数不是文本。"], "zh")
    >>> max(w, key=w.get)
    '压缩'
    """
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text in texts:
        tokens = tokenize(text, language)
        tf.update(tokens)
        df.update(set(tokens))
    if not tf:
        return {}
    weights: dict[str, float] = {}
    if is_chinese(language):
        # As jieba's extract_tags does: words missing from its table get the median IDF.
        _, idf_table, median = _jieba()
        for word, count in tf.items():
            weights[word] = count * idf_table.get(word, median)
    else:
        n = len(texts)
        for word, count in tf.items():
            weights[word] = count * (math.log((1 + n) / (1 + df[word])) + 1.0)
    if top is not None:
        weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:top])
    peak = max(weights.values())
    return {w: v / peak for w, v in weights.items()}


# Words every conversation uses: never what it is about.
CHAT_WORDS = frozenset(
    """thank thanks yes yeah well nothing really know think like mean just right okay sure good great lot thing
    things something anything everything people time way question today said says going want get got make made
    see look guess kind sort maybe actually little pretty much okay hello welcome
    什么 什麼 问题 問題 时候 時候 觉得 覺得 知道 就是 这个 這個 那个 那個 我们 我們 你们 你們 他们 他們
    一下 问个 谢谢 謝謝 大家 今天 现在 現在 一个 一個 可以 怎么 怎麼 为什么 為什麼 没有 沒有 东西 東西 事情
    确实 確實 真的 其实 其實 还是 還是 不是 然后 然後 所以 因为 因為 老师 老師 朋友 回来 回來 出来 出來 起来
    起來 一点 一點 好像 感觉 感覺 地方 时间 時間 情况 情況 方面 部分 样子 樣子 意思 想法 办法 辦法 人家 大家 别人
    別人 自己 结果 結果 原因 时候 事儿 事兒""".split()
)


def topics(texts: Sequence[str], language: str) -> list[str]:
    """What ``texts`` are about, best first: their key words that are content words a
    listener would recognize as a topic — a dictionary word for Chinese (not a fragment of
    segmentation), a lower-case word of five letters or more for English (not a name), said
    at least twice, and not a word every conversation uses.

    >>> topics(["写诗要靠灵感吗？", "写诗要练。"], "zh")[:1], topics(["寫詩要靠靈感嗎？寫詩要練。"], "zh-TW")
    (['写诗'], ['寫詩'])
    >>> topics(["You'll see the geese. Geese are loud.", "Dutch geese, Dutch farms."], "en")
    ['geese']
    """
    joined = " ".join(texts)
    zh = is_chinese(language)
    idf: IdfTable | frozenset[str] = _jieba()[1] if zh else frozenset()
    plain = to_simplified(joined) if zh else joined  # the words are simplified; say the post's own
    found = []
    for word in keyword_weights(list(texts), language, top=24):
        if word in CHAT_WORDS or len(word) < 2:
            continue
        if zh:
            if word not in idf or plain.count(word) < 2 or not _noun(word):
                continue
            at = plain.find(word)
            word = joined[at : at + len(word)]
        elif (
            len(word) < 5
            or not word.isalpha()
            or word in _NOT_TOPICS_EN
            or word.endswith(("ly", "ed", "ful", "ous", "ive", "able", "ible", "less", "ish"))  # not nouns
            or _a_name(word, joined)
            or len(re.findall(rf"\b{re.escape(word)}\b", joined, re.IGNORECASE)) < (3 if word.endswith("ing") else 2)
        ):
            continue
        found.append(word)
    return found


# Long English words that name no topic (pronouns, adverbs, function words).
_NOT_TOPICS_EN = frozenset(
    """everybody everyone anybody anyone somebody someone nobody anything everything nothing something
    another whatever whenever wherever whoever though although through thought other others every never
    always because before after about again still maybe perhaps might would could should there their
    theirs these those where which while whole being doing going having saying getting making taking
    thinking trying looking coming seeing telling asking talking among across around since until unless
    without within rather quite often sometimes already almost enough probably certainly definitely
    together another anyway however therefore yourself myself himself herself ourselves themselves
    first second third little great really actually basically literally totally pretty right course""".split()
)
_NOUN_TAGS = ("n", "ng", "ns", "nt", "nz", "vn", "nrt")


def _tags() -> Tags:
    """jieba's part-of-speech tag of each dictionary word."""
    from podcast.wordtable import posseg_module

    return posseg_module().dt.word_tag_tab  # type: ignore[no-any-return]


def _noun(word: str) -> bool:
    """Whether jieba's dictionary has ``word`` (simplified) as a noun, not a person's name."""
    return _tags().get(word, "") in _NOUN_TAGS


def _a_name(word: str, text: str) -> bool:
    """Whether ``word`` is only ever written capitalized, and not just at a sentence's start."""
    written = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)]
    capitalized = [i for i in written if text[i].isupper()]
    if len(capitalized) < len(written):
        return False
    return any(i and not re.search(r"[.!?…]['\"”’)]?\s+$", text[max(0, i - 8) : i]) for i in capitalized)
