"""``--summarizer llm``: 小雅 retells the post through any OpenAI-compatible model, and the
retelling is checked for faithfulness before a word of it is spoken.

The model gets the post's turns and the budget the narrator's measured pace gives, and
answers with structured segments (``speaker``, ``role``, ``text``): condensed first-person
turns and short bridges of the host; the intro and outro stay ours. The answer is checked
(:mod:`~podcast.script.llm.check`); a violation gets one repair round with the violations
quoted back; still wrong — or the endpoint down, slow past the post's deadline,
rate-limited past its retries, or answering garbage — the extractive script is used, and
one line says why. A post longer than the model's context is retold section by section.

Answers are cached by request (model, endpoint, prompt version, temperature, post, budget),
so a re-render does not ask again; ``force`` does. At most ``max_in_flight`` requests are in
flight across this user's processes (a batch's workers share them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from podcast import fsutil
from podcast.errors import OutputError, ServiceError
from podcast.hanzi import is_traditional_tag, localize
from podcast.model import Post, Turn
from podcast.paths import cache_dir as default_cache_dir
from podcast.script.llm import prompt
from podcast.script.llm.check import AnswerError, Segment, as_turns, parse_answer, violations
from podcast.script.llm.client import ModelError, ask
from podcast.script.llm.prompt import PROMPT_VERSION
from podcast.script.llm.settings import LLMSettings
from podcast.script.summarize import Budget, ExtractiveSummarizer
from podcast.slots import ProcessSlots
from podcast.text import is_chinese, speech_units

__all__ = ["PROMPT_VERSION", "LLMSettings", "LLMSummarizer"]

SECTION_SHARE = 0.5
"""Share of the model's context a section of the post may fill (the rest: prompt, answer)."""
REUSE_SHARE = 0.05
"""A budget within this share of one already answered for the same post reuses the answer
(the script writer asks again as it refines its estimate of the pauses)."""


class Unfaithful(ValueError):
    """The model's retelling still breaks the rules after the repair round."""


class LLMSummarizer:
    """The ``llm`` summarizer (see the module's description)."""

    name = "llm"

    def __init__(
        self,
        settings: Mapping[str, Any] | None = None,
        model: str | None = None,
        cache_dir: Path | None = None,
        force: bool = False,
    ) -> None:
        self.settings = LLMSettings.from_table(settings or {}, model=model)
        self.cache_dir = (cache_dir or default_cache_dir()) / "llm"
        self.force = force
        self.fallback = ExtractiveSummarizer()
        # The limit is this user's, whatever cache a run uses (as for the edge voices).
        self._slots = ProcessSlots(default_cache_dir() / "locks", self.settings.max_in_flight, "llm")
        self._answers: dict[str, list[tuple[float, list[Turn], str | None]]] = {}
        self._last: tuple[str, str | None, tuple[str, ...]] = (self.name, self.detail, ())

    @property
    def detail(self) -> str:
        """The model and prompt version, as the script file records them."""
        return f"{self.settings.model}, prompt v{PROMPT_VERSION}"

    @property
    def identity(self) -> str:
        """Everything that changes what this summarizer writes (script and batch caches)."""
        s = self.settings
        return f"llm:{s.model}@{s.endpoint or 'openai'}:prompt{PROMPT_VERSION}:t{s.temperature:g}"

    def report(self) -> tuple[str, str | None, tuple[str, ...]]:
        """Who wrote the last summary (``llm`` or ``extractive``), the model, and why the
        extractive script was used if it was."""
        return self._last

    def summarize(self, post: Post, budget: Budget) -> list[Turn]:
        """The model's checked retelling of ``post`` in ``budget``, or the extractive
        summary when there is none (``report`` says why)."""
        key = _post_digest(post)
        for units, answered, said in self._answers.get(key, []):
            if abs(units - budget.units) <= REUSE_SHARE * units:
                if said is None:
                    self._last = (self.name, self.detail, ())
                    return answered
                self._last = ("extractive", None, (said,))  # the model failed: the extractive script, to this budget
                return self.fallback.summarize(post, budget)
        note: str | None = None
        try:
            turns = self._retell(post, budget)
            self._last = (self.name, self.detail, ())
        except (ModelError, AnswerError, Unfaithful) as exc:
            note = f"the {self.settings.model} retelling was not used ({exc}); the extractive script was"
            turns = self.fallback.summarize(post, budget)
            self._last = ("extractive", None, (note,))
        self._answers.setdefault(key, []).append((budget.units, turns, note))
        return turns

    # ---------------------------------------------------------------- the model

    def _retell(self, post: Post, budget: Budget) -> list[Turn]:
        cached = self._cached(post, budget)
        if cached is not None:
            return as_turns(cached)
        deadline = time.monotonic() + self.settings.deadline
        sections = _sections(post, self.settings.context_tokens)
        total = sum(_units(section, post.language) for section in sections) or 1.0
        segments: list[Segment] = []
        whole = len(sections) == 1
        for section in sections:
            share = budget.units * _units(section, post.language) / total
            segments += self._section(post, section, share, budget, deadline, whole=whole)
        if len(sections) > 1:
            problems = violations(segments, post, budget.units, _attribution_units(budget, post))
            if problems:
                raise Unfaithful(problems[0])
        if is_traditional_tag(post.language):
            segments = [Segment(s.role, s.speaker, localize(s.text, post.language)) for s in segments]
        self._store(post, budget, segments)
        return as_turns(segments)

    def _section(
        self, post: Post, turns: Sequence[Turn], units: float, budget: Budget, deadline: float, *, whole: bool
    ) -> list[Segment]:
        """One section retold and checked, with one repair round."""
        section = Post(post.title, post.author, post.date, post.language, post.source, tuple(turns))
        asked = prompt.messages(post, turns, units)
        answer = self._ask(asked, deadline)
        try:
            segments = parse_answer(answer, post, may_be_empty=not whole)
            problems = violations(segments, section, units, _attribution_units(budget, post), at_least=whole)
        except AnswerError as exc:
            segments, problems = [], [str(exc)]
        if not problems:
            return segments
        answer = self._ask(prompt.repair(asked, answer, problems[:8], post.language), deadline)
        segments = parse_answer(answer, post, may_be_empty=not whole)
        problems = violations(segments, section, units, _attribution_units(budget, post), at_least=whole)
        if problems:
            raise Unfaithful(f"{len(problems)} problem(s) after a repair round, e.g. {problems[0]}")
        return segments

    def _ask(self, messages: list[dict[str, str]], deadline: float) -> str:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ModelError(f"no answer within the deadline of {self.settings.deadline:g} s")
        try:
            with self._slots.hold(timeout=remaining):
                return ask(self.settings, messages, deadline)
        except ServiceError as exc:  # every slot held by other processes until the deadline
            raise ModelError(str(exc)) from None

    # ---------------------------------------------------------------- cache

    def _key(self, post: Post, budget: Budget) -> str:
        material = [self.identity, _post_digest(post), round(budget.units), budget.attribution]
        return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode("utf-8")).hexdigest()

    def _cached(self, post: Post, budget: Budget) -> list[Segment] | None:
        if self.force:
            return None
        path = self.cache_dir / f"{self._key(post, budget)}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return [Segment(d["role"], d["speaker"], d["text"]) for d in data["segments"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, post: Post, budget: Budget, segments: Sequence[Segment]) -> None:
        data = {
            "model": self.settings.model,
            "prompt_version": PROMPT_VERSION,
            "segments": [{"role": s.role, "speaker": s.speaker, "text": s.text} for s in segments],
        }
        # A read-only cache costs a request next time, nothing else.
        with contextlib.suppress(OutputError):
            fsutil.write_text(self.cache_dir / f"{self._key(post, budget)}.json", json.dumps(data, ensure_ascii=False))


def _post_digest(post: Post) -> str:
    return hashlib.sha256(json.dumps(post.to_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _units(turns: Sequence[Turn], language: str) -> float:
    return sum(speech_units(t.text, language) for t in turns if not t.direction)


def _attribution_units(budget: Budget, post: Post) -> float:
    speakers = post.speakers or ("",)
    return sum(budget.attribution_units(s) for s in speakers) / len(speakers)


def _tokens(text: str, language: str) -> float:
    """A safe estimate of a text's tokens (Chinese: about one per character)."""
    return len(text) * (1.0 if is_chinese(language) else 0.35)


def _sections(post: Post, context_tokens: int) -> list[list[Turn]]:
    """The post's turns in sections that each fit the model's context."""
    limit = context_tokens * SECTION_SHARE
    sections: list[list[Turn]] = [[]]
    size = 0.0
    for turn in post.turns:
        cost = _tokens(turn.text, post.language) + 10
        if sections[-1] and size + cost > limit:
            sections.append([])
            size = 0.0
        sections[-1].append(turn)
        size += cost
    return [s for s in sections if s]
