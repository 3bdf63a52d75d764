"""Rendering the sample episode offline: cold and warm, medians over several runs.

Cold: a new post as a user meets it: a fresh process, the model loaded fresh, nothing of the
post in the cache (no sentence, script, cover, sting or MP3). What is made once per
installation is kept, as jieba keeps its own dictionary cache in the temporary folder: the
installed voice, and the tables derived from installed packages' data (jieba's dictionary
and IDF table, under ``tables``). First: the same with those tables missing too, and an
empty temporary folder (no jieba cache), as in the first render after installing. Warm:
the same render again, every sentence from the cache. Also: the share of cold time spent
in speech synthesis (the rest is overhead), and peak memory.

Targets (2 cores, medians): cold ≤ 6.5 s, warm ≤ 1.0 s, peak RSS ≤ 450 MB.

``--baseline DIR`` renders with another checkout of the project as well (``git worktree add
DIR REF``), alternating the two run by run so a busy machine slows both alike, and reports
each figure's ratio. Either way every render is checked against the first: the episode must
stay the same (duration within 0.1 s, loudness and true peak within 0.2 dB, same chapters).

Run: python bench/render.py [--runs 5] [--baseline DIR] [POST]
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
from typing import Any

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
episode = result.episode
print(json.dumps({
    "seconds": total, "tts": covered(intervals), "duration": episode.duration,
    "synthesized": result.synthesized, "reused": result.reused, "takes": result.takes,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "cpu": sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime")),
    "integrated": episode.loudness["integrated"], "true_peak": episode.loudness["true_peak"],
    "chapters": [[c.title, c.start] for c in episode.chapters],
}))
"""

DURATION_TOLERANCE = 0.1
LOUDNESS_TOLERANCE = 0.2
CHAPTER_TOLERANCE = 0.1


def run(tree: Path, post: Path, cache: Path, out: Path, temporary: Path | None = None) -> dict[str, Any]:
    """One render in a fresh process, with the project at ``tree`` (and ``temporary`` as
    its temporary folder, where jieba keeps its own dictionary cache)."""
    env = {**os.environ, "PODCAST_CACHE_DIR": str(cache), "PYTHONPATH": str(tree)}
    if temporary is not None:
        env["TMPDIR"] = str(temporary)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "podcast.toml"), str(post), str(out)],
        capture_output=True, text=True, env=env, check=False, cwd=tree,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"the render failed ({tree}):\n{result.stderr}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - started  # interpreter start included
    return data


def differences(reference: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """How ``other``'s episode differs from ``reference``'s beyond the tolerances."""
    found = []
    if abs(other["duration"] - reference["duration"]) > DURATION_TOLERANCE:
        found.append(f"duration {other['duration']:.2f} s against {reference['duration']:.2f} s")
    for key in ("integrated", "true_peak"):
        if abs(other[key] - reference[key]) > LOUDNESS_TOLERANCE:
            found.append(f"{key} {other[key]:.2f} against {reference[key]:.2f}")
    titles = [c[0] for c in other["chapters"]]
    if titles != [c[0] for c in reference["chapters"]]:
        found.append("chapter titles differ")
    elif any(
        abs(a[1] - b[1]) > CHAPTER_TOLERANCE for a, b in zip(other["chapters"], reference["chapters"], strict=True)
    ):
        found.append("chapter starts differ")
    return found


def load() -> str:
    """The machine's load averages (others' work slows every figure)."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("post", nargs="?", type=Path, default=ROOT / "episodes" / "lossless-compression.md")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with, run for run")
    args = parser.parse_args()

    from podcast.speech.offline import install

    voice = install()
    post = args.post.resolve()
    trees = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {name: {"first": [], "cold": [], "warm": []} for name in trees}
    print(f"load average at start: {load()}", file=sys.stderr)
    for index in range(args.runs):
        # Alternate which tree goes first, so neither always meets the same neighbours.
        order = list(trees.items()) if index % 2 == 0 else list(reversed(trees.items()))
        for name, tree in order:
            with tempfile.TemporaryDirectory() as tmp:
                first, cache = Path(tmp) / "first", Path(tmp) / "cache"
                for folder in (first, cache):
                    (folder / "voices").mkdir(parents=True)
                    os.symlink(voice, folder / "voices" / voice.name)
                (Path(tmp) / "tmp").mkdir()  # an empty temporary folder: jieba's cache made anew
                rows[name]["first"].append(run(tree, post, first, Path(tmp) / "out-first", Path(tmp) / "tmp"))
                if (first / "tables").is_dir():
                    shutil.copytree(first / "tables", cache / "tables")
                out = Path(tmp) / "out"
                rows[name]["cold"].append(run(tree, post, cache, out))
                rows[name]["warm"].append(run(tree, post, cache, out))
            first_run, cold, warm = (rows[name][k][-1] for k in ("first", "cold", "warm"))
            print(
                f"run {index + 1} {name}: first {first_run['wall']:.2f} s, cold {cold['wall']:.2f} s, "
                f"warm {warm['wall']:.2f} s",
                file=sys.stderr,
            )

    def med(runs: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    # The reference episodes: the baseline's (each run of it), else this tree's first render.
    # A run is unchanged when it matches one of them: the English words (espeak-ng) vary a
    # little from run to run, which moves the true peak by up to 0.4 dB on its own.
    base = rows.get("baseline")
    references = [*base["first"], *base["cold"], *base["warm"]] if base else [rows["this"]["cold"][0]]
    reference = references[0]
    print(f"post: {args.post.name}; episode {med(rows['this']['cold'], 'duration'):.1f} s; "
          f"{args.runs} runs each (medians); load average now {load()}")  # fmt: skip
    for name in trees:
        cold, warm = rows[name]["cold"], rows[name]["warm"]
        label = "" if len(trees) == 1 else f"[{name}] "
        print(
            f"{label}cold: {med(cold, 'wall'):.2f} s wall (target ≤ 6.5 s), of which speech synthesis "
            f"{med(cold, 'tts'):.2f} s = {statistics.median(r['tts'] / r['seconds'] for r in cold):.0%}; "
            f"{med(cold, 'synthesized'):.0f} sentences, {med(cold, 'takes'):.0f} take(s); "
            f"{med(cold, 'cpu'):.2f} s of CPU (ffmpeg included)"
        )
        first = rows[name]["first"]
        print(f"{label}first render after installing (the tables built too): {med(first, 'wall'):.2f} s wall")
        print(
            f"{label}warm: {med(warm, 'wall'):.2f} s wall (target ≤ 1.0 s); "
            f"{med(warm, 'reused'):.0f} sentences from the cache"
        )
        print(
            f"{label}peak memory of the cold render: median {med(cold, 'rss_mb'):.0f} MB, "
            f"max {max(r['rss_mb'] for r in cold):.0f} MB (target ≤ 450 MB); first render: median "
            f"{med(first, 'rss_mb'):.0f} MB, max {max(r['rss_mb'] for r in first):.0f} MB; "
            f"warm {med(warm, 'rss_mb'):.0f} MB; "
            f"real-time factor {med(cold, 'wall') / med(cold, 'duration'):.3f}"
        )
        renders = first + cold + warm
        unmatched = [r for r in renders if all(differences(x, r) for x in references)]
        changed = [d for r in unmatched for d in differences(reference, r)]
        peaks = [r["true_peak"] for r in renders]
        print(f"{label}episode: {'unchanged' if not changed else 'CHANGED: ' + '; '.join(sorted(set(changed)))} "
              f"(loudness {med(cold, 'integrated'):.2f} LUFS, true peak {med(cold, 'true_peak'):.2f} dBTP "
              f"[{min(peaks):.2f} … {max(peaks):.2f}], {len(reference['chapters'])} chapters)")  # fmt: skip
    if "baseline" in trees:
        this, base = rows["this"], rows["baseline"]
        print(
            "this / baseline: "
            f"cold {med(this['cold'], 'wall') / med(base['cold'], 'wall'):.2f}×, "
            f"first {med(this['first'], 'wall') / med(base['first'], 'wall'):.2f}×, "
            f"warm {med(this['warm'], 'wall') / med(base['warm'], 'wall'):.2f}×, "
            f"synthesis {med(this['cold'], 'tts') / med(base['cold'], 'tts'):.2f}×, "
            f"cold CPU {med(this['cold'], 'cpu') / med(base['cold'], 'cpu'):.2f}×, "
            f"peak memory {med(this['cold'], 'rss_mb') / med(base['cold'], 'rss_mb'):.2f}×"
        )


if __name__ == "__main__":
    main()
