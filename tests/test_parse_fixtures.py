"""Saved posts and what parsing them must give: adding a case is adding two files.

``tests/fixtures/parse/NAME.{md,txt,html}`` is read like a post file and must parse to
``NAME.json`` (``podcast parse --json`` plus the parse warnings). After a deliberate change,
regenerate with ``PODCAST_REGEN_FIXTURES=1 pytest tests/test_parse_fixtures.py`` (each case
writes its ``.json`` and is skipped, so a regeneration run never passes) and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from podcast.parse import parse_post
from podcast.parse.source import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".md", ".txt", ".html"})


def parsed(path: Path) -> dict[str, object]:
    post = parse_post(read_text(path), source=path.name)
    return {**post.to_json(), "warnings": list(post.warnings)}


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fixture(path: Path) -> None:
    expected_path = path.with_suffix(".json")
    got = parsed(path)
    if os.environ.get("PODCAST_REGEN_FIXTURES"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        pytest.skip(f"regenerated {expected_path.name}: review the diff, then run without PODCAST_REGEN_FIXTURES")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


def test_enough_cases() -> None:
    assert len(CASES) >= 20
    assert {p.name.split("-")[0] for p in CASES} == {"zh", "en"}
    for case in CASES:
        assert case.with_suffix(".json").exists(), f"{case.name} has no expected .json"
