"""How good the two-minute scripts are, measured on the sample show and the test fixtures.

For each post: body length vs its budget (target within ±5 %, unless the post is shorter
than the budget and kept whole), the share of the post's top-20 keywords the script keeps
(target ≥ 50 %), speakers present vs speakers with ≥ 10 % of the dialogue (target: all),
anything that must never reach a script: URLs, Markdown, page boilerplate (target: none), and
what a listener could not follow (target 0 each): orphan back-references (a kept sentence that
refers back to, replies to or answers a cut one), questions kept without their answer,
reactions kept without their object, narration voiced as a speaker.

Posts: the sample show, tests/fixtures/parse/ and tests/fixtures/real/.

Run: python bench/script_quality.py [--seconds 120] [POST ...]
"""

from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

from rich.console import Console
from rich.table import Table

from podcast.config import Show
from podcast.hanzi import to_simplified
from podcast.keywords import keyword_weights
from podcast.model import Post
from podcast.parse import read_post
from podcast.profiles import load_voice_set
from podcast.script import ExtractiveSummarizer, write_script
from podcast.script.exchanges import coherence
from podcast.text import speech_units

ROOT = Path(__file__).resolve().parent.parent
LEAKS = re.compile(
    r"https?://|www\.|\*\*|__|!\[|\]\(|^#|发布者|发表回复|Akismet|阅读次数|电子邮箱|Share this|Leave a reply|"
    r"Filed under|Powered by",
    re.IGNORECASE | re.MULTILINE,
)


def measure(path: Path, seconds: float) -> dict[str, object]:
    post = read_post(path)
    voices = load_voice_set("offline", post.language)
    script, plan = write_script(post, show=Show(), voices=voices, target_seconds=seconds)
    body = "\n".join(s.text for s in script.segments[1:-1])
    plain = to_simplified(body).lower()  # key words are simplified, whichever script the post uses
    source_units = sum(speech_units(t.text, post.language) for t in post.turns if not t.direction)
    whole = source_units <= plan.body_units
    keywords = list(keyword_weights([t.text for t in post.turns if not t.direction], post.language, top=20))
    kept = [k for k in keywords if k.lower() in plain]
    # The summarizer optimises the TF-IDF weights above, so also score keywords it never
    # sees: TextRank's (a graph method over co-occurrence windows).
    ranked = _textrank(to_simplified("\n".join(t.text for t in post.turns if not t.direction)), post.language)
    kept_ranked = [k for k in ranked if k.lower() in plain]
    substantial = _substantial(post)
    present = {s.speaker for s in script.segments if s.role == "turn"}
    leaks = sorted({m.group(0) for m in LEAKS.finditer(body)})
    story = coherence(post, script.segments[1:-1], voices.narrator, post.language)
    return {
        "coherence": story,
        "post": path.name,
        "budget": plan.body_units,
        "used": plan.body_used,
        "whole": whole,
        "deviation": (plan.body_used - plan.body_units) / plan.body_units,
        "keywords": len(kept) / len(keywords) if keywords else 1.0,
        "textrank": len(kept_ranked) / len(ranked) if ranked else 1.0,
        "speakers": f"{len(substantial & present)}/{len(substantial)}",
        "speakers_ok": substantial <= present,
        "leaks": leaks,
        "estimated": plan.estimated_seconds,
    }


def _textrank(text: str, language: str) -> list[str]:
    import jieba.analyse

    if language.lower().startswith("zh"):
        return [str(w) for w in jieba.analyse.textrank(text, topK=20)]
    return [str(w) for w in jieba.analyse.textrank(text, topK=20, allowPOS=("eng", "n", "vn", "v"))]


def _substantial(post: Post) -> set[str]:
    sizes: dict[str, float] = {}
    for turn in post.turns:
        if turn.speaker:
            sizes[turn.speaker] = sizes.get(turn.speaker, 0.0) + speech_units(turn.text, post.language)
    total = sum(sizes.values())
    return {s for s, n in sizes.items() if total and n / total >= ExtractiveSummarizer.SUBSTANTIAL_SHARE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("posts", nargs="*", type=Path)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    posts = args.posts or sorted((ROOT / "episodes").glob("*.md")) + [
        p
        for folder in ("parse", "real")
        for p in sorted((ROOT / "tests" / "fixtures" / folder).iterdir())
        if p.suffix in {".md", ".txt", ".html"}
    ]
    rows = [measure(p, args.seconds) for p in posts]

    table = Table(title=f"script quality at {args.seconds:g} s")
    for column in (
        "post",
        "body/budget",
        "vs budget",
        "tf-idf top-20",
        "textrank top-20",
        "speakers",
        "leaks",
        "orphans",
        "unanswered",
        "reactions",
        "misvoiced",
        "est. s",
    ):
        table.add_column(column, justify="left" if column in ("post", "leaks") else "right")
    for r in rows:
        deviation = "whole" if r["whole"] else f"{r['deviation']:+.1%}"
        table.add_row(
            str(r["post"]),
            f"{r['used']:.0f}/{r['budget']:.0f}",
            deviation,
            f"{r['keywords']:.0%}",
            f"{r['textrank']:.0%}",
            str(r["speakers"]),
            ", ".join(r["leaks"]) or "none",  # type: ignore[arg-type]
            *(str(getattr(r["coherence"], k)) for k in ("orphans", "unanswered", "reactions", "misvoiced")),
            f"{r['estimated']:.0f}",
        )
    console = Console(width=150)
    console.print(table)
    budgeted = [r for r in rows if not r["whole"]]
    if budgeted:
        within = sum(abs(float(r["deviation"])) <= 0.05 for r in budgeted)  # type: ignore[arg-type]
        tfidf = statistics.median(float(r["keywords"]) for r in budgeted)  # type: ignore[arg-type]
        textrank = statistics.median(float(r["textrank"]) for r in budgeted)  # type: ignore[arg-type]
        console.print(f"budgeted posts within ±5 % of budget: {within}/{len(budgeted)}")
        console.print(f"top-20 keywords kept, budgeted posts (median): tf-idf {tfidf:.0%}, textrank {textrank:.0%}")
    enough = sum(float(r["keywords"]) >= 0.5 for r in rows)  # type: ignore[arg-type]
    console.print(f"posts keeping ≥ 50 % of their tf-idf top-20: {enough}/{len(rows)}")
    console.print(f"speakers kept: {sum(bool(r['speakers_ok']) for r in rows)}/{len(rows)} posts")
    console.print(f"posts with leaks: {sum(bool(r['leaks']) for r in rows)}")
    stories = [r["coherence"] for r in rows]
    kinds = ("orphans", "unanswered", "reactions", "misvoiced")
    counts = ", ".join(f"{k} {sum(getattr(c, k) for c in stories)}" for k in kinds)
    console.print(f"coherence, all posts: {counts} (target 0 each)")
    for r in rows:
        for example in r["coherence"].examples:  # type: ignore[attr-defined]
            console.print(f"  {r['post']}: {example}", markup=False)


if __name__ == "__main__":
    main()
