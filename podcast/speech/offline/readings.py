"""How the offline voice reads each hanzi: pypinyin's phrase dictionary on the simplified
form of the text, the readings that depend on the words around a character (the measure
word 只, the adverbial particle 地), the lexicon's ``[pinyin]`` words, then the tone changes a
Mandarin speaker makes (third-tone sandhi, 一 and 不) and the erhua 儿.

Everything here is a pure function of the text (and the lexicon); a change that reads any text
differently bumps ``frontend.FRONTEND_REVISION`` (part of every cached sentence's key).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from podcast.hanzi import to_simplified

_NUMERALS = frozenset("零〇一二三四五六七八九十两")
# 一 keeps its first tone at the end of these words (统一, 第一, 之一 …).
_YI_WORD_ENDS = frozenset("统唯万第专同划初单逐之合归均如") | _NUMERALS
# X儿 where 儿 is a full syllable, not the erhua suffix (女儿, 婴儿, 混血儿 …).
_ER_SYLLABLE_AFTER = frozenset("女婴幼孤健胎宠男患育妻侄孙鹿托血产运潮生少小")
# 儿X words where 儿 starts a word (儿子, 儿童 …).
_ER_WORD_START = frozenset("子童女孙科歌时媳戏化郎")


def _tone(syllable: str) -> str:
    return syllable[-1:]


def _with_tone(syllable: str, tone: str) -> str:
    return syllable[:-1] + tone


def apply_tone_sandhi(chars: str, syllables: Sequence[str]) -> list[str]:
    """The tones a speaker actually says for a run of hanzi, from their citation tones.

    The Baker corpus labels tones as spoken (its first sentence, 卡尔普, is labelled
    ``ka2 er2 pu3``), so the model expects them: 不 and 一 change before certain tones,
    and a third tone before another third tone rises.

    >>> apply_tone_sandhi("你好", ["ni3", "hao3"])
    ['ni2', 'hao3']
    >>> apply_tone_sandhi("展览馆", ["zhan3", "lan3", "guan3"])
    ['zhan2', 'lan2', 'guan3']
    >>> apply_tone_sandhi("不去", ["bu4", "qu4"])
    ['bu2', 'qu4']
    >>> apply_tone_sandhi("一天一次", ["yi1", "tian1", "yi1", "ci4"])
    ['yi4', 'tian1', 'yi2', 'ci4']
    >>> apply_tone_sandhi("第一次", ["di4", "yi1", "ci4"])
    ['di4', 'yi1', 'ci4']
    >>> apply_tone_sandhi("看一看", ["kan4", "yi1", "kan4"])
    ['kan4', 'yi5', 'kan4']
    >>> apply_tone_sandhi("一九八四", ["yi1", "jiu3", "ba1", "si4"])
    ['yi1', 'jiu3', 'ba1', 'si4']
    """
    tones = list(syllables)
    last = len(chars) - 1
    for i, char in enumerate(chars):
        if i == last or char not in "一不":
            continue
        prev_char = chars[i - 1] if i > 0 else ""
        next_tone = _tone(tones[i + 1])
        if prev_char and prev_char == chars[i + 1]:  # 看一看, 是不是: unstressed
            tones[i] = _with_tone(tones[i], "5")
        elif char == "不" and tones[i] == "bu4" and next_tone == "4":
            tones[i] = "bu2"
        elif char == "一" and tones[i] == "yi1" and prev_char not in _YI_WORD_ENDS and chars[i + 1] not in _NUMERALS:
            if next_tone == "4":
                tones[i] = "yi2"
            elif next_tone in ("1", "2", "3"):
                tones[i] = "yi4"
    # Third-tone sandhi: in a run of third tones every one but the last rises. Real speech
    # groups long runs by word; without a segmenter this is the reading that is never wrong
    # for the common two- and three-syllable runs.
    run_start = None
    for i in range(len(tones) + 1):
        third = i < len(tones) and _tone(tones[i]) == "3"
        if third and run_start is None:
            run_start = i
        elif not third and run_start is not None:
            for j in range(run_start, i - 1):
                tones[j] = _with_tone(tones[j], "2")
            run_start = None
    return tones


def is_erhua(chars: str, index: int, syllable: str) -> bool:
    """Whether the 儿 at ``chars[index]`` is the erhua suffix (这儿, 一点儿, 事儿) rather than
    a syllable of its own (女儿, 儿子). The Baker labels fold the suffix into the syllable
    before it, spoken as a neutral ``er5`` with no boundary.

    >>> [is_erhua(w, 1, "er2") for w in ("这儿", "事儿", "女儿")]
    [True, True, False]
    >>> is_erhua("儿子", 0, "er2"), is_erhua("小儿子", 1, "er2")
    (False, False)
    """
    if chars[index] != "儿" or index == 0:
        return False
    if syllable == "er5":
        return True
    following = chars[index + 1] if index + 1 < len(chars) else ""
    return chars[index - 1] not in _ER_SYLLABLE_AFTER and following not in _ER_WORD_START


def run_syllables(chars: str, words: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """TONE3 syllables (neutral tone 5) for a run of voiced hanzi, read as a whole so that
    pypinyin's phrase dictionary picks the right reading of polyphones; ``words`` (the
    lexicon's ``[pinyin]``, keyed by simplified word; default: the built-in lexicon's)
    overrides it, longest word first.

    >>> run_syllables("银行行长")
    ['yin2', 'hang2', 'hang2', 'zhang3']
    >>> run_syllables("銀行行長") == run_syllables("银行行长")
    True
    >>> run_syllables("垃圾桶", {"垃圾": ("le4", "se4")})
    ['le4', 'se4', 'tong3']
    >>> run_syllables("你好吗")
    ['ni2', 'hao3', 'ma5']
    """
    from pypinyin import Style, lazy_pinyin

    chars = to_simplified(chars)  # pypinyin's phrase table is simplified: 銀行 is yin2 hang2
    syllables = lazy_pinyin(chars, style=Style.TONE3, neutral_tone_with_five=True)
    if len(syllables) != len(chars):  # never for voiced hanzi; per character if it happens
        syllables = [lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0] for c in chars]
    _particles(chars, syllables)
    _override(chars, syllables, words if words is not None else _built_in_words())
    return apply_tone_sandhi(chars, syllables)


@functools.cache
def _built_in_words() -> Mapping[str, Sequence[str]]:
    from podcast.speech.normalize import default_lexicon

    return default_lexicon().pinyin


# 只 after a number or a demonstrative counts animals and things (两只猫 liang3 zhi1), unless
# the next word makes it "only" (这只是 zhe4 zhi3 shi4).
_COUNTED = frozenset("一二两三四五六七八九十几百千万每某这那哪半")
_ONLY_NEXT = frozenset("是有要能会好不在得可管怕需")
# The word before an adverbial 地 (慢慢地走, 认真地说): not a pronoun, preposition, measure word
# or place (这块地, 在地上, where 地 is the ground).
_NOT_BEFORE_PARTICLE = ("r", "p", "q", "f", "s", "u")


def _particles(chars: str, syllables: list[str]) -> None:
    """Readings that depend on the words around a character: the measure word 只 (zhi1)
    and the adverbial particle 地 (de5)."""
    for i, char in enumerate(chars):
        following = chars[i + 1] if i + 1 < len(chars) else ""
        if char == "只" and i > 0 and chars[i - 1] in _COUNTED and following not in _ONLY_NEXT:
            syllables[i] = "zhi1"
    if "地" not in chars:
        return
    from podcast.wordtable import posseg_module

    position = 0
    previous = ""
    for pair in posseg_module().lcut(chars):
        word, flag = pair.word, pair.flag
        particle = word == "地" and flag == "uv" and previous and not previous.startswith(_NOT_BEFORE_PARTICLE)
        glued = word.startswith("地") and previous in ("d", "ad", "z") and not flag.startswith("n")  # 慢慢|地走了
        if particle or glued:
            syllables[position] = "de5"
        elif len(word) >= 3 and word.endswith("地") and flag == "z":  # 悄悄地, 默默地
            syllables[position + len(word) - 1] = "de5"
        position += len(word)
        previous = flag


def _override(chars: str, syllables: list[str], words: Mapping[str, Sequence[str]]) -> None:
    """Put the lexicon's readings in place, longest word first, never overlapping."""
    if not words:
        return
    taken = [False] * len(chars)
    for word in sorted(words, key=len, reverse=True):
        start = chars.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(taken[start:end]):
                syllables[start:end] = words[word]
                taken[start:end] = [True] * len(word)
            start = chars.find(word, start + 1)
