"""``podcast parse`` end to end through typer's CliRunner, bad input included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from podcast.cli import app
from tests.conftest import SAMPLE_POST

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_sample_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["parse", str(SAMPLE_POST), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["title", "author", "date", "language", "source", "notes", "turns"]
    assert all(list(t) == ["speaker", "label", "text"] for t in data["turns"])
    assert data["author"] == "立委"
    assert {t["speaker"] for t in data["turns"]} == {"李老师", "白老师", None}
    spoken = " ".join(t["text"] for t in data["turns"])
    assert "我是数字秘书小雅" not in spoken and "下次再见" not in spoken
    assert "Akismet" not in spoken and "发布者" not in spoken


def test_sample_as_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["parse", str(SAMPLE_POST)])
    assert result.exit_code == 0, result.output
    assert "李白对话录新篇" in result.stdout
    assert "白老师" in result.stdout and "李老师" in result.stdout


def one_error_line(result: Result) -> str:
    output = result.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.md", b"", "empty"),
        ("blank.md", b"  \n\n\t \n", "only whitespace"),
        ("image.md", PNG, "PNG image"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("broken.md", "---\ntitle: [unclosed\nauthor: 立委\n---\n白：好\n".encode(), "line 3"),
        ("unclosed.md", "---\ntitle: 对话\n\n白：好\n".encode(), "never closed"),
        ("latin1.txt", "caf\xe9 ".encode("latin-1") + b"\xff\xfe\x81\x8d" * 20, "decode"),
    ],
)
def test_bad_files_get_one_line(runner: CliRunner, tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert expected in line and name in line


def test_missing_and_directory(runner: CliRunner, tmp_path: Path) -> None:
    for target, expected in ((tmp_path / "nope.md", "no such file"), (tmp_path, "directory")):
        result = runner.invoke(app, ["parse", str(target)])
        assert result.exit_code == 1
        assert expected in one_error_line(result)


def test_size_limit_is_configurable(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("李：你好。\n\n白：你好。\n" * 200, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(path), "--max-bytes", "1000"])
    assert result.exit_code == 1
    assert "limit" in one_error_line(result)
    result = runner.invoke(app, ["parse", str(path)], env={"PODCAST_MAX_BYTES": "100"})
    assert result.exit_code == 1
    assert runner.invoke(app, ["parse", str(path), "--max-bytes", "100000"]).exit_code == 0


def test_no_dialogue_is_a_warning_not_an_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text("# 随笔\n\n今天天气很好。\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 0
    assert "no dialogue" in result.stderr
    assert json.loads(result.stdout)["turns"] == [{"speaker": None, "label": None, "text": "今天天气很好。"}]
    quiet = runner.invoke(app, ["parse", str(path), "--json", "--quiet"])
    assert quiet.stderr == ""


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["parse"]).exit_code == 2
    assert runner.invoke(app, ["parse", "--no-such-flag", "x"]).exit_code == 2


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("podcast ")


def test_explain_lists_every_line_left_out_and_why(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "首页 | 新闻 | 访谈\n\n对话老工程师：别急着追新芯片\n\n2024-05-01 10:00 来源：某某网\n\n"
        "主持人：您入行时做的是什么？\n\n周工：温度控制器，程序存储器只有两K。\n\n"
        "（责编：王五）\n\n分享让更多人看到\n",
        encoding="utf-8",
    )
    table = runner.invoke(app, ["parse", str(page), "--explain"])
    assert table.exit_code == 0, table.output
    for why in ("navigation", "title", "date", "byline", "share bar"):
        assert why in table.stdout
    data = json.loads(runner.invoke(app, ["parse", str(page), "--json", "--explain"]).stdout)
    assert data["title"] == "对话老工程师：别急着追新芯片"
    left = {x["text"]: x["why"] for x in data["left_out"]}
    assert left["（责编：王五）"] == "byline" and left["首页 | 新闻 | 访谈"] == "navigation"
    assert [t["speaker"] for t in data["turns"]] == ["主持人", "周工"]


def test_a_speaker_the_heuristics_miss_can_be_pinned(runner: CliRunner, tmp_path: Path) -> None:
    # "休眠弧" reads as a glossary term, not a person; front matter says it speaks here.
    post = tmp_path / "post.md"
    body = "休眠弧：我是一条依存弧，先睡一会儿。\n\n白：那你什么时候醒？\n"
    post.write_text(body, encoding="utf-8")
    speakers = [t["speaker"] for t in json.loads(runner.invoke(app, ["parse", str(post), "--json"]).stdout)["turns"]]
    assert "休眠弧" not in speakers
    post.write_text("---\nspeakers:\n  休眠弧: []\n---\n" + body, encoding="utf-8")
    speakers = [t["speaker"] for t in json.loads(runner.invoke(app, ["parse", str(post), "--json"]).stdout)["turns"]]
    assert speakers[0] == "休眠弧" and len(speakers) == 2
