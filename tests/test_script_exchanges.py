"""A script a listener can follow: whole exchanges, the host's own bridges, the sample's voice,
an outro that names the real length."""

from __future__ import annotations

from pathlib import Path

import pytest

from podcast.config import Show, load_show
from podcast.model import Post, Script
from podcast.parse import parse_post, read_post
from podcast.profiles import load_voice_set
from podcast.render.voicing import parts as _parts
from podcast.script import minutes_words, write_script
from podcast.script.exchanges import coherence
from podcast.script.scriptfile import from_markdown, to_markdown
from tests.conftest import ROOT, SAMPLE_POST

REAL = sorted(p for p in (ROOT / "tests/fixtures/real").iterdir() if p.suffix in {".md", ".txt", ".html"})
PARSE = sorted(p for p in (ROOT / "tests/fixtures/parse").iterdir() if p.suffix in {".md", ".txt", ".html"})


def script_of(post: Post, seconds: float = 120.0, show: Show | None = None) -> Script:
    voices = load_voice_set("offline", post.language)
    return write_script(post, show=show or Show(), voices=voices, target_seconds=seconds)[0]


@pytest.mark.parametrize("seconds", [60.0, 120.0])
@pytest.mark.parametrize("path", [SAMPLE_POST, *PARSE, *REAL], ids=lambda p: p.name)
def test_no_kept_sentence_depends_on_a_cut_one(path: Path, seconds: float) -> None:
    post = read_post(path)
    script = script_of(post, seconds)
    voices = load_voice_set("offline", post.language)
    found = coherence(post, script.segments[1:-1], voices.narrator, post.language)
    assert found.total == 0, found.examples


def test_the_measure_sees_an_answer_kept_without_its_question() -> None:
    post = parse_post("李：压缩的对象是什么？\n\n白：是函数，不是文本。\n", source="p.md")
    script = script_of(post)
    body = [s for s in script.segments[1:-1] if "是函数" in s.text]  # the answer, its question cut
    found = coherence(post, body, load_voice_set("offline", "zh").narrator, "zh")
    assert found.orphans == 1 and found.total == 1


def test_the_default_episode_sounds_like_the_sample() -> None:
    post = read_post(SAMPLE_POST)
    script = script_of(post)
    narrator = load_voice_set("offline", "zh").narrator
    assert script.style == "narrated"
    assert {s.voice for s in script.segments} == {narrator}  # one host voice reads everything
    assert script.segments[0].text.startswith("我是数字秘书小雅，今天播报《")
    turns = [s for s in script.segments if s.role == "turn"]
    assert turns and all(s.text.startswith(f"{s.speaker}说：") for s in turns)
    assert {s.speaker for s in turns} == {"李老师", "白老师"}
    assert script.segments[-1].text.startswith("我是小雅，以上就是立委先生最新博客的两分钟播报")


def test_the_voiced_style_gives_the_attribution_to_the_host(tmp_path: Path) -> None:
    config = tmp_path / "podcast.toml"
    config.write_text('[broadcast]\nstyle = "voiced"\n', encoding="utf-8")
    show = load_show(config)
    script = script_of(read_post(SAMPLE_POST), show=show)
    voices = load_voice_set("offline", "zh")
    turns = [s for s in script.segments if s.role == "turn"]
    assert script.style == "voiced" and all(s.voice != voices.narrator for s in turns)
    # The render: the host's profile says "李老师说：", the speaker's profile the words.
    from podcast.speech.fake import FakeEngine

    parts = _parts(turns[0], script, voices, FakeEngine())
    assert parts[0][0] == f"{turns[0].speaker}说：" and parts[0][1] == voices.narrator_profile().prosody
    assert parts[1][1] == voices.profiles[turns[0].voice or ""].prosody
    # An edit to the style or the voices in the script file is honoured.
    edited = from_markdown(to_markdown(script).replace("style: voiced", "style: narrated"), "s.md")
    assert len(_parts(edited.segments[1], edited, voices, FakeEngine())) == 1


def test_stage_directions_are_the_hosts_lines() -> None:
    post = parse_post("李白：（整理了一下衣衫）你想问什么？\n\n杜甫：写诗的事。\n", source="p.md")
    script = script_of(post)
    bridge = next(s for s in script.segments if s.role == "bridge")
    assert bridge.text == "李白整理了一下衣衫。" and bridge.speaker == "小雅"
    assert all("衣衫" not in s.text for s in script.segments if s.role == "turn")


def test_the_host_opens_with_what_the_preface_says() -> None:
    post = parse_post(
        "立委按：这是立委与白硕关于大模型压缩的一段讨论。后来群里又聊了很久。\n\n李：压缩的是什么？\n\n白：是函数。\n",
        source="p.md",
    )
    body = script_of(post).segments[1:-1]
    assert body[0].role == "bridge" and body[0].text.startswith("这是立委与白硕关于大模型压缩的一段讨论。")
    assert "立委按" not in body[0].text


def test_the_host_says_where_the_talk_went_over_cut_exchanges() -> None:
    said = []
    for path in REAL[:30]:
        post = read_post(path)
        script = script_of(post, 60)
        source = "".join(t.text for t in post.turns)
        for segment in script.segments:
            if segment.role == "bridge" and segment.text.startswith(("中间还聊到了", "They also talk about")):
                topic = segment.text.removeprefix("中间还聊到了").removeprefix("They also talk about ").rstrip("。.")
                assert topic.lower() in source.lower(), (path.name, topic)  # the post's own word
                rest = " ".join(s.text for s in script.segments if s is not segment).lower()
                assert topic.lower() not in rest  # a topic the listener has not heard yet
                said.append(topic)
    assert said


def test_the_outro_names_the_real_length() -> None:
    assert [minutes_words(s, "zh") for s in (40, 60, 120, 300)] == ["一分钟", "一分钟", "两分钟", "五分钟"]
    assert minutes_words(120, "en") == "two minutes"
    post = read_post(ROOT / "episodes" / "scaling-and-data.md")
    voices = load_voice_set("offline", "zh")
    for seconds in (60, 120, 300):
        script, plan = write_script(post, show=Show(), voices=voices, target_seconds=seconds)
        said = minutes_words(min(plan.estimated_seconds, seconds * 1.05), "zh")
        assert f"{said}播报" in script.segments[-1].text  # a short post's episode is not padded
    assert "一分钟播报" in script_of(post, 60).segments[-1].text
