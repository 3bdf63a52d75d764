"""Key words of a text: jieba segmentation and TF-IDF weights (Chinese), word counts (English).

Parsing uses them to tell a page's title from its menus and to name a post that has no
title; the extractive summarizer uses them to choose what to keep.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources

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
def _jieba() -> tuple[object, dict[str, float], float]:
    """jieba, its IDF table and the table's median (jieba.analyse is not imported: it would
    also load a part-of-speech dictionary this module never uses)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    idf: dict[str, float] = {}
    table = resources.files("jieba").joinpath("analyse", "idf.txt").read_text(encoding="utf-8")
    for line in table.splitlines():
        word, _, value = line.rpartition(" ")
        if word:
            idf[word] = float(value)
    ordered = sorted(idf.values())
    return jieba, idf, ordered[len(ordered) // 2] if ordered else 1.0


def tokenize(text: str, language: str) -> list[str]:
    """Content words of ``text``: jieba for Chinese (Latin words lower-cased), stopwords out.

    >>> tokenize("压缩的是函数不是文本", "zh")
    ['压缩', '函数', '文本']
    >>> tokenize("The burden of proof is on you", "en")
    ['burden', 'proof']
    """
    words: list[str]
    if language.lower().startswith("zh"):
        jieba = _jieba()[0]
        words = [w.strip().lower() for w in jieba.lcut(text)]  # type: ignore[attr-defined]
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
    if language.lower().startswith("zh"):
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
