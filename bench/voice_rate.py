"""Measure each voice profile's pace: units of script per second of audio, pauses included.

Reads voices/reference-zh.txt (Mandarin: characters per second) and reference-en.txt
(English: words per second) with every profile of an engine, through the same sentence-
by-sentence path a render takes, and prints the rates. ``--write`` records them in the
engine's profile file (voices/<engine>.toml) with ``measured = true``.

Run: python bench/voice_rate.py --engine offline [--write]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from podcast.profiles import builtin_dir, load_voice_set
from podcast.speech import load_engine, speak
from podcast.speech.cache import SegmentCache
from podcast.text import speech_units

ROOT = Path(__file__).resolve().parent.parent


def measure(engine_name: str) -> dict[str, float]:
    engine = load_engine(engine_name)
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = SegmentCache(Path(tmp))
        for language in ("zh", "en"):
            text = (ROOT / "voices" / f"reference-{language}.txt").read_text(encoding="utf-8")
            units = speech_units(text, language)
            voices = load_voice_set(engine_name, language)
            for profile in voices.profiles.values():
                if profile.language != language:
                    continue
                start = time.perf_counter()
                seconds = sum(
                    speak(p, profile.prosody, engine, cache).audio.duration for p in text.split("\n\n") if p.strip()
                )
                # The paragraph break a render puts between segments is about the same pause.
                seconds += 0.4 * (text.count("\n\n"))
                rates[profile.name] = units / seconds
                unit = "chars" if language == "zh" else "words"
                took = time.perf_counter() - start
                print(
                    f"{profile.name:12} {language}  {units:5.0f} {unit} in {seconds:6.1f} s  →  "
                    f"{units / seconds:5.2f} {unit}/s   (synthesized in {took:.1f} s)"
                )
    return rates


def write(engine_name: str, rates: dict[str, float]) -> None:
    path = builtin_dir() / f"{engine_name}.toml"
    text = path.read_text(encoding="utf-8")
    for name, rate in rates.items():
        block = re.search(rf"(?ms)^\[profiles\.{re.escape(name)}\]\n.*?(?=^\[|\Z)", text)
        if block is None:
            continue
        body = block.group(0)
        body = re.sub(r"(?m)^(chars_per_second|words_per_second) = [\d.]+", rf"\g<1> = {rate:.2f}", body)
        body = re.sub(r"(?m)^measured = (true|false)", "measured = true", body)
        text = text[: block.start()] + body + text[block.end() :]
    path.write_text(text, encoding="utf-8")
    print(f"recorded in {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="offline")
    parser.add_argument("--write", action="store_true", help="record the rates in voices/<engine>.toml")
    args = parser.parse_args()
    rates = measure(args.engine)
    if args.write:
        write(args.engine, rates)


if __name__ == "__main__":
    main()
