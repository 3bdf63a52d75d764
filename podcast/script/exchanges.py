"""What a script may keep: the post's sentences, each with the sentences it cannot be heard
without.

A sentence is the unit of selection, but not every sentence stands on its own. A listener
cannot follow:

- a sentence that refers back to what was cut (``这与有损压缩不同``, ``So that's why…``);
- a reply without what it replies to (``不是的，…``, ``对，…``, ``Exactly.``, ``为什么？``);
- the second item of a list without the first (``第二，…``, ``Finally, …``);
- a question without its answer, or an answer without its question;
- a reaction without what it reacts to (``非常有洞见。``);
- a stage direction without the words it introduces.

``units`` reads a post into sentences and records these dependencies (``needs``); a
summarizer keeps a sentence only together with everything it needs (``closure``), so what it
keeps is whole exchanges. The same rules measure a script (``bench/script_quality.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from podcast.hanzi import to_simplified
from podcast.keywords import tokenize
from podcast.model import Post, Segment, Turn
from podcast.script.bridges import OWN_VOICE, direction_line
from podcast.script.text import clean_for_speech, split_attribution
from podcast.text import speech_units, split_sentences

UnitKind = Literal["speech", "narration", "direction"]
Dependency = Literal["refers back", "replies", "answers", "asks", "reacts", "introduces"]

_BACK = re.compile(
    r"^(?:这|那|此|其|它|他们|她们|他|她|所以|因此|因而|于是|但是|但|可是|然而|不过|而且|并且|同理|这样一来|"
    r"那么|总之|换句话说|也就是说|就是说|另外|此外|其次|最后|就好比|好比|否则|不然|可见|由此|至于|"
    r"這|那|所以|因此|於是|但是|可是|然而|不過|而且|並且|同理|這樣一來|那麼|總之|換句話說|也就是說|就是說|"
    r"(?:This|That|These|Those|So|But|And|Therefore|Thus|However|Also|Then|It|They|He|She|Because|Which|Yet|Still|"
    r"Instead|Otherwise|Hence|Besides|Plus|Meanwhile|Anyway|In other words|For example|That's|It's|They're)\b)"
)
_REPLY = re.compile(
    r"^(?:不是的|不是|不对|不對|对[，,。！]|對[，,。！]|对的|對的|是的|是啊|没错|沒錯|确实|確實|当然|當然|嗯|哈哈|"
    r"好的|好啊|同意|有道理|可不是|那倒是|未必|也不一定|"
    r"(?:Yes|No|Yeah|Right|Exactly|True|Sure|Well|Indeed|Absolutely|Agreed|Not really|Of course|Oh|Ah)\b)",
    re.IGNORECASE,
)
_REACTION = re.compile(
    r"(?:洞见|洞見|有道理|说得好|說得好|精彩|厉害|厲害|同意|赞同|贊同|没错|沒錯|确实|確實|是这样|是這樣|对极了|"
    r"有意思|妙|哈哈|\b(?:exactly|right|true|agreed|indeed|fascinating|interesting|great point|good point|wow)\b)",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？][”’\"')）]*$")
# A question that asks about what was just said: heard alone, it asks about nothing.
_CLARIFY = re.compile(
    r"^(?:什么意思|什麼意思|为什么|為什麼|为啥|為啥|怎么说|怎麼說|比如|比如说|例如|举个例子|舉個例子|真的吗|真的嗎|"
    r"是吗|是嗎|然后呢|然後呢|怎么讲|怎麼講|何以见得|何以見得|"
    r"(?:What do you mean|Meaning|Why|How so|Like what|For instance|Such as|Really|Is that so|And then|"
    r"Why not|How come|Such as what)\b)",
    re.IGNORECASE,
)
# An item of a list after the first: it goes on from the items before.
_NEXT_ITEM = re.compile(
    r"^(?:第[二三四五六七八九十]|其[二三四五六七八九十]|[二三四五六七八九十]是|[（(][二三四五六七八九十][)）]|"
    r"再者|再次|最后|最後|"
    r"[2-9][)）]|"
    r"(?:Second|Secondly|Third|Thirdly|Fourth|Finally|Lastly|Last but not least|Next)\b)",
    re.IGNORECASE,
)
REACTION_UNITS = 12.0
"""A turn this short that reacts (``非常有洞见。``) cannot be kept without what it reacts to."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence that may be retold."""

    turn: int
    """Index of its turn in the post."""
    order: int
    """Index of the sentence within its turn."""
    speaker: str | None
    """Who says it; None for what the host says (narration, a stage direction)."""
    label: str | None
    """The turn's label as written."""
    text: str
    """What is said, cleaned for speech."""
    cost: float
    """Speech units it takes to say."""
    tokens: frozenset[str]
    """Its content words."""
    kind: UnitKind
    """``speech``, ``narration`` (the post's own) or ``direction`` (retold by the host)."""
    needs: tuple[tuple[int, Dependency], ...] = ()
    """Units it cannot be heard without, and why."""


def units(post: Post, language: str, *, skip: frozenset[int] = frozenset()) -> list[Unit]:
    """Every sentence of ``post`` that may be retold, with what each needs (``skip``: turns
    already said elsewhere, e.g. in the opening bridge)."""
    found = _sentences(post.turns, language, skip)
    return _link(found)


def closure(index: int, found: Sequence[Unit]) -> set[int]:
    """``index`` and everything it needs, transitively.

    >>> post = Post("t", None, None, "zh", "p", (Turn("李", "李", "这个对吗？"), Turn("白", "白", "对，没错。")))
    >>> found = units(post, "zh")
    >>> sorted(closure(1, found)), sorted(closure(0, found))
    ([0, 1], [0, 1])
    """
    seen = {index}
    stack = [index]
    while stack:
        for needed, _ in found[stack.pop()].needs:
            if needed not in seen:
                seen.add(needed)
                stack.append(needed)
    return seen


def broken(kept: set[int], found: Sequence[Unit]) -> list[tuple[int, int, Dependency]]:
    """Kept units that need a unit that was cut: (kept, missing, why)."""
    return [(i, needed, why) for i in sorted(kept) for needed, why in found[i].needs if needed not in kept]


@dataclass(frozen=True, slots=True)
class Coherence:
    """What a listener could not follow in a script, counted against the post."""

    orphans: int
    """Kept sentences that refer back to, reply to or answer a sentence that was cut."""
    unanswered: int
    """Questions kept without their answer."""
    reactions: int
    """Reactions kept without what they react to."""
    misvoiced: int
    """Narration or stage directions spoken as a speaker's words (or a bridge in a speaker's voice)."""
    examples: tuple[str, ...] = ()
    """A few of the offending sentences."""

    @property
    def total(self) -> int:
        return self.orphans + self.unanswered + self.reactions + self.misvoiced


def coherence(post: Post, body: Sequence[Segment], narrator: str | None, language: str) -> Coherence:
    """Measure a script's ``body`` (its turns and bridges; ``narrator``: the host's voice).

    A sentence of the post counts as kept when its words are in the script (speech and the
    host's bridges alike); what each kept sentence needs is checked as ``units`` records it.
    """
    found = units(post, language)
    segments = [
        (s.role, OWN_VOICE.sub("", split_attribution(s.text, s.speaker)[1], count=1), s.voice == narrator) for s in body
    ]
    turn_text = _plain(" ".join(text for role, text, _ in segments if role == "turn"))
    bridge_text = _plain(" ".join(text for role, text, _ in segments if role == "bridge"))
    said = [_plain(x) for _, text, _ in segments for x in split_sentences(text)]
    plain = [_plain(u.text) for u in found]

    def kept_here(i: int) -> bool:
        """A long sentence is kept where its words are; a short one ("有。", said more than
        once in a post) where the script has it beside the same neighbour as the post."""
        if len(plain[i]) >= 20:
            return plain[i] in turn_text or plain[i] in bridge_text
        places = [j for j, x in enumerate(said) if x == plain[i]]
        if len([p for p in plain if p == plain[i]]) <= 1:
            return bool(places)
        before = [j for j in places if i > 0 and j > 0 and said[j - 1] == plain[i - 1]]
        after = [j for j in places if i + 1 < len(found) and j + 1 < len(said) and said[j + 1] == plain[i + 1]]
        return bool(before or after)

    kept = {i for i in range(len(found)) if plain[i] and kept_here(i)}
    counts = {"orphans": 0, "unanswered": 0, "reactions": 0}
    examples: list[str] = []
    for i, _, why in broken(kept, found):
        key = {"asks": "unanswered", "reacts": "reactions", "introduces": ""}.get(why, "orphans")
        if key:
            counts[key] += 1
            examples.append(f"{why}: {found[i].text[:40]}")
    misvoiced = [found[i].text for i in kept if found[i].kind != "speech" and _plain(found[i].text) in turn_text]
    misvoiced += [text for role, text, host in segments if role == "bridge" and not host]
    examples += [f"misvoiced: {t[:40]}" for t in misvoiced]
    return Coherence(counts["orphans"], counts["unanswered"], counts["reactions"], len(misvoiced), tuple(examples[:6]))


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _sentences(turns: Sequence[Turn], language: str, skip: frozenset[int]) -> list[Unit]:
    found: list[Unit] = []
    for index, turn in enumerate(turns):
        if index in skip:
            continue
        if turn.direction:
            line = direction_line(turn, language)
            if line:
                cost = speech_units(line, language)
                found.append(Unit(index, 0, None, None, line, cost, frozenset(tokenize(line, language)), "direction"))
            continue
        kind: UnitKind = "speech" if turn.speaker else "narration"
        for order, sentence in enumerate(_glue_lead_ins(split_sentences(turn.text))):
            text = clean_for_speech(sentence, language)
            cost = speech_units(text, language)
            if cost >= 1:
                tokens = frozenset(tokenize(text, language))
                found.append(Unit(index, order, turn.speaker, turn.label, text, cost, tokens, kind))
    return found


def _link(found: list[Unit]) -> list[Unit]:
    """Record what each unit needs."""
    firsts = [i for i, u in enumerate(found) if i == 0 or found[i - 1].turn != u.turn]
    lasts = [i for i, u in enumerate(found) if i + 1 == len(found) or found[i + 1].turn != u.turn]
    turn_of = {u.turn: (first, last) for first, last in zip(firsts, lasts, strict=True) for u in [found[first]]}
    spoken = [t for t in dict.fromkeys(u.turn for u in found) if found[turn_of[t][0]].kind != "direction"]

    def previous_turn(turn: int) -> int | None:
        before = [t for t in spoken if t < turn]
        return before[-1] if before else None

    def next_turn(turn: int) -> int | None:
        after = [t for t in spoken if t > turn]
        return after[0] if after else None

    needs: list[list[tuple[int, Dependency]]] = [[] for _ in found]
    # The cues are read in simplified characters: 這/这, 對/对, 確實/确实 are the same cue.
    texts = [to_simplified(u.text) for u in found]
    for i, unit in enumerate(found):
        first, last = turn_of[unit.turn]
        text = texts[i]
        if unit.kind == "direction":
            following = next_turn(unit.turn)
            if following is not None:
                needs[i].append((turn_of[following][0], "introduces"))
            continue
        before = previous_turn(unit.turn)
        if i > first and (_BACK.match(text) or _NEXT_ITEM.match(text) or text[:1].islower()):
            needs[i].append((i - 1, "refers back"))  # "…; they have plenty." goes on from before
        if i == first and before is not None:
            # What a reply or a reaction answers is the turn before: its claim (the first
            # sentence) and where it ended (the last); an answer needs the question asked.
            claim, antecedent = turn_of[before]
            other = found[antecedent].speaker != unit.speaker
            if (
                _REPLY.match(text)
                or (_BACK.match(text) and unit.kind == "speech")
                or (_CLARIFY.match(text) and unit.cost <= REACTION_UNITS)
            ):
                needs[i] += [(claim, "replies"), (antecedent, "replies")]
            elif other and _QUESTION.search(texts[antecedent]):
                needs[i].append((antecedent, "answers"))
            elif other and unit.cost <= REACTION_UNITS and _REACTION.search(text):
                needs[i] += [(claim, "reacts"), (antecedent, "reacts")]
        if _QUESTION.search(text) and unit.kind == "speech":
            # A question is kept with its answer: the next sentence of the same turn when the
            # speaker answers it, else the first of the next turn.
            if i < last:
                needs[i].append((i + 1, "asks"))
            elif (following := next_turn(unit.turn)) is not None and found[turn_of[following][0]].speaker:
                needs[i].append((turn_of[following][0], "asks"))
    return [
        Unit(u.turn, u.order, u.speaker, u.label, u.text, u.cost, u.tokens, u.kind, tuple(dict.fromkeys(n)))
        for u, n in zip(found, needs, strict=True)
    ]


def _glue_lead_ins(sentences: list[str]) -> list[str]:
    """A sentence that ends with a colon leads into the next one, and a line that ends with a
    comma goes on in the next: keep them together.

    >>> _glue_lead_ins(["咱们试图理解一下：", "维纳一系的压缩。", "图灵一系。"])
    ['咱们试图理解一下：维纳一系的压缩。', '图灵一系。']
    >>> _glue_lead_ins(["先说数据，", "再说模型。"])
    ['先说数据，再说模型。']
    """
    glued: list[str] = []
    for sentence in sentences:
        if glued and glued[-1].rstrip()[-1:] in (":", "：", "，", ",", "、"):
            glued[-1] = glued[-1].rstrip() + sentence
        else:
            glued.append(sentence)
    return glued
