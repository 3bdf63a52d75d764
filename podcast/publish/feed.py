"""The podcast feed: RSS 2.0 with the itunes and Podcasting 2.0 namespaces.

Built with lxml from the episodes' ``episode.json``. Each item is a pure function of its
episode, so adding an episode leaves every other item's XML byte for byte as it was, and
an item's ``<guid>`` is the one assigned at the episode's first render, forever.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from podcast import __version__
from podcast.config import Show
from podcast.model import Episode
from podcast.text import is_chinese

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``podcast:guid`` (UUIDv5 of the feed URL)."""

# XML 1.0 cannot carry these at all, escaped or not.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Item:
    """One episode as the feed shows it."""

    episode: Episode
    """What ``episode.json`` says."""
    size: int
    """The MP3's size on disk: the enclosure length."""


def clean(text: str) -> str:
    """Text XML 1.0 can carry: control characters and lone surrogates removed.

    >>> clean("a\\x00b\\x1fc ]]> <&> 😀")
    'abc ]]> <&> 😀'
    """
    return _INVALID_XML.sub("", text)


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 ``podcast:guid``: UUIDv5 of the feed URL without its scheme and
    trailing slash.

    >>> podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml")
    '917393e3-1b1e-5cef-ace4-edaa54e1f810'
    """
    bare = re.sub(r"^[a-zA-Z]+://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def rfc2822(day: str) -> str:
    """An ISO date as an RFC 2822 ``pubDate`` (midnight UTC: stable across re-renders).

    >>> rfc2822("2024-05-01")
    'Wed, 01 May 2024 00:00:00 +0000'
    """
    moment = dt.datetime.fromisoformat(day[:10]).replace(tzinfo=dt.UTC)
    return email.utils.format_datetime(moment)


def _sub(parent: etree._Element, tag: str, content: str | None = None, /, **attributes: str) -> etree._Element:
    prefix, _, name = tag.rpartition(":")
    element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}" if prefix else name)
    for key, value in attributes.items():
        element.set(key, clean(value))
    if content is not None:
        element.text = clean(content)
    return element


def episode_url(base_url: str, slug: str, name: str = "") -> str:
    """Where a file of an episode is published."""
    return f"{base_url}episodes/{slug}/{name}"


def item_element(item: Item, show: Show, base_url: str) -> etree._Element:
    """The ``<item>`` of one episode."""
    episode = item.episode
    element = etree.Element("item", nsmap=NAMESPACES)
    _sub(element, "title", episode.title)
    _sub(element, "link", episode_url(base_url, episode.slug))
    _sub(element, "description", episode.description or episode.title)
    _sub(element, "guid", episode.guid, isPermaLink="false")
    _sub(element, "pubDate", rfc2822(episode.date or episode.rendered or "1970-01-01"))
    _sub(
        element,
        "enclosure",
        url=episode_url(base_url, episode.slug, episode.audio),
        length=str(item.size),
        type="audio/mpeg",
    )
    _sub(element, "itunes:title", episode.title)
    _sub(element, "itunes:duration", str(round(episode.duration)))
    _sub(element, "itunes:episodeType", "full")
    _sub(element, "itunes:explicit", "true" if show.explicit else "false")
    if episode.author or show.author:
        _sub(element, "itunes:author", episode.author or show.author)
    language = _feed_language(episode.language)
    if "vtt" in episode.files:
        _sub(element, "podcast:transcript", url=episode_url(base_url, episode.slug, episode.files["vtt"]),
             type="text/vtt", language=language, rel="captions")  # fmt: skip
    if "srt" in episode.files:
        _sub(element, "podcast:transcript", url=episode_url(base_url, episode.slug, episode.files["srt"]),
             type="application/x-subrip", language=language)  # fmt: skip
    if "chapters" in episode.files:
        _sub(element, "podcast:chapters", url=episode_url(base_url, episode.slug, episode.files["chapters"]),
             type="application/json+chapters")  # fmt: skip
    host = show.framing.host if is_chinese(episode.language) else show.framing_en.host
    _sub(element, "podcast:person", host, role="host")
    for speaker in episode.speakers:
        _sub(element, "podcast:person", speaker, role="guest")
    return element


def _feed_language(language: str) -> str:
    """``zh`` → ``zh-cn`` (what podcast directories expect), else lower case."""
    lowered = language.lower()
    return "zh-cn" if lowered == "zh" else lowered


def build_feed(
    show: Show,
    base_url: str,
    items: Sequence[Item],
    kept: Sequence[etree._Element] = (),
    *,
    built: dt.datetime | None = None,
    channel_guid: str | None = None,
) -> bytes:
    """The feed document. ``kept`` are previous ``<item>`` elements carried over verbatim
    (episodes whose folder could not be read this time)."""
    rss = etree.Element("rss", nsmap=NAMESPACES, version="2.0")
    channel = _sub(rss, "channel")
    feed_url = f"{base_url}feed.xml"
    cover = f"{base_url}cover.png"
    _sub(channel, "title", show.title)
    _sub(channel, "link", base_url)
    _sub(channel, "description", _limit_bytes(show.description, 4000))
    _sub(channel, "language", show.language.lower())
    if show.copyright:
        _sub(channel, "copyright", show.copyright)
    _sub(channel, "lastBuildDate", email.utils.format_datetime(built or dt.datetime.now(dt.UTC)))
    _sub(channel, "generator", f"xiaoya-podcast {__version__}")
    _sub(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    image = _sub(channel, "image")
    _sub(image, "url", cover)
    _sub(image, "title", show.title)
    _sub(image, "link", base_url)
    _sub(channel, "itunes:author", show.author or show.title)
    if show.owner_name or show.owner_email:
        owner = _sub(channel, "itunes:owner")
        if show.owner_name:
            _sub(owner, "itunes:name", show.owner_name)
        if show.owner_email:
            _sub(owner, "itunes:email", show.owner_email)
    _sub(channel, "itunes:image", href=cover)
    parent, _, child = show.category.partition(">")
    category = _sub(channel, "itunes:category", text=parent.strip())
    if child.strip():
        _sub(category, "itunes:category", text=child.strip())
    _sub(channel, "itunes:explicit", "true" if show.explicit else "false")
    _sub(channel, "itunes:type", show.type)
    if show.owner_email:
        _sub(channel, "podcast:locked", "no", owner=show.owner_email)
    _sub(channel, "podcast:guid", channel_guid or podcast_guid(feed_url))
    # The host, once per name (小雅 for Chinese episodes, Xiaoya for English ones).
    languages = {is_chinese(i.episode.language) for i in items} or {is_chinese(show.language)}
    hosts = [show.framing.host] if True in languages else []
    hosts += [show.framing_en.host] if False in languages else []
    for host in dict.fromkeys(hosts):
        _sub(channel, "podcast:person", host, role="host")

    # Items newest first, kept ones (an episode folder unreadable this time) in their place.
    dated: list[tuple[str, str, etree._Element]] = [
        (i.episode.date or i.episode.rendered or "", i.episode.slug, item_element(i, show, base_url)) for i in items
    ]
    for element in kept:
        copied = copy.deepcopy(element)
        dated.append((_item_date(copied), _item_slug(copied), copied))
    for _date, _slug, element in sorted(dated, key=lambda d: (d[0], d[1]), reverse=True):
        channel.append(element)
    etree.cleanup_namespaces(rss, top_nsmap=NAMESPACES)
    # Stable formatting, whatever whitespace a kept item brought with it.
    for node in rss.iter():
        if isinstance(node.tag, str) and len(node):
            node.text = None
        node.tail = None
    etree.indent(rss, space="  ")
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _item_date(item: etree._Element) -> str:
    """A kept item's date as ISO, from its ``pubDate``."""
    text = item.findtext("pubDate") or ""
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError):
        return ""


def _item_slug(item: etree._Element) -> str:
    enclosure = item.find("enclosure")
    match = re.search(r"/episodes/([a-z0-9][a-z0-9-]*)/", enclosure.get("url", "") if enclosure is not None else "")
    return match.group(1) if match else ""


def _limit_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def previous_items(feed: Path) -> dict[str, etree._Element]:
    """The ``<item>`` elements of an existing feed, by episode slug (from their enclosure)."""
    try:
        tree = etree.parse(str(feed), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError):
        return {}
    found: dict[str, etree._Element] = {}
    for item in tree.iterfind("channel/item"):
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "") if enclosure is not None else ""
        match = re.search(r"/episodes/([a-z0-9][a-z0-9-]*)/", url)
        if match:
            found[match.group(1)] = item
    return found
