"""Remembering written scripts: a render of an unchanged post skips the summarizer.

The key covers everything ``write_script`` reads: the post, the show's framing, the
narrator's pace, the target, the jingle length, the summarizer and this package's version.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from podcast import __version__, fsutil
from podcast.config import Show
from podcast.errors import OutputError
from podcast.model import Post, Script
from podcast.paths import cache_dir
from podcast.profiles import VoiceSet
from podcast.script import Plan, Summarizer, write_script
from podcast.script.scriptfile import from_markdown, to_markdown

REVISION = 1


def script_key(
    post: Post,
    show: Show,
    voices: VoiceSet,
    target: float,
    summarizer: Summarizer,
    jingle_seconds: float | None,
) -> str:
    """The content address of one ``write_script`` call."""
    narrator = voices.narrator_profile()
    material = {
        "revision": REVISION,
        "version": __version__,
        "post": post.to_json(),
        "metadata": {k: str(v) for k, v in post.metadata.items()},
        "framing": [
            asdict(show.framing),
            asdict(show.framing_en),
            asdict(show.framing_hant) if show.framing_hant else None,
        ],
        "author": show.author,
        "voices": [voices.engine, voices.narrator, list(voices.speakers), narrator.pace()],
        "pinned": dict(show.speaker_voices),
        "target": round(target, 3),
        "summarizer": getattr(summarizer, "identity", summarizer.name),
        "jingles": None if jingle_seconds is None else round(jingle_seconds, 3),
    }
    text = json.dumps(material, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_script_cached(
    post: Post,
    *,
    show: Show,
    voices: VoiceSet,
    target_seconds: float,
    summarizer: Summarizer,
    jingle_seconds: float | None = None,
    root: Path | None = None,
) -> tuple[Script, Plan]:
    """``write_script``, answered from the cache when the same call was made before."""
    key = script_key(post, show, voices, target_seconds, summarizer, jingle_seconds)
    path = (root or cache_dir()) / "scripts" / key[:2] / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        plan = data["plan"]
        return from_markdown(data["script"], post.source), Plan(**{**plan, "notes": tuple(plan.get("notes", ()))})
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a miss, or an entry from elsewhere: write it again
    script, plan = write_script(
        post, show=show, voices=voices, target_seconds=target_seconds, summarizer=summarizer,
        jingle_seconds=jingle_seconds,
    )  # fmt: skip
    if plan.notes:
        return script, plan  # a fallback (the model was down): ask again next time
    # A read-only cache only costs time here; the segment cache reports it.
    with contextlib.suppress(OutputError):
        fsutil.write_text(path, json.dumps({"script": to_markdown(script), "plan": asdict(plan)}, ensure_ascii=False))
    return script, plan
