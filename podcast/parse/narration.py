"""What in a dialogue is not speech: stage directions and narration.

A stage direction says what someone does (``（整理了一下衣衫）``, ``(LAUGHTER)``,
``(SOUNDBITE OF MUSIC)``, ``[laughs]``, ``(As Mara)``); a narration paragraph tells the
story between turns (``记者摸了摸越来越瘪的钱包……``, ``Gross asked about the film.``).
Neither may be spoken as a speaker's words. Brackets also hold glosses that *are* the
speaker's (``异或（XOR）``, ``（注：…）``), so a bracket is a direction only when its words
say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_OPEN_CLOSE = {"（": "）", "(": ")", "[": "]"}
_BRACKET = re.compile(r"[（(\[]([^（）()\[\]]{1,80})[）)\]]")
# A blog's or chat app's emoticon code ("[sweat]", "[捂脸]"): not a direction, not words.
_EMOTICON = re.compile(r"\[(?:[a-z]{2,12}|[\u3400-\u9fff]{1,4})\]")
_UNCLOSED = re.compile(r"[（(]([^（）()]{1,12})$")
_HANZI = re.compile(r"[\u3400-\u9fff]")

# Words of English stage directions and transcript cues.
_EN_CUES = re.compile(
    r"^(?:laughter|laughs?|laughing|chuckles?|chuckling|giggles?|sighs?|sighing|pauses?|long pause|beat|"
    r"crosstalk|cross-talk|inaudible|unintelligible|indiscernible|applause|cheering|cheers|music|soundbite|"
    r"sound ?bite|sound of|singing|sings|coughs?|clears throat|silence|smiles?|smiling|crying|cries|whispers?|"
    r"whispering|overlapping|speaking foreign language|foreign language|begin|end|video clip|audio clip|clip|"
    r"groans?|gasps?|break|commercial break|indistinct|background noise|noise|technical difficulties|"
    r"both laugh|all laugh|audience|nods?|shrugs?|snaps?|claps?|sniffs?|exhales?|inhales?|as )",
    re.IGNORECASE,
)
_ALL_CAPS_WORDS = re.compile(r"^[A-Z][A-Z'’,.\-\"“”&:!? 0-9]*$")
# Words of Chinese stage directions: actions, manners, pauses, sounds.
_ZH_CUES = re.compile(
    r"笑|哭|叹|嘆|沉默|停顿|停頓|片刻|良久|摇头|搖頭|点头|點頭|掌声|掌聲|鼓掌|咳|顿了|頓了|喝了|吃了|夹了|夾了|端起|"
    r"端了|看了|望着|望著|瞪|皱眉|皺眉|挠头|撓頭|起身|坐下|站起|转身|轉身|拍了|递|遞|低头|低頭|抬头|抬頭|整理|"
    r"清了清|压低|壓低|提高声音|小声|小聲|大声|大聲|插话|插話|打断|打斷|想了想|一愣|愣了|苦笑|微笑|冷笑|尴尬|"
    r"尷尬|无奈|無奈|激动|激動|掏出|拿起|放下|翻开|翻開|指着|指著|走到|走进|走進|离开|離開|扶了|推了|眨眼|"
    r"耸肩|聳肩|挥手|揮手|握手|敲|喃喃|自言自语|自言自語|若有所思|众人|眾人|全场|全場|现场|現場|音乐|音樂|"
    r"画外音|旁白|镜头|鏡頭|插播|播放|视频|視頻|伸出|伸手|摊开|攤開|比划|比劃|示意|展示|拿出|递给|遞給|看了看|"
    r"(?:地|着|著)$|了一下|了一口|了一眼|了一声|了一聲"
)
# Brackets that gloss or annotate what is said: never a direction.
_GLOSS = re.compile(
    r"^(?:注|註|按|编者|編者|笔者|筆者|译者|譯者|作者|见|見|详见|參見|参见|即|指|如|例如|比如|包括|英文|原文|下同|"
    r"同上|略|此处|此處|未完|待续|待續|完|see|cf|i\.e|e\.g|via|sic|ed|editor|translator|note)",
    re.IGNORECASE,
)


def is_direction(inner: str, *, at_start: bool = False) -> bool:
    """True when the text inside a bracket is a stage direction.

    ``at_start``: the bracket opens a turn (``李白：（整理了一下衣衫）你想问什么？``), where
    a short bracket is a direction unless it glosses.

    >>> is_direction("整理了一下衣衫"), is_direction("LAUGHTER"), is_direction("As Mara")
    (True, True, True)
    >>> is_direction("XOR"), is_direction("注：这是深度学习的理论基础"), is_direction("NASA")
    (False, False, False)
    >>> is_direction("SOUNDBITE OF FILM, \\"THE SALT ROAD\\"")
    True
    >>> is_direction("極不情愿地"), is_direction("三十年前"), is_direction("三十年前", at_start=True)
    (True, False, True)
    """
    text = inner.strip()
    if not text or len(text) > 80 or _GLOSS.match(text) or re.search(r"[:：]", text[:8]):
        return False
    if _HANZI.search(text):
        if len(text) > 40 or re.search(r"[。！？]", text[:-1]):
            return False
        return _ZH_CUES.search(text) is not None or (at_start and len(text) <= 20)
    if _EN_CUES.match(text):
        return not text.lower().startswith("as ") or re.match(r"as [A-Z]", text, re.IGNORECASE) is not None
    words = re.findall(r"[A-Za-z']+", text)
    # (SOUNDBITE OF ARCHIVED BROADCAST), (TRAFFIC): upper-case words, one of them long (an
    # acronym like NASA is short).
    return (
        _ALL_CAPS_WORDS.match(text) is not None
        and (len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 6))
        and any(len(w) >= 5 for w in words)
        and not any(w.islower() for w in words)
    )


def split_directions(text: str) -> list[tuple[bool, str]]:
    """Cut ``text`` into pieces of speech and of stage direction, in order.

    Direction pieces carry the words inside the brackets; speech pieces are stripped and
    never empty.

    >>> split_directions("（整理了一下衣衫）你想问什么？")
    [(True, '整理了一下衣衫'), (False, '你想问什么？')]
    >>> split_directions("因為錢燒完了啊(笑)。不過說真的")
    [(False, '因為錢燒完了啊'), (True, '笑'), (False, '。不過說真的')]
    >>> split_directions("异或（XOR）的鬼门关")
    [(False, '异或（XOR）的鬼门关')]
    """
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _BRACKET.finditer(text):
        if _EMOTICON.fullmatch(match.group(0)):
            continue
        opener = text[match.start()]
        if _OPEN_CLOSE[opener] != text[match.end() - 1] and not (opener in "（(" and text[match.end() - 1] in "）)"):
            continue
        at_start = not text[: match.start()].strip()
        if not is_direction(match.group(1), at_start=at_start):
            continue
        before = text[position : match.start()].strip()
        if before:
            pieces.append((False, before))
        pieces.append((True, match.group(1).strip()))
        position = match.end()
    rest = text[position:].strip()
    unclosed = _UNCLOSED.search(rest)
    if unclosed and is_direction(unclosed.group(1), at_start=True):
        # "…你先松手(拉扯状": a direction whose bracket the author never closed.
        rest, tail = rest[: unclosed.start()].strip(), unclosed.group(1).strip()
        if rest:
            pieces.append((False, rest))
        pieces.append((True, tail))
    elif rest:
        pieces.append((False, rest))
    return _fold_punctuation(pieces) if pieces else [(False, text)]


def _fold_punctuation(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Speech that is only punctuation after a direction (``(笑)。``) joins the speech before."""
    folded: list[tuple[bool, str]] = []
    for direction, text in pieces:
        if not direction and not re.search(r"\w", text):
            last_speech = next((i for i in range(len(folded) - 1, -1, -1) if not folded[i][0]), None)
            if last_speech is not None:
                folded[last_speech] = (False, folded[last_speech][1] + text)
                continue
        folded.append((direction, text))
    return folded


def whole_direction(text: str) -> str | None:
    """The words of a paragraph that is one bracketed direction or narration, else None.

    >>> whole_direction("（两人都笑了）"), whole_direction("(SOUNDBITE OF MUSIC)"), whole_direction("（注：略）")
    ('两人都笑了', 'SOUNDBITE OF MUSIC', None)
    """
    match = re.fullmatch(r"[（(\[]([^（）()\[\]]{1,400})[）)\]][。.]?", text.strip())
    if match is None or _GLOSS.match(match.group(1).strip()) or _EMOTICON.fullmatch(text.strip()):
        return None
    return match.group(1).strip()


_CJK_NARRATIVE = (
    r"(?:也|则|又|还|随后|接着|进一步|再次|首先|最后|进而|紧接着|马上|立刻|当即|)"
    r"(?:阐述|指出|认为|表示|提到|谈到|解释|强调|补充|总结|回应|反驳|同意|赞同|质疑|问道|笑道|"
    r"说道|介绍|分析|提出|觉得|坦言|感叹|承认|否认|回忆|讲述|描述|论述|说明|举例|打断|插话|"
    r"追问|反问|答道|回答|继续说|接着说|笑了|点头|摇头|沉默|发言|讨论|对话|聊)"
)
# "记者摸了摸…", "李白顿了顿", "主持人看了看表": a person then an action in the third person.
_CJK_ACTION = (
    r"(?:又|也|就|便|才|还|還|忽然|突然|默默|默默地|轻轻|輕輕|慢慢|缓缓|緩緩|一边|一邊|连忙|連忙|赶紧|趕緊)?"
    r"(?:([\u3400-\u9fff])了\1|[\u3400-\u9fff]了一(?:下|口|眼|声|聲)|[\u3400-\u9fff][着著](?:说|說|问|問|道)|"
    r"笑了|叹了口气|嘆了口氣|点了点头|點了點頭|摇了摇头|搖了搖頭|沉默了|愣了|想了想)"
)
_EN_NARRATIVE = (
    r"\s+(?:\w+ed|said|says|asks|told|tells|explains|replies|adds|notes|argues|laughs|"
    r"continues|went on|goes on|points out|recalls|describes|insists|admits|agrees|"
    r"disagrees|writes|wrote|thinks|thought|believes)\b"
)
# An action told in the past or in progress within a clause: "划了一道", "盯著", "走開以後".
_CLAUSE_ACTION = r"了|着|著|過(?!来|來|去)|以後|以后|起来|起來|下来|下來|一眼|一下"
_FIRST_PERSON_ACTION = (
    r"(?:没接话|沒接話|没说话|沒說話|没吭声|沒吭聲|听了|聽了|看了|笑了|愣了|点了点头|點了點頭|摇了摇头|搖了搖頭|"
    r"想了想|回头|回頭|转头|轉頭|低头|低頭|抬头|抬頭|接过|接過|拿起|放下|坐上去|站起来|站起來|走过去|走過去|"
    r"的手机|的手機|把同一个|把同一個|心里|心裡)"
)
_SCENE = re.compile(
    r"^(?:据了解|據了解|据介绍|據介紹|据悉|據悉|记者了解到|記者了解到|记者注意到|記者注意到|记者看到|記者看到|记者获悉|"
    r"記者獲悉|记者发现|記者發現|采访中|採訪中|采访结束|採訪結束|采访最后|谈话间|談話間|说到这里|說到這裡|说这话时|"
    r"說這話時|说完|說完|说罢|說罷|聊完|临走|臨走|临别|臨別|告别时|告別時|回家路上|后来我们|後來我們|那天晚上|"
    r"当天|當天|次日|第二天|散场|散場|说到这儿|說到這兒|说到这里|說到這裡|于是那天|於是那天|回程的时候|回程的時候|"
    r"窗外|門外|门外|那天傍晚|那天下午|那天晚上|後來整趟|后来整趟|又是这间|又是這間)"
)


def reads_as_narration(text: str, known: Sequence[str], *, narrator: bool = False) -> bool:
    """A paragraph about the speakers in the third person, not one of them speaking.

    ``known``: every name and label of the post's speakers, longest first. ``narrator``: the
    author speaks in the post as 我 and someone else spoke last, so 我 doing something
    (``我没接话``, ``我看了一眼窗帘``) is the author telling the story.

    >>> reads_as_narration("面试官在本子上划了一道。", ["面试官"]), reads_as_narration("她盯着屏幕看了很久。", [])
    (True, True)
    >>> reads_as_narration("我没接话。", [], narrator=True), reads_as_narration("我没想过这个。", [])
    (True, False)

    >>> reads_as_narration("白老师阐述了维纳一系的理解", ["白老师", "白"])
    True
    >>> reads_as_narration("白老师的意思是压缩函数", ["白老师"])
    False
    >>> reads_as_narration("Gross asked about the film.", ["GROSS", "Terry Gross"])
    True
    >>> reads_as_narration("记者摸了摸越来越瘪的钱包……", ["记者", "老张"])
    True
    >>> reads_as_narration("记者朋友们问得好。", ["记者"]), reads_as_narration("李老师看过那篇论文吗？", ["李老师"])
    (False, False)
    """
    if _SCENE.match(text):
        return True
    clause = re.split(r"[，,。！？!?；;：:]", text, maxsplit=1)[0]
    if re.match(r"^(?:他|她)(?:们|們)?", clause) and re.search(_CLAUSE_ACTION, clause[1:]):
        return True  # "她盯着屏幕上我的照片", "他说最后这句的时候"
    if narrator and re.match(r"^我(?!们|們)" + _FIRST_PERSON_ACTION, text):
        return True
    for name in known:
        if name.isascii():
            for form in {name, name.title(), name.split()[-1].title(), name.split()[-1]}:
                if re.match(re.escape(form) + _EN_NARRATIVE, text):
                    return True
            continue
        if text.startswith(name) and name != "我":
            rest = text[len(name) :]
            joint = re.match(r"[和与跟同及、]([\u3400-\u9fff]{1,6}?)" + _CJK_NARRATIVE, rest)
            if re.match(_CJK_NARRATIVE, rest) or joint or re.match(_CJK_ACTION, rest):
                return True
            # "面试官在本子上划了一道", "李白盯著他看了很久": the person, then what they do.
            if rest[:1] not in "：:的们們" and re.search(_CLAUSE_ACTION, clause[len(name) : len(name) + 10]):
                return True
    return False
