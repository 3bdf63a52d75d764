"""The docs stay honest: every command has help with an example and is in the README."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.testing import CliRunner

from podcast.cli import app
from tests.conftest import ROOT


def command_paths() -> list[list[str]]:
    group = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", {})
        for name, sub in subcommands.items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(group, [])
    return paths


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    paths = command_paths()
    assert ["parse"] in paths
    for path in [[], *paths]:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.stdout, f"'podcast {' '.join(path)} --help' has no example"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in command_paths():
        assert f"podcast {' '.join(path)}" in readme, f"README does not mention 'podcast {' '.join(path)}'"


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "podcast", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("podcast ")
