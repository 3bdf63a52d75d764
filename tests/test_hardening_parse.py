"""Hostile and odd input on the parse side: nothing said is lost, nothing hangs, one clear line.

- Markdown nested deeper than markdown-it's nesting limit keeps everything after it.
- Special files (FIFOs, devices, symlinks to them, symlink loops, dangling links) are refused
  before they are opened; nothing is read past the size limit, whatever the file reports.
- A whitespace-only post says so; a run-on sentence with no punctuation is split, not refused;
  terminal control characters never get past reading a post.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from podcast.cli import app
from podcast.errors import ParseError
from podcast.model import Post
from podcast.parse import parse_post, read_post
from podcast.parse.source import read_text
from podcast.text import split_sentences

CLI_TIMEOUT = 60
"""Seconds a CLI run in a subprocess may take; a hang (a FIFO opened for reading) fails the test."""
MEMORY_LIMIT = 1 << 30
"""Address space a CLI subprocess may use: reading /dev/zero fails fast instead of eating the machine."""


def one_error_line(result: Result) -> str:
    output = result.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``podcast ARGS`` in a fresh process, with a deadline and a memory cap."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if k not in ("PODCAST_CONFIG", "PODCAST_MAX_BYTES")}
    return subprocess.run(
        [sys.executable, "-m", "podcast", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        preexec_fn=limit,
        check=False,
    )


def one_line(process: subprocess.CompletedProcess[str]) -> str:
    assert process.returncode == 1, (process.returncode, process.stderr)
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert "Traceback" not in process.stderr
    assert len(lines) == 1, process.stderr
    return lines[0]


def everything_said(post: Post) -> str:
    parts = [post.title, post.author or "", *post.notes, *(x.text for x in post.left_out)]
    for turn in post.turns:
        parts += [turn.text, turn.label or "", turn.speaker or ""]
    return "\n".join(parts)


# ---------------------------------------------------------------- 1. deep Markdown


def deep_list_post(depth: int) -> str:
    return "李老师说：你好。\n\n" + "".join("  " * i + f"- 第{i}层\n" for i in range(depth)) + "\n白老师说：之后。\n"


@pytest.mark.parametrize("depth", [10, 11, 30, 200])
def test_a_deeply_nested_list_keeps_the_rest_of_the_post(depth: int) -> None:
    post = parse_post(deep_list_post(depth), source="n.md", fmt="markdown")
    assert ("白老师", "之后。") in [(t.speaker, t.text) for t in post.turns]
    said = everything_said(post)
    for i in range(depth):
        assert f"第{i}层" in said


def test_the_over_deep_part_is_read_as_text_and_said_so() -> None:
    post = parse_post(deep_list_post(40), source="n.md", fmt="markdown")
    assert any("nested" in w for w in post.warnings), post.warnings
    # A list of ordinary depth is read as a list, with no warning.
    assert not any("nested" in w for w in parse_post(deep_list_post(5), source="n.md", fmt="markdown").warnings)


@pytest.mark.parametrize("depth", [25, 2000])
def test_deep_block_quotes_keep_their_words(depth: int) -> None:
    text = "李：开头。\n\n" + "> " * depth + "白：引文里的话。\n\n李：结尾。\n"
    post = parse_post(text, source="q.md", fmt="markdown")
    said = everything_said(post)
    assert "引文里的话" in said and "结尾" in said


def test_deep_list_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text(deep_list_post(10), encoding="utf-8")
    result = runner.invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert "之后" in result.stdout


def test_a_q_that_starts_a_word_is_not_a_question_mark() -> None:
    # Found by the Markdown content property: a question line's "Q" number was stripped from
    # "Q说…" (and from "Quite…") as if it were "Q." — the letter lost.
    post = parse_post("李：?函\n\n李：?函\n\nQ说：?函\n", source="q.txt", fmt="text")
    assert "Q" in everything_said(post)


# ---------------------------------------------------------------- 2. special files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "p.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    line = one_line(run_cli("parse", str(fifo), cwd=tmp_path))
    assert time.monotonic() - started < CLI_TIMEOUT
    assert "p.md" in line and "not a regular file" in line and "FIFO" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused(tmp_path: Path) -> None:
    line = one_line(run_cli("parse", "/dev/zero", cwd=tmp_path))
    assert "/dev/zero" in line and "not a regular file" in line and "device" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "post.md"
    link.symlink_to("/dev/zero")
    line = one_line(run_cli("parse", str(link), cwd=tmp_path))
    assert "post.md" in line and "not a regular file" in line


def test_a_symlink_loop_says_so(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    result = runner.invoke(app, ["parse", str(tmp_path / "a.md")])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "a.md" in line and "symlink loop" in line and "no such file" not in line


def test_a_dangling_symlink_says_so(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "post.md").symlink_to(tmp_path / "gone.md")
    result = runner.invoke(app, ["parse", str(tmp_path / "post.md")])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "post.md" in line and "broken symlink" in line and "gone.md" in line


def test_a_symlink_to_a_post_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("李：你好。\n\n白：你好。\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(real)
    assert [t.speaker for t in read_post(tmp_path / "link.md").turns] == ["李", "白"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_no_more_than_the_limit_is_read_whatever_the_size_says() -> None:
    # /proc files are regular files that report a size of 0 but have content.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ParseError, match="limit"):
        read_text(Path("/proc/self/status"), max_bytes=10)


def test_the_size_limit_still_reads_a_post_exactly_at_it(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    data = "李：你好。\n".encode()
    path.write_bytes(data)
    assert read_text(path, max_bytes=len(data)) == data.decode()
    with pytest.raises(ParseError, match="limit"):
        read_text(path, max_bytes=len(data) - 1)


# ---------------------------------------------------------------- 3. clear messages


@pytest.mark.parametrize("content", [b"  \n\n\t \n", "\u3000\n\u3000\u3000\n".encode(), b"\x1b[31m\n\x07\n"])
def test_a_whitespace_only_post_says_it_has_no_text(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(content)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "blank.md" in line and "no text" in line and "only whitespace" in line and "empty" not in line


def test_an_empty_file_is_still_empty(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    assert "empty" in one_error_line(result)


def test_whitespace_text_says_it_has_no_text() -> None:
    with pytest.raises(ParseError, match="only whitespace"):
        parse_post(" \n\t\n", source="x.md")


RUN_ON = "李老师说：" + "很长" * 50000


def test_a_run_on_sentence_is_split_and_nothing_lost() -> None:
    sentences = split_sentences(RUN_ON)
    assert len(sentences) > 100
    assert max(len(s) for s in sentences) <= 300
    assert "".join(sentences) == RUN_ON


def test_a_long_sentence_is_cut_at_a_comma_or_space() -> None:
    text = "，".join(["一二三四五六七八九十" * 4] * 20)  # 819 characters, commas but no full stop
    sentences = split_sentences(text)
    assert all(len(s) <= 300 for s in sentences)
    assert all(s.endswith("，") for s in sentences[:-1])
    assert "".join(sentences) == text
    english = " ".join(["word"] * 200)
    pieces = split_sentences(english)
    assert all(len(p) <= 300 for p in pieces) and " ".join(pieces) == english
    # A sentence of ordinary length is left alone.
    assert split_sentences("压缩的是函数，不是数据。") == ["压缩的是函数，不是数据。"]


def test_a_run_on_post_gets_a_script(runner: CliRunner, tmp_path: Path, fake_show: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text(RUN_ON + "\n", encoding="utf-8")
    parsed = runner.invoke(app, ["parse", str(path), "--json", "--quiet"])
    assert parsed.exit_code == 0, parsed.output
    out = tmp_path / "script.md"
    result = runner.invoke(
        app, ["script", str(path), "-o", str(out), "--seconds", "90", "--config", str(fake_show / "podcast.toml")]
    )
    assert result.exit_code == 0, result.output
    assert "links and markup" not in result.output
    assert "很长很长" in out.read_text(encoding="utf-8")


HOSTILE = (
    '---\nauthor: "\\e[2J立委\\a"\n---\n'
    "# \x1b[31mred\x07 标题\n\n"
    "李\x1b[1m老师\x1b[0m：你好\x07，\x1b]0;pwned\x07这是\x9b31m正文。\n\n"
    "白老师：好\x1b[0m的。\x08\x7f\n"
)
CONTROL = [chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]]


def test_control_characters_never_reach_the_post() -> None:
    post = parse_post(HOSTILE.replace("正文。", "正文。\x00"), source="hostile.md")
    said = everything_said(post) + json.dumps(post.metadata, ensure_ascii=False, default=str)
    assert not [c for c in CONTROL if c in said], repr(said)
    assert post.title == "red 标题"
    assert post.author == "立委"
    assert [(t.speaker, t.text) for t in post.turns] == [("李老师", "你好，这是正文。"), ("白老师", "好的。")]


def test_character_references_cannot_spell_control_characters() -> None:
    page = (
        "<html><head><title>&#27;[31m标题&#x1b;]0;x&#7;</title></head><body>"
        "<p><b>李&#x1b;[1m：</b>你好&#27;[0m。</p><p><b>白：</b>好&#x0c;的&#x85;。</p></body></html>"
    )
    post = parse_post(page, source="page.html")
    assert not [c for c in CONTROL if c in everything_said(post)], repr(everything_said(post))


def test_control_characters_never_reach_the_terminal(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(HOSTILE, encoding="utf-8")
    for args in (["parse", str(path)], ["parse", str(path), "--json"], ["parse", str(path), "--explain"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert not [c for c in CONTROL if c in result.output], repr(result.output)
        assert "red 标题" in result.stdout


def test_markup_in_a_title_is_printed_not_interpreted(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text('---\ntitle: 对话 [/b] 与 [red]红[/red]\nauthor: "[/]"\n---\n李：你好。\n', encoding="utf-8")
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "对话 [/b] 与 [red]红[/red]" in result.stdout and "[/]" in result.stdout


def test_a_control_character_in_a_file_name_is_escaped_in_the_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[31mname.md"
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "\x1b" not in line and "no such file" in line
