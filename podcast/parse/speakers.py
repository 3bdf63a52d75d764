"""One canonical name per person: ``白`` and ``白老师``, ``GROSS`` and ``TERRY GROSS, HOST``.

Merging is conservative: two labels are one person only when the post (or its front matter)
leaves no other reading. ``李`` and ``白`` in 李白对话录 are two people, never the poet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from podcast.hanzi import to_simplified
from podcast.parse.markers import HONORIFICS

ENGLISH_TITLES = {
    "PRESIDENT", "VICE", "SENATOR", "SEN.", "REP.", "REPRESENTATIVE", "GOV.", "GOVERNOR",
    "SECRETARY", "GENERAL", "GEN.", "DR.", "DR", "MR.", "MR", "MRS.", "MRS", "MS.", "MS",
    "PROF.", "PROFESSOR", "JUDGE", "JUSTICE", "MAYOR", "PRIME", "MINISTER", "CHANCELLOR",
    "AMBASSADOR", "SIR", "DAME", "LORD", "LADY", "CAPTAIN", "CAPT.", "COL.", "SGT.", "REV.",
    "FORMER", "FIRST", "SPEAKER", "CHIEF", "HOST", "ANCHOR",
}  # fmt: skip


def core(name: str) -> str:
    """A Chinese name without its honorific or 老/小 prefix; an English name upper-cased
    without titles.

    >>> core("白老师"), core("白碩老師"), core("老白"), core("President Donald Trump")
    ('白', '白碩', '白', 'DONALD TRUMP')
    """
    if name.isascii():
        words = name.upper().replace(",", " ").split()
        # A title before a name goes ("PRESIDENT DONALD TRUMP"); "Speaker 1" keeps its word.
        while len(words) > 1 and words[0] in ENGLISH_TITLES and any(w.isalpha() and len(w) > 1 for w in words[1:]):
            words = words[1:]
        return " ".join(words)
    plain = to_simplified(name)  # 白碩老師 has the honorific 老师 too
    for suffix in HONORIFICS:
        if plain.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    if len(name) == 2 and name[0] in "老小阿":
        return name[1]
    return name


def display(name: str) -> str:
    """How a canonical English name is shown: ALL CAPS transcripts become Title Case.

    >>> display("DONALD TRUMP"), display("李老师"), display("Q")
    ('Donald Trump', '李老师', 'Q')
    """
    if name.isascii() and name.isupper() and len(name) > 2:
        return " ".join(w if w.startswith("#") else w.capitalize() for w in name.split())
    return name


def canonical_names(
    names: Sequence[str],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    author: str | None = None,
) -> dict[str, str]:
    """Map every name used in a post to the person's canonical name.

    ``names`` is every speaker label's name in order of appearance (repeats count).
    ``aliases`` maps a canonical name to the labels that mean that person (front matter
    ``speakers:``). ``author`` lets ``我`` stand for the post's author.

    >>> m = canonical_names(["李老师", "白硕老师", "白老师", "李老师", "白老师"])
    >>> m["白硕老师"], m["李老师"]
    ('白老师', '李老师')
    >>> canonical_names(["李", "白", "李", "白"])
    {'李': '李', '白': '白'}
    >>> m = canonical_names(["TERRY GROSS", "GROSS", "PRESIDENT DONALD TRUMP", "TRUMP", "GROSS"])
    >>> m["GROSS"], m["TRUMP"]
    ('Terry Gross', 'Donald Trump')
    """
    counts = Counter(names)
    order = list(dict.fromkeys(names))
    alias_of: dict[str, str] = {}
    for canonical, labels in (aliases or {}).items():
        alias_of[canonical] = canonical
        alias_of[core(canonical)] = canonical
        for label in labels:
            alias_of[str(label)] = canonical
            alias_of[core(str(label))] = canonical

    # Union-find over the names, keyed by their cores.
    parent = {name: name for name in order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    by_core: dict[str, list[str]] = {}
    for name in order:
        by_core.setdefault(core(name), []).append(name)
    for group in by_core.values():
        for other in group[1:]:
            union(group[0], other)

    declared_root: dict[str, str] = {}
    for name in order:
        declared = alias_of.get(name) or alias_of.get(core(name))
        if declared:
            union(declared_root.setdefault(declared, name), name)

    cores = list(by_core)
    for short in cores:
        if short.isascii():
            # GROSS ↔ TERRY GROSS, TRUMP ↔ DONALD TRUMP: a unique last (or first) word;
            # GK ↔ GARRISON KEILLOR: the initials of exactly one name.
            if " " in short or len(short) < 2:
                continue
            longer = [c for c in cores if " " in c and short in (c.split()[-1], c.split()[0])]
            if not longer and len(short) <= 3 and short.isalpha():
                longer = [c for c in cores if " " in c and "".join(w[0] for w in c.split()) == short]
            if len(longer) == 1:
                union(by_core[longer[0]][0], by_core[short][0])
            continue
        if len(short) == 1:
            # 白 ↔ 白硕: a surname that starts exactly one longer name in this post.
            longer = [c for c in cores if len(c) > 1 and not c.isascii() and c.startswith(short)]
            if len(longer) == 1:
                union(by_core[longer[0]][0], by_core[short][0])

    if author and "我" in parent:
        for name in order:
            if name != "我" and (name == author or core(name) == core(author)):
                union(name, "我")
                break

    groups: dict[str, list[str]] = {}
    for name in order:
        groups.setdefault(find(name), []).append(name)

    result: dict[str, str] = {}
    for members in groups.values():
        named = [alias_of.get(m) or alias_of.get(core(m)) for m in members]
        chosen = next((n for n in named if n), None) or _best(members, counts)
        for member in members:
            result[member] = chosen
    return result


def _best(members: list[str], counts: Counter[str]) -> str:
    if all(m.isascii() for m in members):
        # The fullest name, without titles: "PRESIDENT DONALD TRUMP" → "Donald Trump".
        fullest = max(members, key=lambda m: (len(core(m).split()), counts[m]))
        return display(core(fullest) if fullest.isupper() else _strip_titles(fullest))
    # Chinese: the form the post uses most, then the fuller one ("白老师" over "白").
    return max(members, key=lambda m: (counts[m], m != "我", len(m)))


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].upper() in ENGLISH_TITLES and any(w.isalpha() and len(w) > 1 for w in words[1:]):
        words = words[1:]
    return " ".join(words)
