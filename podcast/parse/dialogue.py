"""From blocks to turns: who speaks, where each turn ends, what is narration, notes or furniture.

Two passes. The first classifies every line — page furniture, or a speaker marker — and
decides, over the whole post, which labels are speakers (a weak ``Name: text`` seen once is
more likely a headline). That fixes three regions: the *head* before the first turn (title,
bylines, a preface), the *dialogue*, and the page's *tail* (related posts, comments, a
signature). The second pass walks the lines in order and builds the turns, splitting stage
directions and narration out of what the speakers say, and records every line it leaves out
with the reason (``podcast parse --explain``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from podcast.hanzi import to_simplified
from podcast.model import LeftOut, Turn
from podcast.parse import interview
from podcast.parse.blocks import Block, Line
from podcast.parse.furniture import furniture, tail_start
from podcast.parse.markers import (
    Marker,
    find_marker,
    is_cast_label,
    is_preface,
    is_timestamp,
    label_direction,
    looks_like_person,
    strip_timestamp,
)
from podcast.parse.narration import reads_as_narration, split_directions, whole_direction
from podcast.parse.speakers import canonical_names, core

_SENTENCE_END = re.compile(r"[。！？!?…；;]|[.](?:\s|$)")
_TERMINAL = "。！？!?…；;.:：，,、”」』\"'）)"
_PRONOUN = re.compile(r"[我你咱您]|\b(?:I|we|you|my|our)\b")
_TITLE_WORDS = re.compile(
    r"院长|教授|主任|研究员|博士|创始人|总裁|董事长|总经理|主编|记者|作家|学者|专家|工程师|"
    r"科学家|首席|院士|校长|所长|局长|部长|主席|经理|总监|负责人|合伙人|副总|顾问|大学|学院|"
    r"研究院|研究所|公司|集团|中心|实验室|基金|协会|学会|委员会|银行|医院|媒体|报社|电视台|"
    r"主持人|\b(?:C[EFOT]O|VP|founder|professor|director|president|chair|editor|author|"
    r"journalist|scientist|researcher|engineer|university|institute|college|inc|ltd|corp|"
    r"correspondent|reporter|analyst|fellow)\b",
    re.IGNORECASE,
)
_BRACKET_NOTE = re.compile(r"^【[^】]{0,12}(?:按|注|编者的话|前言|导语|题记)】")
_LEAD_IN = re.compile(
    r"(?:以下|下面)(?:为|是|為)[^。！？]{0,24}(?:实录|實錄|全文|内容|內容|对话|對話|访谈|訪談|摘要|节选|節選|整理|问答|問答)"
    r"[^。！？]{0,10}[:：]?|(?:实录|實錄|全文|对话|對話|内容|內容)如下[:：]?|"
    r"(?:访谈|訪談|对话|對話|文字|聊天|嘉宾|嘉賓|节目|節目)?(?:文字)?(?:实录|實錄)[:：]?|"
    r"(?:Full |Episode |Interview |Show )?Transcript[:：]?",
    re.IGNORECASE,
)
# A forum floor's header: who posted it ("作者：北方的狼2015  时间：2016-03-12 22:41:09").
_FLOOR = re.compile(r"(?:楼主|作者)\s*[:：]\s*(?P<who>\S{1,30}?)\s+(?:楼主\s+)?(?:时间|日期|发表于)\s*[:：]")
# Furniture that ends a speaker's turn: what follows it is not their continuation.
_BREAKING = {"copyright", "disclaimer", "site", "comment form", "forum", "sign-off", "share bar", "counter",
             "byline", "date", "navigation", "related posts", "promotion", "bio"}  # fmt: skip
# Tails that may also be a box inside the post, with the dialogue going on below.
_BOXES = {"related posts", "share bar", "navigation"}
_BY = re.compile(r"(?:By|Interview by|Written by|Story by)\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*$")
_ALL_CAPS_LINE = re.compile(r"[A-Z0-9][A-Z0-9 ,.'’&:;()\-]+")
HEADLINE_HANZI = 30
"""A line without end punctuation up to this many characters may be a headline (Chinese)."""
HEADLINE_WORDS = 16
"""The same for English, in words."""


@dataclass(slots=True)
class _Building:
    speaker: str | None
    label: str | None
    paragraphs: list[list[str]] = field(default_factory=list)
    direction: bool = False
    subject: str | None = None
    narration: bool = False

    def add(self, text: str, new_paragraph: bool) -> None:
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(text)

    def turn(self) -> Turn:
        text = "\n\n".join("\n".join(p) for p in self.paragraphs if p)
        return Turn(self.speaker, self.label or None, text, self.direction, self.subject)


@dataclass(frozen=True, slots=True)
class Dialogue:
    """What the dialogue stage found."""

    turns: tuple[Turn, ...]
    """The turns in order."""
    notes: tuple[str, ...]
    """Paragraphs outside the dialogue: a preface, a guest list, headings."""
    meta: dict[str, str]
    """Values of metadata labels (``作者：``, ``Date:``, a forum header) by key."""
    has_dialogue: bool
    """False when no speaker label was found and the text was read as narration."""
    preface: tuple[str, ...] = ()
    """The notes that open with a preface label (``立委按：``, ``【编者按】``, ``Editor's note:``)."""
    left_out: tuple[LeftOut, ...] = ()
    """Lines that are not dialogue or notes, and why."""
    headlines: tuple[str, ...] = ()
    """Short lines of the page's head that may be its title, in order."""
    anchored: tuple[str, ...] = ()
    """The headlines next to the page's byline or date (within three lines): where titles sit."""
    casts: tuple[tuple[str, str], ...] = ()
    """Cast-list entries (``主持人``, ``王芳``) and bylines (``记者``, ``张三``) naming who plays a role."""


Key = tuple[int, int]


def read_dialogue(
    blocks: list[Block],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    author: str | None = None,
) -> Dialogue:
    """Read turns, narration, notes and left-out lines out of ``blocks``."""
    lines = _Lines(_unglue(blocks))
    markers, accepted, canonical = _decide(lines, aliases, author)
    _interview(lines, markers, accepted, canonical)
    _floors(lines, markers, accepted, canonical)
    start = _dialogue_start(lines, markers, accepted)
    has_dialogue = start is not None
    end = _tail_start(lines, start, markers, accepted)
    walker = _Walker(lines, markers, accepted, canonical, _known_names(canonical, aliases), has_dialogue)
    walker.walk(start, end)
    return walker.result()


class _Lines:
    """The post's lines in order, with their block, text and furniture class."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.keys: list[Key] = [(i, j) for i, b in enumerate(blocks) for j in range(len(b.lines))]
        self.order = {key: n for n, key in enumerate(self.keys)}
        self.text = {k: strip_timestamp(blocks[k[0]].lines[k[1]].text.strip()) for k in self.keys}
        self.furniture = {k: why for k in self.keys if blocks[k[0]].kind == "para" and (why := furniture(self.text[k]))}
        # A line the page repeats, that does not end a sentence: a running header or footer.
        counts = Counter(self.text.values())
        self.repeated = {t for t, n in counts.items() if n >= 2 and len(t) >= 8 and _headline_shaped(t)}

    def next_text(self, key: Key) -> str | None:
        n = self.order[key] + 1
        return self.blocks[self.keys[n][0]].lines[self.keys[n][1]].text if n < len(self.keys) else None

    def following(self, key: Key, count: int) -> list[Key]:
        n = self.order[key]
        return self.keys[n + 1 : n + 1 + count]


def _decide(
    lines: _Lines, aliases: Mapping[str, Iterable[str]] | None, author: str | None
) -> tuple[dict[Key, Marker], set[Key], dict[str, str]]:
    """Find every line's marker and decide which ones really start something."""
    markers: dict[Key, Marker] = {}
    flat: list[Key] = []
    for key in lines.keys:
        block = lines.blocks[key[0]]
        if block.kind != "para":
            continue
        marker = find_marker(block.lines[key[1]], lines.next_text(key))
        if marker is None:
            continue
        if key in lines.furniture and not (marker.kind == "speaker" and marker.strong):
            continue  # "来源：人民网" is furniture; "TERRY GROSS, HOST:" is not
        markers[key] = marker
        flat.append(key)

    declared = {str(a) for labels in (aliases or {}).values() for a in labels} | set(aliases or {})
    cast = _cast_lines(markers, flat)
    speaking = [k for k in flat if markers[k].kind == "speaker" and k not in cast]
    for key in cast:
        markers[key] = Marker("cast", markers[key].label, markers[key].name, markers[key].rest, False)

    canonical = canonical_names([markers[k].name for k in speaking], aliases=aliases, author=author)
    uses = Counter(canonical[markers[k].name] for k in speaking)
    accepted = {k for k in flat if markers[k].kind != "speaker"}
    declared_cores = {core(d) for d in declared}
    sure = {
        k
        for k in speaking
        if markers[k].strong
        or uses[canonical[markers[k].name]] >= 2
        or markers[k].name in declared
        or core(markers[k].name) in declared_cores
    }

    # A one-word English name used once ("Brandon:") is a person when others in the post are
    # named by one word too ("Evan:"); in a post of Q and A, "Sensing:" is a term.
    one_word = {
        canonical[markers[k].name]
        for k in speaking
        if k in sure and markers[k].name.isascii() and " " not in markers[k].name and len(markers[k].name) > 1
    }

    def says_something(key: Key) -> bool:
        name = markers[key].name
        rest = markers[key].rest or _next_line(lines, key)
        named_alike = name.isascii() and " " not in name and len(name) > 1 and bool(one_word - {canonical[name]})
        if not looks_like_person(name) and not named_alike:
            return False  # "休眠弧：…", "Sensing: …": a term defined, not a person speaking
        return _SENTENCE_END.search(rest) is not None or len(rest) >= 30

    # A name alone on its line is a label only when it recurs beside another such name
    # (a play, a transcript), or when it is set apart (ALL CAPS, bold).
    alone_people = {
        canonical[markers[k].name] for k in speaking if markers[k].alone and uses[canonical[markers[k].name]] >= 2
    }
    for key in speaking:
        person = canonical[markers[key].name]
        if markers[key].alone and (person not in alone_people or (not markers[key].strong and len(alone_people) < 2)):
            sure.discard(key)
    people = {canonical[markers[k].name] for k in speaking if k in sure or says_something(k)}
    for key in speaking:
        if key in sure:
            accepted.add(key)
            continue
        if markers[key].alone:
            continue
        # A weak label used once is a speaker only beside someone else, and only if it
        # says a sentence: a lone "重磅：…" line or a short unpunctuated one is a headline.
        person = canonical[markers[key].name]
        if (people - {person}) and says_something(key):
            accepted.add(key)
    return markers, accepted, {markers[k].name: canonical[markers[k].name] for k in speaking}


def _next_line(lines: _Lines, key: Key) -> str:
    after = lines.following(key, 1)
    return lines.text[after[0]] if after else ""


def _unglue(blocks: list[Block]) -> list[Block]:
    """Questions printed against their answers (``…the phrase?I don't mind it.``), split —
    only when the post does it again and again, as an interview's layout."""
    glued = [i for i, b in enumerate(blocks) if b.kind == "para" and b.lines and interview.unglue(b.lines[0].text)]
    if len(glued) < interview.MIN_QUESTIONS:
        return blocks
    result = list(blocks)
    for i in glued:
        block = blocks[i]
        question, answer = interview.unglue(block.lines[0].text) or ("", "")
        result[i] = Block(block.kind, (Line(question), Line(answer), *block.lines[1:]), block.meta)
    return result


def _interview(lines: _Lines, markers: dict[Key, Marker], accepted: set[Key], canonical: dict[str, str]) -> None:
    """Turn an unlabelled interview's questions and answers into turns (see ``interview``)."""
    asked = [
        interview.Line(k, lines.text[k], _whole_bold(lines.blocks[k[0]].lines[k[1]]), k[1] == 0)
        for k in lines.keys
        if lines.blocks[k[0]].kind == "para" and k not in lines.furniture and lines.text[k]
    ]
    labelled = {k for k in accepted if markers[k].kind == "speaker"}
    roles = interview.questions(asked, labelled)
    if not roles:
        return
    # Labels above the first question are the headline or a pull quote, not turns.
    first = min(lines.order[k] for k in roles)
    for key in [k for k in labelled if lines.order[k] < first]:
        accepted.discard(key)
        labelled.discard(key)
    zh = any(re.search(r"[\u3400-\u9fff]", lines.text[k]) for k in roles)
    names = {"q": "记者" if zh else "Interviewer", "a": "嘉宾" if zh else "Guest"}
    # A label on some of the questions or answers ("界面文化：", "方小禾：") names the two.
    labels = {k: m for k in roles if (m := markers.get(k)) is not None and m.kind == "speaker" and m.rest}
    for role in ("q", "a"):
        named = next((canonical.get(m.name, m.name) for k, m in labels.items() if roles[k] == role), None)
        names[role] = named or names[role]
    for key, role in roles.items():
        if key in labelled:
            continue
        if key in labels:
            markers[key] = Marker("speaker", labels[key].label, names[role], labels[key].rest, True)
        else:
            text = interview.strip_number(lines.text[key]) if role == "q" else lines.text[key]
            markers[key] = Marker("speaker", "", names[role], text, True)
        accepted.add(key)
        canonical.setdefault(names[role], names[role])


_POST_HEADER = re.compile(r"#\d{1,5}\s*(?:引用回覆|引用回复|引用).{0,60}(?:發表時間|发表时间|發表於|发表于)")


def _floors(lines: _Lines, markers: dict[Key, Marker], accepted: set[Key], canonical: dict[str, str]) -> None:
    """A forum thread laid out as posts (the poster's name, their stats, ``#1 引用回覆 …
    發表時間 …``, then the post): each post is a turn by its poster."""
    if any(markers[k].kind == "speaker" for k in accepted):
        return
    headers = [k for k in lines.keys if lines.furniture.get(k) == "forum" and _POST_HEADER.search(lines.text[k])]
    if len(headers) < 2:
        return
    for header in headers:
        n = lines.order[header]
        poster = next(
            (
                k
                for k in reversed(lines.keys[max(0, n - 15) : n])
                if k not in lines.furniture
                and 1 < len(lines.text[k]) <= 20
                and not re.search(r"[:：\d]", lines.text[k])
            ),
            None,
        )
        following = lines.following(header, 1)
        if poster is None or not following or following[0] in lines.furniture:
            continue
        name = lines.text[poster]
        lines.furniture[poster] = "forum poster"
        markers[following[0]] = Marker("speaker", name, name, lines.text[following[0]], True)
        accepted.add(following[0])
        canonical.setdefault(name, name)


def _whole_bold(line: Line) -> bool:
    return line.bold is not None and line.bold.strip(" *") == line.text.strip(" *")


def _cast_lines(markers: dict[Key, Marker], flat: list[Key]) -> set[Key]:
    """Guest lists ("马仲良：中关村…院长"): short descriptions, not speech."""

    def guesty(marker: Marker) -> bool:
        rest = marker.rest
        return (
            marker.kind == "speaker"
            and 0 < len(rest) <= 60
            and not _SENTENCE_END.search(rest)
            and not _PRONOUN.search(rest)
        )

    cast: set[Key] = set()
    first_speech = next(
        (n for n, k in enumerate(flat) if markers[k].kind == "speaker" and not guesty(markers[k])),
        len(flat),
    )
    for n, key in enumerate(flat):
        marker = markers[key]
        if not guesty(marker):
            continue
        titled = _TITLE_WORDS.search(marker.rest) is not None
        previous = markers[flat[n - 1]] if n else None
        following = markers[flat[n + 1]] if n + 1 < len(flat) else None
        in_run = any(m is not None and (guesty(m) or m.kind == "cast") for m in (previous, following))
        continues_list = n > 0 and (flat[n - 1] in cast or markers[flat[n - 1]].kind == "cast")
        if titled or (in_run and n < first_speech and (len(marker.rest) >= 4 or continues_list)):
            cast.add(key)
    return cast


def _dialogue_start(lines: _Lines, markers: dict[Key, Marker], accepted: set[Key]) -> Key | None:
    """The first line that starts a turn. A weak label line with no end punctuation right
    above a date or byline is the page's headline (``林秉坤：一个标题改七遍，那是常事``); when
    the page says where its transcript begins (``访谈实录``, ``以下为聊天实录：``), labels above
    that line are not the dialogue (a block of endorsements, a guest list)."""
    speaking = [k for k in lines.keys if k in accepted and markers[k].kind in ("speaker", "narrator")]
    lead = next((k for k in lines.keys if _LEAD_IN.fullmatch(lines.text[k]) and k not in accepted), None)
    if lead is not None and any(lines.order[k] > lines.order[lead] for k in speaking):
        for key in speaking:
            if lines.order[key] < lines.order[lead]:
                accepted.discard(key)
    for key in lines.keys:
        marker = markers.get(key)
        if key not in accepted or marker is None or marker.kind not in ("speaker", "narrator"):
            continue
        if marker.kind == "speaker" and not marker.strong and _headline_shaped(lines.text[key]):
            after = [k for k in lines.following(key, 3) if lines.text[k]]
            dated = bool(after) and lines.furniture.get(after[0]) in ("date", "byline")
            repeated = bool(after) and lines.text[after[0]] == lines.text[key]
            plain = (
                bool(after)
                and after[0] not in accepted
                and (after[0] in lines.furniture or _headline_shaped(lines.text[after[0]]))
                and lines.text[key].rstrip()[-1:] not in "?？"
            )
            if dated or repeated or plain:
                accepted.discard(key)  # "叶小棠：第一次开微博，我连年份都记错了" over a byline
                continue
        return key
    return None


def _tail_start(lines: _Lines, start: Key | None, markers: dict[Key, Marker], accepted: set[Key]) -> int:
    """Index (in ``lines.keys``) where the page's tail begins: comments, a signature, an
    author box — or related posts, unless the dialogue goes on below them (a "Related" box
    in the middle of an interview)."""
    first = lines.order[start] + 1 if start is not None else 0
    speaking = sorted(lines.order[k] for k in accepted if markers[k].kind == "speaker")
    for n in range(first, len(lines.keys)):
        key = lines.keys[n]
        why = tail_start(lines.text[key]) if lines.blocks[key[0]].kind == "para" else None
        if not why or (start is None and n == 0):
            continue
        if why in _BOXES and speaking and speaking[-1] > n:
            continue
        return n
    return len(lines.keys)


def _headline_shaped(text: str) -> bool:
    """A short line that does not end a sentence: a title, a subhead, a menu item.

    >>> _headline_shaped("铅字年代的夜班"), _headline_shaped("好的。"), _headline_shaped("The Salt Road")
    (True, False, True)
    >>> _headline_shaped("记一次被面试官追着问到底的 HashMap 二面（对话还原）")
    True
    """
    text = text.strip()
    core = text.rstrip("”’」』\"'）)】]》 ")
    if not core or core[-1] in "。.；;，,、：:":
        return False
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) <= HEADLINE_HANZI * 1.5 and not re.search(r"[。；]", core)
    return len(text.split()) <= HEADLINE_WORDS and not re.search(r"[.;]\s+[A-Z]", core)


_VERBS = re.compile(
    r"\b(?:is|are|was|were|be|been|am|has|have|had|do|does|did|can|could|will|would|shall|should|may|might|"
    r"must|i|you|we|he|she|they|it|me|us|him|her|them|my|your|our|this|that|there|here|yes|no|not)\b",
    re.IGNORECASE,
)


def _caption_like(text: str) -> bool:
    """An English line that names a picture rather than says something: a noun phrase, no verb.

    >>> _caption_like("A manuscript page from Abernathy’s novel The Winter Kitchen.")
    True
    >>> _caption_like("A lot of it was luck."), _caption_like("Twelve years, give or take.")
    (False, False)
    """
    return (
        re.match(r"(?:A|An|The) [a-z]", text) is not None
        and 4 <= len(text.split()) <= 16
        and not _VERBS.search(text)
        and not re.search(r"\w+(?:ed|ing)\b", text)
    )


def _byline_name(text: str) -> bool:
    """A line that is only a person's name (``Eleanor Ashby``, ``林知远``).

    >>> _byline_name("Eleanor Ashby"), _byline_name("The Margin Notes"), _byline_name("林知远")
    (True, False, True)
    """
    if re.fullmatch(r"[\u3400-\u9fff]{2,4}", text):
        return looks_like_person(text)
    words = text.split()
    return (
        2 <= len(words) <= 3
        and all(re.fullmatch(r"[A-Z][a-z'’-]+", w) for w in words)
        and words[0] not in ("The", "By", "From", "With")
    )


def _title_sized(text: str) -> bool:
    """Short enough to be a title, however it ends."""
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) <= 60
    return len(text.split()) <= 24


class _Walker:
    """The second pass: lines in order to turns, notes and left-out lines."""

    def __init__(
        self,
        lines: _Lines,
        markers: dict[Key, Marker],
        accepted: set[Key],
        canonical: dict[str, str],
        known: list[str],
        has_dialogue: bool,
    ) -> None:
        self.lines = lines
        self.markers = markers
        self.accepted = accepted
        self.canonical = canonical
        self.known = known
        self.has_dialogue = has_dialogue
        self.turns: list[_Building] = []
        self.notes: list[str] = []
        self.preface: list[str] = []
        self.meta: dict[str, str] = {}
        self.left_out: list[LeftOut] = []
        self.headlines: list[str] = []
        self.casts: list[tuple[str, str]] = []
        self.current: _Building | None = None
        self.resume: _Building | None = None  # the speaker a stage direction interrupted
        self.pending_headings: list[tuple[int, str]] = []  # subheads: notes, unless after the last turn
        self.head_lines: list[tuple[str, str | None]] = []  # the head's lines and their furniture class
        self.beside_picture = False  # the last line was a photo credit or caption
        self.poster: str | None = None  # a forum thread's first poster
        self.reader = False  # inside a reader's floor of the thread
        self.last_label_turn = -1

    # ------------------------------------------------------------------ regions

    def walk(self, start: Key | None, end: int) -> None:
        start_n = self.lines.order[start] if start is not None else 0
        note_lines: list[str] = []
        previous_block = -1
        for n, key in enumerate(self.lines.keys):
            block = self.lines.blocks[key[0]]
            text = self.lines.text[key]
            new_block = key[0] != previous_block
            previous_block = key[0]
            if new_block and note_lines:
                self._note(note_lines)
                note_lines = []
            if not text or is_timestamp(text):
                continue
            if n >= end:
                self._tail(key, n, end)
                continue
            if block.kind in ("heading", "code"):
                if n < start_n and block.kind == "heading":
                    self.notes.append(text)
                elif block.kind == "heading":
                    self.pending_headings.append((len(self.turns), text))
                    self.current = self.resume = None
                else:
                    self.notes.append(text)
                continue
            marker = self.markers.get(key) if key in self.accepted else None
            if n < start_n:
                self._record_head(key, text, marker)
            why = self.lines.furniture.get(key) or (
                box if n >= start_n and (box := tail_start(text)) in _BOXES and self.has_dialogue else None
            )
            if why is not None and (marker is None or marker.kind != "speaker"):
                self._furniture(text, why)
                continue
            if marker is not None and marker.kind == "meta":
                if marker.name and marker.rest:
                    self.meta.setdefault(marker.name, marker.rest)
                self.left_out.append(LeftOut(text, "metadata"))
                continue
            speaks = marker is not None and marker.kind in ("speaker", "narrator")
            if note_lines and not speaks:
                note_lines.append(text)
                continue
            if note_lines:
                self._note(note_lines)
                note_lines = []
            if marker is not None and marker.kind in ("note", "cast"):
                if marker.kind == "cast" and marker.rest:
                    self.casts.append((marker.name, marker.rest))
                note_lines.append(text)
                continue
            if _BRACKET_NOTE.match(text):
                note_lines.append(text)
                continue
            if n < start_n or (not self.has_dialogue and not self.turns and _headline_shaped(text) and n < 12):
                self._head(text, block)
                continue
            self._dialogue(key, text, marker, new_block)
        if note_lines:
            self._note(note_lines)

    def _note(self, lines: list[str]) -> None:
        text = "\n".join(lines)
        self.notes.append(text)
        if is_preface(find_marker(Line(lines[0]))) or _BRACKET_NOTE.match(lines[0]):
            self.preface.append(text)

    def _record_head(self, key: Key, text: str, marker: Marker | None) -> None:
        """Remember a line above the dialogue: where the title and the byline may be."""
        why = self.lines.furniture.get(key)
        if why == "date" and self.head_lines and _byline_name(self.head_lines[-1][0]):
            # "Eleanor Ashby" over "Feb 02, 2024": the byline, with no "By".
            self.meta.setdefault("author", self.head_lines[-1][0])
        if why == "byline" and (by := _BY.match(text)):
            self.meta.setdefault("author", by.group(1))  # "By Terry Gross"
        self.head_lines.append((text, why))
        # A cast line the guest-list reading made of a label may be the headline; a "Guests:"
        # line is not.
        listed = marker is None or marker.kind == "speaker" or (marker.kind == "cast" and not is_cast_label(marker))
        if why is None and listed and _title_sized(text) and not _LEAD_IN.fullmatch(text):
            self.headlines.append(text)

    def _head(self, text: str, block: Block) -> None:
        """A line before the first turn: a lead-in, a headline candidate or a preface."""
        if _LEAD_IN.fullmatch(text):
            self.left_out.append(LeftOut(text, "lead-in to the transcript"))
            return
        if _headline_shaped(text):
            self.left_out.append(LeftOut(text, "page header"))
        else:
            self.notes.append(text)

    def _furniture(self, text: str, why: str) -> None:
        self.left_out.append(LeftOut(text, why))
        self.beside_picture = why in ("caption", "byline") and bool(self.turns)
        floor = _FLOOR.search(to_simplified(text)) if why == "forum" else None
        if floor:
            # A thread: the poster's floors carry the dialogue, readers' floors are replies.
            who = text[floor.start("who") : floor.end("who")]  # as written (the rule reads simplified)
            self.poster = self.poster or who
            self.reader = who != self.poster
            self.current = self.resume = None
        if why == "forum":
            header = re.match(r"(作者|標題|标题)\s*(.+)", text)
            if header:
                key = "author" if header.group(1) == "作者" else "title"
                value = re.sub(r"\s*\(.*\)\s*$", "", header.group(2)) if key == "author" else header.group(2)
                self.meta.setdefault(key, value.strip())
        if why in _BREAKING and self.turns:
            self.current = self.resume = None

    def _tail(self, key: Key, n: int, end: int) -> None:
        text = self.lines.text[key]
        reason = tail_start(self.lines.text[self.lines.keys[end]]) or "page tail"
        self.left_out.append(LeftOut(text, f"page tail: {reason}"))
        # The author box names the post's author ("发布者" then the name).
        if re.fullmatch(r"(?:发布者|發佈者|Posted by|Published by)\s*[:：]?\s*", text, re.IGNORECASE):
            after = self.lines.following(key, 1)
            if after and self.lines.text[after[0]]:
                self.meta.setdefault("author", self.lines.text[after[0]])
        elif match := re.fullmatch(
            r"(?:发布者|發佈者|Posted by|Published by)\s*[:：]?\s*(\S.{0,30})", text, re.IGNORECASE
        ):
            self.meta.setdefault("author", match.group(1).strip())

    # ------------------------------------------------------------------ the dialogue

    def _start(self, speaker: str | None, label: str | None, text: str, **kind: object) -> _Building:
        building = _Building(speaker, label, **kind)  # type: ignore[arg-type]
        if text:
            building.add(text, True)
        self.turns.append(building)
        return building

    def _dialogue(self, key: Key, text: str, marker: Marker | None, new_block: bool) -> None:
        if self.reader:
            self.left_out.append(LeftOut(text, "a reader's reply"))
            return
        beside_picture, self.beside_picture = self.beside_picture, False
        if beside_picture and marker is None and len(text) <= 80 and key[1] == len(self.lines.blocks[key[0]].lines) - 1:
            self.left_out.append(LeftOut(text, "caption"))  # the words under a photo credit
            return
        if marker is not None and marker.kind == "speaker":
            speaker = self.canonical[marker.name]
            direction = label_direction(marker.label)
            if direction:
                self._start(None, None, direction, direction=True, subject=speaker)
            pieces = split_directions(marker.rest) if marker.rest else []
            while pieces and pieces[0][0]:
                # "李白：（整理了一下衣衫）你想问什么？": the direction, then the words.
                self._start(None, None, pieces.pop(0)[1], direction=True, subject=speaker)
            self.current = self._start(speaker, marker.label, "")
            self.last_label_turn = len(self.turns) - 1
            self.resume = None
            self._speech(pieces, new_paragraph=True)
            return
        if marker is not None and marker.kind == "narrator":
            self.current = self._start(None, marker.label, whole_direction(marker.rest) or marker.rest, narration=True)
            self.resume = None
            return
        whole = whole_direction(text)
        if self.has_dialogue and whole is not None:
            if self.current is not None and not self.current.direction and self.current.speaker:
                self.resume = self.current
            subject = self.resume.speaker if self.resume is not None and not new_block else None
            self.current = self._start(None, None, whole, direction=True, subject=subject)
            return
        block = self.lines.blocks[key[0]]
        if self.has_dialogue and text in self.lines.repeated:
            self.left_out.append(LeftOut(text, "running header"))
            return
        if self.has_dialogue and _ALL_CAPS_LINE.fullmatch(text) and len(text.split()) >= 2:
            self.pending_headings.append((len(self.turns), text))  # "STATEMENT OF JANET OKONKWO"
            return
        if self.has_dialogue and (block.lines[key[1]].italic and self.turns):
            if self.current is not None and not self.current.direction and self.current.speaker:
                self.resume = self.current
            self.current = self._start(None, None, text, direction=True)
            return
        narrator = "我" in self.canonical and self.current is not None and self.current.speaker != self.canonical["我"]
        if self.has_dialogue and reads_as_narration(text, self.known, narrator=narrator):
            self.current = self._start(None, None, text, narration=True)
            self.resume = None
            return
        if (
            self.has_dialogue
            and new_block
            and len(block.lines) == 1
            and _headline_shaped(text)
            and text.rstrip()[-1:] not in "?？!！"
            and self.current is not None
            and any(self.current.paragraphs)
        ):
            self.pending_headings.append((len(self.turns), text))
            return
        if self.current is not None and any(self.current.paragraphs) and new_block and _caption_like(text):
            self.left_out.append(LeftOut(text, "caption"))  # "A manuscript page from Abernathy's novel."
            return
        if not self.has_dialogue and self.current is None:
            self.current = self._start(None, None, "", narration=True)
        elif self.current is None or self.current.direction:
            resumed = self.resume.speaker if self.resume is not None else None
            if resumed is None and self.current is None and self.has_dialogue:
                # Prose after furniture ended a turn, with no label since: not dialogue.
                self.left_out.append(LeftOut(text, "outside the dialogue"))
                return
            self.current = self._start(resumed, None, "", narration=resumed is None)
            self.resume = None
        self._speech(split_directions(text) if self.has_dialogue else [(False, text)], new_paragraph=new_block)

    def _speech(self, pieces: list[tuple[bool, str]], *, new_paragraph: bool) -> None:
        """Add speech and stage-direction ``pieces`` to the current turn, in order."""
        if self.current is None:
            return
        speaker = self.current.speaker
        for direction, piece in pieces:
            if direction:
                if self.current is not None and not self.current.direction and self.current.speaker:
                    self.resume = self.current
                self.current = self._start(None, None, piece, direction=True, subject=speaker)
                continue
            if self.current.direction:
                self.current = self._start(speaker, None, "", narration=speaker is None)
                self.resume = None
                new_paragraph = True
            self.current.add(piece, new_paragraph)
            new_paragraph = False

    # ------------------------------------------------------------------ the result

    def result(self) -> Dialogue:
        self._trim_last_turn()
        headings = self.pending_headings
        for index, text in headings:
            if index > self.last_label_turn + 1 and self.last_label_turn >= 0 and index >= len(self.turns):
                self.left_out.append(LeftOut(text, "outside the dialogue"))
            else:
                self.notes.append(text)
        finished = tuple(t.turn() for t in self.turns if any(p for p in t.paragraphs))
        if not finished and not self.notes:
            # A post of short lines only: they are not a page's header, they are the post.
            kept = [x.text for x in self.left_out if x.why == "page header"]
            if kept:
                self.left_out = [x for x in self.left_out if x.why != "page header"]
                finished = (Turn(None, None, "\n".join(kept)),)
        # A label with nothing after it ("李：" as the last line) is kept as a note, not lost.
        notes = self.notes + [t.label for t in self.turns if t.label and not any(p for p in t.paragraphs)]
        return Dialogue(
            turns=finished,
            notes=tuple(notes),
            preface=tuple(self.preface),
            meta=self.meta,
            has_dialogue=self.has_dialogue,
            left_out=tuple(self.left_out),
            headlines=tuple(self.headlines),
            anchored=tuple(self._anchored()),
            casts=tuple(self.casts),
        )

    def _anchored(self) -> list[str]:
        head = self.head_lines
        marks = [n for n, (_, why) in enumerate(head) if why in ("date", "byline")]
        near = {n for m in marks for n in range(m - 3, m + 3) if 0 <= n < len(head) and head[n][1] is None}
        # A line beside a caption's furniture ("【查看原图】") is the caption.
        near -= {n + d for n, (_, why) in enumerate(head) if why == "caption" for d in (-1, 1)}
        return [head[n][0] for n in sorted(near) if head[n][0] in self.headlines and not _byline_name(head[n][0])]

    def _trim_last_turn(self) -> None:
        """Short lines at the very end of the last turn (a byline, an org name, a list of
        titles) are the page, not the speaker."""
        speaking = [t for t in self.turns if t.speaker and any(t.paragraphs)]
        if not speaking or speaking[-1] is not self.turns[-1]:
            return
        last = speaking[-1]
        while len(last.paragraphs) > 1 and all(
            _headline_shaped(x) and not re.search(r"[?？!！]$", x) for x in last.paragraphs[-1]
        ):
            self.left_out.extend(LeftOut(x, "after the dialogue") for x in last.paragraphs.pop())


def _known_names(canonical: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None) -> list[str]:
    names = set(canonical) | set(canonical.values())
    for person, labels in (aliases or {}).items():
        names.add(person)
        names.update(str(x) for x in labels)
    names |= {core(n) for n in names if not n.isascii()}
    names.discard("我")
    return sorted(names, key=len, reverse=True)
