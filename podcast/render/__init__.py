"""Rendering an episode: voice the script, assemble, normalize loudness, tag, write the folder.

``render`` takes a parsed post (or an edited script) and produces a finished, publishable
episode folder under ``<output>/episodes/<slug>/``:

- ``episode.mp3``: 44.1 kHz CBR MP3, loudness-normalized, ID3v2.4 tags with cover art and
  one chapter per segment;
- ``transcript.vtt`` (``<v Speaker>`` cues), ``transcript.srt``, ``chapters.json``
  (Podcasting 2.0), ``script.md`` (what was said), ``episode.json`` (what the feed needs).

The folder is built beside the old one and swapped in only when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from podcast import fsutil
from podcast.audio import ffmpeg
from podcast.config import Show
from podcast.errors import AudioError, ConfigError, UnknownNameError
from podcast.hanzi import localize, page_language
from podcast.model import Chapter, Episode, Post, Script, Segment
from podcast.pacing import GAP_BEFORE_OUTRO, GAP_BETWEEN_SEGMENTS, overhead_seconds
from podcast.profiles import VoiceProfile, VoiceSet, load_voice_set
from podcast.render import jingle
from podcast.render.cover import Cover, generate_cover, load_cover
from podcast.render.loudness import TARGET_MONO, TARGET_STEREO, TRUE_PEAK_CEILING, normalize_to_mp3
from podcast.render.output import episode_dir, known_guid, remember_guid, slugify, staged_folder
from podcast.render.tags import Tags, write_tags
from podcast.render.transcript import Cue, to_chapters_json, to_srt, to_vtt
from podcast.script import Summarizer, frame_texts, load_summarizer
from podcast.script.memo import write_script_cached
from podcast.script.scriptfile import to_markdown
from podcast.script.text import speech_units, split_attribution
from podcast.speech import SAMPLE_RATE, AutoEngine, Spoken, load_engine, speak, speak_parts
from podcast.speech.base import Audio, Engine, Prosody
from podcast.speech.cache import SegmentCache

__all__ = ["RenderOptions", "Rendered", "render"]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances."""

FIT_TOLERANCE = 0.03
"""Re-budget when the first take misses the target by more than this share."""
FIT_LIMIT = 0.10
"""The promise: a long-enough post lands within ±10 % of the target."""
RATE_RANGE = (0.9, 1.1)
"""How far the speaking rate may be nudged to land on the target."""
FILES = {
    "audio": "episode.mp3",
    "vtt": "transcript.vtt",
    "srt": "transcript.srt",
    "chapters": "chapters.json",
    "script": "script.md",
    "meta": "episode.json",
}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render, beyond what the show and the script say."""

    output_root: Path
    """The output folder (episodes go to ``<root>/episodes/<slug>``)."""
    engine: str | None = None
    """Speech engine; None: the script's (for a script) or the show's (for a post)."""
    target_seconds: float | None = None
    """Episode length; None: the show's ``minutes``."""
    summarizer: str = "extractive"
    """How a post is condensed."""
    fit: bool = True
    """Close the loop on duration (re-budget with the measured pace, nudge the rate)."""
    slug: str | None = None
    """The episode's folder name; None: from the post's file name or title."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """The outcome of a render."""

    episode: Episode
    """What was written (``episode.json``)."""
    folder: Path
    """The episode folder."""
    synthesized: int
    """Sentences the engine spoke (cache misses) in the final take."""
    reused: int
    """Sentences taken from the cache in the final take."""
    takes: int
    """How many times the script was voiced to fit the target."""


def render(
    source: Post | Script,
    show: Show,
    options: RenderOptions,
    *,
    cache: SegmentCache | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Render ``source`` (a post, or a script written or edited earlier) as an episode."""
    cache = cache or SegmentCache()
    report = progress or (lambda stage, done, total: None)
    warnings: list[str] = []

    engine_name = options.engine or (source.engine if isinstance(source, Script) else show.engine)
    lexicon = tuple(p for p in [show.root / "voices" / "lexicon.toml"] if p.is_file())
    engine = load_engine(engine_name, lexicon_paths=lexicon)
    if isinstance(engine, AutoEngine):
        engine, note = engine.choose()
        if note:
            warnings.append(note)
    voices_dir = show.root / "voices"
    voices = load_voice_set(engine.name, source.language, voices_dir if voices_dir.is_dir() else None)
    target = options.target_seconds or (source.target_seconds if isinstance(source, Script) else show.minutes * 60.0)

    cover = _cover(show, options.output_root)
    warnings += cover.warnings
    jingles = (_jingle(show, "jingle_in"), _jingle(show, "jingle_out"))
    jingle_seconds = sum(len(j) for j in jingles) / SAMPLE_RATE

    takes = 0
    if isinstance(source, Post):
        summarizer = load_summarizer(options.summarizer)
        # The intro and outro are known before the summary: voice them while the
        # summarizer loads its dictionaries (model inference releases the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            framing = pool.submit(
                lambda: [
                    speak(text, voices.narrator_profile().prosody, engine, cache)
                    for text in frame_texts(source, show, target)
                ]
            )
            script, _ = write_script_cached(
                source, show=show, voices=voices, target_seconds=target, summarizer=summarizer,
                jingle_seconds=jingle_seconds, root=cache.root.parent,
            )  # fmt: skip
            prevoiced = sum(s.synthesized for s in framing.result())
        spoken = _voice(script, engine, voices, cache, report)
        takes = 1
        if options.fit:
            script, spoken, extra_takes, fit_notes = _fit(
                source,
                script,
                spoken,
                target,
                jingle_seconds,
                show,
                voices,
                summarizer,
                engine,
                cache,
                report,
            )
            takes += extra_takes
            warnings += fit_notes
    else:
        script = source
        spoken = _voice(script, engine, voices, cache, report)
        takes = 1
        prevoiced = 0
    for voiced in spoken:
        warnings += [w for w in voiced.audio.warnings if w not in warnings]

    report("assembling", 0, 1)
    samples, spans = assemble([s.audio for s in spoken], script.segments, jingles)
    slug = options.slug or _slug(source, script)
    folder = episode_dir(options.output_root, slug)
    previous = _previous(folder)

    with staged_folder(folder) as stage:
        wav = stage / "timeline.wav"
        _write_wav(wav, samples)
        report("loudness", 0, 1)
        loudness = normalize_to_mp3(
            wav,
            stage / FILES["audio"],
            target=TARGET_STEREO if show.channels == 2 else TARGET_MONO,
            ceiling=TRUE_PEAK_CEILING,
            bitrate_kbps=show.bitrate_kbps,
            channels=show.channels,
        )
        wav.unlink()
        report("writing", 0, 1)
        duration = loudness.duration or decoded_duration(stage / FILES["audio"])
        chapters = _chapters(script.segments, spans, duration, script.language)
        episode_date = script.date or (previous.date if previous else None)
        if episode_date is None:
            episode_date = dt.datetime.now(dt.UTC).date().isoformat()
            warnings.append(f"the post has no date: the episode is dated {episode_date}")
        write_tags(
            stage / FILES["audio"],
            Tags(
                title=script.title,
                artist=script.author or show.author or show.title,
                album=show.title,
                date=episode_date,
                comment=_source_url(source) or script.source,
                language="chi" if script.language.lower().startswith("zh") else "eng",
            ),
            chapters,
            cover.thumbnail_jpeg,
            "image/jpeg",
        )
        cues = _cues(script.segments, spoken, spans, duration)
        fsutil.write_text(stage / FILES["vtt"], to_vtt(cues, page_language(script.language)))
        fsutil.write_text(stage / FILES["srt"], to_srt(cues))
        fsutil.write_text(stage / FILES["chapters"], to_chapters_json(chapters, title=script.title))
        fsutil.write_text(stage / FILES["script"], to_markdown(script))
        mp3 = (stage / FILES["audio"]).read_bytes()
        episode = Episode(
            slug=slug,
            guid=(previous.guid if previous else None) or known_guid(options.output_root, slug) or str(uuid.uuid4()),
            title=script.title,
            date=episode_date,
            author=script.author,
            language=script.language,
            source=script.source,
            description=_description(script),
            audio=FILES["audio"],
            duration=duration,
            size=len(mp3),
            sha256=hashlib.sha256(mp3).hexdigest(),
            chapters=tuple(chapters),
            files={k: v for k, v in FILES.items() if k not in ("audio", "meta")},
            engine=engine.name,
            voices=_voices_used(script, voices, engine),
            speakers=tuple(dict.fromkeys(s.speaker for s in script.segments if s.role == "turn")),
            loudness={
                "integrated": loudness.integrated,
                "true_peak": loudness.true_peak,
                "lra": loudness.lra,
            },
            warnings=tuple(warnings),
            rendered=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        )
        fsutil.write_text(stage / FILES["meta"], json.dumps(episode.to_json(), ensure_ascii=False, indent=2) + "\n")
    remember_guid(options.output_root, slug, episode.guid)
    # The intro and outro voiced ahead of time count as synthesized, not as cache hits.
    synthesized = sum(s.synthesized for s in spoken) + prevoiced
    reused = sum(s.reused for s in spoken) - prevoiced
    return Rendered(episode, folder, synthesized, reused, takes)


# ---------------------------------------------------------------- voicing


def profile_for(segment: Segment, script: Script, voices: VoiceSet, engine: Engine) -> VoiceProfile:
    """The voice profile that speaks ``segment``.

    The segment's own profile when this engine has it; an engine voice id used directly
    (``zh-CN-YunxiNeural``); else by role: the narrator for the host, the speakers' list
    for turns. A profile name the script's own engine does not know is an error.
    """
    name = segment.voice
    if name:
        if name in voices.profiles:
            return voices.profiles[name]
        if name in engine.voices():
            return VoiceProfile(name=name, engine=engine.name, voice=name, language=voices.language)
        if script.engine == engine.name:
            known = ", ".join(sorted(voices.profiles))
            raise UnknownNameError(
                f"the script names voice {name!r}, which engine {engine.name} does not have (known: {known})"
            )
    if segment.role != "turn":
        return voices.narrator_profile()
    speakers = list(dict.fromkeys(s.speaker for s in script.segments if s.role == "turn"))
    return voices.profiles[voices.assign(speakers)[segment.speaker]]


def _voice(script: Script, engine: Engine, voices: VoiceSet, cache: SegmentCache, report: Progress) -> list[Spoken]:
    from podcast.speech import sentences_of

    total = sum(len(sentences_of(s.text)) for s in script.segments)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        report("voicing", done, total)

    report("voicing", 0, total)
    return [speak_parts(_parts(s, script, voices, engine), engine, cache, on_sentence=tick) for s in script.segments]


def _parts(segment: Segment, script: Script, voices: VoiceSet, engine: Engine) -> list[tuple[str, Prosody]]:
    """What each voice says in ``segment``: in the voiced style the host says a turn's
    attribution (``李老师说：``) and the speaker's profile the words; else one voice."""
    profile = profile_for(segment, script, voices, engine)
    if script.style == "voiced" and segment.role == "turn":
        attribution, words = split_attribution(segment.text, segment.speaker)
        if attribution:
            return [(attribution, voices.narrator_profile().prosody), (words, profile.prosody)]
    return [(segment.text, profile.prosody)]


def _episode_seconds(spoken: Sequence[Spoken], jingle_seconds: float) -> float:
    speech = sum(s.audio.duration for s in spoken)
    return speech + overhead_seconds(len(spoken)) - overhead_seconds(0) + jingle_seconds


def _fit(
    post: Post,
    script: Script,
    spoken: list[Spoken],
    target: float,
    jingle_seconds: float,
    show: Show,
    voices: VoiceSet,
    summarizer: Summarizer,
    engine: Engine,
    cache: SegmentCache,
    report: Progress,
) -> tuple[Script, list[Spoken], int, list[str]]:
    """Close the loop: re-budget with the pace the voices really had; nudge the rate if needed."""
    takes = 0
    notes: list[str] = []
    for _ in range(3):
        length = _episode_seconds(spoken, jingle_seconds)
        if abs(length - target) <= FIT_TOLERANCE * target:
            return script, spoken, takes, notes
        if length < target and _kept_whole(post, script):
            notes.append(f"the post is short: the episode is {length:.0f} s (target {target:.0f} s), never padded")
            return script, spoken, takes, notes
        voices = _with_measured_pace(voices, script, spoken)
        script, _ = write_script_cached(
            post, show=show, voices=voices, target_seconds=target, summarizer=summarizer,
            jingle_seconds=jingle_seconds, root=cache.root.parent,
        )  # fmt: skip
        spoken = _voice(script, engine, voices, cache, report)
        takes += 1
    length = _episode_seconds(spoken, jingle_seconds)
    if length > target * (1 + FIT_LIMIT):
        # Whole sentences overshoot: speak a little faster (within a natural range).
        speech = sum(s.audio.duration for s in spoken)
        factor = min(RATE_RANGE[1], speech / max(1.0, speech - (length - target)))
        faster = VoiceSet(
            voices.engine,
            voices.language,
            {k: replace(p, rate=p.rate * factor) for k, p in voices.profiles.items()},
            voices.narrator,
            voices.speakers,
        )
        spoken = _voice(script, engine, faster, cache, report)
        takes += 1
        notes.append(f"spoke {factor:.2f}× faster to land near {target:.0f} s")
    return script, spoken, takes, notes


def _kept_whole(post: Post, script: Script) -> bool:
    source = sum(speech_units(t.text, post.language) for t in post.turns)
    said = sum(speech_units(s.text, post.language) for s in script.segments if s.role in ("turn", "bridge"))
    return said >= 0.9 * source


def _with_measured_pace(voices: VoiceSet, script: Script, spoken: Sequence[Spoken]) -> VoiceSet:
    units = sum(speech_units(s.text, script.language) for s in script.segments)
    seconds = sum(s.audio.duration for s in spoken)
    pace = units / seconds if seconds else voices.narrator_profile().pace()
    narrator = voices.narrator_profile()
    measured = (
        replace(narrator, chars_per_second=pace)
        if script.language.lower().startswith("zh")
        else replace(narrator, words_per_second=pace)
    )
    return VoiceSet(
        voices.engine,
        voices.language,
        {**voices.profiles, narrator.name: measured},
        voices.narrator,
        voices.speakers,
    )


def _voices_used(script: Script, voices: VoiceSet, engine: Engine) -> dict[str, str]:
    used: dict[str, str] = {}
    for segment in script.segments:
        used.setdefault(segment.speaker, profile_for(segment, script, voices, engine).voice)
    return used


# ---------------------------------------------------------------- assembly


def assemble(
    clips: Sequence[Audio],
    segments: Sequence[Segment],
    jingles: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]],
) -> tuple[npt.NDArray[np.float32], list[tuple[int, int]]]:
    """The episode's timeline at ``SAMPLE_RATE``, and each segment's (start, end) in samples.

    Opening sting, the segments with pauses (a longer one before the sign-off), closing
    sting. Assembled with pydub, which also fades the stings' edges.
    """
    AudioSegment = _pydub()

    def segment_of(samples: npt.NDArray[np.float32]) -> Any:
        pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
        return AudioSegment(pcm.tobytes(), frame_rate=SAMPLE_RATE, sample_width=2, channels=1)

    def silence(seconds: float) -> Any:
        return AudioSegment.silent(duration=0, frame_rate=SAMPLE_RATE) + segment_of(
            np.zeros(round(seconds * SAMPLE_RATE), np.float32)
        )

    opening, closing = (segment_of(j) for j in jingles)
    if len(opening):
        opening = opening.fade_in(20).fade_out(300)
    if len(closing):
        closing = closing.fade_in(20).fade_out(600)
    timeline = opening
    spans: list[tuple[int, int]] = []
    for index, (clip, segment) in enumerate(zip(clips, segments, strict=True)):
        if index:
            timeline += silence(GAP_BEFORE_OUTRO if segment.role == "outro" else GAP_BETWEEN_SEGMENTS)
        start = int(timeline.frame_count())
        timeline += segment_of(clip.samples)
        spans.append((start, int(timeline.frame_count())))
    timeline += closing
    samples = np.frombuffer(timeline.raw_data, dtype="<i2").astype(np.float32) / 32767.0
    return samples, spans


def _pydub() -> Any:
    """pydub's AudioSegment, pointed at our ffmpeg (its import warns when ffmpeg is not on PATH)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg.ffmpeg_path()
    return AudioSegment


def _write_wav(path: Path, samples: npt.NDArray[np.float32]) -> None:
    import wave

    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm.tobytes())
    except OSError as exc:
        from podcast.errors import OutputError
        from podcast.fsutil import describe_os_error

        raise OutputError(describe_os_error(exc, path)) from exc


def decoded_duration(path: Path) -> float:
    """Seconds of audio ffmpeg decodes from ``path`` (what a player plays)."""
    return len(ffmpeg.decode_file(str(path), sample_rate=8000)) / 8000


def _chapters(
    segments: Sequence[Segment], spans: Sequence[tuple[int, int]], duration: float, language: str
) -> list[Chapter]:
    """One chapter per segment; each runs until the next begins (the first from 0, the
    last to the end), so they tile the episode without gaps or overlaps."""
    chapters: list[Chapter] = []
    for index, (segment, (start, _)) in enumerate(zip(segments, spans, strict=True)):
        begin = 0.0 if index == 0 else start / SAMPLE_RATE
        end = spans[index + 1][0] / SAMPLE_RATE if index + 1 < len(spans) else duration
        chapters.append(Chapter(round(begin, 3), round(min(end, duration), 3), chapter_title(segment, language)))
    return chapters


def chapter_title(segment: Segment, language: str = "zh") -> str:
    """What a podcast app lists for a segment, in the post's characters.

    >>> chapter_title(Segment("turn", "李老师", "李老师说：纠结有日子了，今天算是搞明白了，关于无损压缩的问题。"))
    '李老师：纠结有日子了，今天算是搞明白了，关于无损…'
    >>> chapter_title(Segment("intro", "小雅", "我是小雅。")), chapter_title(Segment("outro", "小雅", "見。"), "zh-TW")
    ('开场', '結束語')
    >>> chapter_title(Segment("turn", "陳行長", "陳行長說：對，這個習慣是在重慶養成的。"), "zh-Hant")
    '陳行長：對，這個習慣是在重慶養成的。'
    """
    zh = any("\u3400" <= ch <= "\u9fff" for ch in segment.text)
    if segment.role == "intro":
        return localize("开场", language) if zh else "Intro"
    if segment.role == "outro":
        return localize("结束语", language) if zh else "Sign-off"
    text = split_attribution(segment.text, segment.speaker)[1]
    limit = 20 if zh else 48
    short = text
    if len(text) > limit:
        cut = text[:limit]
        if text[limit].isascii() and text[limit].isalnum():
            cut = re.sub(r"[A-Za-z0-9'’-]+$", "", cut)  # never cut inside an English word
        short = cut.rstrip("，,；;：: ") + "…"
    return f"{segment.speaker}{'：' if zh else ': '}{short}"


def _cues(
    segments: Sequence[Segment], spoken: Sequence[Spoken], spans: Sequence[tuple[int, int]], duration: float
) -> list[Cue]:
    cues: list[Cue] = []
    for segment, voiced, (start, _) in zip(segments, spoken, spans, strict=True):
        offset = start / SAMPLE_RATE
        for timing in voiced.audio.timings:
            begin = min(duration, offset + timing.start)
            end = min(duration, offset + timing.end)
            if end > begin:
                cues.append(Cue(round(begin, 3), round(end, 3), segment.speaker, timing.text))
    return cues


# ---------------------------------------------------------------- inputs


def _jingle(show: Show, key: str) -> npt.NDArray[np.float32]:
    setting = getattr(show, key)
    if setting is None:
        return jingle.intro_sting(SAMPLE_RATE) if key == "jingle_in" else jingle.outro_sting(SAMPLE_RATE)
    if setting.lower() == "none":
        return np.zeros(0, np.float32)
    path = (show.root / setting).resolve()
    if not path.is_file():
        raise ConfigError(f"audio.{key}: {path} does not exist")
    try:
        samples = ffmpeg.decode_file(str(path), sample_rate=SAMPLE_RATE)
    except AudioError as exc:
        raise AudioError(f"audio.{key}: {path} is not an audio file ffmpeg can read ({exc})") from exc
    if len(samples) == 0:
        raise AudioError(f"audio.{key}: {path} holds no audio")
    peak = float(np.max(np.abs(samples)))
    return (samples / peak * 0.7).astype(np.float32) if peak > 0 else samples


def _cover(show: Show, output_root: Path) -> Cover:
    """The show's image, or the generated cover (also written as ``<output>/cover.png``)."""
    if show.image:
        return load_cover((show.root / show.image).resolve())
    cover = generate_cover(show.title, show.author or "")
    target = output_root / "cover.png"
    if not target.exists() or target.read_bytes() != cover.png:
        fsutil.write_bytes(target, cover.png)
    return cover


def _slug(source: Post | Script, script: Script) -> str:
    if isinstance(source, Post) and source.metadata.get("slug"):
        return slugify(str(source.metadata["slug"]))
    stem = Path(script.source).stem if script.source and not script.source.startswith("<") else ""
    if stem and stem != "script":
        return slugify(stem, fallback_seed=script.source)
    return slugify(script.title, fallback_seed=script.source)


def _previous(folder: Path) -> Episode | None:
    """The episode already published in ``folder``, if any (its guid and date are kept)."""
    meta = folder / FILES["meta"]
    try:
        return Episode.from_json(json.loads(meta.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _source_url(source: Post | Script) -> str | None:
    if isinstance(source, Post):
        for key in ("url", "source_url", "link"):
            value = source.metadata.get(key)
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return value
    return None


def _description(script: Script) -> str:
    """The feed's summary: what is said after the intro, cut at a sentence near 280 characters."""
    joiner = "" if script.language.lower().startswith("zh") else " "
    body = joiner.join(s.text for s in script.segments if s.role in ("turn", "bridge"))
    if len(body) <= 280:
        return body
    cut = max(body.rfind(mark, 0, 280) for mark in "。！？.!?")
    return body[: cut + 1] if cut > 80 else body[:280] + "…"
