"""``podcast init``: scaffold a new show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from podcast import fsutil
from podcast.cli.common import console, help_text
from podcast.errors import OutputError

HELP = """Create a new show in DIR: podcast.toml (every setting, commented), a sample post in
episodes/, and voices/ for the show's own lexicon and voice profiles.

Existing files are never overwritten.

Example: podcast init my-show && cd my-show && podcast render episodes/hello.md
"""

CONFIG = """# The show. Every key is optional except base_url for publishing a feed.
# Precedence everywhere: command-line flag > environment variable > this file > default.

[show]
title = "{title}"
author = "{author}"
description = "数字秘书小雅用两分钟播报博客里的对话。"
language = "zh-cn"
# base_url = "https://example.com/podcast/"   # where the out/ folder is published (http or https)
# image = "cover.png"                         # square PNG/JPEG, 1400–3000 px; generated when absent
category = "Technology"                       # an Apple Podcasts category, "Parent > Child" for a subcategory
explicit = false
# owner_name = "{author}"
# owner_email = "you@example.com"
# copyright = "© {author}"
type = "episodic"                             # or "serial"
minutes = 2                                   # target episode length
output = "out"                                # rendered episodes, feed.xml and the site

[broadcast]                                   # 小雅's intro and outro for Chinese posts
host = "小雅"
host_title = "数字秘书"
# author_display = "{author}先生"
tagline = "分享关于大模型和AI的有角度的思考"
# intro = "我是{{host_title}}{{host}}，今天播报《{{title}}》。"
# outro = "我是{{host}}，以上就是{{author}}最新博客的{{minutes}}播报，{{tagline}}。咱们下次再见。"
# style = "narrated"                          # the host reads every line; "voiced": each speaker a voice

# [broadcast.en]                              # the same for English posts
# tagline = "Angles on language models and AI."

# [broadcast."zh-Hant"]                       # traditional Chinese posts (default: the above, in traditional)
# intro = "我是{{host_title}}{{host}}，今天播報《{{title}}》。"

[voices]
engine = "offline"                            # offline (no network) | edge | auto
# [voices.speakers]                           # pin a voice profile (podcast voices) to a speaker
# "李老师" = "lin"

[audio]
# jingle_in = "intro.mp3"                     # your own sting, or "none"
# jingle_out = "outro.mp3"
bitrate = 64                                  # kbps, constant
channels = 1                                  # 2: stereo at -16 LUFS

# [speakers]                                  # aliases for every post
# "李老师" = ["李", "立委"]
"""

SAMPLE_POST = """---
title: 李白对话录：什么是好的播报
author: {author}
date: {date}
---

李：一段好的播报，首先要听得清楚。语速太快，听众跟不上；太慢，又容易走神。

白：还有停顿。逗号处稍作停留，句号处停得更久一些，段落之间再多一口气。

李：对话类的节目还要区分说话人，让听众不看文字也知道是谁在说话。

白：所以每位嘉宾都该有自己的声音。
"""

LEXICON = """# This show's readings for the offline voice (added to the built-in ones, which they override).
# [readings]                  # Latin words: their hanzi reading
# "Transformer" = "变换器"
# [spell]                     # Latin words said letter by letter
# words = ["kv"]
# [pinyin]                    # hanzi words (either script): one syllable with its tone per character
# "朝阳" = "zhao1 yang2"
"""


def register(app: typer.Typer) -> None:
    app.command("init", help=help_text(HELP))(init)


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new show (created if needed).", show_default=False)],
    title: Annotated[str, typer.Option("--title", help="The podcast's name.")] = "小雅播报",
    author: Annotated[str, typer.Option("--author", help="The blog's author.")] = "作者",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Where out/ will be published (https://…/); asked on a terminal.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The owner's e-mail for Apple Podcasts; asked on a terminal.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ask nothing, print only errors.")] = False,
) -> None:
    import datetime as dt
    import sys

    from podcast.urls import public_base

    asking = not quiet and sys.stdin.isatty() and console.is_terminal
    if base_url is None and asking:
        base_url = typer.prompt(
            "Where will out/ be published? (https://…/; empty: decide later, preview with podcast serve)",
            default="",
            show_default=False,
        ).strip()
    if email is None and asking:
        email = typer.prompt(
            "The owner's e-mail (Apple Podcasts asks for it; empty: later)", default="", show_default=False
        ).strip()
    base = public_base(base_url, "--base-url") if base_url else None
    config = CONFIG.format(title=title, author=author)
    if base:
        config = config.replace('# base_url = "https://example.com/podcast/"', f'base_url = "{base}"', 1)
    if email:
        if not re.fullmatch(r"[^@\s\"]+@[^@\s\"]+\.[^@\s\"]+", email):
            raise typer.BadParameter(f"{email!r} is not an e-mail address", param_hint="--email")
        config = config.replace('# owner_email = "you@example.com"', f'owner_email = "{email}"', 1)
    files = {
        directory / "podcast.toml": config,
        directory / "episodes" / "hello.md": SAMPLE_POST.format(author=author, date=dt.date.today().isoformat()),
        directory / "voices" / "lexicon.toml": LEXICON,
        directory / ".gitignore": "out/\n",
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise OutputError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; nothing was changed"
        )
    for path, text in files.items():
        fsutil.write_text(path, text)
    if base:
        # The show's podcast:guid, given once and kept with the show (never recomputed).
        from podcast import identity

        with identity.editing(identity.path_for(directory)) as ids:
            identity.channel_guid(ids, f"{base}feed.xml")
    if quiet:
        return
    console.print(
        f"created a show in {directory}: podcast.toml, episodes/hello.md, voices/lexicon.toml", highlight=False
    )
    console.print(
        f"next: cd {directory} && podcast render episodes/hello.md && podcast feed && podcast serve", highlight=False
    )
    if not base:
        console.print("(set base_url in podcast.toml before you publish: until then the feed is a local preview)")
