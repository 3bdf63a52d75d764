"""jieba on the compact dictionary gives jieba's own words and tags."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from podcast import stored, wordtable
from podcast.hanzi import to_simplified
from podcast.paths import CACHE_ENV

FIXTURES = Path(__file__).parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def reference() -> tuple[Any, Any]:
    """jieba's own tokenizer and part-of-speech tagger, on its full dictionary."""
    import jieba
    import jieba.posseg

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    # A POSTokenizer made here reads the whole dictionary file for its tags.
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer)


def chinese_fixtures() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*.txt")):
        if not path.name.startswith("en-"):
            texts.append(to_simplified(path.read_bytes().decode("utf-8", "replace")))
    assert len(texts) > 30
    return texts


def test_segmentation_and_tags_are_jiebas_own(reference: tuple[Any, Any]) -> None:
    tokenizer, tagger = reference
    jieba = wordtable.jieba_module()
    posseg = wordtable.posseg_module()
    texts = chinese_fixtures()
    assert sum(map(len, texts)) > 50_000
    for text in texts:
        assert jieba.lcut(text) == tokenizer.lcut(text)
        assert [tuple(p) for p in posseg.lcut(text)] == [tuple(p) for p in tagger.lcut(text)]


def test_frequencies_answer_what_jiebas_dict_holds(reference: tuple[Any, Any]) -> None:
    """Words, prefixes of words (0) and everything else (absent), sampled across the dictionary."""
    tokenizer, _ = reference
    ours = wordtable.jieba_module().dt
    assert ours.total == tokenizer.total
    rng = random.Random(7)
    keys = rng.sample(sorted(tokenizer.FREQ), 20_000)
    for key in keys:
        assert ours.FREQ[key] == tokenizer.FREQ[key], key
        assert key in ours.FREQ
        # One more character: mostly not in the dictionary at all.
        longer = key + rng.choice("的了吗呢啊之乎者也𠮷x")
        assert (longer in ours.FREQ) == (longer in tokenizer.FREQ), longer
        assert ours.FREQ.get(longer) == tokenizer.FREQ.get(longer), longer
    assert "𠮷𠮷𠮷" not in ours.FREQ and ours.FREQ.get("𠮷𠮷𠮷", 5) == 5
    with pytest.raises(KeyError):
        ours.FREQ["𠮷𠮷𠮷"]
    assert ours.FREQ.get("x" * 200) is None  # longer than any word


def test_a_small_dictionary_reads_as_jieba_reads_it() -> None:
    table = wordtable.Dictionary.parse("语言 10 n\n语言学 3 n\n说 7 v\n语言 4 nz\n".encode())
    frequencies, tags = wordtable.Frequencies(table), wordtable.Tags(table)
    assert table.total == 24  # every line counts, the repeated word too
    assert frequencies["语言"] == 4 and tags.get("语言") == "nz"  # the last line wins
    assert frequencies["语"] == 0 and "语" in frequencies and tags.get("语", "x") == "x"
    assert frequencies.get("语言学") == 3 and "言" not in frequencies
    assert "说话" not in frequencies and "说话" not in tags and tags["说"] == "v"


def test_a_line_without_its_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="3 fields"):
        wordtable.Dictionary.parse(b"word 1 n\nbroken 2\n")


def test_the_table_is_kept_and_a_damaged_copy_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = wordtable.Dictionary.load()
    kept = list((tmp_path / "tables").glob("*.npz"))
    assert len(kept) == 1
    again = wordtable.Dictionary.load()
    assert again.total == first.total and (again.words == first.words).all()
    whole = kept[0].read_bytes()
    for damaged in (b"not an npz", whole[: len(whole) // 2], whole[:100] + bytes(200) + whole[300:]):
        kept[0].write_bytes(damaged)
        mended = wordtable.Dictionary.load()
        assert mended.total == first.total and mended.tag("语言") == first.tag("语言") == "n"
        assert kept[0].read_bytes() == whole
    assert stored.KINDS.count("tables") == 1
