"""The pipeline declared once: every command gets the same settings, the same engine and the
same script; the episode store is the one reader of an episode folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from podcast import episodes, registry
from podcast.cli import app
from podcast.config import load_show
from podcast.pipeline import STAGES, Context, RenderOptions, Settings, render
from podcast.speech import load_engine
from podcast.speech.normalize import Lexicon
from tests.test_render import render_cli, write_post


def show_with(show: Path, extra: str) -> Path:
    config = show / "podcast.toml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return config


def test_the_stages_are_declared_once_in_order() -> None:
    assert STAGES == ("parse", "script", "voice", "assemble", "write")


def test_the_script_podcast_script_writes_is_the_one_render_voices(runner: CliRunner, fake_show: Path) -> None:
    # No jingles: a script budgeted with the default stings' length would keep more than the
    # render (which knows the show has none) voices.
    show_with(fake_show, '\n[audio]\njingle_in = "none"\njingle_out = "none"\n')
    post = write_post(fake_show, body=_long_post())
    written = fake_show / "script.md"
    result = runner.invoke(
        app, ["script", str(post), "-o", str(written), "--seconds", "40", "--config", str(fake_show / "podcast.toml")]
    )
    assert result.exit_code == 0, result.output
    rendered = render_cli(runner, fake_show, str(post), "--seconds", "40", "--no-fit")
    assert rendered.exit_code == 0, rendered.output
    voiced = (fake_show / "out" / "episodes" / "post" / "script.md").read_text(encoding="utf-8")
    assert voiced == written.read_text(encoding="utf-8")


def _long_post() -> str:
    turns = "".join(
        f"李：第{i}个问题，压缩的是函数还是文本？模型的参数能不能表示目标函数？\n\n"
        f"白：第{i}个回答，压缩的是函数。数据足够大，参数就可以圆满表示目标函数。\n\n"
        for i in range(1, 30)
    )
    return "---\ntitle: 长对话\ndate: 2024-05-01\n---\n\n" + turns


@pytest.mark.parametrize("command", ["script", "render", "batch"])
def test_podcast_summarizer_is_honoured_by_every_command(
    runner: CliRunner, fake_show: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("PODCAST_SUMMARIZER", "no-such-summarizer")
    post = write_post(fake_show)
    config = ["--config", str(fake_show / "podcast.toml")]
    if command == "script":
        result = runner.invoke(app, ["script", str(post), *config])
    elif command == "render":
        result = render_cli(runner, fake_show, str(post))
    else:
        result = runner.invoke(app, ["batch", str(post), "-o", str(fake_show / "out"), "--no-publish", *config])
    assert result.exit_code != 0
    assert "no-such-summarizer" in result.output
    # A flag still wins over the environment.
    assert Settings(summarizer="extractive").resolve(load_show(fake_show / "podcast.toml")).summarizer == "extractive"


def test_one_precedence_flag_environment_show_default(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    show = load_show(fake_show / "podcast.toml")
    assert Settings().resolve(show).engine == "fake"  # podcast.toml
    monkeypatch.setenv("PODCAST_ENGINE", "offline")
    assert Settings().resolve(show).engine == "offline"  # environment over podcast.toml
    assert Settings(engine="edge").resolve(show).engine == "edge"  # flag over environment
    monkeypatch.setenv("PODCAST_OUTPUT", str(fake_show / "elsewhere"))
    assert Settings().resolve(show).output_root == fake_show / "elsewhere"
    assert Settings().resolve(show).target_seconds == show.minutes * 60


def test_a_plugin_engine_gets_the_shows_lexicon(fake_show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    received: dict[str, Any] = {}

    class PluginEngine:
        name = "plugin"
        version = "1"
        max_concurrent = 1

        def __init__(self, lexicon: Lexicon | None = None) -> None:
            received["lexicon"] = lexicon

        def voices(self) -> list[str]:
            return ["p"]

        def synthesize(self, text: str, prosody: object) -> object:
            raise NotImplementedError

    real = registry.load
    monkeypatch.setattr(registry, "load", lambda group, name: PluginEngine if name == "plugin" else real(group, name))
    (fake_show / "voices" / "lexicon.toml").write_text('[readings]\n"Xiaoya" = "小雅"\n', encoding="utf-8")
    context = Context(load_show(fake_show / "podcast.toml"), Settings(engine="plugin"))
    assert load_engine("plugin", lexicon_paths=context.lexicon_paths).name == "plugin"
    assert isinstance(received["lexicon"], Lexicon) and received["lexicon"].reading("xiaoya") == "小雅"


def test_a_damaged_episode_json_is_said_and_the_guid_kept(fake_show: Path) -> None:
    show = load_show(fake_show / "podcast.toml")
    from podcast.parse import read_post

    post = read_post(write_post(fake_show))
    out = fake_show / "out"
    first = render(post, show, RenderOptions(output_root=out))
    (first.folder / "episode.json").write_text("{not json", encoding="utf-8")
    episode, damage = episodes.read_episode(first.folder)
    assert episode is None and damage is not None and "episode.json is damaged" in damage
    again = render(post, show, RenderOptions(output_root=out))
    assert again.episode.guid == first.episode.guid
    assert any("is damaged" in w for w in again.episode.warnings)
    assert json.loads((again.folder / "episode.json").read_text(encoding="utf-8"))["guid"] == first.episode.guid


def test_no_backward_imports() -> None:
    """publish/ and batch/ never import render/; speech/ never imports script/; no cycles."""
    import ast

    root = Path(__file__).resolve().parent.parent / "podcast"
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("podcast"):
                # "from podcast.parse import interview" imports the submodule, not the package.
                submodules = {f"{node.module}.{a.name}" for a in node.names}
                found.update(submodules if all(_is_module(root, m) for m in submodules) else {node.module})
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("podcast"))
        graph[module] = found
    modules = set(graph)
    edges = {m: {t for t in targets if t in modules and t != m} for m, targets in graph.items()}

    def imports(prefix: str, target: str) -> list[str]:
        return sorted(
            f"{m} → {t}" for m, ts in edges.items() if m.startswith(prefix) for t in ts if t.startswith(target)
        )

    assert imports("podcast.publish", "podcast.render") == []
    assert imports("podcast.batch", "podcast.render") == []
    assert imports("podcast.speech", "podcast.script") == []
    assert imports("podcast.profiles", "podcast.speech") == []
    # No cycle between modules (a package's __init__ importing its own submodules is not one).
    cycles = []
    for start in sorted(edges):
        stack = [(start, [start])]
        while stack:
            current, trail = stack.pop()
            for nxt in edges.get(current, ()):
                if nxt == start and len(trail) > 1 and not _package_of(trail):
                    cycles.append(" → ".join([*trail, nxt]))
                elif nxt not in trail and len(trail) < 6:
                    stack.append((nxt, [*trail, nxt]))
    assert not cycles, cycles[:5]


def _is_module(root: Path, dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def _package_of(path: list[str]) -> bool:
    """A loop through a package's ``__init__`` and its own submodules (``from podcast.x
    import y`` naming a submodule)."""
    return all(m.startswith(path[0]) or path[0].startswith(m) for m in path)
