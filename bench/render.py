"""Rendering the sample episode offline: cold and warm, medians over several runs.

Cold: a fresh process, an empty speech cache and script cache, the model loaded fresh (the
installed voice is shared: installing it is a one-time step, not part of a render). Warm:
the same render again, every sentence from the cache. Also: the share of cold time spent in
speech synthesis (the rest is overhead), and peak memory.

Run: python bench/render.py [--runs 5] [POST]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from podcast.config import load_show
from podcast.parse import read_post
from podcast.pipeline import RenderOptions, render
from podcast.speech.offline import OfflineEngine

intervals = []
original = OfflineEngine.synthesize
def timed(self, text, prosody):
    t = time.perf_counter()
    try:
        return original(self, text, prosody)
    finally:
        intervals.append((t, time.perf_counter()))
OfflineEngine.synthesize = timed

def covered(spans):
    # Wall-clock time during which some synthesis was running (calls may overlap).
    total, end = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b > end:
            total += b - max(a, end)
            end = b
    return total

show = load_show(Path(sys.argv[1]))
post = read_post(sys.argv[2], aliases=show.aliases)
result = render(post, show, RenderOptions(output_root=Path(sys.argv[3])))
total = time.perf_counter() - start
print(json.dumps({
    "seconds": total, "tts": covered(intervals), "duration": result.episode.duration,
    "synthesized": result.synthesized, "reused": result.reused, "takes": result.takes,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(post: Path, cache: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PODCAST_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "podcast.toml"), str(post), str(out)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - started  # interpreter start included
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("post", nargs="?", type=Path, default=ROOT / "episodes" / "lossless-compression.md")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from podcast.speech.offline import install

    voice = install()
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            (cache / "voices").mkdir(parents=True)
            os.symlink(voice, cache / "voices" / voice.name)
            out = Path(tmp) / "out"
            cold.append(run(args.post, cache, out))
            warm.append(run(args.post, cache, out))
            shutil.rmtree(out, ignore_errors=True)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"post: {args.post.name}; episode {med(cold, 'duration'):.1f} s; {args.runs} runs each (medians)")
    print(
        f"cold: {med(cold, 'wall'):.2f} s wall (target ≤ 10 s), of which speech synthesis "
        f"{med(cold, 'tts'):.2f} s = {statistics.median(r['tts'] / r['seconds'] for r in cold):.0%} of the render "
        f"(target ≥ 70 %); {med(cold, 'synthesized'):.0f} sentences, {med(cold, 'takes'):.0f} take(s)"
    )
    print(f"warm: {med(warm, 'wall'):.2f} s wall (target ≤ 2 s); {med(warm, 'reused'):.0f} sentences from the cache")
    print(
        f"real-time factor of the cold render: {med(cold, 'wall') / med(cold, 'duration'):.3f}; "
        f"peak memory of the render process: {max(r['rss_mb'] for r in cold):.0f} MB"
    )


if __name__ == "__main__":
    main()
