"""How many workers a batch starts, and posts sharing sentences kept on one (issue 18)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from podcast.batch import executors
from podcast.batch.worker import Job, Outcome
from podcast.config import load_show
from podcast.pipeline import RenderOptions

BODY = "李：压缩的是函数，不是文本本身。\n\n白：那么模型越好，压缩得就越多吗？\n\n李：对，规律找得越准，描述就越短。\n"


def jobs(tmp_path: Path, bodies: list[str]) -> list[Job]:
    (tmp_path / "podcast.toml").write_text('[show]\ntitle = "测试"\n', encoding="utf-8")
    show = load_show(tmp_path / "podcast.toml")
    made = []
    for n, body in enumerate(bodies):
        path = tmp_path / f"post-{n}.md"
        path.write_text(f"---\ntitle: 第{n}篇\n---\n\n{body}", encoding="utf-8")
        made.append(Job(f"post-{n}.md", str(path), show, RenderOptions(), 1_000_000))
    return made


def distinct(n: int) -> str:
    return f"李：第{n}个问题是这样的，很长很长的一句话。\n\n白：第{n}个回答也是这样，很长很长的一句话。\n"


def test_posts_sharing_sentences_are_one_group(tmp_path: Path) -> None:
    found = jobs(tmp_path, [BODY, distinct(1), BODY, distinct(2)])
    groups = executors.sentence_groups(found)
    assert groups["post-0.md"] == groups["post-2.md"]
    assert len({groups["post-0.md"], groups["post-1.md"], groups["post-3.md"]}) == 3


def test_default_workers_follow_the_cores_and_the_posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "cpu_count", lambda: 2)
    assert executors.plan_workers(None, jobs(tmp_path, [distinct(n) for n in range(8)]))[0] == 2
    assert executors.plan_workers(None, jobs(tmp_path, [distinct(n) for n in range(4)]))[0] == 1  # few: one, all cores
    shared = jobs(tmp_path, [BODY] * 8)
    assert executors.plan_workers(None, shared)[0] == 1
    assert executors.plan_workers(2, shared)[0] == 1  # more workers would only voice the same sentences twice
    assert executors.plan_workers(2, jobs(tmp_path, [distinct(n) for n in range(3)]))[0] == 2


def test_a_pool_renders_a_group_one_post_after_the_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = jobs(tmp_path, [BODY, BODY, distinct(1)])
    spans: dict[str, tuple[float, float]] = {}
    lock = threading.Lock()

    def render_job(job: Job) -> Outcome:
        start = time.monotonic()
        time.sleep(0.2)
        with lock:
            spans[job.key] = (start, time.monotonic())
        return Outcome(job.key, "rendered")

    monkeypatch.setattr(executors, "render_job", render_job)
    runner = executors.PoolRunner(2, None, executors.sentence_groups(found))
    runner._pool.shutdown()
    runner._pool = ThreadPoolExecutor(2)  # type: ignore[assignment]
    try:
        assert runner.max_in_flight == 3
        futures = [runner.submit(job) for job in found]
        assert [f.result(timeout=5).status for f in futures] == ["rendered"] * 3
    finally:
        runner.close()
    first, second, other = (spans[job.key] for job in found)
    assert second[0] >= first[1]  # the shared sentences were in the cache by then
    assert other[0] < first[1]  # the other post ran beside them


def test_the_workers_are_told_how_many_have_a_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More workers busy: told at once; fewer: once it has stayed so (between two posts a
    worker is not idle, and the one beside it should not reload its voice for it)."""
    monkeypatch.setattr(executors, "SETTLE_SECONDS", 0.3)
    gates = {f"post-{n}.md": threading.Event() for n in range(3)}

    def render_job(job: Job) -> Outcome:
        assert gates[job.key].wait(5)
        return Outcome(job.key, "rendered")

    monkeypatch.setattr(executors, "render_job", render_job)
    found = jobs(tmp_path, [distinct(n) for n in range(3)])
    runner = executors.PoolRunner(2, None, executors.sentence_groups(found))
    runner._pool.shutdown()
    runner._pool = ThreadPoolExecutor(2)  # type: ignore[assignment]
    told = runner._rendering
    try:
        futures = [runner.submit(job) for job in found]
        assert told.value == 2  # three posts, two workers
        gates["post-0.md"].set()
        futures[0].result(5)
        time.sleep(0.1)
        assert told.value == 2  # the third post took the free worker
        gates["post-1.md"].set()
        futures[1].result(5)
        time.sleep(0.1)
        assert told.value == 2  # one left: not yet said
        time.sleep(0.4)
        assert told.value == 1  # now the last one may take every core
        gates["post-2.md"].set()
        futures[2].result(5)
        time.sleep(0.5)
        assert told.value == 0
    finally:
        for gate in gates.values():
            gate.set()
        runner.close()
