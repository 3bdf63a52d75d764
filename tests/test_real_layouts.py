"""The parser on real page layouts (``tests/fixtures/real/``): the figures issue 10 asks for.

Each case reproduces a real page's layout with our own sentences; ``bench/real_layouts.py``
scores the parse and the script against the case's gold sidecar. Here the corpus and the
figures are kept: adding a case is adding two files, and a parser change that costs a
speaker, a title or lets furniture into a script fails here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bench.real_layouts import CaseScore, Summary, cases, input_of, score, summarize
from podcast.parse.source import decode


@pytest.fixture(scope="module")
def scores() -> list[CaseScore]:
    return [score(path) for path in cases()]


@pytest.fixture(scope="module")
def summary(scores: list[CaseScore]) -> Summary:
    return summarize(scores)


def test_the_corpus_covers_the_layouts_it_must() -> None:
    names = [p.stem for p in cases()]
    assert len(names) >= 40
    chinese = [n for n in names if n.startswith("zh-")]
    assert len(chinese) >= 20
    assert any(n.startswith("zh-hant-") for n in chinese), "traditional Chinese pages"
    assert len([n for n in names if n.startswith("en-")]) >= 10
    assert len([n for n in names if n.startswith("zh-liwei-")]) >= 5


@pytest.mark.parametrize("gold", cases(), ids=lambda p: p.stem)
def test_every_case_is_whole_and_its_gold_is_in_the_page(gold: Path) -> None:
    data = tomllib.loads(gold.read_text(encoding="utf-8"))
    page = input_of(gold)
    flat = re.sub(r"\s+", "", decode(page.read_bytes(), page.name))
    assert str(data["source_url"]).startswith("http"), "the page the layout was modelled on"
    assert data["layout"] and data["language"] in ("zh", "zh-Hant", "en")
    people = set(data["speakers"])
    for person, start in data["turns"]:
        assert person == "" or person in people, person
        assert re.sub(r"\s+", "", start) in flat, start
    for key in ("furniture", "stage", "notes"):
        for text in data.get(key, []):
            assert re.sub(r"\s+", "", text) in flat, (key, text)


def test_speaker_labels_are_found(summary: Summary) -> None:
    assert summary.f1 >= 0.97, f"F1 {summary.f1:.3f} (precision {summary.precision:.3f}, recall {summary.recall:.3f})"


def test_turn_counts_are_right(summary: Summary) -> None:
    assert summary.counts_ok >= 0.95 * summary.cases


def test_titles_are_right(summary: Summary) -> None:
    assert summary.titles_ok >= 0.95 * summary.cases


def test_no_furniture_caption_or_stage_direction_reaches_a_script(scores: list[CaseScore]) -> None:
    leaks = [f"{s.name}: {leak}" for s in scores for leak in s.leaks]
    assert not leaks, "\n".join(leaks)


def test_no_page_is_refused(scores: list[CaseScore]) -> None:
    assert not [s.name for s in scores if s.error]
