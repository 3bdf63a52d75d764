"""Who plays a role: ``Q``/``A``, ``问``/``答``, ``记者``, ``主持人`` resolved to the people the post
names, and short labels a post defines (``《報導者》（以下簡稱報）``).

Each rule reads what the page itself says — a cast list (``主持人：王芳``), a byline
(``记者 | 张三``), a host introducing herself (``我是何曼``), a title naming the guest
(``专访许静宜：…``, ``8 Questions for Tobias Wren``) — and resolves a role only when exactly
one person fits. What cannot be resolved stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from podcast.model import Turn
from podcast.parse.markers import person_name

_DEFINES = re.compile(
    r"(?P<full>[\u3400-\u9fff《》A-Za-z·]{2,16})\s*[（(]\s*(?:以下|下)(?:简称|簡稱|称|稱)\s*[「“\"]?(?P<short>[^」”\"）)\s]{1,6})"
    r"[」”\"]?\s*[）)]|(?P<full2>[\u3400-\u9fff]{2,6})[^。，,]{0,30}[，,]\s*(?:以下|下)(?:简称|簡稱|称|稱)\s*[「“\"]?"
    r"(?P<short2>[A-Za-z\u3400-\u9fff]{1,4})[」”\"]?"
)
INTERVIEWERS = {"记者", "記者", "问", "問", "Q", "q", "interviewer", "Interviewer", "INTERVIEWER", "小编", "编辑"}
GUESTS = {"答", "A", "a", "guest", "Guest", "GUEST", "嘉宾", "嘉賓", "受访者", "受訪者"}
HOSTS = {"主持人", "主持", "主播", "host", "Host", "HOST", "moderator", "Moderator"}
ROLES = INTERVIEWERS | GUESTS | HOSTS

_CN_NAME = r"[\u3400-\u9fff]{2,3}"
_EN_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z'’-]+){1,2}"
_REPORTER = re.compile(
    rf"(?:本报|本報|本刊|特约|特約|见习|見習|新华社|新華社)?(?:记者|記者)\s*[|丨｜│/／:：]?\s*(?P<name>{_CN_NAME})(?![\u3400-\u9fff])"
    rf"|(?:Interview(?:ed)? by|By|Q&A by|Questions by|Posted by)\s+(?P<en>{_EN_NAME})"
)
_PLACEHOLDER = re.compile(r"(?:Speaker|SPEAKER|Participant|Voice|说话人|說話人|发言人|發言人)\s*\d{1,2}")
_SELF = re.compile(
    rf"(?:我是|我叫|本期主持人|主持人)\s*(?P<name>{_CN_NAME})(?=[，,。！!\s]|$)"
    rf"|(?:I'm|I am|My name is)\s+(?P<en>{_EN_NAME})"
)
_GUEST = re.compile(
    rf"(?:专访|專訪|对话|對話|访谈|訪談|采访|採訪)\s*[|丨：:]?\s*(?P<name>{_CN_NAME})(?=[：:，,（(\s|丨]|$)"
    rf"|(?P<name2>{_CN_NAME})\s*(?:接受|做客)"
    rf"|(?:受访者|受訪者|嘉宾|嘉賓)\s*[|丨｜│:：]\s*(?P<name3>{_CN_NAME})(?![\u3400-\u9fff])"
    rf"|(?i:questions for|q&a with|interview with|conversation with|spoke with|talked with|talks with|talked to|"
    rf"sat down with|caught up with|in conversation with|interviewee:?)\s+(?P<en>{_EN_NAME})"
    rf"|^(?P<en2>{_EN_NAME})\s*[:,]\s"
)


def definitions(texts: Iterable[str]) -> dict[str, list[str]]:
    """Short labels a post defines for a person: ``{full name: [short labels]}``.

    >>> definitions(["《報導者》（以下簡稱報）：您為什麼拍這部片？", "孫立行（下稱「孫」）﹕我先說"])
    {'報導者': ['報'], '孫立行': ['孫']}
    """
    found: dict[str, list[str]] = {}
    for text in texts:
        for match in _DEFINES.finditer(text):
            full = (match.group("full") or match.group("full2") or "").strip("《》")
            short = match.group("short") or match.group("short2") or ""
            if full and short and short != full:
                found.setdefault(full, [])
                if short not in found[full]:
                    found[full].append(short)
    return found


def resolve(
    turns: Sequence[Turn],
    *,
    casts: Iterable[tuple[str, str]],
    context: Sequence[str],
    title: str,
    author: str | None,
) -> dict[str, str]:
    """Role speakers resolved to names: ``{speaker as parsed: person}``.

    ``casts``: cast-list entries (role, what follows it); ``context``: the text around the
    dialogue (bylines, the preface, notes) where the page says who is who.

    >>> turns = [Turn("主持人", "主持人", "各位好，我是何曼。"), Turn("苏文远", "苏文远", "大家好。")]
    >>> resolve(turns, casts=[], context=[], title="", author=None)
    {'主持人': '何曼'}
    >>> turns = [Turn("Q", "Q", "Why?"), Turn("A", "A", "Because.")]
    >>> resolve(turns, casts=[], context=["Interview by Jane Roe"], title="8 Questions for Tobias Wren", author=None)
    {'Q': 'Jane Roe', 'A': 'Tobias Wren'}
    """
    speakers = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
    resolved: dict[str, str] = {}

    def settle(role: str, name: str | None) -> None:
        if name and name != role and role in speakers and role not in resolved and name not in ROLES:
            resolved[role] = name

    for role, value in casts:
        if role in HOSTS:
            for host in HOSTS & set(speakers):
                settle(host, _first_name(value))
    # A host, or a transcript's placeholder ("Speaker 1", "说话人2"), named by their own
    # introduction ("I'm Nora Pell", "我是何曼").
    for role in [s for s in speakers if s in HOSTS or _PLACEHOLDER.fullmatch(s)]:
        first = next((t.text for t in turns if t.speaker == role), "")
        found = _SELF.search(first[:200])
        if found:
            resolved.setdefault(role, found.group("name") or found.group("en"))
    reporters = _unique(m.group("name") or m.group("en") for text in context for m in _REPORTER.finditer(text))
    guests = _unique(
        m.group("name") or m.group("name2") or m.group("name3") or m.group("en") or m.group("en2")
        for text in [title, *context]
        for m in _GUEST.finditer(text)
    )
    for role in INTERVIEWERS & set(speakers):
        settle(role, reporters or author)
    interviewer = resolved.get(next(iter(INTERVIEWERS & set(speakers)), ""))
    for role in GUESTS & set(speakers):
        settle(role, guests or _most_named([title, *context], exclude={interviewer, author, *speakers}))
    return resolved


# Words of organisations and publications, never of a person's name.
_ORG_WORDS = {
    "University",
    "College",
    "Institute",
    "School",
    "Department",
    "Communications",
    "News",
    "Press",
    "Review",
    "Magazine",
    "Podcast",
    "Radio",
    "Times",
    "Post",
    "Journal",
    "Daily",
    "Weekly",
    "Books",
    "Records",
    "Company",
    "Center",
    "Centre",
    "Society",
    "Association",
    "Foundation",
    "Council",
    "Committee",
    "Office",
    "Museum",
}


def _most_named(texts: Sequence[str], exclude: set[str | None]) -> str | None:
    """The person the standfirst names most (twice at least): who an interview is with."""
    counts: dict[str, int] = {}
    for text in texts:
        for name in re.findall(_EN_NAME, text):
            words = name.split()
            if name not in exclude and person_name(name) and words[0] != "The" and not set(words) & _ORG_WORDS:
                counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    name, count = max(counts.items(), key=lambda kv: kv[1])
    return name if count >= 2 or len(counts) == 1 else None


def _first_name(value: str) -> str | None:
    head = re.split(r"[，,、（(\s]", value.strip(), maxsplit=1)[0]
    return head if person_name(head) is not None else None


def _unique(names: Iterable[str | None]) -> str | None:
    found = list(dict.fromkeys(n for n in names if n))
    return found[0] if len(found) == 1 else None


def aliases_with(
    declared: Mapping[str, Iterable[str]] | None, defined: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """Declared aliases (front matter, ``podcast.toml``) plus the ones the post defines; a
    declared alias wins."""
    merged: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in (declared or {}).items()}
    taken = {x for labels in merged.values() for x in labels} | set(merged)
    for full, shorts in defined.items():
        new = [s for s in shorts if s not in taken]
        if new:
            merged.setdefault(full, []).extend(new)
    return merged
