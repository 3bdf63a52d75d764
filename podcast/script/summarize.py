"""Summarizers condense a post's dialogue to a budget of speech.

The interface is one method: a ``Post`` and a ``Budget`` in, the retold turns out (narration
as turns with no speaker). The default, ``extractive``, is offline and deterministic; others
(an LLM behind an OpenAI-compatible endpoint, say) register under the
``xiaoya_podcast.summarizers`` entry-point group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from podcast import keywords
from podcast.keywords import keyword_weights
from podcast.model import Post, Turn
from podcast.script import bridges, exchanges
from podcast.script.exchanges import Unit
from podcast.script.text import attribution
from podcast.text import join_sentences, speech_units


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
        return speech_units(attribution(self.attribution, speaker, self.language), self.language)


@runtime_checkable
class Summarizer(Protocol):
    """Condenses a post to fit a budget."""

    name: str
    """Registry name (``extractive``)."""

    def summarize(self, post: Post, budget: Budget) -> list[Turn]:
        """The turns to retell, in order, each at most as long as in the post."""
        ...


class ExtractiveSummarizer:
    """Keeps whole exchanges: the sentences that cover the post's key words best per unit of
    time, each with everything a listener needs to follow it (``exchanges``).

    The objective is the weight of distinct keywords covered (so repeating an idea earns
    nothing: redundancy is removed by construction) plus a small bonus for a turn's first
    sentence. It is maximised greedily by gain per unit of cost (Lin & Bilmes, 2010), where a
    candidate is a sentence together with the sentences it needs — a question with its
    answer, a reply with what it replies to — so no kept sentence depends on a cut one. Every
    speaker with at least 10 % of the dialogue keeps a sentence; the order is kept. The host
    opens with what the post says about itself and says where the talk goes where whole
    exchanges are cut (``bridges``).
    """

    name = "extractive"
    FIRST_SENTENCE_BONUS = 0.3
    """Extra value of a turn's first sentence, as a share of its own value."""
    NARRATION_WEIGHT = 0.8
    """The post's own narration, retold by the host, is worth a little less than the dialogue."""
    DIRECTION_WEIGHT = 0.3
    """A stage direction retold by the host: worth keeping when it is cheap."""
    SUBSTANTIAL_SHARE = 0.10
    """A speaker with this share of the dialogue's text always keeps a sentence."""
    MIN_RATIO_COST = 8.0
    """Cost floor when ranking by value per cost, so a one-word "切……" cannot win on ratio."""
    MAX_TRANSITIONS = 3
    """At most this many transitions in one episode."""

    def summarize(self, post: Post, budget: Budget) -> list[Turn]:
        language = budget.language
        opening = bridges.opening(post, language, budget.units)
        opened = [Turn(None, None, opening[0])] if opening else []
        room = budget.units - (speech_units(opening[0], language) if opening else 0.0)
        found = exchanges.units(post, language, skip=opening[1] if opening else frozenset())
        if not found:
            return opened
        if self._cost(found, set(range(len(found))), budget) <= room:
            return opened + self._turns(found, set(range(len(found))), budget)  # short: whole, never padded
        weights = keyword_weights([u.text for u in found], language)
        kept = self._select(found, weights, budget, room)
        turns = self._turns(found, kept, budget)
        return opened + self._with_transitions(found, kept, turns, budget, room, post.title)

    @staticmethod
    def release() -> None:
        """Free the key-word tables once the script is written (a render calls this before
        voicing, where its memory peaks); a later ``summarize`` loads them again."""
        keywords.release()

    # ------------------------------------------------------------------ selection

    def _select(self, found: list[Unit], weights: dict[str, float], budget: Budget, room: float) -> set[int]:
        kind_weight = {"speech": 1.0, "narration": self.NARRATION_WEIGHT, "direction": self.DIRECTION_WEIGHT}
        scale = [kind_weight[u.kind] * (1.0 + (self.FIRST_SENTENCE_BONUS if u.order == 0 else 0.0)) for u in found]
        closures = [exchanges.closure(i, found) for i in range(len(found))]
        selected: set[int] = set()
        covered: set[str] = set()

        def gain(group: set[int]) -> float:
            new = group - selected
            seen = set(covered)
            value = 0.0
            for i in sorted(new):
                value += sum(weights.get(t, 0.0) for t in found[i].tokens - seen) * scale[i]
                seen |= found[i].tokens
            return value

        def extra(group: set[int]) -> float:
            return self._cost(found, selected | group, budget) - self._cost(found, selected, budget)

        def take(group: set[int]) -> None:
            selected.update(group)
            for i in group:
                covered.update(found[i].tokens)

        # Every substantial speaker keeps their best exchange (one that fits a third of the room).
        for speaker in substantial_speakers(found, self.SUBSTANTIAL_SHARE):
            if any(found[i].speaker == speaker for i in selected):
                continue
            mine = [i for i, u in enumerate(found) if u.speaker == speaker and extra(closures[i]) <= room / 3]
            if mine:
                best = max(mine, key=lambda i: gain(closures[i]) / max(extra(closures[i]), self.MIN_RATIO_COST))
                if self._cost(found, selected | closures[best], budget) <= room:
                    take(closures[best])

        while True:
            spent = self._cost(found, selected, budget)
            options = []
            for i in range(len(found)):
                if i in selected:
                    continue
                more = extra(closures[i])
                if spent + more <= room and (value := gain(closures[i])) > 0:
                    options.append((value / max(more, self.MIN_RATIO_COST), -i))
            if not options:
                break
            take(closures[-max(options)[1]])

        # Land close to the room: one more exchange may overshoot by up to 5 %.
        spent = self._cost(found, selected, budget)
        if room - spent > 0.05 * room:
            fits = [
                i
                for i in range(len(found))
                if i not in selected and spent + extra(closures[i]) <= room * 1.05 and gain(closures[i]) > 0
            ]
            if fits:
                best = min(fits, key=lambda i: (abs(room - spent - extra(closures[i])), -gain(closures[i])))
                take(closures[best])
        return selected

    # ------------------------------------------------------------------ output

    @staticmethod
    def _runs(found: Sequence[Unit], kept: set[int]) -> list[list[int]]:
        """Consecutive kept sentences of one speaker (or of one stretch of narration) form one
        retold turn — never across a turn that was cut, and the host's lines never merge with a
        speaker's."""
        turns = sorted({u.turn for u in found})
        runs: list[list[int]] = []
        for i in sorted(kept):
            unit = found[i]
            if runs:
                last = found[runs[-1][-1]]
                same = last.speaker == unit.speaker and (unit.speaker is not None or last.turn == unit.turn)
                between = [t for t in turns if last.turn < t < unit.turn]
                if same and last.kind == unit.kind and not between:
                    runs[-1].append(i)
                    continue
            runs.append([i])
        return runs

    def _cost(self, found: Sequence[Unit], kept: set[int], budget: Budget) -> float:
        total = sum(found[i].cost for i in kept)
        for run in self._runs(found, kept):
            speaker = found[run[0]].speaker
            if speaker is not None:
                total += budget.attribution_units(speaker)
        return total

    def _turns(self, found: Sequence[Unit], kept: set[int], budget: Budget) -> list[Turn]:
        language = budget.language
        return [
            Turn(found[run[0]].speaker, found[run[0]].label, join_sentences([found[i].text for i in run], language))
            for run in self._runs(found, kept)
        ]

    def _with_transitions(
        self, found: Sequence[Unit], kept: set[int], turns: list[Turn], budget: Budget, room: float, title: str
    ) -> list[Turn]:
        """Where two or more whole turns are cut between kept ones, the host may say where the
        talk went, in the cut turns' own key word (one the title and the kept lines do not
        already name), while there is room."""
        language = budget.language
        runs = self._runs(found, kept)
        spent = self._cost(found, kept, budget)
        said = " ".join([title, *(t.text for t in turns)])
        result: list[Turn] = []
        added = 0
        for index, (run, turn) in enumerate(zip(runs, turns, strict=True)):
            if index and added < self.MAX_TRANSITIONS:
                before, after = found[runs[index - 1][-1]].turn, found[run[0]].turn
                cut = [u for u in found if before < u.turn < after and u.kind == "speech"]
                if len({u.turn for u in cut}) >= 2:
                    line = bridges.transition([u.text for u in cut], said, language)
                    if line and spent + speech_units(line, language) <= room * 1.05:
                        result.append(Turn(None, None, line))
                        spent += speech_units(line, language)
                        said += line
                        added += 1
            result.append(turn)
        return result


def substantial_speakers(found: Sequence[Unit], share: float) -> list[str]:
    """Speakers with at least ``share`` of the dialogue's (speaker-attributed) text."""
    sizes: Counter[str] = Counter()
    for unit in found:
        if unit.speaker is not None:
            sizes[unit.speaker] += int(unit.cost)
    total = sum(sizes.values())
    return [s for s, size in sizes.items() if total and size / total >= share]
