"""The ``llm`` summarizer against a real endpoint (not run by CI: ``pytest -m live``).

Set ``PODCAST_LLM_BASE_URL`` (or ``OPENAI_BASE_URL``), ``PODCAST_LLM_MODEL`` and, if the
endpoint needs one, ``OPENAI_API_KEY``; the sample is rendered with the model's retelling.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podcast.config import load_show
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from tests.conftest import ROOT, SAMPLE_POST

pytestmark = pytest.mark.live


def test_the_sample_renders_with_a_real_model(tmp_path: Path, offline_voice: Path) -> None:
    base_url = os.environ.get("PODCAST_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
    model = os.environ.get("PODCAST_LLM_MODEL")
    if not base_url or not model:
        pytest.skip("set PODCAST_LLM_BASE_URL and PODCAST_LLM_MODEL to run against a real model")
    os.environ.setdefault("OPENAI_BASE_URL", base_url)
    show = load_show(ROOT / "podcast.toml")
    result = render(
        read_post(SAMPLE_POST, aliases=show.aliases),
        show,
        RenderOptions(output_root=tmp_path / "out", summarizer="llm", model=model, force=True),
    )
    script = (result.folder / "script.md").read_text(encoding="utf-8")
    assert "summarizer:" in script
    print(script)  # for the reader of a live run: what the model wrote (or why it was not used)
    print("\n".join(result.episode.warnings))
