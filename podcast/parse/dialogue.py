"""From blocks to turns: who speaks, where each turn ends, what is narration or a note.

Two passes. The first finds every line's marker and decides, over the whole post, which
labels are speakers (a weak ``Name: text`` seen once is more likely a headline). The second
walks the blocks in order and builds the turns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from podcast.model import Turn
from podcast.parse.blocks import Block
from podcast.parse.markers import Marker, find_marker, is_timestamp, strip_timestamp
from podcast.parse.speakers import canonical_names, core

_SENTENCE_END = re.compile(r"[。！？!?…；;]|[.](?:\s|$)")
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
_STAGE = re.compile(r"^[（(\[][^（）()\[\]]{1,80}[）)\]][。.]?$")
_BRACKET_NOTE = re.compile(r"^【[^】]{0,12}(?:按|注|编者的话|前言|导语|题记)】")
_CJK_NARRATIVE = (
    r"(?:也|则|又|还|随后|接着|进一步|再次|首先|最后|进而|紧接着|马上|立刻|当即|)"
    r"(?:阐述|指出|认为|表示|提到|谈到|解释|强调|补充|总结|回应|反驳|同意|赞同|质疑|问道|笑道|"
    r"说道|介绍|分析|提出|觉得|坦言|感叹|承认|否认|回忆|讲述|描述|论述|说明|举例|打断|插话|"
    r"追问|反问|答道|回答|继续说|接着说|笑了|点头|摇头|沉默|发言|讨论|对话|聊)"
)
_EN_NARRATIVE = (
    r"\s+(?:\w+ed|said|says|asks|told|tells|explains|replies|adds|notes|argues|laughs|"
    r"continues|went on|goes on|points out|recalls|describes|insists|admits|agrees|"
    r"disagrees|writes|wrote|thinks|thought|believes)\b"
)


@dataclass(slots=True)
class _Building:
    speaker: str | None
    label: str | None
    paragraphs: list[list[str]] = field(default_factory=list)
    stage: bool = False

    def add(self, text: str, new_paragraph: bool) -> None:
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(text)

    def turn(self) -> Turn:
        text = "\n\n".join("\n".join(p) for p in self.paragraphs if p)
        return Turn(self.speaker, self.label, text)


@dataclass(frozen=True, slots=True)
class Dialogue:
    """What the dialogue stage found."""

    turns: tuple[Turn, ...]
    """The turns in order."""
    notes: tuple[str, ...]
    """Paragraphs outside the dialogue."""
    meta: dict[str, str]
    """Values of metadata labels (``作者：``, ``Date:``) by key."""
    has_dialogue: bool
    """False when no speaker label was found and the text was read as narration."""


def first_turn_block(blocks: list[Block], aliases: Mapping[str, Iterable[str]] | None = None) -> int | None:
    """Index of the first block holding an accepted speaker turn (None if there is none)."""
    markers, accepted, _ = _decide(blocks, aliases, None)
    for key, marker in markers.items():
        if marker.kind == "speaker" and key in accepted:
            return key[0]
    return None


def build_dialogue(
    blocks: list[Block],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    author: str | None = None,
) -> Dialogue:
    """Read turns, narration and notes out of ``blocks``."""
    markers, accepted, canonical = _decide(blocks, aliases, author)
    has_dialogue = any(markers[key].kind == "speaker" for key in accepted)
    known = _known_names(canonical, aliases)

    turns: list[_Building] = []
    notes: list[str] = []
    meta: dict[str, str] = {}
    current: _Building | None = None
    resume: _Building | None = None  # the speaker a stage direction interrupted

    def start(speaker: str | None, label: str | None, text: str, *, stage: bool = False) -> _Building:
        building = _Building(speaker, label, stage=stage)
        if text:
            building.add(text, True)
        turns.append(building)
        return building

    for i, block in enumerate(blocks):
        if block.kind in ("heading", "code"):
            if block.text:
                notes.append(block.text)
            if block.kind == "heading":
                current = resume = None
            continue
        note_lines: list[str] = []
        new_paragraph = True
        for j, line in enumerate(block.lines):
            text = strip_timestamp(line.text.strip())
            if not text or is_timestamp(text):
                continue
            marker = markers.get((i, j)) if (i, j) in accepted else None
            speaks = marker is not None and marker.kind in ("speaker", "narrator")
            if note_lines and speaks:
                notes.append("\n".join(note_lines))  # a speaker right under a cast list or 按语
                note_lines = []
            elif note_lines or _BRACKET_NOTE.match(text):
                note_lines.append(line.text.strip())
                continue
            if marker is not None and marker.kind == "meta":
                if marker.name and marker.rest:
                    meta.setdefault(marker.name, marker.rest)
                continue
            if marker is not None and marker.kind in ("note", "cast"):
                note_lines.append(line.text.strip())
                continue
            if marker is not None and marker.kind == "speaker":
                current = start(canonical[marker.name], marker.label, marker.rest)
                resume = None
            elif marker is not None and marker.kind == "narrator":
                current = start(None, marker.label, marker.rest)
                resume = None
            elif has_dialogue and (_STAGE.match(text) or (line.italic and turns)):
                if current is not None and not current.stage:
                    resume = current
                current = start(None, None, text, stage=True)
            elif has_dialogue and _reads_as_narration(text, known):
                current = start(None, None, text)
                resume = None
            elif current is None and not turns:
                if has_dialogue:
                    note_lines.append(text)  # a preface before the dialogue starts
                    continue
                current = start(None, None, text)
            else:
                if current is None:
                    current = start(None, None, "")
                elif current.stage:
                    # The interrupted speaker goes on, in a turn of its own after the
                    # stage direction so the order of the text is kept.
                    current = start(resume.speaker if resume else None, None, "")
                    resume = None
                current.add(text, new_paragraph)
            new_paragraph = False
        if note_lines:
            notes.append("\n".join(note_lines))

    finished = tuple(t.turn() for t in turns if any(p for p in t.paragraphs))
    # A label with nothing after it ("李：" as the last line) is kept as a note, not lost.
    notes += [t.label for t in turns if t.label and not any(p for p in t.paragraphs)]
    return Dialogue(finished, tuple(notes), meta, has_dialogue)


def _decide(
    blocks: list[Block],
    aliases: Mapping[str, Iterable[str]] | None,
    author: str | None,
) -> tuple[dict[tuple[int, int], Marker], set[tuple[int, int]], dict[str, str]]:
    """Find every line's marker and decide which ones really start something."""
    markers: dict[tuple[int, int], Marker] = {}
    flat: list[tuple[int, int]] = []
    for i, block in enumerate(blocks):
        if block.kind != "para":
            continue
        for j, line in enumerate(block.lines):
            if j + 1 < len(block.lines):
                following: str | None = block.lines[j + 1].text
            elif i + 1 < len(blocks) and blocks[i + 1].lines:
                following = blocks[i + 1].lines[0].text
            else:
                following = None
            marker = find_marker(line, following)
            if marker is not None:
                markers[(i, j)] = marker
                flat.append((i, j))

    declared = {str(a) for labels in (aliases or {}).values() for a in labels} | set(aliases or {})
    cast = _cast_lines(markers, flat)
    speaking = [k for k in flat if markers[k].kind == "speaker" and k not in cast]
    for key in cast:
        markers[key] = Marker("cast", markers[key].label, markers[key].name, markers[key].rest, False)

    canonical = canonical_names([markers[k].name for k in speaking], aliases=aliases, author=author)
    uses = Counter(canonical[markers[k].name] for k in speaking)
    accepted = {k for k in flat if markers[k].kind != "speaker"}
    sure = {
        k
        for k in speaking
        if markers[k].strong
        or uses[canonical[markers[k].name]] >= 2
        or markers[k].name in declared
        or core(markers[k].name) in {core(d) for d in declared}
    }

    def says_something(key: tuple[int, int]) -> bool:
        rest = markers[key].rest
        return _SENTENCE_END.search(rest) is not None or len(rest) >= 30

    # People who could be in a dialogue: sure ones, and weak ones that say a sentence.
    people = {canonical[markers[k].name] for k in speaking if k in sure or says_something(k)}
    for key in speaking:
        if key in sure:
            accepted.add(key)
            continue
        # A weak label used once is a speaker only beside someone else, and only if it
        # says a sentence: a lone "重磅：…" line or a short unpunctuated one is a headline.
        person = canonical[markers[key].name]
        if (people - {person}) and says_something(key):
            accepted.add(key)
    return markers, accepted, {markers[k].name: canonical[markers[k].name] for k in speaking}


def _cast_lines(markers: dict[tuple[int, int], Marker], flat: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Guest lists ("马仲良：中关村…院长"): short descriptions, not speech."""

    def guesty(marker: Marker) -> bool:
        rest = marker.rest
        return (
            marker.kind == "speaker"
            and 0 < len(rest) <= 60
            and not _SENTENCE_END.search(rest)
            and not _PRONOUN.search(rest)
        )

    cast: set[tuple[int, int]] = set()
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


def _known_names(canonical: Mapping[str, str], aliases: Mapping[str, Iterable[str]] | None) -> list[str]:
    names = set(canonical) | set(canonical.values())
    for person, labels in (aliases or {}).items():
        names.add(person)
        names.update(str(x) for x in labels)
    names |= {core(n) for n in names if not n.isascii()}
    names.discard("我")
    return sorted(names, key=len, reverse=True)


def _reads_as_narration(text: str, known: list[str]) -> bool:
    """A paragraph about a speaker in the third person: "白老师阐述了…", "Gross asked…".

    >>> _reads_as_narration("白老师阐述了维纳一系的理解", ["白老师", "白"])
    True
    >>> _reads_as_narration("白老师的意思是压缩函数", ["白老师"])
    False
    >>> _reads_as_narration("Gross asked about the film.", ["GROSS", "Terry Gross"])
    True
    """
    for name in known:
        if name.isascii():
            for form in {name, name.title(), name.split()[-1].title(), name.split()[-1]}:
                if re.match(re.escape(form) + _EN_NARRATIVE, text):
                    return True
            continue
        if text.startswith(name):
            rest = text[len(name) :]
            joint = re.match(r"[和与跟同及、]([\u3400-\u9fff]{1,6}?)" + _CJK_NARRATIVE, rest)
            if re.match(_CJK_NARRATIVE, rest) or joint:
                return True
    return False
