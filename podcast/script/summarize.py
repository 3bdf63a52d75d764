"""Summarizers condense a post's dialogue to a budget of speech.

The interface is one method: a ``Post`` and a ``Budget`` in, the retold turns out (narration
as turns with no speaker). The default, ``extractive``, is offline and deterministic; others
(an LLM behind an OpenAI-compatible endpoint, say) register under the
``xiaoya_podcast.summarizers`` entry-point group.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from podcast.keywords import keyword_weights, tokenize
from podcast.model import Post, Turn
from podcast.script.text import clean_for_speech, speech_units, split_sentences


@dataclass(frozen=True, slots=True)
class Budget:
    """How much may be said in the body of an episode."""

    units: float
    """Speech units for the body (Mandarin syllables or English words), attributions included."""
    language: str
    """The post's language."""
    attribution: str = "{speaker}说："
    """The template that starts every retold turn; it costs units too."""

    def attribution_units(self, speaker: str) -> float:
        """Units the attribution of ``speaker`` costs."""
        return speech_units(self.attribution.format(speaker=speaker), self.language)


@runtime_checkable
class Summarizer(Protocol):
    """Condenses a post to fit a budget."""

    name: str
    """Registry name (``extractive``)."""

    def summarize(self, post: Post, budget: Budget) -> list[Turn]:
        """The turns to retell, in order, each at most as long as in the post."""
        ...


@dataclass(frozen=True, slots=True)
class _Unit:
    """One sentence that may be retold."""

    turn: int
    """Index of its turn (notes come first, with negative indices)."""
    order: int
    """Index of the sentence within its turn."""
    speaker: str | None
    label: str | None
    text: str
    cost: float
    tokens: frozenset[str]


class ExtractiveSummarizer:
    """Keeps whole sentences: those that cover the post's key words best per unit of time.

    The objective is the weight of distinct keywords covered (so repeating an idea earns
    nothing: redundancy is removed by construction) plus a small bonus for a turn's first
    sentence. It is maximised greedily by gain per unit of cost, which is near-optimal for
    such budgeted coverage objectives (Lin & Bilmes, 2010). Every speaker with at least 10 %
    of the dialogue keeps a sentence; the original order is kept.
    """

    name = "extractive"
    NOTE_WEIGHT = 0.5
    """Notes (a preface, 按语) may become host bridges, at half the weight of dialogue."""
    FIRST_SENTENCE_BONUS = 0.3
    """Extra value of a turn's first sentence, as a share of its own value."""
    SUBSTANTIAL_SHARE = 0.10
    """A speaker with this share of the dialogue's text always keeps a sentence."""
    DANGLING_FACTOR = 0.5
    """Value kept by a sentence that starts with a connective when its predecessor is left out."""
    MIN_RATIO_COST = 8.0
    """Cost floor when ranking by value per cost, so a one-word "切……" cannot win on ratio."""

    def summarize(self, post: Post, budget: Budget) -> list[Turn]:
        units = _units(post.turns, post.preface, budget.language)
        if not units:
            return []
        if self._cost(units, budget) <= budget.units:
            return self._turns(units, budget)  # short enough: kept whole, never padded
        weights = keyword_weights([u.text for u in units], budget.language)
        selected = self._select(units, weights, budget)
        return self._turns([units[i] for i in sorted(selected, key=lambda i: (units[i].turn, units[i].order))], budget)

    # ------------------------------------------------------------------ selection

    def _select(self, units: list[_Unit], weights: dict[str, float], budget: Budget) -> set[int]:
        # A turn's first sentence is worth a little more (it usually carries the point);
        # notes are worth less than the dialogue.
        scale = [
            self.NOTE_WEIGHT if u.turn < 0 else 1.0 + (self.FIRST_SENTENCE_BONUS if u.order == 0 else 0.0)
            for u in units
        ]

        selected: set[int] = set()
        covered: set[str] = set()
        turns_used: set[int] = set()

        def marginal(i: int) -> float:
            unit = units[i]
            value = sum(weights.get(t, 0.0) for t in unit.tokens - covered) * scale[i]
            # "所以……", "就好比……" lean on the sentence before: worth less without it.
            if unit.order > 0 and i - 1 not in selected and _leans_back(unit.text):
                value *= self.DANGLING_FACTOR
            return value

        def cost(i: int) -> float:
            unit = units[i]
            extra = 0.0
            if unit.speaker is not None and unit.turn not in turns_used:
                extra = budget.attribution_units(unit.speaker)
            return unit.cost + extra

        def take(i: int) -> None:
            selected.add(i)
            covered.update(units[i].tokens)
            turns_used.add(units[i].turn)

        def spent() -> float:
            return self._cost([units[i] for i in selected], budget)

        # Every substantial speaker keeps its best sentence (that fits a third of the budget).
        for speaker in substantial_speakers(units, self.SUBSTANTIAL_SHARE):
            mine = [i for i, u in enumerate(units) if u.speaker == speaker and cost(i) <= budget.units / 3]
            if mine and not any(units[i].speaker == speaker for i in selected):
                best = max(mine, key=lambda i: marginal(i) / max(cost(i), self.MIN_RATIO_COST))
                if spent() + cost(best) <= budget.units:
                    take(best)

        while True:
            room = budget.units - spent()
            candidates = [i for i in range(len(units)) if i not in selected and cost(i) <= room and marginal(i) > 0]
            if not candidates:
                break
            best = max(candidates, key=lambda i: (marginal(i) / max(cost(i), self.MIN_RATIO_COST), -i))
            take(best)

        # Land close to the budget: one more sentence may overshoot by up to 5 %.
        shortfall = budget.units - spent()
        if shortfall > 0.05 * budget.units:
            fits = [
                i
                for i in range(len(units))
                if i not in selected and cost(i) <= shortfall + 0.05 * budget.units and marginal(i) > 0
            ]
            if fits:
                take(min(fits, key=lambda i: (abs(shortfall - cost(i)), -marginal(i))))
        return selected

    # ------------------------------------------------------------------ output

    @staticmethod
    def _runs(units: Sequence[_Unit]) -> list[list[_Unit]]:
        """Consecutive kept sentences of one speaker (or of narration) form one retold turn."""
        runs: list[list[_Unit]] = []
        for unit in units:
            if (
                runs
                and runs[-1][-1].speaker == unit.speaker
                and (unit.speaker is not None or runs[-1][-1].turn == unit.turn)
            ):
                runs[-1].append(unit)
            else:
                runs.append([unit])
        return runs

    def _cost(self, units: Sequence[_Unit], budget: Budget) -> float:
        ordered = sorted(units, key=lambda u: (u.turn, u.order))
        total = sum(u.cost for u in ordered)
        for run in self._runs(ordered):
            if run[0].speaker is not None:
                total += budget.attribution_units(run[0].speaker)
        return total

    def _turns(self, units: Sequence[_Unit], budget: Budget) -> list[Turn]:
        from podcast.script.text import join_sentences

        return [
            Turn(run[0].speaker, run[0].label, join_sentences([u.text for u in run], budget.language))
            for run in self._runs(units)
        ]


@lru_cache(maxsize=16)
def _units(turns: tuple[Turn, ...], notes: tuple[str, ...], language: str) -> list[_Unit]:
    """Every sentence that may be retold, cleaned and tokenized (cached: budgeting asks for
    the same post several times)."""
    units: list[_Unit] = []

    def add(turn: int, order: int, speaker: str | None, label: str | None, sentence: str) -> None:
        text = clean_for_speech(sentence, language)
        cost = speech_units(text, language)
        if cost >= 1:
            units.append(_Unit(turn, order, speaker, label, text, cost, frozenset(tokenize(text, language))))

    kept_notes = [n for n in notes if _sentence_like(n)]
    for n, note in enumerate(kept_notes):
        for order, sentence in enumerate(_glue_lead_ins(split_sentences(note))):
            add(n - len(kept_notes), order, None, None, sentence)
    for index, turn in enumerate(turns):
        if turn.direction:
            continue  # what someone does is not said (bridges from directions are the host's to write)
        for order, sentence in enumerate(_glue_lead_ins(split_sentences(turn.text))):
            add(index, order, turn.speaker, turn.label, sentence)
    return units


def substantial_speakers(units: Sequence[_Unit], share: float) -> list[str]:
    """Speakers with at least ``share`` of the dialogue's (speaker-attributed) text."""
    sizes: Counter[str] = Counter()
    for unit in units:
        if unit.speaker is not None:
            sizes[unit.speaker] += int(unit.cost)
    total = sum(sizes.values())
    return [s for s, size in sizes.items() if total and size / total >= share]


_CONNECTIVE = re.compile(
    r"^(?:就好比|好比|比如|例如|所以|因此|因而|于是|但是|可是|然而|不过|而且|并且|同理|这样一来|那么|总之|"
    r"换句话说|也就是说|就是说|另外|此外|其次|最后|这就|这也|这种|这些|这样|那就|它们?|"
    r"(?:So|But|And|Therefore|Thus|However|Also|Then|That|This|It|They|For example|In other words)\b)"
)


def _leans_back(text: str) -> bool:
    """True when a sentence opens with a connective that needs the one before it.

    >>> _leans_back("就好比学校老师批改学生的作文。"), _leans_back("压缩的是函数。")
    (True, False)
    """
    return _CONNECTIVE.match(text) is not None


def _glue_lead_ins(sentences: list[str]) -> list[str]:
    """A sentence that ends with a colon leads into the next one: keep them together.

    >>> _glue_lead_ins(["咱们试图理解一下：", "维纳一系的压缩。", "图灵一系。"])
    ['咱们试图理解一下：维纳一系的压缩。', '图灵一系。']
    """
    glued: list[str] = []
    for sentence in sentences:
        if glued and glued[-1].rstrip()[-1:] in (":", "："):
            glued[-1] = glued[-1].rstrip() + sentence
        else:
            glued.append(sentence)
    return glued


def _sentence_like(text: str) -> bool:
    return bool(re.search(r"[。！？!?.]", text)) or len(text) >= 20
