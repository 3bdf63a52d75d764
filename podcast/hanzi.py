"""Traditional and simplified characters: one form for looking words up, the author's for
everything a listener or reader sees.

The dictionaries the pipeline looks words up in are simplified: pypinyin's phrase table (so
``銀行`` read character by character would be yín\\ *xíng*), jieba's dictionary and IDF table.
Every lookup therefore works on :func:`to_simplified`, a phrase-level conversion that keeps
each character in its place (``analysis[i]`` is the reading of ``text[i]``), while scripts,
transcripts, chapters, the site and the feed keep the post's own characters. What the host
says in a traditional post (its intro, outro, attributions and bridges) is written with
:func:`localize`.

The conversion is OpenCC's data through ``opencc-purepy``: a pure-Python wheel (one install
on Linux, macOS and Windows, any Python ≥ 3.9), which reads ``看著``/``拿著`` as ``看着``/``拿着``
(the C++ ``opencc`` wheel keeps ``著``, read *zhù*). One guard keeps it honest: a conversion
that would turn a character into a traditional one (``结束`` → ``結束``, a bad phrase entry)
keeps the character's own simplified form instead.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

VARIANTS = {
    "zh-hant": "s2t",
    "zh-tw": "s2tw",
    "zh-hant-tw": "s2tw",
    "zh-hk": "s2hk",
    "zh-hant-hk": "s2hk",
    "zh-mo": "s2hk",
}
"""Language tags of traditional Chinese and the OpenCC conversion that writes them."""
TRADITIONAL = "zh-Hant"
"""The tag a post gets when its text is found to be traditional and it does not say more."""
_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@cache
def _converter(config: str) -> Any:
    from opencc_purepy import OpenCC

    return OpenCC(config)


@lru_cache(maxsize=65536)
def _one(char: str, config: str) -> str:
    converted: str = _converter(config).convert(char)
    return converted if len(converted) == 1 else char


def is_traditional_tag(language: str) -> bool:
    """Whether ``language`` is a tag of traditional Chinese.

    >>> [is_traditional_tag(t) for t in ("zh-Hant", "zh-TW", "zh-HK", "zh", "zh-CN", "en")]
    [True, True, True, False, False, False]
    """
    return language.lower() in VARIANTS


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, converted by phrase, each character in its place.

    >>> to_simplified("銀行行長說這個行業很重要，看著辦。")
    '银行行长说这个行业很重要，看着办。'
    >>> to_simplified("训练结束了"), to_simplified("Hi 你好")
    ('训练结束了', 'Hi 你好')
    """
    if _traditional_chars().isdisjoint(text):
        return text  # nothing to convert (most text; the check is a set operation)
    converted = _converter("t2s").convert(text)
    if len(converted) != len(text):  # a phrase of another length: convert run by run
        converted = _RUN.sub(lambda m: _aligned(m.group()), text)
    if converted == text:
        return text
    chars = list(converted)
    traditional = _traditional_chars()
    for i, (before, after) in enumerate(zip(text, converted, strict=True)):
        if before != after and after in traditional:  # still (or newly) traditional
            chars[i] = _settled(after if before in traditional else before)
    return "".join(chars)


@lru_cache(maxsize=4096)
def _settled(char: str) -> str:
    """``char`` simplified until it no longer changes (the data maps 薴 → 苧 → 苎)."""
    for _ in range(3):
        simpler = _one(char, "t2s")
        if simpler == char:
            break
        char = simpler
    return char


def remove_matches(pattern: re.Pattern[str], text: str) -> str:
    """``text`` without what ``pattern`` (written for simplified text) matches in either
    script: the pattern reads the simplified form, the rest keeps the author's characters.

    >>> remove_matches(re.compile(r"[（(]见[^）)]*[）)]"), "異或的鬼門關（見讀書筆記）。")
    '異或的鬼門關。'
    """
    plain = to_simplified(text)
    if plain == text:
        return pattern.sub("", text)
    kept, position = [], 0
    for match in pattern.finditer(plain):
        kept.append(text[position : match.start()])
        position = match.end()
    return "".join(kept) + text[position:]


@cache
def _traditional_chars() -> frozenset[str]:
    """Every character that simplification changes on its own: worked out once per OpenCC
    data file and kept in the cache (working it out takes 0.15 s, every process)."""
    from importlib.util import find_spec

    from podcast import stored

    spec = find_spec("opencc_purepy")
    data = Path(spec.origin).parent / "dicts" / "dictionary_maxlength.json" if spec and spec.origin else None
    try:
        stamp = [str(data), data.stat().st_size, data.stat().st_mtime_ns] if data else None
    except OSError:
        stamp = None
    store = stored.Store("tables")
    key = stored.digest("traditional characters", 1, stamp)
    kept = store.read(key, ".txt") if stamp else None
    if kept is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return frozenset(kept.decode("utf-8"))
    found = _convert_traditional_chars()
    if stamp:
        store.write(key, ".txt", "".join(sorted(found)).encode("utf-8"))
    return found


def _convert_traditional_chars() -> frozenset[str]:
    """Convert every hanzi once, in one call: the characters one per line, so no phrase
    spans two of them."""
    chars = [chr(c) for c in range(0x3400, 0xA000)] + [chr(c) for c in range(0xF900, 0xFB00)]
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never; convert one by one if the data ever does this
        converted = [_one(c, "t2s") for c in chars]
    return frozenset(c for c, s in zip(chars, converted, strict=True) if c != s)


def _aligned(run: str) -> str:
    converted: str = _converter("t2s").convert(run)
    return converted if len(converted) == len(run) else "".join(_one(c, "t2s") for c in run)


def looks_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: more of its hanzi change when
    it is simplified than when it is made traditional.

    >>> looks_traditional("銀行行長說這個行業很重要"), looks_traditional("银行行长说这个行业很重要")
    (True, False)
    >>> looks_traditional("Hello"), looks_traditional("我是小雅")
    (False, False)
    """
    sample = "".join(_RUN.findall(text))[:20000]
    if len(sample) < 2:
        return False
    simplified = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=True))
    traditional = sum(a != b for a, b in zip(sample, _converter("s2t").convert(sample), strict=False))
    return simplified >= max(1, 0.02 * len(sample)) and simplified > traditional


def localize(text: str, language: str) -> str:
    """What the host says, written for a post in ``language``: traditional characters (in
    the variant the tag names) for a traditional post, else as it is.

    >>> localize("我是数字秘书小雅，今天播报《{title}》。", "zh-Hant")
    '我是數字祕書小雅，今天播報《{title}》。'
    >>> localize("我是数字秘书小雅", "zh-HK"), localize("我是数字秘书小雅", "zh")
    ('我是數字秘書小雅', '我是数字秘书小雅')
    """
    config = VARIANTS.get(language.lower())
    if config is None or not _HANZI.search(text):
        return text
    converted: str = _converter(config).convert(text)
    return converted


def page_language(language: str) -> str:
    """The BCP 47 tag for a page, a transcript or a feed: ``zh`` is mainland Mandarin in
    simplified characters (``zh-CN``), a traditional tag is kept as given.

    >>> page_language("zh"), page_language("zh-Hant"), page_language("en")
    ('zh-CN', 'zh-Hant', 'en')
    """
    return "zh-CN" if language.lower() == "zh" else language
