"""Traditional Chinese read right: the polyphone table in both scripts, and parity between
every simplified post we keep and its traditional conversion.

Run: python bench/traditional.py

- readings: the offline voice's syllables for each phrase of tests/fixtures/hanzi/polyphones.tsv,
  against the mainland reading, for the simplified and the traditional form; beside them what
  pypinyin alone gives (the dictionary before the conversion).
- parity: each simplified post (the samples and the real-layout cases) and its OpenCC ``s2t``
  conversion give scripts that keep the same sentences and have the same estimated length.
- speed: the conversion's cost per character on simplified and on traditional text.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from opencc_purepy import OpenCC
from pypinyin import Style, lazy_pinyin

from podcast.config import Show
from podcast.hanzi import is_traditional_tag, to_simplified
from podcast.parse import parse_post
from podcast.parse.source import read_text
from podcast.profiles import load_voice_set
from podcast.script import write_script
from podcast.speech.offline.readings import apply_tone_sandhi, run_syllables

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "fixtures" / "hanzi" / "polyphones.tsv"


def readings() -> None:
    rows = [line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    right = {"simplified": 0, "traditional": 0, "pypinyin simplified": 0, "pypinyin traditional": 0}
    for simplified, traditional, reading in rows:
        gold = reading.split()
        spoken = apply_tone_sandhi(simplified, list(gold))
        right["simplified"] += run_syllables(simplified) == spoken
        right["traditional"] += run_syllables(traditional) == spoken
        plain = {"style": Style.TONE3, "neutral_tone_with_five": True}
        right["pypinyin simplified"] += lazy_pinyin(simplified, **plain) == gold
        right["pypinyin traditional"] += lazy_pinyin(traditional, **plain) == gold
    differ = sum(s != t for s, t, _ in rows)
    print(f"polyphone phrases: {len(rows)} ({differ} written differently in the two scripts)")
    for name, count in right.items():
        print(f"  {name:<22} {count}/{len(rows)} right")


def parity() -> None:
    posts = [ROOT / "episodes" / "lossless-compression.md", ROOT / "episodes" / "scaling-and-data.md"]
    posts += sorted(p for p in (ROOT / "tests/fixtures/real").glob("zh-*.*") if "hant" not in p.name)
    posts = [p for p in posts if p.suffix != ".toml"]
    s2t = OpenCC("s2t").convert
    same, lengths = 0, []
    for path in posts:
        text = read_text(path)
        fmt = "html" if path.suffix == ".html" else None
        post, converted = parse_post(text, source=path.name, fmt=fmt), parse_post(s2t(text), source=path.name, fmt=fmt)
        assert is_traditional_tag(converted.language), path
        scripts = []
        for p in (post, converted):
            script, plan = write_script(
                p, show=Show(), voices=load_voice_set("offline", p.language), target_seconds=120
            )
            scripts.append((script, plan))
        kept = [len(to_simplified(s.text)) for s in scripts[0][0].segments[1:-1]]
        kept_converted = [len(to_simplified(s.text)) for s in scripts[1][0].segments[1:-1]]
        same += kept == kept_converted
        a, b = scripts[0][1].estimated_seconds, scripts[1][1].estimated_seconds
        lengths.append(abs(a - b) / a)
    print(f"parity: {same}/{len(posts)} posts keep the same sentences in both scripts")
    print(f"  estimated length difference: median {statistics.median(lengths):.2%}, max {max(lengths):.2%}")


def speed() -> None:
    text = (ROOT / "episodes" / "lossless-compression.md").read_text(encoding="utf-8") * 20
    traditional = OpenCC("s2t").convert(text)
    to_simplified("預熱")
    for name, sample in (("simplified", text), ("traditional", traditional)):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            to_simplified(sample)
            times.append(time.perf_counter() - start)
        per_char = statistics.median(times) / len(sample) * 1e6
        print(f"to_simplified on {name} text: {per_char:.3f} µs per character (median of 5, {len(sample)} chars)")


if __name__ == "__main__":
    readings()
    parity()
    speed()
