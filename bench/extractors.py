"""Which main-content extractor reads a dialogue page best: the real-layout HTML pages.

For each saved page in ``tests/fixtures/real/*.html`` (the ``.txt`` cases are not web pages)
and each extractor, this parses what the extractor keeps with ``parse_post`` and scores it as
``bench/real_layouts.py`` does: speaker labels (precision, recall, F1 over labelled turns),
turn counts within ±10 %, and titles right — the title ``parse_post`` finds in the kept text
("title (parse)") and the one the extractor's metadata gives ("title (meta)").

A second table scores the blog layouts of ``tests/fixtures/web/blog/`` (WordPress, 新浪博客,
科学网 in GBK, CSDN, Substack, Medium) against their sidecars: the speakers in order, the
number of labelled turns, the title (the extractor's own, else the parse's) and the date
(the extractor's own).

Extractors:

- ``own``: the project's HTML reader on the whole page, with ``podcast.web.article``'s
  metadata (what ``read_article`` does);
- ``trafilatura-txt`` / ``-xml`` / ``-html``: ``trafilatura.extract(..., favor_recall=True,
  include_comments=False)``, metadata from ``trafilatura.bare_extraction``;
- ``readability``: readability-lxml's ``Document.summary()``, title from ``short_title()``.

trafilatura and readability-lxml are not dependencies of the project: install them on the
side to compare, e.g.::

    .venv/bin/pip install --target /tmp/xlibs trafilatura readability-lxml
    PYTHONPATH=/tmp/xlibs .venv/bin/python bench/extractors.py [--misses] [--json]

An extractor that is not installed is skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from real_layouts import CASES, ROOT, CaseScore, _align, norm, summarize, turn_starts

from podcast.parse import parse_post
from podcast.parse.source import decode
from podcast.web.article import read_article

BLOG = ROOT / "tests" / "fixtures" / "web" / "blog"

Extracted = tuple[str, str, str | None, str | None]
"""What an extractor keeps: the text, its format for parse_post, its metadata title and date."""


def own(html: str, url: str) -> Extracted:
    article = read_article(html, url)
    return article.html_or_text, article.fmt, article.title, article.date


def _trafilatura(fmt: str) -> Callable[[str, str], Extracted]:
    def extract(html: str, url: str) -> Extracted:
        import trafilatura  # type: ignore[import-not-found]

        out = trafilatura.extract(
            html, url=url, output_format=fmt, include_comments=False, favor_recall=True, with_metadata=False
        )
        meta = trafilatura.bare_extraction(html, url=url, include_comments=False, favor_recall=True, with_metadata=True)
        title = getattr(meta, "title", None) if meta is not None else None
        date = getattr(meta, "date", None) if meta is not None else None
        text = out or ""
        if fmt == "xml":
            # TEI-like <doc><main><p>…: the paragraphs, as HTML the reader knows.
            text = re.sub(r"</?(?:doc|main)[^>]*>", "", text)
        return text, "text" if fmt == "txt" else "html", title, date

    return extract


def readability(html: str, url: str) -> Extracted:
    from readability import Document  # type: ignore[import-not-found]

    doc = Document(html, url=url)
    return doc.summary(html_partial=True), "html", doc.short_title(), None


EXTRACTORS: dict[str, Callable[[str, str], Extracted]] = {
    "own": own,
    "trafilatura-txt": _trafilatura("txt"),
    "trafilatura-xml": _trafilatura("xml"),
    "trafilatura-html": _trafilatura("html"),
    "readability": readability,
}


@dataclass
class Row:
    extractor: str
    precision: float
    recall: float
    f1: float
    counts_ok: int
    titles_parse: int
    titles_meta: int
    cases: int
    ms_per_page: float
    refused: int


def _title_ok(title: str | None, gold: dict[str, object]) -> bool:
    accepted = [str(gold["title"]), *(str(t) for t in gold.get("titles", []))]  # type: ignore[attr-defined]
    return bool(title) and any(norm(str(title).strip("《》")) == norm(t) for t in accepted if t)


def run(name: str, extractor: Callable[[str, str], Extracted], misses: list[str]) -> Row | None:
    scores: list[CaseScore] = []
    meta_ok = 0
    elapsed = 0.0
    for gold_path in sorted(CASES.glob("*.toml")):
        page = gold_path.with_suffix(".html")
        if not page.exists():
            continue
        gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
        html = decode(page.read_bytes(), page.name)
        url = str(gold.get("source_url") or f"https://example.org/{page.name}")
        people = {str(k): [str(x) for x in v] for k, v in gold["speakers"].items()}
        gold_turns = [(str(p), str(s)) for p, s in gold["turns"]]
        result = CaseScore(gold_path.stem, sum(1 for p, _ in gold_turns if p), 0, 0, "", False)
        started = time.perf_counter()
        try:
            text, fmt, meta_title, _ = extractor(html, url)
        except ImportError:
            return None
        try:
            post = parse_post(text, source=url, fmt=fmt)
        except Exception as exc:  # a refused page scores zero
            result.error = f"{type(exc).__name__}: {exc}"
            misses.append(f"{name} {gold_path.stem}: refused: {exc}")
            scores.append(result)
            continue
        finally:
            elapsed += time.perf_counter() - started
        result.parsed_turns = len(turn_starts(post.turns))
        result.title = post.title
        result.title_ok = _title_ok(post.title, gold)
        meta_ok += _title_ok(meta_title, gold)
        _align(post.turns, gold_turns, people, result)
        misses.extend(f"{name} {gold_path.stem}: {m}" for m in result.misses)
        if not _title_ok(meta_title, gold):
            misses.append(f"{name} {gold_path.stem}: meta title {meta_title!r}")
        scores.append(result)
    total = summarize(scores)
    return Row(
        extractor=name,
        precision=total.precision,
        recall=total.recall,
        f1=total.f1,
        counts_ok=total.counts_ok,
        titles_parse=total.titles_ok,
        titles_meta=meta_ok,
        cases=total.cases,
        ms_per_page=1000 * elapsed / max(1, total.cases),
        refused=total.refused,
    )


@dataclass
class BlogRow:
    extractor: str
    speakers_ok: int
    turns_ok: int
    titles_ok: int
    dates_ok: int
    cases: int


def run_blog(name: str, extractor: Callable[[str, str], Extracted], misses: list[str]) -> BlogRow | None:
    """The blog layouts: speakers, labelled turns, title and date against each sidecar."""
    row = BlogRow(name, 0, 0, 0, 0, 0)
    for gold_path in sorted(BLOG.glob("*.toml")):
        gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
        page = gold_path.with_suffix(".html")
        url = f"https://example.org{gold['path']}"
        try:
            text, fmt, title, date = extractor(decode(page.read_bytes(), page.name), url)
        except ImportError:
            return None
        row.cases += 1
        try:
            post = parse_post(text, source=url, fmt=fmt)
        except Exception as exc:  # a refused page scores zero
            misses.append(f"{name} {gold_path.stem}: refused: {exc}")
            continue
        found = {
            "speakers": list(post.speakers),
            "turns": sum(1 for t in post.turns if t.speaker),
            "title": title or post.title,
            "date": str(date) if date else None,
        }
        right = {key: found[key] == gold[key] for key in found}
        row.speakers_ok += right["speakers"]
        row.turns_ok += right["turns"]
        row.titles_ok += right["title"]
        row.dates_ok += right["date"]
        misses.extend(f"{name} {gold_path.stem}: {k} {found[k]!r}" for k, ok in right.items() if not ok)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("extractors", nargs="*", default=list(EXTRACTORS), help=f"of {', '.join(EXTRACTORS)}")
    args = parser.parse_args(argv)
    misses: list[str] = []
    rows: list[Row] = []
    blog: list[BlogRow] = []
    parse_post("李：你好。\n\n白：你好。")  # load the word lists before timing anything
    for name in args.extractors:
        row = run(name, EXTRACTORS[name], misses)
        blog_row = run_blog(name, EXTRACTORS[name], misses)
        if row is None or blog_row is None:
            print(f"{name}: not installed, skipped", file=sys.stderr)
        else:
            rows.append(row)
            blog.append(blog_row)
    if args.json:
        print(json.dumps({"real": [asdict(r) for r in rows], "blog": [asdict(r) for r in blog]}, indent=2))
        return 0
    columns = ("P", 6), ("R", 6), ("F1", 6), ("counts", 7), ("title(parse)", 13), ("title(meta)", 12), ("ms/page", 8)
    print(f"{'extractor':<18} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for r in rows:
        print(
            f"{r.extractor:<18} {r.precision:>6.3f} {r.recall:>6.3f} {r.f1:>6.3f} {r.counts_ok:>3}/{r.cases:<3} "
            f"{r.titles_parse:>9}/{r.cases:<3} {r.titles_meta:>8}/{r.cases:<3} {r.ms_per_page:>8.0f}"
        )
    print(f"\n{'blog layouts':<18} {'speakers':>9} {'turns':>7} {'title':>7} {'date':>7}")
    for b in blog:
        n = b.cases
        print(
            f"{b.extractor:<18} {b.speakers_ok:>5}/{n:<3} {b.turns_ok:>3}/{n:<3} {b.titles_ok:>3}/{n:<3} "
            f"{b.dates_ok:>3}/{n:<3}"
        )
    if args.misses:
        print("\n".join(misses))
    agree = dates_against_htmldate()
    if agree is not None:
        print(f"read_article's date = htmldate.find_date(original_date=True): {agree[0]}/{agree[1]} pages")
    return 0


def dates_against_htmldate() -> tuple[int, int] | None:
    """How often the date read_article finds is htmldate's (None when htmldate is not installed)."""
    try:
        from htmldate import find_date  # type: ignore[import-not-found]
    except ImportError:
        return None
    pages = sorted(CASES.glob("*.html"))
    same = 0
    for page in pages:
        html = decode(page.read_bytes(), page.name)
        same += read_article(html, "https://example.org/").date == find_date(html, original_date=True)
    return same, len(pages)


if __name__ == "__main__":
    sys.exit(main())
