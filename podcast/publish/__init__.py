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

from podcast import fsutil, identity
from podcast.config import Show
from podcast.episodes import episode_folders, known_guid, read_episode, show_cover
from podcast.errors import FeedError, OutputError
from podcast.publish.feed import Item, build_feed, previous_items
from podcast.publish.site import write_site
from podcast.urls import public_base

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


PREVIEW_URL = "http://127.0.0.1:8000/"
"""Where ``podcast serve`` shows the output: the base of a preview built without ``base_url``."""


def base_url_of(show: Show, override: str | None) -> str:
    """The public address of the output folder, ending in ``/`` and percent-encoded; the
    local preview address when the show has none yet (see ``publish``)."""
    url = (override or show.base_url or "").strip()
    if not url:
        return PREVIEW_URL
    return public_base(url, "--base-url" if override else "show.base_url")


def publish(show: Show, output_root: Path, *, base_url: str | None = None) -> Published:
    """Build ``feed.xml`` and the site from every ``<output_root>/episodes/*/episode.json``."""
    base = base_url_of(show, base_url)
    preview = base == PREVIEW_URL and not (base_url or show.base_url)
    if output_root.exists() and not output_root.is_dir():
        raise OutputError(f"cannot write {output_root}: it is a file, not a folder")
    warnings: list[str] = []
    if preview:
        warnings.append(
            f"a preview for podcast serve ({PREVIEW_URL}), not yet publishable: set base_url in podcast.toml's "
            "[show] (or pass --base-url) to the address out/ will be served from"
        )
    previous = previous_items(output_root / "feed.xml")
    items: list[Item] = []
    kept: list[etree._Element] = []
    ids_path = identity.path_for(show.root) if show.path is not None else None
    known = identity.load(ids_path) if ids_path else identity.Identities()
    recorded = {slug: record.guid for slug, record in known.episodes.items()}
    for folder in episode_folders(output_root):
        slug = folder.name
        episode, damage = read_episode(folder)
        size = None
        if episode is not None:
            try:
                size = (folder / episode.audio).stat().st_size
            except FileNotFoundError:
                # No audio, no episode: left out of the feed as of the site (no 404 enclosure).
                warnings.append(f"{folder}: {episode.audio} is missing; the episode is left out of the feed and site")
                continue
            except OSError:
                damage = "unreadable"
        if episode is None or size is None:
            reason = "unreadable or corrupt" if damage else "missing"
            note = "; its previous feed entry is kept" if slug in previous else ""
            warnings.append(f"{folder}: episode.json or its audio is {reason}, skipped{note}")
            if slug in previous:
                kept.append(previous[slug])
            continue
        published = recorded.get(slug) or known_guid(output_root, slug)
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
    if ids_path is not None and not preview:
        # Every published guid is recorded with the show, and the channel guid given once.
        with identity.editing(ids_path) as ids:
            identity.import_legacy(ids, output_root)
            for item in items:
                if item.episode.slug not in ids.episodes:
                    ids.episodes[item.episode.slug] = identity.Record(item.episode.guid)
            channel = identity.channel_guid(ids, f"{base}feed.xml")
    else:
        channel = identity.channel_guid(identity.Identities(), f"{base}feed.xml")
    fsutil.write_bytes(feed, build_feed(show, base, items, kept, channel_guid=channel))
    site = write_site(show, output_root, items, f"{base}feed.xml")
    return Published(feed, site, len(items) + len(kept), tuple(warnings))
