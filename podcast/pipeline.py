"""The pipeline, declared once: parse → script → voice → assemble → write.

Every command and the library API go through here: ``podcast parse``/``script``/``render``/
``say``, a batch's workers, and :func:`render` for programs. A :class:`Context` is built once
per run from the show and the command's settings; it decides everything the stages share —
the engine (``auto`` is decided here), the voice profiles, the lexicon, the jingles and their
length, the summarizer, the output folder, the cache — so the script ``podcast script`` writes
is the script ``podcast render`` voices.

Settings obey one precedence, applied in :meth:`Settings.resolve` only: a command's flag, then
the environment (``PODCAST_ENGINE``, ``PODCAST_SUMMARIZER``, ``PODCAST_OUTPUT``), then
``podcast.toml``, then the default.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from podcast import episodes, identity, web
from podcast.config import Show
from podcast.errors import UnknownNameError
from podcast.model import Episode, Post, Script
from podcast.parse.source import DEFAULT_MAX_BYTES
from podcast.profiles import VoiceProfile, VoiceSet, load_voice_set
from podcast.render import assembly, fitting, voicing
from podcast.render.jingle import show_jingles
from podcast.render.writing import Identity, write_folder
from podcast.script import Plan, Summarizer, frame_texts, load_summarizer
from podcast.script import write_script as _write_script
from podcast.script.memo import write_script_cached
from podcast.speech import SAMPLE_RATE, AutoEngine, Spoken, load_engine, speak, speak_segments
from podcast.speech.base import Engine, Prosody
from podcast.speech.cache import SegmentCache

__all__ = ["STAGES", "Context", "RenderOptions", "Rendered", "Settings", "read_post", "render", "say", "write_script"]

STAGES = ("parse", "script", "voice", "assemble", "write")
"""The stages, in order. Progress is reported by these names (plus ``loudness`` inside write)."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances."""

ENVIRONMENT = {"engine": "PODCAST_ENGINE", "summarizer": "PODCAST_SUMMARIZER", "output_root": "PODCAST_OUTPUT"}
"""The environment variable of each setting that has one."""
DEFAULT_ENGINE = "offline"
DEFAULT_SUMMARIZER = "extractive"


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run asks for beyond the show: a command's flags (None: not given)."""

    engine: str | None = None
    """Speech engine (``offline``, ``edge``, ``auto`` or a plugin's name)."""
    summarizer: str | None = None
    """How a post is condensed."""
    target_seconds: float | None = None
    """Episode length."""
    output_root: Path | None = None
    """Where episodes are written."""
    model: str | None = None
    """The model a model-based summarizer asks (``--model``; else its ``[summarizer.NAME]``)."""
    force: bool = False
    """Ask the summarizer's model again instead of reusing its cached answer."""

    def resolve(self, show: Show, script: Script | None = None) -> Settings:
        """Every setting decided: flag > environment > the script's own (for an edited
        script: its engine and length) > ``podcast.toml`` > default."""

        def env(key: str) -> str | None:
            return os.environ.get(ENVIRONMENT[key]) or None

        output = env("output_root")
        return Settings(
            engine=_first(self.engine, env("engine"), script.engine if script else None, show.engine, DEFAULT_ENGINE),
            summarizer=_first(self.summarizer, env("summarizer"), DEFAULT_SUMMARIZER),
            target_seconds=_first(self.target_seconds, script.target_seconds if script else None, show.minutes * 60.0),
            output_root=_first(self.output_root, Path(output) if output else None, show.root / show.output),
            model=self.model,
            force=self.force,
        )


T = TypeVar("T")


def _first(*values: T | None) -> T:
    found = next((v for v in values if v is not None and v != ""), None)
    assert found is not None  # the last value is always a default
    return found


class Context:
    """Everything the stages share, built once from the show and the resolved settings.

    What is costly (the engine, its voice profiles, the jingles, the summarizer) is made on
    first use and kept for the run.
    """

    def __init__(self, show: Show, settings: Settings | None = None, *, cache: SegmentCache | None = None) -> None:
        self.show = show
        self.settings = (settings or Settings()).resolve(show)
        self.cache = cache or SegmentCache()
        self.notes: list[str] = []
        """What the listener should know about the run (the edge voices were unavailable…)."""

    @property
    def engine_name(self) -> str:
        assert self.settings.engine is not None
        return self.settings.engine

    @property
    def target_seconds(self) -> float:
        assert self.settings.target_seconds is not None
        return self.settings.target_seconds

    @property
    def output_root(self) -> Path:
        assert self.settings.output_root is not None
        return self.settings.output_root

    @property
    def voices_dir(self) -> Path | None:
        """The show's own ``voices/`` folder (profiles and lexicon), if it has one."""
        folder = self.show.root / "voices"
        return folder if folder.is_dir() else None

    @property
    def lexicon_paths(self) -> tuple[Path, ...]:
        """The show's lexicon, if it has one."""
        path = self.show.root / "voices" / "lexicon.toml"
        return (path,) if path.is_file() else ()

    @cached_property
    def engine(self) -> Engine:
        """The engine, with the show's lexicon; ``auto`` decided once, for the whole run."""
        engine = load_engine(self.engine_name, lexicon_paths=self.lexicon_paths)
        if isinstance(engine, AutoEngine):
            engine, note = engine.choose()
            if note:
                self.notes.append(note)
        return engine

    def voices(self, language: str) -> VoiceSet:
        """The engine's voice profiles for ``language``, with the show's overrides."""
        return load_voice_set(self.engine.name, language, self.voices_dir)

    @cached_property
    def jingles(self) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """The opening and closing stings."""
        return show_jingles(self.show, SAMPLE_RATE, self.cache.root.parent)

    @property
    def jingle_seconds(self) -> float:
        """How long the stings are: every script is budgeted with it."""
        return sum(len(j) for j in self.jingles) / SAMPLE_RATE

    @cached_property
    def summarizer(self) -> Summarizer:
        """The summarizer the settings name."""
        name = self.settings.summarizer
        assert name is not None
        return load_summarizer(
            name,
            settings=self.show.summarizers.get(name, {}),
            model=self.settings.model,
            cache_dir=self.cache.root.parent,
            force=self.settings.force,
        )


# ---------------------------------------------------------------- parse, script


def read_post(source: str | Path, context: Context, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Post:
    """Parse stage: the post at ``source`` — a file, or a web address (fetched) — with the
    show's speaker aliases. ``max_bytes`` caps the file, or the page as decoded."""
    return web.read_post(source, max_bytes=max_bytes, aliases=context.show.aliases)


def write_script(post: Post, context: Context) -> tuple[Script, Plan]:
    """Script stage: the post's broadcast script, budgeted with the engine's narrator pace,
    the show's real jingles and the context's summarizer — exactly as a render writes it."""
    return _write_script(
        post,
        show=context.show,
        voices=context.voices(post.language),
        target_seconds=context.target_seconds,
        summarizer=context.summarizer,
        jingle_seconds=context.jingle_seconds,
    )


# ---------------------------------------------------------------- render


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render, beyond what the show and the script say (None: the show's, or the
    environment's; see :class:`Settings`)."""

    output_root: Path | None = None
    """The output folder (episodes go to ``<root>/episodes/<slug>``)."""
    engine: str | None = None
    """Speech engine; None: the environment's, the script's (for a script) or the show's."""
    target_seconds: float | None = None
    """Episode length; None: the show's ``minutes`` (a script's own length for a script)."""
    summarizer: str | None = None
    """How a post is condensed; None: ``$PODCAST_SUMMARIZER`` or ``extractive``."""
    fit: bool = True
    """Close the loop on duration (re-budget with the measured pace, nudge the rate)."""
    slug: str | None = None
    """The episode's folder name; None: from the post's file name or title."""
    model: str | None = None
    """The model a model-based summarizer asks."""
    force: bool = False
    """Ask the summarizer's model again."""

    @property
    def settings(self) -> Settings:
        """The settings these options give."""
        return Settings(self.engine, self.summarizer, self.target_seconds, self.output_root, self.model, self.force)


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
    options: RenderOptions | None = None,
    *,
    cache: SegmentCache | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Render ``source`` (a post, or a script written or edited earlier) as an episode."""
    options = options or RenderOptions()
    settings = options.settings
    if isinstance(source, Script):
        settings = replace(settings, engine=settings.engine or os.environ.get(ENVIRONMENT["engine"]) or source.engine)
        if settings.target_seconds is None:
            settings = replace(settings, target_seconds=source.target_seconds)
    context = Context(show, settings, cache=cache)
    return render_in(context, source, fit=options.fit, slug=options.slug, progress=progress)


def render_in(
    context: Context,
    source: Post | Script,
    *,
    fit: bool = True,
    slug: str | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Run the stages on ``source`` in ``context``: script (for a post), voice, assemble, write."""
    report = progress or (lambda stage, done, total: None)
    engine, cache, show = context.engine, context.cache, context.show
    voices = context.voices(source.language)
    target = context.target_seconds
    episodes.check_output(context.output_root)
    warnings: list[str] = list(context.notes)
    jingle_seconds = context.jingle_seconds

    def voice(script: Script, voices: VoiceSet) -> list[Spoken]:
        return voicing.voice(script, engine, voices, cache, report)

    takes, prevoiced = 1, 0
    if isinstance(source, Post):
        report("script", 0, 1)

        def rewrite(voices: VoiceSet) -> Script:
            writer = _write_script if context.settings.force else write_script_cached
            options = {} if context.settings.force else {"root": cache.root.parent}
            script, plan = writer(
                source, show=show, voices=voices, target_seconds=target, summarizer=context.summarizer,
                jingle_seconds=jingle_seconds, **options,
            )  # fmt: skip
            warnings.extend(n for n in plan.notes if n not in warnings)
            return script

        # The intro and outro are known before the summary: voice them while the summarizer
        # loads its dictionaries (model inference releases the GIL). The voice loads first:
        # loading holds the GIL, so two loads at once would only delay the speaking. The
        # script's voicing starts as soon as it is written, and takes the intro and outro
        # from the cache as they are done (it never says them a second time).
        pool = ThreadPoolExecutor(max_workers=1)
        ready = threading.Event()
        try:
            narrator = voices.narrator_profile().prosody
            # The show's own image is checked before anything is voiced (a bad one fails
            # the render at once); a generated cover is drawn while the voice loads.
            cover = episodes.show_cover(show, context.output_root) if show.image else None
            framing = pool.submit(_voice_framing, frame_texts(source, show, target), narrator, engine, cache, ready)
            cover = cover or episodes.show_cover(show, context.output_root)
            warnings += cover.warnings
            ready.wait()
            script = rewrite(voices)
            release = getattr(context.summarizer, "release", None)
            if callable(release):
                release()  # its tables are not needed while the script is voiced
            spoken = voice(script, voices)
            prevoiced = sum(s.synthesized for s in framing.result())
        finally:
            # Never wait here for a voice that hangs: a stopped render (Ctrl-C, a batch's
            # deadline) must end now.
            pool.shutdown(wait=False, cancel_futures=True)
        if fit:
            script, spoken, extra, notes = fitting.fit(
                source, script, spoken, target, jingle_seconds, voices, rewrite, voice
            )
            takes += extra
            warnings += notes
    else:
        cover = episodes.show_cover(show, context.output_root)
        warnings += cover.warnings
        script = source
        spoken = voice(script, voices)
    for voiced in spoken:
        warnings += [w for w in voiced.audio.warnings if w not in warnings]

    report("assemble", 0, 1)
    timeline = assembly.assemble([s.audio for s in spoken], script.segments, context.jingles)
    pinned_slug = slug is not None or (isinstance(source, Post) and source.slug is not None)
    slug = slug or episodes.slug_for(source, script)
    folder = episodes.episode_dir(context.output_root, slug)
    previous, damage = episodes.read_episode(folder)
    if damage:
        warnings.append(f"{damage}: its guid and first date are taken from the show's records")
    found = _identity(context, source, script, slug, pinned_slug, previous.guid if previous else None)
    if found.renamed_from:
        warnings.append(f"renamed from {found.renamed_from}: the episode keeps its guid and its folder")
    if found.slug != slug:
        slug, folder = found.slug, episodes.episode_dir(context.output_root, found.slug)
        previous, _ = episodes.read_episode(folder)
    guid = found.guid
    who = Identity(slug, guid, script.date or (previous.date if previous else None), _source_url(source))
    report("write", 0, 1)
    with episodes.staged_folder(folder) as stage:
        episode = write_folder(
            stage, script, spoken, timeline, who, show, engine=engine.name,
            voices=voicing.voices_used(script, voices, engine), thumbnail=cover.thumbnail_jpeg, warnings=warnings,
            cache_root=cache.root.parent,
        )  # fmt: skip
    # The intro and outro voiced ahead of time count as synthesized, not as cache hits.
    synthesized = sum(s.synthesized for s in spoken) + prevoiced
    reused = sum(s.reused for s in spoken) - prevoiced
    return Rendered(episode, folder, synthesized, reused, takes)


def _voice_framing(
    texts: tuple[str, str], narrator: Prosody, engine: Engine, cache: SegmentCache, ready: threading.Event
) -> list[Spoken]:
    """The intro and outro, voiced; ``ready`` is set once the voice is loaded (or failed)."""
    try:
        return speak_segments([[(text, narrator)] for text in texts], engine, cache, on_ready=ready.set)
    finally:
        ready.set()


def _identity(
    context: Context, source: Post | Script, script: Script, slug: str, pinned: bool, earlier: str | None
) -> identity.Found:
    """The episode's slug and guid from the show's identity file (beside ``podcast.toml``),
    recorded there; a show without a ``podcast.toml`` keeps them in the episode folder only."""
    pinned_guid = source.guid if isinstance(source, Post) else None
    if context.show.path is None:
        guid = pinned_guid or earlier or episodes.known_guid(context.output_root, slug) or episodes.new_guid()
        return identity.Found(slug, guid)
    with identity.editing(identity.path_for(context.show.root)) as known:
        identity.import_legacy(known, context.output_root)
        return identity.settle(
            known, slug=slug, source=script.source, show_root=context.show.root, pinned_guid=pinned_guid,
            pinned_slug=pinned, fallback_guid=earlier,
        )  # fmt: skip


def _source_url(source: Post | Script) -> str | None:
    return source.source_url if isinstance(source, Post) else None


# ---------------------------------------------------------------- say


def say(text: str, context: Context, language: str, voice: str | None = None) -> tuple[Spoken, VoiceProfile]:
    """Speak ``text`` with a profile (``voice``: a profile name or an engine voice id;
    default: the narrator for ``language``) through the cache."""
    engine = context.engine
    voices = context.voices(language)
    if voice is None:
        profile = voices.narrator_profile()
    elif voice in voices.profiles:
        profile = voices.profiles[voice]
    elif voice in engine.voices():
        profile = VoiceProfile(name=voice, engine=engine.name, voice=voice, language=language)
    else:
        known = ", ".join([*sorted(voices.profiles), *engine.voices()])
        raise UnknownNameError(f"unknown voice {voice!r} for engine {engine.name} (known: {known})")
    return speak(text, profile.prosody, engine, context.cache), profile
