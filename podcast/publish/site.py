"""The static site beside the feed: an index of episodes and one page per episode.

Plain HTML and a little CSS (readable on a phone, a Chinese font stack), an HTML5
``<audio>`` player per episode, chapters and transcript timestamps that seek the player,
a download link, subscribe links for the common podcast apps, and the tags link previews
read (Open Graph, Twitter cards). Nothing is loaded from another site: the favicon is an
inline SVG and the one script is inline. Links between pages are relative, so the folder
works wherever it is served; previews and subscribe links use the public address.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from podcast import fsutil
from podcast.config import Show
from podcast.episodes import COVER
from podcast.hanzi import localize, page_language
from podcast.model import Episode
from podcast.publish.feed import Item
from podcast.text import is_chinese
from podcast.transcript import Cue, parse_vtt

URL_SAFE = ":/?#[]@!$&'()*+,;=%"
"""What ``quote`` leaves alone in a URL: the delimiters (RFC 3986 reserved characters) and
``%`` (so an address already percent-encoded stays as it is); everything else outside
ASCII's unreserved set (non-ASCII, spaces, quotes, ``<``) is percent-encoded."""

FAVICON = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>"
    "<rect width='64' height='64' rx='14' fill='#c8553d'/>"
    "<path d='M22 16v32l26-16z' fill='#fff'/></svg>",
    safe="",
)
"""The site's icon: a play sign on the accent colour, inline so it costs no request."""

UI: Mapping[str, tuple[str, str]] = {
    "chapters": ("章节", "Chapters"),
    "transcript": ("文字稿", "Transcript"),
    "subscribe": ("订阅", "Subscribe"),
    "subscribe_hint": ("用播客应用订阅，或复制订阅地址：", "Open in your podcast app, or copy the feed address:"),
    "feed_address": ("订阅地址", "Feed address"),
    "copy": ("复制", "Copy"),
    "copied": ("已复制", "Copied"),
    "selected": ("已选中，请按 Ctrl+C（⌘C）复制", "Selected: press Ctrl+C (⌘C) to copy"),
    "download": ("下载 MP3", "Download MP3"),
    "original": ("原文", "Original post"),
    "cover": ("封面：", "Cover art: "),
    "player": ("播放：", "Play: "),
    "no_audio": ("浏览器不能播放，请下载：", "Your browser cannot play this; download it:"),
    "no_episodes": ("还没有节目。", "No episodes yet."),
    "back": ("全部节目", "All episodes"),
}
"""The page's own words, Chinese (``say()`` writes them in the page's characters) and English."""


def duration(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` past an hour).

    >>> duration(119.6), duration(3725)
    ('2:00', '1:02:05')
    """
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("podcast.publish", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["duration"] = duration
    return environment


def paragraphs(cues: Sequence[Cue]) -> list[Cue]:
    """Transcript paragraphs for reading: a speaker's consecutive cues joined, the spoken
    attribution ("李老师说：") dropped because the page names the speaker.

    >>> paragraphs([Cue(0, 1, "李", "李说：你好。"), Cue(1, 2, "李", "再见。"), Cue(2, 3, "白", "好。")])
    [Cue(start=0, end=2, speaker='李', text='你好。再见。'), Cue(start=2, end=3, speaker='白', text='好。')]
    """
    joined: list[Cue] = []
    for cue in cues:
        text = cue.text
        for attribution in (f"{cue.speaker}说：", f"{cue.speaker}: "):
            if text.startswith(attribution):
                text = text[len(attribution) :]
        if joined and joined[-1].speaker == cue.speaker:
            last = joined[-1]
            wide = any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in last.text[-1:] + text[:1])
            separator = "" if wide else " "
            joined[-1] = Cue(last.start, cue.end, last.speaker, last.text + separator + text)
        else:
            joined.append(Cue(cue.start, cue.end, cue.speaker, text))
    return joined


def _cues(folder: Path, name: str | None) -> list[Cue]:
    if not name:
        return []
    try:
        return paragraphs(parse_vtt((folder / name).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return []


def _say(lang: str) -> Callable[[str], str]:
    """The page's own words in its language's characters (``章节`` → ``章節`` for zh-Hant)."""
    return lambda text: localize(text, lang)


def _words(zh: bool, lang: str) -> SimpleNamespace:
    """``UI`` in the page's language, as ``ui.chapters`` (a namespace: a dict's ``ui.copy``
    would be its method)."""
    say = _say(lang)
    return SimpleNamespace(**{key: say(chinese) if zh else english for key, (chinese, english) in UI.items()})


def ascii_url(url: str) -> str:
    """``url`` as an ASCII address every app accepts: a non-ASCII host in IDNA (punycode),
    everything else outside ASCII percent-encoded; delimiters and existing escapes kept.

    >>> ascii_url("https://example.com/播客 1/feed.xml?a=b&c=%20#x")
    'https://example.com/%E6%92%AD%E5%AE%A2%201/feed.xml?a=b&c=%20#x'
    >>> ascii_url("https://例子.测试/feed.xml")
    'https://xn--fsqu00a.xn--0zwm56d/feed.xml'
    """
    url = url.strip()
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = ""
    if netloc and not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        # A name IDNA refuses is left to quote(): percent-encoded, which browsers also resolve.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
        url = url.replace(netloc, userinfo + at + host + colon + port, 1)
    return quote(url, safe=URL_SAFE)


def is_web_address(url: str | None) -> bool:
    """Whether ``url`` is an absolute http(s) address (not a local path).

    >>> is_web_address("https://example.com/p"), is_web_address("/home/me/p.md"), is_web_address("http://")
    (True, False, False)
    """
    return bool(url) and re.match(r"(?i)https?://[^/?#\s]", url or "") is not None


def site_base(show: Show, feed_url: str) -> str | None:
    """The site's public address (ending in ``/``, ASCII): the feed's folder, else the
    show's ``base_url``; None when neither is an http(s) address."""
    for candidate in (feed_url.rsplit("/", 1)[0] + "/" if "/" in feed_url else "", show.base_url or ""):
        if is_web_address(candidate):
            return ascii_url(candidate if candidate.endswith("/") else candidate + "/")
    return None


def subscribe_links(feed_url: str) -> list[tuple[str, str]]:
    """``(app, href)`` for the apps that take a feed through a link of their own, then the
    feed itself. Only the feed link when ``feed_url`` is not an http(s) address.

    >>> for app, href in subscribe_links("https://example.com/播客/feed.xml"):
    ...     print(f"{app}: {href}")
    Apple Podcasts: podcast://example.com/%E6%92%AD%E5%AE%A2/feed.xml
    Overcast: overcast://x-callback-url/add?url=https%3A%2F%2Fexample.com%2F%25E6%2592%25AD%25E5%25AE%25A2%2Ffeed.xml
    Pocket Casts: pktc://subscribe/example.com/%E6%92%AD%E5%AE%A2/feed.xml
    Podcast Addict: podcastaddict://example.com/%E6%92%AD%E5%AE%A2/feed.xml
    AntennaPod: antennapod-subscribe://example.com/%E6%92%AD%E5%AE%A2/feed.xml
    RSS: https://example.com/%E6%92%AD%E5%AE%A2/feed.xml
    """
    url = ascii_url(feed_url)
    if not is_web_address(url):
        return [("RSS", url)]
    # Apps that take the address without its scheme (they add it back). Browsers rewrite
    # "scheme://https://host" into "scheme://https//host", so the scheme cannot ride along.
    bare = url.split("://", 1)[1]
    return [
        ("Apple Podcasts", f"podcast://{bare}"),
        ("Overcast", f"overcast://x-callback-url/add?url={quote(url, safe='')}"),
        ("Pocket Casts", f"pktc://subscribe/{bare}"),
        ("Podcast Addict", f"podcastaddict://{bare}"),
        ("AntennaPod", f"antennapod-subscribe://{bare}"),
        ("RSS", url),
    ]


def summary(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters at most (for previews).

    >>> summary("  a\\n b  "), summary("x" * 10, 5)
    ('a b', 'xxxx…')
    """
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def size_label(size: int) -> str:
    """An MP3's size for people.

    >>> size_label(226442), size_label(12_345_678), size_label(900)
    ('0.2 MB', '12.3 MB', '1 KB')
    """
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1000))} KB"


def preview(
    show: Show,
    lang: str,
    *,
    title: str,
    description: str,
    url: str | None,
    base: str | None,
    episode: Episode | None = None,
) -> list[tuple[str, str, str]]:
    """The link-preview tags of a page as ``(attribute, key, content)``: Open Graph
    (``property``) and Twitter card (``name``). Addresses are absolute or left out."""
    tags: list[tuple[str, str, str]] = [
        ("property", "og:type", "article" if episode else "website"),
        ("property", "og:site_name", show.title),
        ("property", "og:title", title),
        ("property", "og:description", description),
    ]
    if re.fullmatch(r"[a-z]{2}-[A-Z]{2}", lang):
        tags.append(("property", "og:locale", lang.replace("-", "_")))
    if url:
        tags.append(("property", "og:url", url))
    if base:
        tags += [
            ("property", "og:image", f"{base}{COVER}"),
            ("property", "og:image:alt", show.title),
        ]
    if episode is not None:
        if base:
            audio = f"{base}episodes/{quote(episode.slug)}/{quote(episode.audio)}"
            tags += [("property", "og:audio", audio), ("property", "og:audio:type", "audio/mpeg")]
        if episode.date:
            tags.append(("property", "article:published_time", episode.date))
    # A square cover and no embeddable player page: the "summary" card (a "player" card
    # needs an https page made for an iframe, which this site does not have).
    tags += [
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    if base:
        tags += [("name", "twitter:image", f"{base}{COVER}"), ("name", "twitter:image:alt", show.title)]
    return tags


def write_site(show: Show, output_root: Path, items: Sequence[Item], feed_url: str) -> Path:
    """Write ``index.html`` and ``episodes/<slug>/index.html``; return the index."""
    environment = _environment()
    zh = is_chinese(show.language)
    lang = page_language("zh" if show.language.lower() in ("zh", "zh-cn") else show.language)
    base = site_base(show, feed_url)
    feed_href = ascii_url(feed_url) if is_web_address(feed_url) else None
    common: dict[str, Any] = {
        "show": show,
        "feed_url": feed_url,
        "feed_href": feed_href,
        "subscribe": subscribe_links(feed_url) if feed_href else [],
        "favicon": FAVICON,
        "cover": COVER,
    }
    ordered = sorted(items, key=lambda i: (i.episode.date or i.episode.rendered, i.episode.slug), reverse=True)
    index = output_root / "index.html"
    description = summary(show.description or show.title)
    fsutil.write_text(
        index,
        environment.get_template("index.html").render(
            items=ordered,
            root="",
            zh=zh,
            lang=lang,
            say=_say(lang),
            ui=_words(zh, lang),
            description=description,
            canonical=base,
            preview=preview(show, lang, title=show.title, description=description, url=base, base=base),
            **common,
        ),
    )
    page = environment.get_template("episode.html")
    for item in ordered:
        episode = item.episode
        folder = output_root / "episodes" / episode.slug
        episode_zh = is_chinese(episode.language)
        episode_lang = page_language(episode.language)
        url = f"{base}episodes/{quote(episode.slug)}/" if base else None
        description = summary(episode.description or episode.title)
        html = page.render(
            e=episode,
            size=size_label(item.size),
            source_url=next((ascii_url(u) for u in (episode.link, episode.source) if u and is_web_address(u)), None),
            cues=_cues(folder, episode.files.get("vtt")),
            root="../../",
            zh=episode_zh,
            lang=episode_lang,
            say=_say(episode_lang),
            ui=_words(episode_zh, episode_lang),
            description=description,
            canonical=url,
            preview=preview(
                show, episode_lang, title=episode.title, description=description, url=url, base=base, episode=episode
            ),
            **common,
        )
        fsutil.write_text(folder / "index.html", html)
    return index
