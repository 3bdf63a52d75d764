"""The first pass of the dialogue reader: which speaker markers really start a turn.

Every line's marker is found on its own (``markers``); here they are weighed over the whole
post. A guest list (``马仲良：中关村…院长``) becomes cast entries, a weak label seen once
that says no sentence is a headline, and a name alone on its line counts only where such
names recur. An interview printed without labels (bold or numbered questions, the answers
below) gets its questions and answers marked as the two speakers' turns (see ``interview``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from podcast.parse import interview
from podcast.parse.blocks import Block, Line
from podcast.parse.markers import Marker, find_marker, looks_like_person
from podcast.parse.post_lines import Key, PostLines
from podcast.parse.speakers import canonical_names, core

_SENTENCE_END = re.compile(r"[。！？!?…；;]|[.](?:\s|$)")
_PRONOUN = re.compile(r"[我你咱您]|\b(?:I|we|you|my|our)\b")
_TITLE_WORDS = re.compile(
    r"院长|教授|主任|研究员|博士|创始人|总裁|董事长|总经理|主编|记者|作家|学者|专家|工程师|"
    r"科学家|首席|院士|校长|所长|局长|部长|主席|经理|总监|负责人|合伙人|副总|顾问|大学|学院|"
    r"研究院|研究所|公司|集团|中心|实验室|基金|协会|学会|委员会|银行|医院|媒体|报社|电视台|"
    r"主持人|\b(?:C[EFOT]O|VP|founder|professor|director|president|chair|editor|author|"
    r"journalist|scientist|researcher|engineer|university|institute|college|inc|ltd|corp|"
    r"correspondent|reporter|analyst|fellow)\b",
    re.IGNORECASE,
)


def decide_labels(
    lines: PostLines, aliases: Mapping[str, Iterable[str]] | None, author: str | None
) -> tuple[dict[Key, Marker], set[Key], dict[str, str]]:
    """Find every line's marker and decide which ones really start something."""
    markers: dict[Key, Marker] = {}
    flat: list[Key] = []
    for key in lines.keys:
        block = lines.blocks[key[0]]
        if block.kind != "para":
            continue
        marker = find_marker(block.lines[key[1]], lines.next_text(key))
        if marker is None:
            continue
        if key in lines.furniture and not (marker.kind == "speaker" and marker.strong):
            continue  # "来源：人民网" is furniture; "TERRY GROSS, HOST:" is not
        markers[key] = marker
        flat.append(key)

    declared = {str(a) for labels in (aliases or {}).values() for a in labels} | set(aliases or {})
    cast = _cast_lines(markers, flat)
    speaking = [k for k in flat if markers[k].kind == "speaker" and k not in cast]
    for key in cast:
        markers[key] = Marker("cast", markers[key].label, markers[key].name, markers[key].rest, False)

    canonical = canonical_names([markers[k].name for k in speaking], aliases=aliases, author=author)
    uses = Counter(canonical[markers[k].name] for k in speaking)
    accepted = {k for k in flat if markers[k].kind != "speaker"}
    declared_cores = {core(d) for d in declared}
    sure = {
        k
        for k in speaking
        if markers[k].strong
        or uses[canonical[markers[k].name]] >= 2
        or markers[k].name in declared
        or core(markers[k].name) in declared_cores
    }

    # A one-word English name used once ("Brandon:") is a person when others in the post are
    # named by one word too ("Evan:"); in a post of Q and A, "Sensing:" is a term.
    one_word = {
        canonical[markers[k].name]
        for k in speaking
        if k in sure and markers[k].name.isascii() and " " not in markers[k].name and len(markers[k].name) > 1
    }

    def says_something(key: Key) -> bool:
        name = markers[key].name
        rest = markers[key].rest or lines.next_line(key)
        named_alike = name.isascii() and " " not in name and len(name) > 1 and bool(one_word - {canonical[name]})
        if not looks_like_person(name) and not named_alike:
            return False  # "休眠弧：…", "Sensing: …": a term defined, not a person speaking
        return _SENTENCE_END.search(rest) is not None or len(rest) >= 30

    # A name alone on its line is a label only when it recurs beside another such name
    # (a play, a transcript), or when it is set apart (ALL CAPS, bold).
    alone_people = {
        canonical[markers[k].name] for k in speaking if markers[k].alone and uses[canonical[markers[k].name]] >= 2
    }
    for key in speaking:
        person = canonical[markers[key].name]
        if markers[key].alone and (person not in alone_people or (not markers[key].strong and len(alone_people) < 2)):
            sure.discard(key)
    people = {canonical[markers[k].name] for k in speaking if k in sure or says_something(k)}
    for key in speaking:
        if key in sure:
            accepted.add(key)
            continue
        if markers[key].alone:
            continue
        # A weak label used once is a speaker only beside someone else, and only if it
        # says a sentence: a lone "重磅：…" line or a short unpunctuated one is a headline.
        person = canonical[markers[key].name]
        if (people - {person}) and says_something(key):
            accepted.add(key)
    return markers, accepted, {markers[k].name: canonical[markers[k].name] for k in speaking}


def _cast_lines(markers: dict[Key, Marker], flat: list[Key]) -> set[Key]:
    """Guest lists ("马仲良：中关村…院长"): short descriptions, not speech."""

    def guesty(marker: Marker) -> bool:
        rest = marker.rest
        return (
            marker.kind == "speaker"
            and 0 < len(rest) <= 60
            and not _SENTENCE_END.search(rest)
            and not _PRONOUN.search(rest)
        )

    cast: set[Key] = set()
    first_speech = next(
        (n for n, k in enumerate(flat) if markers[k].kind == "speaker" and not guesty(markers[k])),
        len(flat),
    )
    for n, key in enumerate(flat):
        marker = markers[key]
        if not guesty(marker):
            continue
        titled = _TITLE_WORDS.search(marker.rest) is not None
        previous = markers[flat[n - 1]] if n else None
        following = markers[flat[n + 1]] if n + 1 < len(flat) else None
        in_run = any(m is not None and (guesty(m) or m.kind == "cast") for m in (previous, following))
        continues_list = n > 0 and (flat[n - 1] in cast or markers[flat[n - 1]].kind == "cast")
        if titled or (in_run and n < first_speech and (len(marker.rest) >= 4 or continues_list)):
            cast.add(key)
    return cast


def unglue_blocks(blocks: list[Block]) -> list[Block]:
    """Questions printed against their answers (``…the phrase?I don't mind it.``), split —
    only when the post does it again and again, as an interview's layout."""
    glued = [i for i, b in enumerate(blocks) if b.kind == "para" and b.lines and interview.unglue(b.lines[0].text)]
    if len(glued) < interview.MIN_QUESTIONS:
        return blocks
    result = list(blocks)
    for i in glued:
        block = blocks[i]
        question, answer = interview.unglue(block.lines[0].text) or ("", "")
        result[i] = Block(block.kind, (Line(question), Line(answer), *block.lines[1:]), block.meta)
    return result


def label_interview(
    lines: PostLines, markers: dict[Key, Marker], accepted: set[Key], canonical: dict[str, str]
) -> None:
    """Turn an unlabelled interview's questions and answers into turns (see ``interview``)."""
    asked = [
        interview.Line(k, lines.text[k], _whole_bold(lines.blocks[k[0]].lines[k[1]]), k[1] == 0)
        for k in lines.keys
        if lines.blocks[k[0]].kind == "para" and k not in lines.furniture and lines.text[k]
    ]
    labelled = {k for k in accepted if markers[k].kind == "speaker"}
    roles = interview.questions(asked, labelled)
    if not roles:
        return
    # Labels above the first question are the headline or a pull quote, not turns.
    first = min(lines.order[k] for k in roles)
    for key in [k for k in labelled if lines.order[k] < first]:
        accepted.discard(key)
        labelled.discard(key)
    zh = any(re.search(r"[\u3400-\u9fff]", lines.text[k]) for k in roles)
    names = {"q": "记者" if zh else "Interviewer", "a": "嘉宾" if zh else "Guest"}
    # A label on some of the questions or answers ("界面文化：", "方小禾：") names the two.
    labels = {k: m for k in roles if (m := markers.get(k)) is not None and m.kind == "speaker" and m.rest}
    for role in ("q", "a"):
        named = next((canonical.get(m.name, m.name) for k, m in labels.items() if roles[k] == role), None)
        names[role] = named or names[role]
    for key, role in roles.items():
        if key in labelled:
            continue
        if key in labels:
            markers[key] = Marker("speaker", labels[key].label, names[role], labels[key].rest, True)
        else:
            text = interview.strip_number(lines.text[key]) if role == "q" else lines.text[key]
            markers[key] = Marker("speaker", "", names[role], text, True)
        accepted.add(key)
        canonical.setdefault(names[role], names[role])


def _whole_bold(line: Line) -> bool:
    return line.bold is not None and line.bold.strip(" *") == line.text.strip(" *")
