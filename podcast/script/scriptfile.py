"""The script as a Markdown file a person can edit, and reading it back.

```
---
title: 李白对话录新篇：谈大模型的无损压缩
language: zh
voices: {小雅: xiaoya, 李老师: lin}
---

**小雅**：我是数字秘书小雅，今天播报《…》。

**李老师**：李老师说：…
```

One paragraph per segment, ``**speaker**：what is said``. The host's first paragraph is the
intro, its last the outro, any other a bridge. The front matter's ``voices`` says which voice
profile speaks for whom and ``style`` how: ``narrated`` (the host's voice reads every
paragraph, as the sample does) or ``voiced`` (the host says ``李老师说：``, the speaker's voice
the rest). Editing either changes the render.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from podcast.config import STYLES
from podcast.errors import ParseError, ScriptError
from podcast.model import Script, Segment, SegmentRole
from podcast.parse.frontmatter import split_front_matter
from podcast.text import is_chinese

HELP_COMMENT = (
    "<!-- One paragraph per segment: **speaker**：what is said. Edit, delete or reorder freely;\n"
    "     the host's first paragraph opens the episode and its last one closes it.\n"
    "     voices: which voice profile speaks for whom; style: narrated (the host reads all)\n"
    "     or voiced (the host says the attribution, the speaker's voice the rest).\n"
    "     Render it with: podcast render --script THIS_FILE -->"
)
_PARAGRAPH = re.compile(r"^\*\*(?P<speaker>[^*\n]{1,40})\*\*\s*[:：]\s*(?P<text>.*)$", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def to_markdown(script: Script) -> str:
    """The script file's text."""
    meta: dict[str, Any] = {
        "title": script.title,
        "author": script.author,
        "date": script.date,
        "language": script.language,
        "source": script.source,
        "target_seconds": script.target_seconds,
        "engine": script.engine,
        "host": script.host,
        "summarizer": script.summarizer,
        **({"summarizer_model": script.summarizer_model} if script.summarizer_model else {}),
        "style": script.style,
        "voices": script.voices,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    body = "\n\n".join(f"**{s.speaker}**：{' '.join(s.text.split())}" for s in script.segments)
    return f"---\n{front}---\n\n{HELP_COMMENT}\n\n{body}\n"


def from_markdown(text: str, source: str) -> Script:
    """Read a script file back; errors name the line."""
    try:
        meta, body, used = split_front_matter(text.replace("\r\n", "\n").lstrip("\ufeff"), source)
    except ParseError as exc:
        raise ScriptError(str(exc)) from exc
    if not meta:
        raise ScriptError(f"{source}: line 1: a script starts with front matter (---, title: …, ---)")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ScriptError(f"{source}: line 2: the front matter needs a title")
    voices = meta.get("voices") or {}
    if not isinstance(voices, dict) or not all(isinstance(v, str) for v in voices.values()):
        raise ScriptError(f"{source}: the front matter's voices must map a speaker to a voice profile")
    host = str(meta.get("host") or "小雅")
    style = str(meta.get("style") or "narrated")
    if style not in STYLES:
        raise ScriptError(f"{source}: style must be one of {', '.join(STYLES)}, not {style!r}")
    target = meta.get("target_seconds", 120)
    if not isinstance(target, int | float) or isinstance(target, bool) or target <= 0:
        raise ScriptError(f"{source}: target_seconds must be a positive number of seconds")

    paragraphs = _paragraphs(body, first_line=used + 1)
    if not paragraphs:
        raise ScriptError(f"{source}: line {used + 1}: the script has no paragraphs (**speaker**：text)")
    language = str(meta.get("language") or "zh")
    zh = is_chinese(language)
    entries: list[tuple[str, str]] = []
    for line, paragraph in paragraphs:
        match = _PARAGRAPH.match(paragraph)
        if match is None:
            raise ScriptError(f"{source}: line {line}: expected '**speaker**：text', found {paragraph[:30]!r}")
        text = ("" if zh else " ").join(part.strip() for part in match.group("text").split("\n")).strip()
        if not text:
            raise ScriptError(f"{source}: line {line}: {match.group('speaker')} says nothing")
        entries.append((match.group("speaker").strip(), text))

    host_positions = [i for i, (speaker, _) in enumerate(entries) if speaker == host]
    segments = []
    for index, (speaker, text) in enumerate(entries):
        role: SegmentRole = "turn"
        if speaker == host:
            if index == host_positions[0]:
                role = "intro"
            elif index == host_positions[-1]:
                role = "outro"
            else:
                role = "bridge"
        segments.append(Segment(role, speaker, text, voices.get(speaker)))

    return Script(
        title=title.strip(),
        author=_optional(meta.get("author")),
        language=language,
        source=str(meta.get("source") or source),
        segments=tuple(segments),
        target_seconds=float(target),
        date=_optional(meta.get("date")),
        host=host,
        engine=str(meta.get("engine") or "offline"),
        summarizer=str(meta.get("summarizer") or "extractive"),
        summarizer_model=str(meta["summarizer_model"]) if meta.get("summarizer_model") else None,
        style=style,
    )


def _optional(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _paragraphs(body: str, first_line: int) -> list[tuple[int, str]]:
    """(line number, text) of each blank-line-separated paragraph, comments removed."""
    # Blank out comments but keep their newlines so line numbers stay right.
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(body.split("\n")):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line.strip())
        elif current:
            paragraphs.append((start, "\n".join(current)))
            current = []
    if current:
        paragraphs.append((start, "\n".join(current)))
    return paragraphs
