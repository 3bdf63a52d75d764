"""Batch rendering: 20 generated dialogue posts with the offline voice, medians over runs.

Each run starts from an empty output folder and an empty speech and script cache (the
installed voice is shared: installing it is a one-time step, not part of a batch) and
runs the real command, ``python -m podcast batch``, timing it from the outside:

- cold ``--jobs 1`` (rendered in the batch's own process);
- cold ``--jobs 2`` (two worker processes; the speed-up target is ≥ 1.7× on 2 cores);
- warm: the same command again with nothing changed (target ≤ 5 % of cold ``--jobs 2``);
- one post edited (one sentence of one turn rewritten): how many posts were rendered again
  and how many of that episode's sentences were synthesized (target: one post, and only
  the changed sentences).

The feed and site are built at the end of every run, as a batch does by default
(``--no-publish`` leaves them out).

``--scenario cores`` measures instead whether a batch uses the machine (issue 18), each run
from an empty cache, the variants alternated run by run, without publishing:

- 8 distinct posts: ``podcast batch`` with its default jobs against 8 ``podcast render``
  runs one after another (target ≤ 0.8×), and ``--jobs 1`` against ``--jobs 2``;
- 4 posts that share their body (only the title differs): ``--jobs 1`` against ``--jobs 2``
  and the default (target: never slower with more jobs);
- 3 distinct posts on 2 workers, where the third runs alone: the idle worker's cores handed
  to it (the default) against one thread per worker throughout.

Run: python bench/batch.py [--runs 3] [--posts 20] [--no-publish] [--scenario cores]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOPICS = [
    "无损压缩", "大模型", "泛化", "知识蒸馏", "长上下文", "多模态", "检索增强",
    "智能体", "对齐", "开源模型", "机器翻译", "语音合成", "句法分析", "知识图谱",
    "推理能力", "数据清洗", "模型评测", "端侧部署", "提示工程", "世界模型",
]  # fmt: skip
OPENERS = [
    "我一直在想{t}这件事，纠结有日子了。",
    "今天想跟你聊聊{t}，最近读到几篇文章。",
    "说到{t}，外面的说法五花八门。",
    "关于{t}，我有个问题一直没想通。",
]
CLAIMS = [
    "{t}的本质，是把数据里的规律找出来，再用更短的描述把它说清楚。",
    "很多人以为{t}只是工程技巧，其实背后有很深的理论。",
    "做{t}的人常说，数据的质量比数量更要紧。",
    "{t}做得好不好，最后要看它在没见过的问题上表现如何。",
    "如果只看榜单上的分数，很容易高估{t}的进展。",
    "我们当年做规则系统的时候，也遇到过类似{t}的难题。",
    "{t}的成本这两年降得很快，小团队也能做实验了。",
    "真正难的不是{t}本身，而是怎么评估它。",
    "{t}这件事，学界和工业界的看法并不一样。",
    "十年前谈{t}，大家还觉得是天方夜谭。",
    "我看{t}的进步，一半靠算力，一半靠数据。",
    "把{t}讲清楚，比把它做出来还难。",
]
QUESTIONS = [
    "那你怎么看{t}和传统方法的关系？",
    "这是不是说{t}已经走到头了？",
    "普通用户能从{t}里得到什么好处？",
    "{t}会不会带来新的风险？",
    "如果让你给年轻人一个建议，关于{t}你会说什么？",
    "{t}下一步最值得做的是什么？",
]
ANSWERS = [
    "我觉得不是对立的，新方法是在老方法的肩膀上往前走了一步。",
    "远没有到头，现在更像是刚刚摸到门槛，后面的路还长。",
    "最直接的好处是门槛低了，以前要专家才能做的事，现在一句话就能办。",
    "风险肯定有，但办法也在跟上，关键是别把它神化，也别把它妖魔化。",
    "打个比方，就好像从手工作坊走到了流水线，效率上去了，手艺还在。",
    "所以说，理解比记忆更重要，这一点人和机器其实差不多。",
    "多动手，少空谈，先把一个小问题做透。",
    "我最看重的是可靠，能说清楚自己哪里不懂，比什么都强。",
]


def make_post(n: int) -> str:
    """A deterministic dialogue post of roughly 300–600 characters, its sentences drawn
    without repetition (a repeated sentence would be synthesized once and flatter the cache)."""
    rng = random.Random(n)
    topic = TOPICS[(n - 1) % len(TOPICS)]
    claims, questions, answers = (rng.sample(pool, len(pool)) for pool in (CLAIMS, QUESTIONS, ANSWERS))
    turns = [("李", rng.choice(OPENERS) + claims.pop())]
    length = rng.randint(320, 560)
    while sum(len(text) for _, text in turns) < length and questions and answers and len(claims) >= 2:
        turns.append(("白", claims.pop() + questions.pop()))
        turns.append(("李", answers.pop() + claims.pop()))
    body = "\n\n".join(f"{who}：{text.format(t=topic)}" for who, text in turns)
    return f"---\ntitle: 李白对话录第{n}篇：谈{topic}\ndate: 2024-{n % 12 + 1:02d}-{n % 27 + 1:02d}\n---\n\n{body}\n"


def run(show: Path, cache: Path, jobs: int | None, publish: bool, threads: int | None = None) -> float:
    """One ``podcast batch`` of the show's posts (``jobs`` None: its default; ``threads``:
    each worker's voice on that many threads throughout, where by default the batch decides
    and hands the cores of idle workers to busy ones)."""
    env = {**os.environ, "PODCAST_CACHE_DIR": str(cache)}
    env.pop("PODCAST_TTS_THREADS", None)
    if threads is not None:
        env["PODCAST_TTS_THREADS"] = str(threads)
    command = [sys.executable, "-m", "podcast", "batch", "posts", "--quiet"]
    command += ["--config", str(show / "podcast.toml"), "-o", str(show / "out")]
    command += ["--jobs", str(jobs)] if jobs else []
    command += [] if publish else ["--no-publish"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=show, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"podcast batch failed ({result.returncode}):\n{result.stderr}")
    return seconds


def entries(show: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((show / "out" / "batch-manifest.json").read_text(encoding="utf-8"))
    return data["posts"]  # type: ignore[no-any-return]


def fresh(tmp: Path, voice: Path, posts: int, writer: Any = None) -> tuple[Path, Path]:
    """A show folder with the generated posts (``writer(n)``, default ``make_post``), and an
    empty cache sharing the voice."""
    writer = writer or make_post
    show = tmp / "show"
    (show / "posts").mkdir(parents=True)
    (show / "podcast.toml").write_text(
        '[show]\ntitle = "小雅播报"\nauthor = "立委"\nbase_url = "https://example.com/show/"\n', encoding="utf-8"
    )
    for n in range(1, posts + 1):
        (show / "posts" / f"post-{n:02d}.md").write_text(writer(n), encoding="utf-8")
    cache = tmp / "cache"
    (cache / "voices").mkdir(parents=True)
    os.symlink(voice, cache / "voices" / voice.name)
    return show, cache


def shared_body_post(n: int) -> str:
    """Post ``n`` with the body of post 1: only its title and date are its own."""
    body = make_post(1).split("---\n", 2)[2]
    return f"---\ntitle: 同一段对话的第{n}个版本\ndate: 2024-06-{n:02d}\n---\n{body}"


def renders(show: Path, cache: Path) -> float:
    """Every post rendered by its own ``podcast render``, one after another."""
    env = {**os.environ, "PODCAST_CACHE_DIR": str(cache)}
    env.pop("PODCAST_TTS_THREADS", None)
    started = time.perf_counter()
    for post in sorted((show / "posts").glob("*.md")):
        command = [sys.executable, "-m", "podcast", "render", str(post), "--quiet"]
        command += ["--config", str(show / "podcast.toml"), "-o", str(show / "out")]
        result = subprocess.run(command, cwd=show, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"podcast render failed ({result.returncode}):\n{result.stderr}")
    return time.perf_counter() - started


def cores(runs: int, voice: Path) -> None:
    """Issue 18: does a batch use the machine?"""
    cases: list[tuple[str, Any, int | str | None, int]] = [
        ("distinct: batch, default jobs", make_post, None, 8),
        ("distinct: 8 × podcast render", make_post, "render", 8),
        ("distinct: batch --jobs 1", make_post, 1, 8),
        ("distinct: batch --jobs 2", make_post, 2, 8),
        ("shared body: batch --jobs 1", shared_body_post, 1, 4),
        ("shared body: batch --jobs 2", shared_body_post, 2, 4),
        ("shared body: batch, default jobs", shared_body_post, None, 4),
        ("3 posts: batch --jobs 2", make_post, 2, 3),
        ("3 posts: --jobs 2, cores kept", make_post, "fixed", 3),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _, _ in cases}
    for round_ in range(runs):
        for name, writer, jobs, count in cases if round_ % 2 == 0 else list(reversed(cases)):
            with tempfile.TemporaryDirectory() as tmp:
                show, cache = fresh(Path(tmp), voice, count, writer)
                if jobs == "render":
                    seconds = renders(show, cache)
                elif jobs == "fixed":  # what each of 2 workers gets when nothing is handed on
                    seconds = run(show, cache, 2, False, threads=max(1, (os.cpu_count() or 2) // 2))
                else:
                    seconds = run(show, cache, jobs if isinstance(jobs, int) else None, False)
            times[name].append(seconds)
            print(f"run {round_ + 1}: {name} {seconds:.1f} s", file=sys.stderr)

    def med(name: str) -> float:
        return statistics.median(times[name])

    print(f"{os.cpu_count()} cores, offline voice, cold cache, no publishing; medians of {runs} runs")
    for name, _, _, _ in cases:
        print(f"{name:<34} {med(name):>6.1f} s  ({', '.join(f'{t:.1f}' for t in times[name])})")
    print(
        f"distinct posts: default batch / 8 renders = {med(cases[0][0]) / med(cases[1][0]):.2f}× (target ≤ 0.8×); "
        f"--jobs 2 / --jobs 1 = {med(cases[3][0]) / med(cases[2][0]):.2f}×"
    )
    print(
        f"shared body: --jobs 2 / --jobs 1 = {med(cases[5][0]) / med(cases[4][0]):.2f}×, "
        f"default / --jobs 1 = {med(cases[6][0]) / med(cases[4][0]):.2f}× (target: never above 1)"
    )
    print(
        f"3 posts on 2 workers (the last alone): idle workers' cores handed on / kept = "
        f"{med(cases[7][0]) / med(cases[8][0]):.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--no-publish", dest="publish", action="store_false")
    parser.add_argument("--scenario", choices=["incremental", "cores"], default="incremental")
    args = parser.parse_args()

    from podcast.speech.offline import install

    voice = install()
    if args.scenario == "cores":
        cores(args.runs, voice)
        return
    times: dict[str, list[float]] = {"cold1": [], "cold2": [], "warm": [], "edit": []}
    rerendered: list[int] = []
    synthesized: list[tuple[int, int]] = []
    audio: list[float] = []
    for round_ in range(args.runs):
        for jobs, key in ((1, "cold1"), (2, "cold2")):
            with tempfile.TemporaryDirectory() as tmp:
                show, cache = fresh(Path(tmp), voice, args.posts)
                times[key].append(run(show, cache, jobs, args.publish))
                print(f"run {round_ + 1}: {key} {times[key][-1]:.1f} s", file=sys.stderr)
                if key != "cold2":
                    continue
                before = entries(show)
                audio.append(sum(e["episode"]["duration"] for e in before.values()))
                times["warm"].append(run(show, cache, None, args.publish))
                assert entries(show) == before, "a warm run changed the manifest"
                edited_key = f"posts/post-{(args.posts + 1) // 2:02d}.md"
                post = show / edited_key
                text = post.read_text(encoding="utf-8")
                edited = text.replace("李：", "李：我换个说法开头。", 1)
                assert edited != text
                post.write_text(edited, encoding="utf-8")
                times["edit"].append(run(show, cache, None, args.publish))
                after = entries(show)
                changed = [k for k in after if after[k]["rendered"] != before[k]["rendered"]]
                rerendered.append(len(changed))
                entry = after[edited_key]
                synthesized.append((entry["synthesized"], entry["synthesized"] + entry["reused"]))

    def med(key: str) -> float:
        return statistics.median(times[key])

    def runs(key: str) -> str:
        return ", ".join(f"{t:.1f}" for t in times[key])

    rows = [
        ("cold --jobs 1", med("cold1"), runs("cold1"), f"{statistics.median(audio) / 60:.1f} min of audio"),
        ("cold --jobs 2", med("cold2"), runs("cold2"), f"speed-up {med('cold1') / med('cold2'):.2f}× (target ≥ 1.7×)"),
        ("warm, no change", med("warm"), runs("warm"), f"{med('warm') / med('cold2'):.1%} of cold --jobs 2 (≤ 5 %)"),
        (
            "one post edited",
            med("edit"),
            runs("edit"),
            f"posts re-rendered: {sorted(set(rerendered))}; sentences synthesized/total in it: "
            f"{sorted(set(synthesized))}",
        ),
    ]
    print(
        f"{args.posts} posts, offline voice, {os.cpu_count()} cores, "
        f"{'with' if args.publish else 'without'} publishing; medians of {args.runs} runs"
    )
    print(f"{'scenario':<17} {'median':>8}  {'runs (s)':<22} notes")
    for name, median, all_runs, note in rows:
        print(f"{name:<17} {median:>7.1f}s  {all_runs:<22} {note}")


if __name__ == "__main__":
    main()
