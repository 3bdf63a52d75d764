"""The second pass of the dialogue reader: the lines in order, to turns, notes and left-out lines.

``Reader`` walks the post once, holding the turn being built. A speaker's label starts a
turn; stage directions (``（笑）``, an italic line) and narration are split out of what the
speaker says, and the speaker resumes after them; subheads, captions and running headers
are set aside; furniture ends a turn; a forum reader's floor is left out. Every line left out
is recorded with the reason (``podcast parse --explain``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from podcast.model import LeftOut, Turn
from podcast.parse.blocks import Block, Line
from podcast.parse.byline import HeadLine, anchored, head_author, tail_author
from podcast.parse.forum import floor_poster, thread_header
from podcast.parse.furniture import tail_start
from podcast.parse.line_shapes import caption_like, headline_shaped, is_lead_in, title_sized
from podcast.parse.markers import (
    Marker,
    find_marker,
    is_cast_label,
    is_preface,
    is_timestamp,
    label_direction,
)
from podcast.parse.narration import reads_as_narration, split_directions, whole_direction
from podcast.parse.post_lines import Key, PostLines
from podcast.parse.regions import BOXES

_BRACKET_NOTE = re.compile(r"^【[^】]{0,12}(?:按|注|编者的话|前言|导语|题记)】")
# Furniture that ends a speaker's turn: what follows it is not their continuation.
_BREAKING = {"copyright", "disclaimer", "site", "comment form", "forum", "sign-off", "share bar", "counter",
             "byline", "date", "navigation", "related posts", "promotion", "bio"}  # fmt: skip
_ALL_CAPS_LINE = re.compile(r"[A-Z0-9][A-Z0-9 ,.'’&:;()\-]+")


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


class Reader:
    """The second pass: lines in order to turns, notes and left-out lines."""

    def __init__(
        self,
        lines: PostLines,
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
        self.head_lines: list[HeadLine] = []  # the head's lines and their furniture class
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
                box if n >= start_n and (box := tail_start(text)) in BOXES and self.has_dialogue else None
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
            if n < start_n or (not self.has_dialogue and not self.turns and headline_shaped(text) and n < 12):
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
        author = head_author(text, why, self.head_lines[-1][0] if self.head_lines else None)
        if author is not None:
            self.meta.setdefault("author", author)
        self.head_lines.append((text, why))
        # A cast line the guest-list reading made of a label may be the headline; a "Guests:"
        # line is not.
        listed = marker is None or marker.kind == "speaker" or (marker.kind == "cast" and not is_cast_label(marker))
        if why is None and listed and title_sized(text) and not is_lead_in(text):
            self.headlines.append(text)

    def _head(self, text: str, block: Block) -> None:
        """A line before the first turn: a lead-in, a headline candidate or a preface."""
        if is_lead_in(text):
            self.left_out.append(LeftOut(text, "lead-in to the transcript"))
            return
        if headline_shaped(text):
            self.left_out.append(LeftOut(text, "page header"))
        else:
            self.notes.append(text)

    def _furniture(self, text: str, why: str) -> None:
        self.left_out.append(LeftOut(text, why))
        self.beside_picture = why in ("caption", "byline") and bool(self.turns)
        if why == "forum":
            who = floor_poster(text)
            if who is not None:
                # A thread: the poster's floors carry the dialogue, readers' floors are replies.
                self.poster = self.poster or who
                self.reader = who != self.poster
                self.current = self.resume = None
            header = thread_header(text)
            if header is not None:
                self.meta.setdefault(*header)
        if why in _BREAKING and self.turns:
            self.current = self.resume = None

    def _tail(self, key: Key, n: int, end: int) -> None:
        text = self.lines.text[key]
        reason = tail_start(self.lines.text[self.lines.keys[end]]) or "page tail"
        self.left_out.append(LeftOut(text, f"page tail: {reason}"))
        # The author box names the post's author ("发布者" then the name).
        author = tail_author(text, self.lines.next_line(key))
        if author is not None:
            self.meta.setdefault("author", author)

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
            and headline_shaped(text)
            and text.rstrip()[-1:] not in "?？!！"
            and self.current is not None
            and any(self.current.paragraphs)
        ):
            self.pending_headings.append((len(self.turns), text))
            return
        if self.current is not None and any(self.current.paragraphs) and new_block and caption_like(text):
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
            anchored=tuple(anchored(self.head_lines, self.headlines)),
            casts=tuple(self.casts),
        )

    def _trim_last_turn(self) -> None:
        """Short lines at the very end of the last turn (a byline, an org name, a list of
        titles) are the page, not the speaker."""
        speaking = [t for t in self.turns if t.speaker and any(t.paragraphs)]
        if not speaking or speaking[-1] is not self.turns[-1]:
            return
        last = speaking[-1]
        while len(last.paragraphs) > 1 and all(
            headline_shaped(x) and not re.search(r"[?？!！]$", x) for x in last.paragraphs[-1]
        ):
            self.left_out.extend(LeftOut(x, "after the dialogue") for x in last.paragraphs.pop())
