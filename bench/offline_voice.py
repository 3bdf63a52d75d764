"""The offline voice's speed, memory and speaking rate (medians over fresh processes).

Run: python bench/offline_voice.py [--runs 5] [--threads 2]

Each run is a new Python process, so model loading and first-call costs are measured as a
user meets them. Reported:
- cold start: process start → first sentence synthesized (imports, checksums, model load),
  and the model load alone;
- real-time factor on a ~500-character Mandarin text, first call and again in the same
  process (the vocoder's XNNPACK delegate plans its buffers on the first call);
- peak RSS of the process;
- characters per second of the voice at rate 1.0: voiced hanzi / seconds of audio, the
  pauses between chunks included. Voice profiles record this figure to budget scripts.
The voice is installed first if needed (outside the timings).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

# The body of the sample broadcast (samples/lossless-compression-broadcast.txt) with its
# Latin words and digits taken out: what the normalizer hands the voice, ~500 characters.
REFERENCE_TEXT = (
    "我是数字秘书小雅,今天播报《李白对话录新篇:所谓无损压缩》\n"
    "李老师说:纠结有日子了,今天算是搞明白了,关于无损压缩的问题,原来很简单:\n"
    "无损压缩是一个点,一个终点,是目标函数。这与有损压缩不同,有损压缩是一条线。"
    "说当代大模型在做无损压缩,是从目标上说的,当然没错,的确是朝着无损压缩的目标去的。"
    "我们怀疑大模型不是无损压缩,而是有损压缩,是从结果上说的,其实也没错。"
    "因为有损到无损,是一个无限逼近的过程。任何一个模型在训练结束的时候,都不能达到理想的状态,"
    "自然是有损的。如果你说,自回归学习的模型是一种有损压缩的学习,这可能是有问题的,你需要举证,"
    "而不是被质疑者。\n"
    "有损的问题不是出在这个算法或算法原理本身,就是出在训练上:数据不足,训练不足,天才不足,"
    "时间太紧,等等,都可能是原因。那些人坚信大模型是无损压缩,传达的意思是,算法本身没问题,"
    "是无损压缩,就是要挤出海绵里面的每一滴水,就是要压缩到理想状态,"
    "这才能穷尽数据背后的大大小小的各种知识。但实际上的模型,总是有损的。没关系,我们继续逼近,"
    "但不需要改变路线和算法,只要沿着规模法则一直做下去,我们就可以无限逼近"
    "(虽然其实永远也达不到无损的“共产主义”态)。"
)
FIRST_SENTENCE = "我是数字秘书小雅。"


def worker(threads: int, spawned: float) -> None:
    """One fresh process: time the first sentence, then the reference text twice.
    ``spawned`` is the parent's ``time.time()`` just before starting this process."""
    # Imported here, not at the top, so the cold start includes them.
    from podcast.speech.base import Prosody
    from podcast.speech.offline import OfflineEngine

    engine = OfflineEngine(threads=threads)
    prosody = Prosody("baker")
    loading = time.perf_counter()
    engine.model()
    load = time.perf_counter() - loading
    engine.synthesize(FIRST_SENTENCE, prosody)
    cold = time.time() - spawned

    timings = []
    for _ in range(2):
        began = time.perf_counter()
        audio = engine.synthesize(REFERENCE_TEXT, prosody)
        timings.append(time.perf_counter() - began)
    hanzi = engine.plan(REFERENCE_TEXT, prosody).hanzi
    script_cold, script_warm, script_audio = sample_script(engine)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    json.dump(
        {
            "cold_start_s": cold,
            "load_s": load,
            "rtf_first": timings[0] / audio.duration,
            "rtf_warm": timings[1] / audio.duration,
            "audio_s": audio.duration,
            "hanzi": hanzi,
            "chars_per_s": hanzi / audio.duration,
            "peak_rss_mb": peak_kib / 1024,
            "script_cold_s": script_cold,
            "script_warm_s": script_warm,
            "script_audio_s": script_audio,
        },
        sys.stdout,
    )


def sample_script(engine: object) -> tuple[float, float, float]:
    """Voice the sample's two-minute script sentence by sentence, as a render does: once
    into an empty segment cache, once again from it. Returns (cold s, warm s, audio s)."""
    import tempfile
    from pathlib import Path

    from podcast.config import load_show
    from podcast.parse import read_post
    from podcast.profiles import load_voice_set
    from podcast.script import write_script
    from podcast.speech import speak
    from podcast.speech.cache import SegmentCache

    root = Path(__file__).resolve().parent.parent
    show = load_show(root / "podcast.toml")
    post = read_post(root / "episodes" / "lossless-compression.md", aliases=show.aliases)
    voices = load_voice_set("offline", post.language)
    script, _ = write_script(post, show=show, voices=voices, target_seconds=120)
    times = []
    audio = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        cache = SegmentCache(Path(tmp))
        for _ in range(2):
            began = time.perf_counter()
            audio = sum(
                speak(s.text, voices.profile(s.voice or voices.narrator).prosody, engine, cache).audio.duration  # type: ignore[arg-type]
                for s in script.segments
            )
            times.append(time.perf_counter() - began)
    return times[0], times[1], audio


def latin_share() -> tuple[int, int]:
    """(spoken, total) Latin words of the sample post, as the offline voice reads them."""
    from pathlib import Path

    from podcast.parse import read_post
    from podcast.speech.normalize import speakable_zh

    post = read_post(Path(__file__).resolve().parent.parent / "episodes" / "lossless-compression.md")
    words = [w for turn in post.turns for w in speakable_zh(turn.text).words]
    return sum(w.how != "warned" for w in words), len(words)


def main() -> None:
    """Run the workers and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.threads, spawned=args.worker)
        return

    from podcast.speech.offline import install

    install(progress=lambda message: print(message, file=sys.stderr))
    results = []
    for _ in range(args.runs):
        command = [sys.executable, __file__, "--threads", str(args.threads)]
        done = subprocess.run(
            [*command, "--worker", repr(time.time())],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))

    def median(key: str) -> float:
        return statistics.median(result[key] for result in results)

    rows = [
        ("cold start (process → first sentence)", f"{median('cold_start_s'):.2f} s"),
        ("  of which model load (checksums, interpreters)", f"{median('load_s'):.2f} s"),
        ("real-time factor, first call", f"{median('rtf_first'):.3f}"),
        ("real-time factor, warm", f"{median('rtf_warm'):.3f}"),
        ("peak RSS", f"{median('peak_rss_mb'):.0f} MB"),
        (
            "speaking rate at rate 1.0",
            f"{median('chars_per_s'):.2f} characters/s ({results[0]['hanzi']} hanzi in {results[0]['audio_s']:.1f} s)",
        ),
    ]
    rows += [
        (
            "the sample's script (sentence by sentence)",
            f"{median('script_audio_s'):.1f} s of audio in {median('script_cold_s'):.2f} s: "
            f"real-time factor {median('script_cold_s') / median('script_audio_s'):.3f}",
        ),
        (
            "  again, from the segment cache",
            f"{median('script_warm_s'):.3f} s = {median('script_warm_s') / median('script_cold_s'):.1%} of cold",
        ),
    ]
    spoken, total = latin_share()
    rows.append(("Latin words of the sample spoken", f"{spoken}/{total} = {spoken / total:.0%}"))
    width = max(len(name) for name, _ in rows)
    print(f"offline voice, {args.runs} fresh processes, {args.threads} threads (medians)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
