"""Publishing: the podcast feed and the static site, built from rendered episodes.

``publish`` reads every ``<output>/episodes/*/episode.json`` and writes ``feed.xml`` (RSS 2.0 +
itunes + Podcasting 2.0), ``index.html`` and one page per episode, and the cover. Nothing
published is lost by accident: an episode folder that cannot be read keeps its previous feed
entry, and guids come from the episode's first render.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from podcast import fsutil
from podcast.config import Show
from podcast.episodes import episode_folders, known_guid, read_episode, remember_guid, show_cover
from podcast.errors import ConfigError, FeedError, OutputError
from podcast.publish.feed import Item, build_feed, previous_items
from podcast.publish.site import write_site

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
    for folder in episode_folders(output_root):
        slug = folder.name
        episode, damage = read_episode(folder)
        size = None
        if episode is not None:
            try:
                size = (folder / episode.audio).stat().st_size
            except FileNotFoundError:
                pass
            except OSError:
                damage = "unreadable"
        if episode is None or size is None:
            reason = "unreadable or corrupt" if damage else "missing"
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

    try:
        show_cover(show, output_root)
    except OutputError as exc:
        raise FeedError(f"cannot write the cover: {exc}") from exc
    feed = output_root / "feed.xml"
    fsutil.write_bytes(feed, build_feed(show, base, items, kept))
    site = write_site(show, output_root, items, f"{base}feed.xml")
    for item in items:
        remember_guid(output_root, item.episode.slug, item.episode.guid)
    return Published(feed, site, len(items) + len(kept), tuple(warnings))
