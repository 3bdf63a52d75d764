"""Publishing: the podcast feed and the static site, built from rendered episodes.

``publish`` reads every ``<output>/episodes/*/episode.json`` and writes ``feed.xml`` (RSS 2.0 +
itunes + Podcasting 2.0), ``index.html`` and one page per episode, and the cover. Nothing
published is lost by accident: an episode folder that cannot be read keeps its previous feed
entry, and guids come from the episode's first render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from podcast import fsutil
from podcast.config import Show
from podcast.errors import ConfigError, FeedError, OutputError
from podcast.model import Episode
from podcast.publish.feed import Item, build_feed, previous_items
from podcast.publish.site import write_site
from podcast.render.cover import generate_cover, load_cover
from podcast.render.output import EPISODES, known_guid, remember_guid

__all__ = ["Published", "publish"]


@dataclass(frozen=True, slots=True)
class Published:
    """What ``publish`` wrote."""

    feed: Path
    """``<output>/feed.xml``."""
    site: Path
    """``<output>/index.html``."""
    episodes: int
    """Items in the feed."""
    warnings: tuple[str, ...] = ()
    """Episode folders skipped (and kept from the previous feed), and the like."""


def base_url_of(show: Show, override: str | None) -> str:
    """The public address of the output folder, ending in ``/``."""
    url = (override or show.base_url or "").strip()
    if not url:
        raise ConfigError(
            "the feed needs the show's public address: set base_url in podcast.toml's [show] or pass --base-url"
        )
    if not url.startswith(("http://", "https://")) or "://" not in url or len(url.split("://", 1)[1]) < 1:
        raise ConfigError(f"base_url {url!r} must be an http:// or https:// address")
    return url if url.endswith("/") else url + "/"


def publish(show: Show, output_root: Path, *, base_url: str | None = None) -> Published:
    """Build ``feed.xml`` and the site from every ``<output_root>/episodes/*/episode.json``."""
    base = base_url_of(show, base_url)
    if output_root.exists() and not output_root.is_dir():
        raise OutputError(f"cannot write {output_root}: it is a file, not a folder")
    warnings: list[str] = []
    previous = previous_items(output_root / "feed.xml")
    items: list[Item] = []
    kept: list[etree._Element] = []
    folder_root = output_root / EPISODES
    folders = (
        sorted(p for p in folder_root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if folder_root.is_dir()
        else []
    )
    for folder in folders:
        slug = folder.name
        try:
            episode = Episode.from_json(json.loads((folder / "episode.json").read_text(encoding="utf-8")))
            size = (folder / episode.audio).stat().st_size
        except (OSError, ValueError, KeyError, TypeError) as exc:
            reason = "missing" if isinstance(exc, FileNotFoundError) else "unreadable or corrupt"
            note = "; its previous feed entry is kept" if slug in previous else ""
            warnings.append(f"{folder}: episode.json or its audio is {reason}, skipped{note}")
            if slug in previous:
                kept.append(previous[slug])
            continue
        published = known_guid(output_root, slug)
        if published and published != episode.guid:
            warnings.append(f"{folder}: keeps the guid it was first published with ({published})")
            episode = replace(episode, guid=published)
        if size != episode.size:
            warnings.append(
                f"{folder}: the MP3 is {size} bytes, episode.json says {episode.size}; using the file's size"
            )
        items.append(Item(episode, size))

    _publish_cover(show, output_root)
    feed = output_root / "feed.xml"
    fsutil.write_bytes(feed, build_feed(show, base, items, kept))
    site = write_site(show, output_root, items, f"{base}feed.xml")
    for item in items:
        remember_guid(output_root, item.episode.slug, item.episode.guid)
    return Published(feed, site, len(items) + len(kept), tuple(warnings))


def _publish_cover(show: Show, output_root: Path) -> None:
    """``<output>/cover.png``: the show's image (checked) or a generated cover."""
    target = output_root / "cover.png"
    if show.image:
        source = (show.root / show.image).resolve()
        cover = load_cover(source)
        data = cover.png
    else:
        data = generate_cover(show.title, show.author or "").png
    try:
        if not target.exists() or target.read_bytes() != data:
            fsutil.write_bytes(target, data)
    except OSError as exc:
        raise FeedError(f"cannot write the cover {target}: {exc.strerror or exc}") from exc
