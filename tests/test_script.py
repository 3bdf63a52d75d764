"""The two-minute script: budget, coverage, framing, the editable file and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from podcast.cli import app
from podcast.config import Show, load_show
from podcast.errors import ScriptError, UnknownNameError
from podcast.model import Post, Script, Segment, Turn
from podcast.parse import parse_post, read_post
from podcast.profiles import load_voice_set
from podcast.script import ExtractiveSummarizer, load_summarizer, write_script
from podcast.script.scriptfile import from_markdown, to_markdown
from podcast.text import speech_units
from tests.conftest import ROOT, SAMPLE_POST

EPISODES = sorted((ROOT / "episodes").glob("*.md"))
FIXTURES = sorted(p for p in (ROOT / "tests/fixtures/parse").iterdir() if p.suffix in {".md", ".txt", ".html"})
LEAK = re.compile(r"https?://|www\.|\*\*|!\[|\]\(|发布者|发表回复|Akismet|电子邮箱|Filed under", re.IGNORECASE)


def script_of(post: Post, seconds: float = 120.0, show: Show | None = None) -> tuple[Script, object]:
    voices = load_voice_set("offline", post.language)
    return write_script(post, show=show or Show(), voices=voices, target_seconds=seconds)


@pytest.mark.parametrize("path", EPISODES + FIXTURES, ids=lambda p: p.name)
def test_scripts_round_trip_and_stay_clean(path: Path) -> None:
    post = read_post(path)
    script, plan = script_of(post)
    assert from_markdown(to_markdown(script), "x.md") == script
    assert script.segments[0].role == "intro"
    assert script.segments[-1].role == "outro"
    body = " ".join(s.text for s in script.segments[1:-1])
    assert not LEAK.search(body), LEAK.search(body)
    assert plan.body_used <= plan.body_units * 1.05  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.name)
def test_long_posts_fill_the_budget_and_keep_every_speaker(path: Path) -> None:
    post = read_post(path)
    script, plan = script_of(post)
    assert abs(plan.body_used - plan.body_units) <= 0.05 * plan.body_units  # type: ignore[attr-defined]
    assert abs(plan.estimated_seconds - 120) <= 6  # type: ignore[attr-defined]
    present = {s.speaker for s in script.segments if s.role == "turn"}
    assert set(post.speakers) <= present
    # whole sentences only: every retold sentence appears in the post (after cleaning)
    source = re.sub(r"\s", "", "".join(t.text for t in post.turns))
    for segment in script.segments:
        if segment.role == "turn":
            said = segment.text.split("：", 1)[1] if "：" in segment.text[:12] else segment.text.split(": ", 1)[1]
            first = re.split(r"[。！？!?.]", said)[0]
            assert re.sub(r"[\s，,（）()：:]", "", first)[:6] in re.sub(r"[，,（）()：:]", "", source)


def test_sample_keeps_its_framing_once_and_in_the_sample_wording() -> None:
    post = read_post(SAMPLE_POST)
    script, _ = script_of(post)
    text = to_markdown(script)
    assert text.count("我是数字秘书小雅") == 1 and text.count("咱们下次再见") == 1
    assert script.segments[0].text == "我是数字秘书小雅，今天播报《李白对话录新篇：谈大模型的无损压缩》。"
    assert script.segments[-1].text == (
        "我是小雅，以上就是立委先生最新博客的两分钟播报，分享关于大模型和AI的有角度的思考。咱们下次再见。"
    )
    assert any(s.text.startswith("李老师说：") for s in script.segments)
    assert any(s.text.startswith("白老师说：") for s in script.segments)
    assert any(s.role == "bridge" for s in script.segments)  # the post's narration


def test_short_posts_are_kept_whole_never_padded() -> None:
    post = parse_post("李：今天聊分词。\n\n白：分词是个老问题了。\n\n李：那就聊到这里。")
    script, plan = script_of(post)
    assert [s.text for s in script.segments[1:-1]] == [
        "李说：今天聊分词。",
        "白说：分词是个老问题了。",
        "李说：那就聊到这里。",
    ]
    assert plan.estimated_seconds < 60  # type: ignore[attr-defined]


def test_substantial_speaker_is_kept_even_when_dull() -> None:
    long = "压缩的对象是函数，参数就能表示目标函数。泛化来自规律，数据越多样越好。" * 8
    dull = "嗯，我大概也是这么想的，不过还想再听听。" * 3
    post = parse_post(f"李：{long}\n\n王：{dull}\n\n李：{long}")
    script, _ = script_of(post, seconds=40)
    assert "王" in {s.speaker for s in script.segments}


def test_english_posts_get_english_framing_and_budget_in_words() -> None:
    post = read_post(ROOT / "episodes" / "small-models.md")
    script, plan = script_of(post)
    assert script.segments[0].text.startswith("I'm Xiaoya")
    assert script.segments[-1].text.endswith("See you next time.")
    assert "The Editors' latest post" in script.segments[-1].text
    assert any(s.text.startswith("Maya Chen: ") for s in script.segments)
    assert plan.pace == load_voice_set("offline", "en").narrator_profile().words_per_second  # type: ignore[attr-defined]


def test_framing_comes_from_podcast_toml(tmp_path: Path) -> None:
    config = tmp_path / "podcast.toml"
    config.write_text('[broadcast]\nhost = "小美"\nauthor_display = "白老师"\ntagline = "聊聊语言"\n', encoding="utf-8")
    show = load_show(config)
    post = parse_post("---\ntitle: p\n---\n李：你好。\n\n白：你好。", source="p.md")
    script, _ = script_of(post, show=show)
    assert script.segments[0].text == "我是数字秘书小美，今天播报《p》。"
    # A short post is not padded: the outro says the length it really has.
    assert script.segments[-1].text.startswith("我是小美，以上就是白老师最新博客的一分钟播报，聊聊语言。")
    assert script.host == "小美" and script.segments[0].speaker == "小美"


def test_budget_below_intro_and_outro_names_the_minimum() -> None:
    post = read_post(SAMPLE_POST)
    with pytest.raises(ScriptError, match=r"at least \d+ s"):
        script_of(post, seconds=10)


def test_nothing_left_after_cleaning_is_an_error() -> None:
    post = Post("t", None, None, "zh", "p.md", (Turn("李", "李", "https://example.org/a"),))
    with pytest.raises(ScriptError, match="nothing left"):
        script_of(post)


def test_summarizers_are_found_by_name() -> None:
    assert isinstance(load_summarizer("extractive"), ExtractiveSummarizer)
    with pytest.raises(UnknownNameError, match="known: extractive"):
        load_summarizer("gpt")


def test_scripts_are_deterministic() -> None:
    post = read_post(SAMPLE_POST)
    assert to_markdown(script_of(post)[0]) == to_markdown(script_of(post)[0])


def test_speech_units_track_the_length_estimate() -> None:
    assert speech_units("我是数字秘书小雅") == 8
    assert speech_units("GPT 和 LLM") == 7


# ---------------------------------------------------------------- the file


def sample_script() -> Script:
    return Script(
        title="标题",
        author="立委",
        language="zh",
        source="p.md",
        segments=(
            Segment("intro", "小雅", "我是数字秘书小雅，今天播报《标题》。", "xiaoya"),
            Segment("turn", "李老师", "李老师说：你好。", "lin"),
            Segment("bridge", "小雅", "咱们试图理解一下。", "xiaoya"),
            Segment("outro", "小雅", "咱们下次再见。", "xiaoya"),
        ),
    )


def test_hand_edits_are_accepted() -> None:
    text = to_markdown(sample_script())
    text = text.replace("李老师说：你好。", "李老师说：大家好，\n今天换个话题。")
    text = text.replace("**小雅**：咱们试图理解一下。\n\n", "")
    text += "\n**白老师**：白老师说：好。\n"
    edited = from_markdown(text, "s.md")
    assert [s.role for s in edited.segments] == ["intro", "turn", "outro", "turn"]
    assert edited.segments[1].text == "李老师说：大家好，今天换个话题。"
    assert edited.segments[3].voice is None  # not in the voices map: chosen at render time


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("**小雅**：你好", "line 1"),
        ("---\ntitle: t\n---\n\n**小雅**：好\n\n这一段没有说话人\n", "line 7"),
        ("---\ntitle: [x\n---\n**小雅**：好\n", "line 2"),
        ("---\ntitle: t\n---\n\n<!-- only a comment -->\n", "no paragraphs"),
        ("---\ntitle: t\n---\n\n**李**：\n", "says nothing"),
        ("---\nlanguage: zh\n---\n\n**李**：好\n", "needs a title"),
    ],
)
def test_malformed_scripts_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message):
        from_markdown(text, "s.md")


# ---------------------------------------------------------------- the command


def test_cli_writes_and_reports(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "script.md"
    result = runner.invoke(app, ["script", str(SAMPLE_POST), "-o", str(out), "--minutes", "2"])
    assert result.exit_code == 0, result.output
    assert "about 1" in result.stderr and "target 120 s" in result.stderr
    assert from_markdown(out.read_text(encoding="utf-8"), str(out)).segments[0].role == "intro"
    assert [p.name for p in tmp_path.iterdir()] == ["script.md"]  # no temporary left behind


def test_cli_prints_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["script", str(SAMPLE_POST), "--seconds", "90", "--quiet"])
    assert result.exit_code == 0
    assert result.stdout.startswith("---\ntitle:")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--summarizer", "nope"], "known: extractive"),
        (["--seconds", "10"], "at least"),
        (["--engine", "nope"], "unknown engine"),
    ],
)
def test_cli_bad_options_one_line(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["script", str(SAMPLE_POST), *args])
    assert result.exit_code == 1
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0]


def test_cli_minutes_and_seconds_conflict(runner: CliRunner) -> None:
    result = runner.invoke(app, ["script", str(SAMPLE_POST), "--minutes", "2", "--seconds", "90"])
    assert result.exit_code == 2
