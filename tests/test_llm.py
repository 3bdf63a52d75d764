"""``--summarizer llm`` against a real HTTP server on 127.0.0.1 that speaks chat completions
and replays scripted answers: every fault ends in a faithful script or the extractive one with
its one-line reason — never a traceback, a hang, or an unchecked sentence."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from podcast.cli import app
from podcast.config import Show, load_show
from podcast.errors import ConfigError
from podcast.model import Post
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from podcast.profiles import load_voice_set
from podcast.script import write_script
from podcast.script.llm import LLMSummarizer
from podcast.script.llm.check import facts
from podcast.script.summarize import Budget, ExtractiveSummarizer
from podcast.speech.cache import SegmentCache
from podcast.text import speech_units, split_sentences
from tests.chat_server import ChatServer, Reply
from tests.conftest import ROOT, SAMPLE_POST


def faithful(request: dict[str, Any]) -> str:
    """A retelling made only of the post's own sentences, to the budget the prompt asks."""
    system, user = request["messages"][0]["content"], request["messages"][1]["content"]
    budget = float(re.search(r"约 (\d+) 个字|About (\d+) words", system).group(1) or 0)  # type: ignore[union-attr]
    data = json.loads(user)
    segments: list[dict[str, str]] = []
    used = 0.0
    for turn in data["turns"]:
        if turn["speaker"] not in data["speakers"] or used >= budget * 0.97:
            continue
        kept = ""
        for sentence in split_sentences(turn["text"]):
            cost = speech_units(kept + sentence) + 4
            if used + cost > budget * 1.02 and (kept or segments):
                break
            kept += sentence
        if kept:
            segments.append({"role": "turn", "speaker": turn["speaker"], "text": kept})
            used += speech_units(kept) + 4
    return json.dumps({"segments": segments}, ensure_ascii=False)


def answer_with(change: Any) -> Any:
    """A scripted server reply: the faithful answer, changed by ``change``."""

    def reply(request: dict[str, Any]) -> Reply:
        data = json.loads(faithful(request))
        return Reply(json.dumps(change(data), ensure_ascii=False))

    return reply


POST = read_post(SAMPLE_POST)
SPEAKERS = set(POST.speakers)


def summarizer(server: ChatServer, tmp_path: Path, **settings: Any) -> LLMSummarizer:
    table = {"base_url": server.base_url, "model": "test-model", "timeout": 5.0, "deadline": 8.0, "retries": 1}
    return LLMSummarizer(settings={**table, **settings}, cache_dir=tmp_path)


def script_of(chosen: LLMSummarizer, post: Post = POST, seconds: float = 120.0) -> tuple[Any, Any]:
    return write_script(
        post, show=Show(), voices=load_voice_set("offline", "zh"), target_seconds=seconds, summarizer=chosen
    )


def said_by_model(script: Any) -> bool:
    return bool(script.summarizer == "llm")


def assert_faithful_or_fallback(script: Any, plan: Any) -> None:
    """Every spoken line of a model's script passed the checks; a fallback says why in one line."""
    if said_by_model(script):
        assert not plan.notes
        return
    assert script.summarizer == "extractive"
    assert len(plan.notes) == 1 and "\n" not in plan.notes[0] and "Traceback" not in plan.notes[0]
    extractive, _ = write_script(
        POST, show=Show(), voices=load_voice_set("offline", "zh"), target_seconds=script.target_seconds,
        summarizer=ExtractiveSummarizer(),
    )  # fmt: skip
    assert [s.text for s in script.segments] == [s.text for s in extractive.segments]


@pytest.mark.parametrize("stream", [True, False])
def test_a_faithful_retelling_is_used_and_recorded(tmp_path: Path, stream: bool) -> None:
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        script, plan = script_of(summarizer(server, tmp_path, stream=stream))
    assert said_by_model(script) and script.summarizer_model == "test-model, prompt v1" and not plan.notes
    assert server.requests[0]["response_format"] == {"type": "json_object"}
    assert server.requests[0].get("stream", False) is stream
    assert script.segments[0].text.startswith("我是数字秘书小雅") and script.segments[-1].text.endswith("下次再见。")
    turns = [s for s in script.segments if s.role == "turn"]
    assert turns and all(s.text.startswith(f"{s.speaker}说：") for s in turns)
    assert abs(plan.body_used - plan.body_units) <= 0.1 * plan.body_units


def test_the_answer_is_cached_and_force_asks_again(tmp_path: Path) -> None:
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        first, _ = script_of(summarizer(server, tmp_path))
        asked = len(server.requests)
        again, _ = script_of(summarizer(server, tmp_path))
        assert len(server.requests) == asked  # from the cache
        forced = LLMSummarizer(
            settings={"base_url": server.base_url, "model": "test-model"}, cache_dir=tmp_path, force=True
        )
        script_of(forced)
        assert len(server.requests) > asked
    assert [s.text for s in again.segments] == [s.text for s in first.segments]


def invent_a_number(data: dict[str, Any]) -> dict[str, Any]:
    data["segments"][0]["text"] += "我们在2031年用GPT-9验证过。"
    return data


def a_stranger_speaks(data: dict[str, Any]) -> dict[str, Any]:
    data["segments"].insert(1, {"role": "turn", "speaker": "王教授", "text": "压缩的是函数。"})
    return data


def three_times_too_long(data: dict[str, Any]) -> dict[str, Any]:
    data["segments"] = data["segments"] * 3
    return data


def words_of_its_own(data: dict[str, Any]) -> dict[str, Any]:
    data["segments"][0]["text"] = "量子引力和黑洞蒸发决定了宇宙的最终命运，这是弦论告诉我们的。"
    return data


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (invent_a_number, "2031"),
        (a_stranger_speaks, "王教授"),
        (three_times_too_long, "long"),
        (words_of_its_own, "黑洞"),
    ],
    ids=["invented-number", "unknown-speaker", "too-long", "unsupported-words"],
)
def test_an_unfaithful_answer_gets_one_repair_round_then_the_extractive_script(
    tmp_path: Path, change: Any, reason: str
) -> None:
    with ChatServer(answer_with(change)) as server:
        script, plan = script_of(summarizer(server, tmp_path))
    assert len(server.requests) == 2  # the answer, then one repair round
    repair = server.requests[1]["messages"][-1]["content"]
    assert reason in repair  # the violation is quoted back
    assert_faithful_or_fallback(script, plan)
    assert not said_by_model(script) and reason in plan.notes[0]


def test_a_repaired_answer_is_used(tmp_path: Path) -> None:
    replies = iter([invent_a_number, lambda d: d])

    def reply(request: dict[str, Any]) -> Reply:
        return answer_with(next(replies))(request)  # type: ignore[no-any-return]

    with ChatServer(reply) as server:
        script, plan = script_of(summarizer(server, tmp_path))
    assert said_by_model(script) and len(server.requests) == 2 and not plan.notes
    assert "2031" not in " ".join(s.text for s in script.segments)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply("这不是 JSON", kind="malformed"), "JSON"),
        (Reply("", kind="empty"), "empty"),
        (Reply('{"segments": []}'), "no segments"),
        (Reply("rate limited", status=429, headers={"Retry-After": "0"}), "429"),
        (Reply("boom", status=500), "500"),
        (Reply(kind="hang", delay=30), "within"),
    ],
    ids=["malformed", "empty", "no-segments", "429", "500", "hang"],
)
def test_a_failing_endpoint_falls_back_in_one_line(tmp_path: Path, reply: Reply, reason: str) -> None:
    started = time.monotonic()
    with ChatServer([reply]) as server:
        script, plan = script_of(summarizer(server, tmp_path, timeout=1.0, deadline=4.0))
    assert time.monotonic() - started < 15
    assert_faithful_or_fallback(script, plan)
    assert not said_by_model(script) and reason in plan.notes[0], plan.notes


def test_rate_limits_are_retried_after_the_wait_the_server_asks(tmp_path: Path) -> None:
    calls = iter([Reply("slow down", status=429, headers={"Retry-After": "1"})])

    def reply(request: dict[str, Any]) -> Reply:
        return next(calls, None) or Reply(faithful(request))

    started = time.monotonic()
    with ChatServer(reply) as server:
        script, plan = script_of(summarizer(server, tmp_path))
    assert said_by_model(script) and not plan.notes
    assert time.monotonic() - started >= 0.9  # it waited as asked


def test_a_slow_trickle_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    def reply(request: dict[str, Any]) -> Reply:
        return Reply(faithful(request), kind="trickle", trickle_seconds=60)

    started = time.monotonic()
    with ChatServer(reply) as server:
        script, plan = script_of(summarizer(server, tmp_path, timeout=5.0, deadline=3.0))
    assert time.monotonic() - started < 10
    assert not said_by_model(script) and "deadline" in plan.notes[0]


def test_an_unreachable_endpoint_costs_seconds_not_minutes(tmp_path: Path) -> None:
    started = time.monotonic()
    chosen = LLMSummarizer(settings={"base_url": "http://127.0.0.1:9/v1", "model": "m"}, cache_dir=tmp_path)
    script, plan = script_of(chosen)
    assert time.monotonic() - started < 10
    assert not said_by_model(script) and "cannot reach" in plan.notes[0]


def test_a_long_post_is_retold_section_by_section(tmp_path: Path) -> None:
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        script, plan = script_of(summarizer(server, tmp_path, context_tokens=1200))
    assert len(server.requests) >= 3  # one request per section
    assert said_by_model(script), plan.notes


def test_facts_are_names_numbers_and_quoted_terms() -> None:
    assert "2024" in facts("我们2024年试过", "zh") and "无损压缩" in facts("所谓“无损压缩”", "zh")


def test_bad_settings_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"summarizer\.llm\.temprature"):
        LLMSummarizer(settings={"temprature": 0.2})
    with pytest.raises(ConfigError, match=r"summarizer\.llm\.base_url"):
        LLMSummarizer(settings={"base_url": "localhost:11434"})


def test_the_budget_reaches_the_prompt(tmp_path: Path) -> None:
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        chosen = summarizer(server, tmp_path)
        chosen.summarize(POST, Budget(300, "zh"))
    assert "约 300 个字" in server.requests[0]["messages"][0]["content"]


# ---------------------------------------------------------------- commands


def test_podcast_script_says_which_summarizer_wrote_it(runner: CliRunner, fake_show: Path, tmp_path: Path) -> None:
    post = fake_show / "post.md"
    post.write_text(SAMPLE_POST.read_text(encoding="utf-8"), encoding="utf-8")
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        config = fake_show / "podcast.toml"
        config.write_text(
            config.read_text(encoding="utf-8") + f'\n[summarizer.llm]\nbase_url = "{server.base_url}"\n',
            encoding="utf-8",
        )
        result = runner.invoke(
            app, ["script", str(post), "--summarizer", "llm", "--model", "qwen-test", "--config", str(config)]
        )
    assert result.exit_code == 0, result.output
    assert "summarizer: llm" in result.stdout and "summarizer_model: qwen-test, prompt v1" in result.stdout
    assert "by llm (qwen-test, prompt v1)" in result.stderr
    assert server.requests[0]["model"] == "qwen-test"


def test_the_sample_renders_from_the_models_script(
    tmp_path: Path, offline_voice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    show = load_show(ROOT / "podcast.toml")
    with ChatServer(lambda r: Reply(faithful(r))) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)  # the standard variable reaches the client
        options = RenderOptions(output_root=tmp_path / "out", summarizer="llm", model="test-model")
        post = read_post(SAMPLE_POST, aliases=show.aliases)
        result = render(post, show, options, cache=SegmentCache(tmp_path / "cache" / "segments"))
    episode = result.episode
    script = (result.folder / "script.md").read_text(encoding="utf-8")
    assert "summarizer: llm" in script and not [w for w in episode.warnings if "retelling" in w]
    assert server.requests and server.requests[0]["model"] == "test-model"
    segments = script.split("-->", 1)[1].count("\n**")
    assert len(episode.chapters) == segments
    titles = [c.title for c in episode.chapters]
    assert titles[0] == "开场" and titles[-1] == "结束语"
    assert -20.0 <= episode.loudness["integrated"] <= -18.0 and episode.loudness["true_peak"] <= -1.0


def test_requests_in_flight_are_limited_across_workers(tmp_path: Path) -> None:
    import threading

    active, peak = 0, 0
    lock = threading.Lock()

    def reply(request: dict[str, Any]) -> Reply:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.5)
        with lock:
            active -= 1
        return Reply(faithful(request))

    with ChatServer(reply) as server:
        workers = [
            threading.Thread(target=script_of, args=(summarizer(server, tmp_path / str(n), max_in_flight=1),))
            for n in range(3)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
    assert len(server.requests) == 3 and peak == 1


def test_a_changed_model_or_prompt_is_a_changed_batch_setting(fake_show: Path) -> None:
    from podcast.batch.plan import settings_material

    show = load_show(fake_show / "podcast.toml")
    one = settings_material(show, RenderOptions(summarizer="llm", model="a"))
    other = settings_material(show, RenderOptions(summarizer="llm", model="b"))
    assert one["summarizer"] != other["summarizer"] and "prompt1" in str(one["summarizer"])
