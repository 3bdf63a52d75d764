"""Parsing throughput on a generated 1 MB dialogue post (median of 5 runs).

Run: python bench/parse.py [--megabytes 1] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from podcast.parse import parse_post

SPEAKERS = ["李老师说", "白老师说", "**白硕**", "李", "白", "Q", "A", "TERRY GROSS, HOST", "GROSS"]
SENTENCES = [
    "压缩的是函数不是文本。", "给定目标函数长什么样，数据足够大，参数就可以圆满表示目标函数。",
    "如果文本无损，那泛化就无从谈起。", "The burden of proof is on you.",
    "有损的问题不是出在算法本身，就是出在训练上：数据不足，训练不足。",
    "Scaling laws say nothing about the objective.", "对，压缩的对象肯定不是文本。",
]  # fmt: skip


def generate(megabytes: float, seed: int = 1) -> str:
    """A Markdown dialogue post of about ``megabytes`` MB of UTF-8."""
    rng = random.Random(seed)
    parts = ["---\ntitle: 基准测试\nauthor: 立委\n---\n\n立委按：生成的对话。\n"]
    size = 0
    while size < megabytes * 1_000_000:
        label = rng.choice(SPEAKERS)
        body = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 6)))
        paragraph = f"{label}：{body}\n"
        if rng.random() < 0.2:
            paragraph += "\n" + "".join(rng.choice(SENTENCES) for _ in range(3)) + "\n"
        if rng.random() < 0.05:
            paragraph += "\n白老师阐述了他的看法。咱们试图理解一下：\n"
        parts.append(paragraph + "\n")
        size += len(paragraph.encode())
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = generate(args.megabytes)
    size_mb = len(text.encode()) / 1_000_000
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        post = parse_post(text, source="bench.md")
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"post: {size_mb:.2f} MB, {len(post.turns)} turns, {len(post.speakers)} speakers")
    print(f"parse time: median {median:.3f} s over {args.runs} runs (min {min(times):.3f}, max {max(times):.3f})")
    print(f"throughput: {size_mb / median:.2f} MB/s (target >= 1 MB/s)")


if __name__ == "__main__":
    main()
