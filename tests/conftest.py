"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_POST = ROOT / "episodes" / "lossless-compression.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
