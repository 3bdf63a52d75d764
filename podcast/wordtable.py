"""jieba with its dictionary in sorted arrays: the same words and tags, a fraction of the cost.

jieba keeps its dictionary as a dict of every word and every prefix of a word (498,000
entries for 349,000 words: 67 MB, and 0.67 s holding the GIL to read back from jieba's own cache), and
``jieba.posseg`` parses the dictionary again as it is imported, into a dict of each word's
part of speech (51 MB, 0.37 s). A render's voice needs the tags (the particle 地) while it
speaks, its summarizer needs the segmentation, and both stalls fell on the voice.

Here the dictionary is three sorted arrays (words, counts, tags: 18 MB), built from jieba's
``dict.txt`` in about 0.25 s and kept in the cache, and jieba's own tokenizers are handed
views of it: :class:`Frequencies` answers what jieba asks of its word dict (a word's count,
0 for a prefix of a word, absent otherwise), :class:`Tags` what ``posseg`` asks of its tag
dict. Segmentation and tagging stay jieba's own code: the results are jieba's, word for word
(the tests compare the two).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import sys
import threading
from collections.abc import Callable
from importlib import resources
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

REVISION = 1
"""Bumped when the same dictionary would be stored differently."""

_MISSING = -1


class Dictionary:
    """jieba's ``dict.txt``: its words sorted (UTF-8 bytes), their counts and tags."""

    def __init__(self, words: npt.NDArray[np.bytes_], counts: npt.NDArray[np.int64], tags: npt.NDArray[np.uint8],
                 tag_names: list[str], total: int) -> None:  # fmt: skip
        self.words = words
        self.counts = counts
        self.tags = tags
        self.tag_names = tag_names
        self.total = total
        """The counts of every line added up, duplicates included (as jieba does)."""

    @classmethod
    def parse(cls, data: bytes) -> Dictionary:
        """The dictionary in ``data`` (lines of ``word count tag``); a word listed twice
        keeps its last line, as in jieba."""
        words, counts_text, tags_text = columns(data, 3)
        counts = counts_text.astype(np.int64)
        tag_names, tags = np.unique(tags_text, return_inverse=True)
        order = np.argsort(words, kind="stable")
        words, counts, tags = words[order], counts[order], tags[order]
        last = np.append(words[1:] != words[:-1], True)  # the last of each run of equal words
        return cls(
            words[last], counts[last], tags[last].astype(np.uint8),
            [t.decode("ascii") for t in tag_names.tolist()], int(np.sum(counts)),
        )  # fmt: skip

    @classmethod
    def load(cls) -> Dictionary:
        """The installed jieba's dictionary: from the cache, or parsed and kept there."""
        data = resources.files("jieba").joinpath("dict.txt").read_bytes()
        arrays = kept_arrays(
            "jieba dictionary", REVISION, data, lambda: cls.parse(data).arrays(),
            usable=lambda kept: cls.from_arrays(kept).consistent(),
        )  # fmt: skip
        return cls.from_arrays(arrays)

    def arrays(self) -> Arrays:
        """The table as named arrays (as kept in the cache)."""
        return {
            "words": self.words, "counts": self.counts, "tags": self.tags,
            "tag_names": np.array(self.tag_names), "total": np.int64(self.total),
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, arrays: Arrays) -> Dictionary:
        """The table from :meth:`arrays`."""
        names = [str(t) for t in arrays["tag_names"].tolist()]
        return cls(arrays["words"], arrays["counts"], arrays["tags"], names, int(arrays["total"]))

    def consistent(self) -> bool:
        """Whether the arrays fit together (a table read back from the cache is checked)."""
        size = len(self.words)
        return (
            self.words.dtype.kind == "S" and self.counts.dtype == np.int64 and self.tags.dtype == np.uint8
            and len(self.counts) == size and len(self.tags) == size and size > 0 and self.total > 0
            and int(self.tags.max()) < len(self.tag_names)
        )  # fmt: skip

    def find(self, word: str) -> tuple[int, bool]:
        """Where ``word`` is or would be in the sorted words, and whether it is there."""
        key = word.encode("utf-8")
        if len(key) > self.words.dtype.itemsize:
            return len(self.words), False
        at = int(np.searchsorted(self.words, key))
        return at, at < len(self.words) and self.words[at] == key

    def count(self, fragment: str) -> int:
        """jieba's entry for ``fragment``: its count if it is a word, 0 if it only begins
        one, ``_MISSING`` otherwise."""
        if not fragment:
            return _MISSING
        at, exact = self.find(fragment)
        if exact:
            return int(self.counts[at])
        if at < len(self.words) and self.words[at].startswith(fragment.encode("utf-8")):
            return 0
        return _MISSING

    def tag(self, word: str) -> str | None:
        """The part of speech of ``word``, or None if it is not a word of the dictionary."""
        at, exact = self.find(word)
        return self.tag_names[self.tags[at]] if exact else None


Arrays = dict[str, Any]
"""Named NumPy arrays, as ``np.savez`` keeps them."""


def kept_arrays(name: str, revision: int, source: bytes, make: Callable[[], Arrays],
                usable: Callable[[Arrays], bool]) -> Arrays:  # fmt: skip
    """Arrays ``make`` derives from a package's ``source`` data, kept in the cache's
    ``tables`` under a digest of ``name``, ``revision`` and ``source``: read back in
    milliseconds, and made again when the kept copy is missing, damaged in any way, or not
    ``usable``."""
    from podcast import stored

    key = stored.digest(name, revision, hashlib.sha256(source).hexdigest())
    store = stored.Store("tables")
    kept = store.read(key, ".npz")
    if kept is not None:
        with contextlib.suppress(Exception):  # damaged in any way: made again
            with np.load(io.BytesIO(kept)) as archive:
                arrays = {field: archive[field] for field in archive.files}
            if usable(arrays):
                return arrays
    arrays = make()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    store.write(key, ".npz", buffer.getvalue())
    return arrays


def columns(data: bytes, fields: int, pieces: int = 16) -> list[npt.NDArray[np.bytes_]]:
    """The whitespace-separated columns of ``data``, ``fields`` to a line, as arrays of
    byte strings. Parsed a piece at a time: split whole, a 5 MB file would make a million
    Python objects at once (60 MB more at the render's peak).

    >>> [c.tolist() for c in columns(b"a 1\\nbb 2\\n", 2, pieces=2)]
    [[b'a', b'bb'], [b'1', b'2']]
    """
    found: list[list[npt.NDArray[np.bytes_]]] = [[] for _ in range(fields)]
    step = max(1, len(data) // pieces)
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + step)
        end = len(data) if end < 0 else end + 1
        values = data[start:end].split()
        if len(values) % fields:
            raise ValueError(f"a line without {fields} fields")
        for field in range(fields):
            found[field].append(np.array(values[field::fields]))
        start = end
    return [np.concatenate(arrays) if arrays else np.array([], np.bytes_) for arrays in found]


class Frequencies:
    """What jieba's tokenizer asks of its ``FREQ`` dict, answered from a :class:`Dictionary`
    (the latest fragments asked are remembered: a text asks about the same ones many times)."""

    REMEMBERED = 50_000
    """Fragments remembered at most (≈ 8 MB); then the memory starts afresh."""

    def __init__(self, dictionary: Dictionary) -> None:
        self._dictionary = dictionary
        self._seen: dict[str, int] = {}

    def _count(self, fragment: str) -> int:
        found = self._seen.get(fragment)
        if found is None:
            if len(self._seen) >= self.REMEMBERED:
                self._seen = {}
            found = self._seen[fragment] = self._dictionary.count(fragment)
        return found

    def __contains__(self, fragment: object) -> bool:
        return isinstance(fragment, str) and self._count(fragment) != _MISSING

    def __getitem__(self, fragment: str) -> int:
        found = self._count(fragment)
        if found == _MISSING:
            raise KeyError(fragment)
        return found

    def get(self, fragment: str, default: int | None = None) -> int | None:
        found = self._count(fragment)
        return default if found == _MISSING else found


class Tags:
    """What ``jieba.posseg`` asks of its ``word_tag_tab`` dict."""

    def __init__(self, dictionary: Dictionary) -> None:
        self._dictionary = dictionary

    def get(self, word: str, default: str | None = None) -> str | None:
        found = self._dictionary.tag(word)
        return default if found is None else found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._dictionary.tag(word) is not None

    def __getitem__(self, word: str) -> str:
        found = self._dictionary.tag(word)
        if found is None:
            raise KeyError(word)
        return found


_lock = threading.Lock()
_ready: list[ModuleType] = []


def jieba_module() -> ModuleType:
    """jieba, its default tokenizer and ``jieba.posseg`` set up on the compact dictionary
    (once per process; quiet)."""
    with _lock:
        if _ready:
            return _ready[0]
        module = _import_jieba()
        dictionary = Dictionary.load()
        tokenizer: Any = module.dt
        tokenizer.FREQ = Frequencies(dictionary)
        tokenizer.total = dictionary.total
        tokenizer.initialized = True
        # Imported, jieba.posseg parses the dictionary file for its tags: give it an empty
        # file to read, then the compact tags.
        tokenizer.get_dict_file = lambda: io.BytesIO()
        try:
            import jieba.posseg
        finally:
            del tokenizer.get_dict_file
        jieba.posseg.dt.word_tag_tab = Tags(dictionary)
        _ready.append(module)
        return module


def posseg_module() -> Any:
    """``jieba.posseg`` on the compact dictionary (see :func:`jieba_module`)."""
    return jieba_module().posseg


def _import_jieba() -> ModuleType:
    # jieba imports pkg_resources only to open its own data files (0.1 s, and a deprecation
    # warning); without it, it opens them from its folder.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    module: ModuleType = jieba
    return module
