"""How well the parser reads real pages: the cases in ``tests/fixtures/real/``.

Each case is a page's layout reproduced with our own sentences, and a gold sidecar saying what
a careful reader finds in it (see that folder's README). For every case this parses the page,
writes the two-minute script ``podcast script`` would write (offline voice, default show), and
compares:

- speaker labels: a gold turn is found when a parsed turn starts with its words and is
  attributed to the same person; precision, recall and F1 over labelled turns;
- turn counts: parsed labelled turns within ±10 % of the gold count;
- titles: the title a listener hears (or, where the page has none, no file name and a warning);
- leaks: furniture lines anywhere in the script, stage directions in a speaker's lines;
- narration, notes and hard-wrapped sentences, as further figures.

Targets (issue 10): F1 ≥ 0.97, turn counts ≥ 95 %, titles ≥ 95 %, no leaks.

Run: python bench/real_layouts.py [--misses] [--json] [--folder DIR] [CASE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from podcast.config import Show
from podcast.model import Post, Script, Turn
from podcast.parse import parse_post
from podcast.parse.source import decode
from podcast.parse.speakers import core
from podcast.profiles import VoiceSet, load_voice_set
from podcast.script import write_script
from podcast.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixtures" / "real"
SUFFIXES = (".txt", ".md", ".html")
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
MIN_LEAK_CHARS = 4
"""A furniture piece shorter than this (normalized) is too common to count as a leak."""


def norm(text: str) -> str:
    """Text without whitespace or punctuation, lower-cased: what "the same words" means here.

    >>> norm("李老师说：纠结 有日子了, OK?")
    '李老师说纠结有日子了ok'
    """
    return _NOISE.sub("", text).lower()


@dataclass(slots=True)
class CaseScore:
    """What one case scored."""

    name: str
    gold_turns: int
    parsed_turns: int
    true_positive: int
    title: str
    title_ok: bool
    narration_gold: int = 0
    narration_found: int = 0
    speakers_gold: int = 0
    speakers_in_script: int = 0
    leaks: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def counts_ok(self) -> bool:
        return abs(self.parsed_turns - self.gold_turns) <= 0.1 * self.gold_turns


def cases(names: Iterable[str] = (), folder: Path = CASES) -> list[Path]:
    """The gold sidecars of the cases in ``folder`` (all, or those named)."""
    wanted = set(names)
    return [p for p in sorted(folder.glob("*.toml")) if not wanted or p.stem in wanted]


def input_of(gold_path: Path) -> Path:
    """The page a sidecar describes."""
    found = [p for p in gold_path.parent.glob(gold_path.stem + ".*") if p.suffix in SUFFIXES]
    if len(found) != 1:
        raise FileNotFoundError(f"{gold_path.name}: expected one input file beside it, found {len(found)}")
    return found[0]


@cache
def _voices(language: str) -> VoiceSet:
    return load_voice_set("offline", language)


def score(gold_path: Path, *, seconds: float = 120.0) -> CaseScore:
    """Parse one case, write its script and compare both with the gold."""
    gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
    page = input_of(gold_path)
    people: dict[str, list[str]] = {str(k): [str(x) for x in v] for k, v in gold["speakers"].items()}
    gold_turns: list[tuple[str, str]] = [(str(p), str(s)) for p, s in gold["turns"]]
    labelled = [t for t in gold_turns if t[0]]
    result = CaseScore(gold_path.stem, len(labelled), 0, 0, "", False, speakers_gold=len(people))
    try:
        post = parse_post(decode(page.read_bytes(), page.name), source=page.name)
    except Exception as exc:  # a refused page scores zero, it does not stop the benchmark
        result.error = f"{type(exc).__name__}: {exc}"
        result.misses.append(f"refused: {exc}")
        return result

    parsed = turn_starts(post.turns)
    result.parsed_turns = len(parsed)
    result.title = post.title
    result.title_ok = _title_ok(post, gold, page)
    if not result.title_ok:
        result.misses.append(f"title: {post.title!r}, want {gold['title']!r}")
    _align(post.turns, gold_turns, people, result)

    try:
        script, _ = write_script(post, show=Show(), voices=_voices(_lang(post.language)), target_seconds=seconds)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        result.misses.append(f"no script: {exc}")
        return result
    _leaks(script, gold, result, norm(decode(page.read_bytes(), page.name)))
    voiced = {s.speaker for s in script.segments if s.role == "turn"}
    result.speakers_in_script = sum(any(_is(person, labels, v) for v in voiced) for person, labels in people.items())
    for key, where in (("notes", "\n".join(post.notes)), ("joined", "\n".join(t.text for t in post.turns))):
        for want in gold.get(key, []):
            found = norm(want) in norm(where) if key == "notes" else want in re.sub(r"[ \t]*\n[ \t]*", "\n", where)
            if not found:
                result.misses.append(f"{key}: {want!r} not found")
    return result


def _lang(language: str) -> str:
    return "zh" if language.lower().startswith("zh") else "en"


def _title_ok(post: Post, gold: dict[str, object], page: Path) -> bool:
    want = str(gold["title"])
    if not want:
        # The page has no title: anything but its file name, and a warning saying so.
        return norm(post.title) != norm(page.stem) and any("title" in w for w in post.warnings)
    accepted = [want, *(str(t) for t in gold.get("titles", []))]  # type: ignore[attr-defined]
    return any(norm(post.title.strip("《》")) == norm(t) for t in accepted)


def _is(person: str, labels: Sequence[str], name: str | None) -> bool:
    """True when ``name`` (a parsed speaker or label) names ``person``."""
    if not name:
        return False
    forms = {person, *labels}
    wanted = {f.lower() for f in forms} | {core(f).lower() for f in forms}
    return name.lower() in wanted or core(name).lower() in wanted


def turn_starts(turns: Sequence[Turn]) -> list[Turn]:
    """The parsed turns that start a turn: a labelled one, or (in an interview without labels)
    one whose speaker is not the one who spoke last; not a speaker's words resumed after a
    stage direction."""
    starts: list[Turn] = []
    last: str | None = None
    for turn in turns:
        if turn.direction:
            continue
        if turn.speaker is not None and (turn.label is not None or turn.speaker != last):
            starts.append(turn)
        last = turn.speaker
    return starts


def _align(
    turns: Sequence[Turn], gold: Sequence[tuple[str, str]], people: dict[str, list[str]], out: CaseScore
) -> None:
    """Walk the gold turns in order, finding each at the start of a parsed turn."""
    starts = [norm(t.text) for t in turns]
    starts_set = set(map(id, turn_starts(turns)))
    matched: set[int] = set()
    position = 0
    for person, start in gold:
        anchor = norm(start)
        # A turn cut short by a stage direction ("Badly. [laughs] Marisol…") still starts there.
        found = next(
            (
                i
                for i in range(position, len(turns))
                if starts[i].startswith(anchor) or (len(starts[i]) >= 3 and anchor.startswith(starts[i]))
            ),
            None,
        )
        if person == "":
            out.narration_gold += 1
            if found is not None and turns[found].speaker is None:
                out.narration_found += 1
                position = found + 1
            else:
                where = f"in {turns[found].speaker}'s turn" if found is not None else "not at a turn start"
                out.misses.append(f"narration {start!r}: {where}")
            continue
        if found is None:
            out.misses.append(f"{person} {start!r}: not at a turn start")
            continue
        turn = turns[found]
        matched.add(id(turn))
        position = found + 1
        if id(turn) in starts_set and (
            _is(person, people[person], turn.speaker) or _is(person, people[person], turn.label)
        ):
            out.true_positive += 1
        else:
            out.misses.append(f"{person} {start!r}: attributed to {turn.speaker!r} (label {turn.label!r})")
    for turn in turn_starts(turns):
        if id(turn) not in matched:
            out.misses.append(f"extra turn: {turn.speaker!r} (label {turn.label!r}) {turn.text[:30]!r}")


def _leaks(script: Script, gold: dict[str, object], out: CaseScore, page: str) -> None:
    """Furniture in what the script says (the body: the intro's title is scored as a title),
    and stage directions in a speaker's lines or read raw."""
    body = [s for s in script.segments if s.role in ("turn", "bridge")]
    spoken = norm("".join(s.text for s in body))
    sentences = {norm(x) for s in body for x in split_sentences(_unattributed(s.text))}
    voiced = norm("".join(s.text for s in body if s.role == "turn"))
    raw = "".join(s.text for s in body)
    names = {norm(s.speaker) for s in script.segments}
    furniture = [str(line) for line in gold.get("furniture", [])]  # type: ignore[attr-defined]
    listed = norm("".join(furniture))
    for line in furniture:
        if norm(line) in names:
            continue  # a byline naming a speaker: the name is said in the attributions
        # A piece the page also has outside its furniture (a reader quoting a line of the
        # dialogue) cannot be told apart from the dialogue by its words.
        pieces = [p for p in [line, *split_sentences(line)] if page.count(norm(p)) <= listed.count(norm(p))]
        hit = next((p for p in pieces if _leaked(norm(p), spoken, sentences)), None)
        if hit is not None:
            out.leaks.append(f"furniture: {hit}")
    for direction in gold.get("stage", []):  # type: ignore[attr-defined]
        text = str(direction).strip("（）()[] ")
        if len(norm(text)) >= 2 and norm(text) in voiced:
            out.leaks.append(f"stage in a speaker's lines: {direction}")
        elif any(f"{o}{text}{c}" in raw for o, c in ("（）", "()", "[]")):
            out.leaks.append(f"stage read raw: {direction}")


def _leaked(piece: str, spoken: str, sentences: set[str]) -> bool:
    """A furniture line, or a sentence of it, said as a sentence of its own (``Fresh Air``
    alone, not the words inside ``This is FRESH AIR``); a long sentence of it anywhere."""
    if len(piece) < MIN_LEAK_CHARS:
        return False
    return piece in sentences or (len(piece) >= 30 and piece in spoken)


def _unattributed(text: str) -> str:
    """A retold turn without its ``李老师说：`` attribution."""
    return re.sub(r"^[^：:。]{1,40}说[：:]", "", text, count=1)


@dataclass(frozen=True, slots=True)
class Summary:
    """The corpus figures."""

    cases: int
    precision: float
    recall: float
    f1: float
    counts_ok: int
    titles_ok: int
    leaking_cases: int
    leaks: int
    narration: float
    speakers_in_script: float
    refused: int


def summarize(scores: Sequence[CaseScore]) -> Summary:
    tp = sum(s.true_positive for s in scores)
    predicted = sum(s.parsed_turns for s in scores)
    wanted = sum(s.gold_turns for s in scores)
    precision = tp / predicted if predicted else 0.0
    recall = tp / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    narration_gold = sum(s.narration_gold for s in scores)
    return Summary(
        cases=len(scores),
        precision=precision,
        recall=recall,
        f1=f1,
        counts_ok=sum(s.counts_ok for s in scores),
        titles_ok=sum(s.title_ok for s in scores),
        leaking_cases=sum(bool(s.leaks) for s in scores),
        leaks=sum(len(s.leaks) for s in scores),
        narration=sum(s.narration_found for s in scores) / narration_gold if narration_gold else 1.0,
        speakers_in_script=sum(s.speakers_in_script for s in scores) / max(1, sum(s.speakers_gold for s in scores)),
        refused=sum(s.error is not None for s in scores),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--misses", action="store_true", help="list every miss and leak")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--folder", type=Path, default=CASES, help="another folder of cases (e.g. held-out pages)")
    args = parser.parse_args(argv)
    scores = [score(p, seconds=args.seconds) for p in cases(args.cases, args.folder)]
    total = summarize(scores)
    if args.json:
        print(
            json.dumps({"summary": asdict(total), "cases": [asdict(s) for s in scores]}, ensure_ascii=False, indent=2)
        )
        return 0

    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title=f"real layouts ({len(scores)} cases)")
    for column in ("case", "labelled turns", "found", "counts", "title", "leaks", "narration"):
        table.add_column(column, justify="left" if column in ("case", "title") else "right")
    for s in scores:
        table.add_row(
            s.name,
            f"{s.parsed_turns}/{s.gold_turns}",
            f"{s.true_positive}",
            "ok" if s.counts_ok else "off",
            ("" if s.title_ok else "✗ ") + s.title[:40],
            str(len(s.leaks)),
            f"{s.narration_found}/{s.narration_gold}",
        )
    console.print(table)
    if args.misses:
        for s in scores:
            for line in s.misses + s.leaks:
                print(f"{s.name}: {line}")
    counted = max(1, total.cases)
    print(
        f"speaker labels: precision {total.precision:.3f}, recall {total.recall:.3f}, "
        f"F1 {total.f1:.3f} (target ≥ 0.97)\n"
        f"turn counts within ±10 %: {total.counts_ok}/{total.cases} = {total.counts_ok / counted:.0%} (target ≥ 95 %)\n"
        f"titles right: {total.titles_ok}/{total.cases} = {total.titles_ok / counted:.0%} (target ≥ 95 %)\n"
        f"furniture, caption or stage-direction leaks in scripts: {total.leaks} in {total.leaking_cases} cases "
        f"(target 0)\n"
        f"narration turns found: {total.narration:.0%}; "
        f"gold speakers with lines in the script: {total.speakers_in_script:.0%}\n"
        f"pages refused: {total.refused}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
