"""The static site beside the feed: an index of episodes and one page per episode.

Plain HTML and a little CSS (readable on a phone, a Chinese font stack), an HTML5
``<audio>`` player per episode, chapters that seek the player, and the transcript.
Links are relative, so the folder works wherever it is served.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from podcast import fsutil
from podcast.config import Show
from podcast.hanzi import localize, page_language
from podcast.publish.feed import Item
from podcast.text import is_chinese
from podcast.transcript import Cue, parse_vtt


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


def write_site(show: Show, output_root: Path, items: Sequence[Item], feed_url: str) -> Path:
    """Write ``index.html`` and ``episodes/<slug>/index.html``; return the index."""
    environment = _environment()
    zh = is_chinese(show.language)
    lang = page_language("zh" if show.language.lower() in ("zh", "zh-cn") else show.language)
    common = {"show": show, "zh": zh, "lang": lang, "feed_url": feed_url, "say": _say(lang)}
    ordered = sorted(items, key=lambda i: (i.episode.date or i.episode.rendered, i.episode.slug), reverse=True)
    index = output_root / "index.html"
    fsutil.write_text(index, environment.get_template("index.html").render(items=ordered, root="", **common))
    page = environment.get_template("episode.html")
    for item in ordered:
        folder = output_root / "episodes" / item.episode.slug
        episode_zh = is_chinese(item.episode.language)
        episode_lang = page_language(item.episode.language)
        html = page.render(
            e=item.episode,
            cues=_cues(folder, item.episode.files.get("vtt")),
            root="../../",
            **{**common, "zh": episode_zh, "lang": episode_lang, "say": _say(episode_lang)},
        )
        fsutil.write_text(folder / "index.html", html)
    return index
