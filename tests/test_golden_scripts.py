"""Golden scripts: the two-minute script of a few posts, exactly as ``podcast script`` writes it.

``tests/fixtures/script/NAME.md`` is the script of the post ``CASES`` lists under ``NAME``,
built with the show defaults (no ``podcast.toml``), the offline voices' budget and a
two-minute target, and recorded with the post's repository-relative path as ``source:``
so nothing in it depends on the machine. Any change to parsing, summarizing, framing or
the voices' measured pace shows up here as a diff of what 小雅 would say.

After a deliberate change, regenerate with
``PODCAST_REGEN_GOLDEN=1 pytest tests/test_golden_scripts.py`` (each case writes its file
and is skipped, so a regeneration run never passes), then review ``git diff
tests/fixtures/script`` by reading the scripts: is every retold turn still said by the right
person, whole, with no page furniture, and does the episode still make sense to a listener?
Commit the new files only when the answer is yes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podcast.config import Show
from podcast.parse import parse_post
from podcast.parse.source import read_text
from podcast.profiles import load_voice_set
from podcast.script import write_script
from podcast.script.scriptfile import to_markdown
from tests.conftest import ROOT

GOLDEN = Path(__file__).parent / "fixtures" / "script"
REGEN_ENV = "PODCAST_REGEN_GOLDEN"
TARGET_SECONDS = 120

CASES = {
    "lossless-compression": "episodes/lossless-compression.md",
    "small-models": "episodes/small-models.md",
    "zh-liwei-sciencenet-wo-author": "tests/fixtures/real/zh-liwei-sciencenet-wo-author.txt",
    "zh-html-weixin-qa-interview": "tests/fixtures/real/zh-html-weixin-qa-interview.html",
    "zh-hant-mingpao-monthly-duitan": "tests/fixtures/real/zh-hant-mingpao-monthly-duitan.txt",
    "en-lexfridman-transcript": "tests/fixtures/real/en-lexfridman-transcript.txt",
    "en-html-vulture-bold-questions": "tests/fixtures/real/en-html-vulture-bold-questions.html",
}
"""Golden file name → the post, relative to the repository root."""


def script_of(relative: str) -> str:
    """The script file ``podcast script POST`` writes when no ``podcast.toml`` applies,
    with ``source:`` the post's repository-relative path."""
    show = Show()
    post = parse_post(read_text(ROOT / relative), source=relative, aliases=show.aliases)
    voices = load_voice_set("offline", post.language)
    script, _ = write_script(post, show=show, voices=voices, target_seconds=TARGET_SECONDS)
    return to_markdown(script)


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_matches_the_golden_file(name: str) -> None:
    golden = GOLDEN / f"{name}.md"
    got = script_of(CASES[name])
    if os.environ.get(REGEN_ENV):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
        pytest.skip(f"regenerated {golden.name}: read the diff, then run without {REGEN_ENV}")
    assert golden.exists(), f"no golden script {golden}; run with {REGEN_ENV}=1 and read it"
    assert got == golden.read_text(encoding="utf-8")


def test_cases_cover_the_languages_and_no_golden_file_is_stale() -> None:
    languages = {name.split("-")[0] for name in CASES if name.startswith(("zh-", "en-"))}
    assert languages == {"zh", "en"}
    assert any(name.startswith("zh-hant-") for name in CASES)
    for relative in CASES.values():
        assert (ROOT / relative).is_file(), relative
    if GOLDEN.is_dir():
        stale = sorted(p.name for p in GOLDEN.iterdir() if p.suffix == ".md" and p.stem not in CASES)
        assert stale == [], f"golden scripts without a case: {stale}"
