"""Speaker markers: recognising ``李老师说：``, ``**白硕**：``, ``Q:``, ``TERRY GROSS, HOST:``…

A marker is found on one line. Whether it really starts a turn is decided later, over the
whole post (a label seen once in a weak form may be a headline); this module only says
what a line's label is, what kind of label it is, and how sure the form is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from podcast.hanzi import to_simplified
from podcast.parse.blocks import Line
from podcast.parse.narration import is_direction, whole_direction

MarkerKind = Literal["speaker", "narrator", "meta", "note", "cast"]

COLONS = ":：﹕∶"
MAX_LABEL_CHARS = 60

# Labels that introduce metadata, not speech. The value is the metadata key it sets (or "").
META_LABELS = {
    "作者": "author", "文": "author", "撰文": "author", "发布者": "author", "整理": "",
    "时间": "date", "日期": "date", "发布时间": "date", "发表时间": "date", "发表于": "date",
    "发布于": "date", "更新": "", "更新时间": "", "来源": "source", "出处": "source",
    "原文": "source", "原文链接": "source", "链接": "", "网址": "", "地址": "", "标签": "",
    "分类": "", "关键词": "", "关键字": "", "字数": "", "阅读": "", "责任编辑": "", "编辑": "",
    "校对": "", "审校": "", "翻译": "", "译者": "", "摄影": "", "图片": "", "图": "", "视频": "",
    "author": "author", "by": "author", "posted by": "author", "written by": "author",
    "date": "date", "posted": "date", "posted on": "date", "published": "date",
    "published on": "date", "updated": "", "last updated": "", "source": "source",
    "original": "source", "url": "", "link": "", "tags": "", "tagged": "", "category": "",
    "categories": "", "filed under": "", "keywords": "", "photo": "", "image": "",
    "credit": "", "photo credit": "", "image credit": "", "reading time": "", "words": "",
    "時間": "date", "時  間": "date", "日期時間": "date", "發佈時間": "date", "發表時間": "date", "來源": "source",
    "地点": "", "地點": "", "主办": "", "主辦": "", "承办": "", "承辦": "", "协办": "", "協辦": "", "会议": "",
    "會議": "", "出席委员": "", "出席委員": "", "列席官员": "", "列席官員": "", "列席": "", "出席": "",
    "分类专栏": "", "文章标签": "", "分享到": "", "推荐": "", "编辑推荐": "", "阅读排行": "", "评论排行": "",
    "推荐排行": "", "博客等级": "", "博客积分": "", "博客访问": "", "关注人气": "", "荣誉徽章": "", "已投稿到": "",
    "发评论": "", "链接地址": "", "下一篇": "", "上一篇": "", "前一篇": "", "后一篇": "", "推荐人": "",
    "所属专辑": "", "专辑": "", "节目": "", "節目": "", "栏目": "", "欄目": "", "频道": "", "頻道": "",
    "present": "", "bibliography": "", "references": "", "sources": "", "contents": "", "appendix": "",
    "subjects": "", "topics": "", "related": "", "share": "", "restrictions": "", "format": "",
    "积分": "", "積分": "", "发表": "", "發表": "", "注册": "", "註冊": "", "帖子": "", "精华": "", "精華": "",
    "主题": "", "主題": "", "回帖": "", "在线时间": "", "在線時間": "", "最后登录": "", "最後登錄": "",
    "注册时间": "", "註冊時間": "", "阅读权限": "", "閱讀權限": "", "来自": "", "來自": "", "性别": "", "性別": "",
    "图说": "", "圖說": "",
}  # fmt: skip

# Common Chinese family names: a weak label used once is a person only if it starts with one
# (or carries a role or an honorific) — "休眠弧：…" in a glossary is not a speaker.
SURNAMES = frozenset(
    "李王张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何林高罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾萧蕭田董潘袁蔡"
    "蒋蔣余于杜叶葉程魏苏蘇吕呂丁任卢盧姚沈钟鍾姜崔谭譚陆陸范汪廖石金韦韋贾賈夏付方邹鄒熊白孟秦邱侯江尹薛闫閻段雷"
    "龙龍黎史陶贺賀毛郝顾顧龚龔邵万萬覃武钱錢戴严嚴莫孔向常汤湯康易乔喬赖賴文施洪辛柯庄莊牛樊区區聂聶章鲁魯葛伍"
    "祝单單舒耿关關华華柳甘殷倪管焦俞齐齊储儲左翁景包邢褚凌阎麦麥裴詹骆駱欧歐宁寧童云雲温溫佘蓝藍岳游解申滕"
)
COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "慕容", "司徒", "夏侯")

# Labels that open a paragraph of commentary outside the dialogue.
NOTE_LABELS = {
    "注", "备注", "编注", "译注", "附", "附注", "附录", "说明", "提示", "声明", "免责声明",
    "摘要", "导语", "导读", "引言", "前言", "题记", "编者的话", "后记", "按语", "背景", "简介", "簡介", "提要", "概要",
    "内容提要", "內容提要", "内容简介", "內容簡介",
    "note", "notes", "editor's note", "editors' note", "update", "correction", "disclosure",
    "summary", "tl;dr", "tldr", "abstract", "preface", "background", "epigraph", "afterword",
}  # fmt: skip

# Note labels that open a preface: what the host may draw on for the opening.
PREFACE_LABELS = {
    "按语", "编者按", "編者按", "前言", "引言", "导语", "導語", "导读", "導讀", "题记", "編者的話", "编者的话",
    "摘要", "背景", "简介", "簡介", "提要", "概要", "内容提要", "內容提要", "内容简介", "內容簡介",
    "editor's note", "editors' note", "preface", "summary", "tl;dr", "tldr", "abstract", "background",
}  # fmt: skip


def is_preface(marker: Marker | None) -> bool:
    """True for a note marker that opens a preface (``立委按：``, ``Editor's note:``)."""
    if marker is None or marker.kind != "note":
        return False
    name = marker.name.lower()
    return name in PREFACE_LABELS or re.fullmatch(r"[\u3400-\u9fff]{0,6}按", marker.name) is not None


def is_cast_label(marker: Marker) -> bool:
    """True for a cast line by its label (``嘉宾：``, ``Guests:``), not one read as a guest list."""
    return marker.kind == "cast" and marker.name.lower() in CAST_LABELS


# Labels that list who takes part: "嘉宾：马仲良，张三" — a cast list, not a turn.
CAST_LABELS = {
    "嘉宾", "对话嘉宾", "主持", "主讲", "参与者", "与会者", "出席", "出场人物", "人物", "角色",
    "guest", "guests", "host", "hosts", "panelists", "participants", "speakers", "cast",
    "featuring", "with", "moderator",
}  # fmt: skip
# "主持人：大家好。" is speech; "主持人：张三" is a cast line — decided in the dialogue stage.

NARRATOR_LABELS = {
    "旁白",
    "画外音",
    "畫外音",
    "解说",
    "解說",
    "场景",
    "場景",
    "narrator",
    "narration",
    "scene",
    "setting",
}

# Labels that name a role, not a person: the post may say who plays it (``主持人（罗一鸣）``).
ROLE_LABELS = {
    "主持人", "主持", "记者", "記者", "本报记者", "主播", "编辑", "小编", "嘉宾", "嘉賓", "网友", "網友",
    "观众", "觀眾", "问", "問", "答", "Q", "A", "host", "interviewer", "reporter", "moderator", "guest", "anchor",
}  # fmt: skip

# Words that are often followed by a colon but never name a speaker.
NOT_NAMES = {
    "问题", "原因", "结论", "答案", "结果", "总结", "例如", "比如", "注意", "要点", "重点", "关键",
    "首先", "其次", "再次", "最后", "另外", "此外", "其一", "其二", "一是", "二是", "三是", "定义",
    "公式", "目标", "方法", "步骤", "优点", "缺点", "原话", "标题", "主题", "话题", "题目", "场景",
    "地点", "重磅", "独家", "快讯", "突发", "更正", "警告", "小结", "总之", "所以", "因此", "但是",
    "不过", "然而", "其实", "当然", "比方说", "换句话说", "也就是说", "事实上", "实际上", "那么",
    "第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十", "上", "下",
    "step", "part", "chapter", "section", "example", "warning", "tip", "conclusion",
    "breaking", "exclusive", "opinion", "analysis", "review", "interview", "transcript",
    "problem", "solution", "result", "results", "reason", "goal", "goals", "bottom line",
    "key takeaway", "takeaway", "takeaways", "fact", "quote", "definition", "http", "https",
    "mailto", "ftp", "re", "fwd", "subject", "title", "topic", "time", "location", "venue",
}  # fmt: skip

HONORIFICS = (
    "老师", "先生", "女士", "小姐", "教授", "博士", "同学", "老总", "院士", "主任", "校长",
    "局长", "部长", "经理", "总监", "书记", "师兄", "师姐", "师弟", "师妹", "同志", "大夫",
    "医生", "律师", "记者", "主编", "阿姨", "叔叔", "师傅", "大师", "总", "老", "兄", "哥", "姐",
)  # fmt: skip

# Characters that do not occur after the first character of a name but do in phrases
# ("原因很简单", "问题是", "我的看法").
_PHRASE_CHARS = set(
    "的了是在很就也都吗呢吧啊呀哦嗯么这那说着过把被让给从向对所或且并还再更最太非没不有个些每各该此它们我你他她"
)

_SPEECH_VERB = re.compile(
    r"(?:又|还|也|便|就|则|接着|继续|笑着|马上|立即|立刻|随即|当即|连忙|赶紧|补充)?"
    r"(?:说道|说|說道|說|问道|问|問道|問|答道|答|回答|回答道|笑道|叹道|嘆道|补充|插话|追问|反问|表示|指出|回应|提问|"
    r"发言|总结)$"
)
_DIRECTION = re.compile(r"^(?P<name>.+?)\s*[（(](?P<direction>[^（）()]{1,40})[）)]$")
_BRACKETED_START = re.compile(r"^[【\[](?P<inner>[^】\]]{1,12})[】\]]")
_HEARING = re.compile(
    r"^(?P<label>(?:Mr|Mrs|Ms|Dr|Senator|Chairman|Chairwoman|Representative)\.? [A-Z][A-Z'’-]{1,}"
    r"(?: of [A-Z][a-z]+)?|The CHAIRMAN|The CHAIR|The SPEAKER)\.\s+(?=[A-Z\"“(])"
)
# "INTERVIEWER - Hello and welcome…": a label set off by a dash (a name, or a role in capitals).
_DASHED = re.compile(
    r"^(?P<label>[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+){0,2}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})\s+[-–—]\s+(?=\S)"
)
# Officials are labelled by post, name and title ("立法会主席曾钰成议员", "林委員宏達").
_OFFICIAL = re.compile(
    r"(?:议员|議員|委员|委員|部长|部長|局长|局長|司长|司長|长官|長官|主席|发言人|發言人|代表|书记|書記|市长|市長|"
    r"省长|省長|总理|總理|院长|院長|署长|署長|厅长|廳長)$|(?:委員|委员|議員|议员|部長|部长)[\u3400-\u9fff]{1,2}$"
)
_CAPS_HEADING = re.compile(r"[A-Z][A-Z0-9 ,.'’&\-]{3,}")
_SPACED_HANZI = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000\u00a0]+(?=[\u3400-\u9fff])")
_BRACKETED = re.compile(r"^[【\[](?P<inner>[^】\]]{1,20})[】\]]$")
_HANZI_NAME = re.compile(r"^[\u3400-\u9fff][\u3400-\u9fff·•・‧]{0,11}(?:[A-Za-z0-9]|[A-Z][a-z]{1,7})?$")
_LATIN_WORD = re.compile(
    r"^(?:[A-Z][\w.'’\-]*|(?:de|da|van|von|der|den|bin|al|la|le|del|di|du|of|the|and)|#?\d{1,2}|[A-Z]\.)$"
)
_FUNCTION_WORDS = {
    "the", "this", "that", "these", "those", "why", "how", "what", "when", "where", "which",
    "who", "here", "there", "it", "its", "in", "on", "at", "for", "and", "but", "or", "if",
    "so", "my", "our", "your", "their", "his", "her", "we", "you", "they", "an", "to", "from",
    "with", "by", "as", "is", "are", "was", "be", "not", "no", "yes", "read", "see", "click",
    "watch", "listen", "subscribe", "follow", "share", "more", "all", "new", "one", "two",
    "first", "second", "third", "next", "last", "final", "how-to", "about", "day", "week",
}  # fmt: skip
_ALLCAPS_PARTICLES = {"OF", "THE", "AND", "DE", "VAN", "VON", "AL", "BIN"}

_SENTENCE = re.compile(r"[。！？!?…]|[.](?:\s|$)")

TIMESTAMP = r"\(?\[?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?(?![\d:])\]?\)?"
_LEADING_TIMESTAMP = re.compile(rf"^{TIMESTAMP}\s*[:：]?\s*")
_STAMPED_LABEL = re.compile(rf"^(?P<name>[^:：()\[\]\d][^:：()\[\]]{{0,59}}?)\s*{TIMESTAMP}\s*[:：]\s*")
_TRAILING_TIMESTAMP = re.compile(rf"^(?P<name>.+?)\s+{TIMESTAMP}$")
_TIMESTAMP_ONLY = re.compile(rf"^{TIMESTAMP}$")


@dataclass(frozen=True, slots=True)
class Marker:
    """A label found at the start of a line."""

    kind: MarkerKind
    """``speaker`` (a person talks), ``narrator``, ``meta`` (作者：…), ``note`` (立委按：…), ``cast``."""
    label: str
    """The label as written, without colon or markup: ``李老师说``, ``TERRY GROSS, HOST``."""
    name: str
    """The person (or key) in the label: ``李老师``, ``TERRY GROSS``, ``李白``."""
    rest: str
    """The line's text after the label."""
    strong: bool
    """The form is unambiguous (bold, ``X说：``, alone on its line, ALL CAPS, Q/A, timestamp)."""
    alone: bool = False
    """A name alone on its line with no colon, the words below it (``INTERVIEWER``, ``Walt``):
    a speaker only if the post uses it again."""


def strip_timestamp(text: str) -> str:
    """Remove a transcript timestamp at the start of a line.

    >>> strip_timestamp("[00:01:23] Lex: hi"), strip_timestamp("10:30 开会")
    ('Lex: hi', '10:30 开会')
    """
    match = _LEADING_TIMESTAMP.match(text)
    if match and (text[0] in "[(" or _TIMESTAMP_ONLY.match(text.split()[0] if text.split() else "")):
        rest = text[match.end() :]
        # "10:30 开会" is prose that starts with a time; a transcript stamp is followed by a
        # speaker or is bracketed.
        if text[0] in "[(" or find_label_end(rest) is not None:
            return rest
    return text


def is_timestamp(text: str) -> bool:
    """True for a line that is only a timestamp (``00:01:23``, ``(1:02)``)."""
    return _TIMESTAMP_ONLY.match(text.strip()) is not None


def find_label_end(text: str) -> int | None:
    """Index of the colon that ends a plausible label at the start of ``text``."""
    for index, char in enumerate(text[: MAX_LABEL_CHARS + 1]):
        if char in COLONS:
            return index if index else None
        if char in "。！？!?;；\n":
            return None
    return None


def find_marker(line: Line, next_line: str | None = None) -> Marker | None:
    """The marker at the start of ``line``, if it has one. The rules read the line in
    simplified characters (``【江州電視臺記者】`` is ``【江州电视台记者】``); the marker keeps
    the line's own.

    >>> m = find_marker(Line("【江州電視臺記者】今年有沒有新提案？"))
    >>> m.kind, m.name, m.rest
    ('speaker', '江州電視臺記者', '今年有沒有新提案？')

    >>> find_marker(Line("李老师说：纠结有日子了")).name
    '李老师'
    >>> find_marker(Line("原因很简单：训练不足。")) is None
    True
    >>> m = find_marker(Line("TERRY GROSS, HOST: Welcome."))
    >>> m.name, m.label, m.rest, m.strong
    ('TERRY GROSS', 'TERRY GROSS, HOST', 'Welcome.', True)
    >>> find_marker(Line("立委按：这是按语")).kind
    'note'
    """
    plain = to_simplified(line.text)
    if plain == line.text:
        return _find_marker(line, next_line)
    bold = to_simplified(line.bold) if line.bold else line.bold
    marker = _find_marker(Line(plain, bold, line.italic), to_simplified(next_line) if next_line else next_line)
    if marker is None:
        return None

    def written(part: str) -> str:
        at = plain.find(part) if part else -1
        return line.text[at : at + len(part)] if at >= 0 else part

    return replace(marker, label=written(marker.label), name=written(marker.name), rest=written(marker.rest))


def _find_marker(line: Line, next_line: str | None = None) -> Marker | None:
    """The marker at the start of ``line`` (in simplified characters).

    >>> find_marker(Line("李老师说：纠结有日子了")).name
    '李老师'
    """
    text = strip_timestamp(line.text.strip())
    bold = line.bold
    if bold is None and text.startswith(("**", "__")):
        # CommonMark leaves "**李：**对" unparsed (CJK punctuation breaks flanking): read it here.
        close = text.find(text[:2], 2)
        if 2 < close <= MAX_LABEL_CHARS:
            bold, text = text[2:close], text[2:close] + text[close + 2 :]
    if bold:
        marker = _bold_marker(bold, text, next_line)
        if marker:
            return marker
    labelled = _STAMPED_LABEL.match(text)
    if labelled:
        # "Leo Marsh (00:11): …", "Speaker 1 (00:02):": a label with the time it speaks.
        marker = classify(labelled.group("name"), text[labelled.end() :].strip(), strong=True, require_speaker=True)
        if marker is not None:
            return marker
    stamped = _TRAILING_TIMESTAMP.match(text)
    if stamped:
        # "Ada Byron  00:00:25": a name alone on its line with the time it speaks.
        marker = classify(stamped.group("name"), "", strong=True, require_speaker=True)
        if marker is not None:
            return marker
    end = find_label_end(text)
    if end is not None:
        rest = text[end + 1 :].strip()
        if rest.startswith("//"):
            return None  # a URL scheme, not a label
        label = text[:end].strip()
        if _TIMESTAMP_ONLY.match(rest):
            rest = ""  # "Mayor Dana Whitfield: (00:41)", the words on the next line
        if re.fullmatch(r"[\d\s,.:/\-]+", rest) or (
            not rest and next_line and _CAPS_HEADING.fullmatch(next_line.strip())
        ):
            return None  # "積分: 28", a form's field; "HOSPITALS OPEN:" over "STAFFING AND CARE"
        if re.match(r"(?:www\.|[\w.-]+\.(?:com|org|gov|net|edu|io|cn)\b)", rest) or (
            label.isupper() and rest and rest.upper() == rest and re.search(r"[A-Z]{3}", rest)
        ):
            return None  # "Office Internet: bookstore.gpo.gov", "KEEPING HOSPITALS OPEN: STAFFING…"
        marker = classify(label, rest, strong=_strong_form(label))
        if marker is not None or not _BRACKETED_START.match(text):
            return marker
    bracketed = _BRACKETED_START.match(text)
    if bracketed:
        # "[主持人]各位网友好": a bracketed label with no colon (新浪访谈).
        rest = text[bracketed.end() :].lstrip("：: ")
        marker = classify(bracketed.group("inner"), rest, strong=False)
        return marker if marker is not None and marker.kind == "speaker" else None
    dashed = _DASHED.match(text)
    if dashed:
        marker = classify(dashed.group("label"), text[dashed.end() :].strip(), strong=False, require_speaker=True)
        if marker is not None:
            return marker
    hearing = _HEARING.match(text)
    if hearing:
        # "Mr. SMITH. Thank you, Mr. Chairman." (a congressional record).
        return classify(hearing.group("label"), text[hearing.end() :].strip(), strong=True, require_speaker=True)
    # A name alone on its line with the timestamp on the next line.
    if next_line is not None and _LEADING_TIMESTAMP.match(next_line.strip()) and len(text) <= 40:
        return classify(text, "", strong=True, require_speaker=True)
    # A name alone on its line, its words on the next ("INTERVIEWER", "Walt", "Dana Whitfield").
    following = strip_timestamp(next_line.strip()) if next_line is not None else ""
    if following and _alone_name(text) and (_prose(following) or whole_direction(following) is not None):
        marker = classify(text, "", strong=text.isupper() or bool(bold), require_speaker=True)
        if marker is not None:
            return Marker(marker.kind, marker.label, marker.name, "", marker.strong, alone=True)
    return None


def _alone_name(text: str) -> bool:
    """A line short enough to be a name alone, with nothing that ends a sentence."""
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) <= 8 and not re.search(r"[，。！？、；]", text)
    return len(text.split()) <= 4 and len(text) <= 40 and not re.search(r"[.,!?;]$", text)


def _prose(text: str) -> bool:
    """A line that reads as something said: a sentence, or a long stretch of words."""
    if _SENTENCE.search(text):
        return True
    if re.search(r"[\u3400-\u9fff]", text):
        return len(text) >= 15
    return len(text.split()) >= 8


def _bold_marker(bold: str, text: str, next_line: str | None) -> Marker | None:
    bold = bold.strip()
    after = text[len(bold) :] if text.startswith(bold) else text
    if bold and bold[-1] in COLONS:
        return classify(bold[:-1].strip(), after.strip(), strong=True)
    stripped = after.lstrip()
    if stripped and stripped[0] in COLONS:
        return classify(bold, stripped[1:].strip(), strong=True)
    if not stripped.strip() and next_line is not None and _LEADING_TIMESTAMP.match(next_line.strip()):
        return classify(bold, "", strong=True, require_speaker=True)
    return None


def _strong_form(label: str) -> bool:
    core = _DIRECTION.sub(r"\g<name>", label)
    if _SPEECH_VERB.search(core) and len(core) > 1:
        return True
    if re.fullmatch(r"[A-Z][A-Z.'’\- ]*(?:, ?[A-Z][A-Z.'’\- ]*)?(?: #\d+)?", label) and len(label) > 1:
        return True  # ALL CAPS transcripts (NPR)
    direction = _DIRECTION.match(label)
    return label in {"Q", "A", "q", "a", "问", "答", "問"} or (
        direction is not None and is_direction(direction.group("direction"), at_start=True)
    )


def classify(label: str, rest: str, *, strong: bool, require_speaker: bool = False) -> Marker | None:
    """Decide what a label before a colon is, or None when it is not a label at all.

    >>> classify("作者", "立委", strong=False).kind
    'meta'
    >>> classify("李白（極不情愿地）", "好吧", strong=True).name
    '李白'
    >>> classify("维纳一系的“压缩”", "…", strong=False) is None
    True
    """
    label = label.strip().strip("*_").strip()
    if not label or len(label) > MAX_LABEL_CHARS:
        return None
    bracketed = _BRACKETED.match(label)
    core = bracketed.group("inner") if bracketed else label
    core = _SPACED_HANZI.sub("", core)  # "主 办", "高　岚": spaced to line up in the page
    core = core.strip("《》")  # "《報導者》（以下簡稱報）": the publication asks
    key = to_simplified(core.lower())  # the label sets are written in simplified characters
    if not require_speaker:
        if key in META_LABELS:
            return Marker("meta", label, META_LABELS[key], rest, strong)
        if key in NOTE_LABELS or (re.fullmatch(r"[\u3400-\u9fff]{0,6}按", core) is not None):
            return Marker("note", label, core, rest, strong)
        if key in CAST_LABELS and (not rest or (len(rest) <= 80 and not _SENTENCE.search(rest))):
            return Marker("cast", label, core, rest, strong)  # "嘉宾：马仲良，周小川"; "Host: Hi." is speech
    if key in NARRATOR_LABELS:
        return Marker("narrator", label, core, rest, True)
    direction = _DIRECTION.match(core)
    if direction:
        outside, inside = direction.group("name").strip().strip("《》"), direction.group("direction").strip()
        # "主持人（罗一鸣）" is the role, then who plays it; "李白（極不情愿地）", "韩卫东（游戏公司
        # 创始人）", "Mr. HUGHES (Writer)" are the person, then a direction or a description.
        core = inside if outside.lower() in ROLE_LABELS and person_name(inside) is not None else outside
        strong = True
    name = person_name(core)
    if name is None:
        return None
    return Marker("speaker", label, name, rest, strong)


def label_direction(label: str) -> str | None:
    """The stage direction a label carries (``李白（極不情愿地）`` → ``極不情愿地``), if any;
    a descriptor (``韩卫东（游戏公司创始人）``, ``Mr. HUGHES (Writer)``) is not one.

    >>> label_direction("李白（極不情愿地）"), label_direction("韩卫东（游戏公司创始人）"), label_direction("李白")
    ('極不情愿地', None, None)
    """
    match = _DIRECTION.match(label.strip())
    if match is None:
        return None
    inside = match.group("direction").strip()
    if match.group("name").strip().lower() in ROLE_LABELS and person_name(inside) is not None:
        return None
    return inside if is_direction(inside) else None


def person_name(text: str) -> str | None:
    """The person a label names (speech verbs removed), or None if it cannot be a name.

    >>> person_name("李老师说"), person_name("白硕"), person_name("我"), person_name("问题是")
    ('李老师', '白硕', '我', None)
    >>> person_name("PRESIDENT DONALD TRUMP"), person_name("Q"), person_name("Why This Matters")
    ('PRESIDENT DONALD TRUMP', 'Q', None)
    >>> person_name("TERRY GROSS, HOST"), person_name("10"), person_name("陳行長說"), person_name("問題是")
    ('TERRY GROSS', None, '陳行長', None)
    """
    text = text.strip()
    plain = to_simplified(text)  # the word lists are simplified; the name keeps its characters
    if not text or plain.lower() in NOT_NAMES:
        return None
    if _HANZI_NAME.match(text):
        verb = _SPEECH_VERB.search(plain)
        if verb and verb.start() > 0:
            text, plain = text[: verb.start()], plain[: verb.start()]
        foreign = any(dot in text for dot in "·•・‧")  # "文都·陶": a transliterated name, any characters
        if plain in NOT_NAMES or (not foreign and any(ch in _PHRASE_CHARS for ch in plain[1:])):
            return None
        if len(_strip_honorific(text)) > 6 and not (len(text) <= 12 and _OFFICIAL.search(text)):
            return None
        return text
    if not text.isascii():
        return None
    name, _, role = text.partition(",")
    words = name.split()
    if not words or len(words) > 6 or (role and len(role.split()) > 4):
        return None
    if len(words) == 1 and len(name) == 1:
        return name if name.isalpha() else None  # Q, A, B
    if re.fullmatch(r"[QA]\d{1,2}", name):
        return name[0]  # "Q1:", "A2:": numbered questions and answers
    if name.isupper():
        if all(re.fullmatch(r"[A-Z][A-Z.'’\-]*|#\d{1,2}", w) for w in words):
            return name.strip()
        return None
    if len(words) > 4:
        return None
    if words[0] == "The" and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words[1:]):
        words = words[1:]  # "The Rumpus:", "The Paris Review:": the publication asks
    elif any(w.lower() in _FUNCTION_WORDS for w in words):
        return None
    if not all(_LATIN_WORD.match(w) for w in words) or not words[0][0].isupper():
        return None
    if any(w.upper() in _ALLCAPS_PARTICLES and w[0].isupper() for w in words[1:-1]):
        return None  # "Lord Of The Rings" is a title, not a person
    return name.strip()


def _strip_honorific(name: str) -> str:
    for suffix in HONORIFICS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def looks_like_person(name: str) -> bool:
    """Whether a label seen only once can be a person: a Chinese name that starts with a family
    name or ends with an honorific or role, an English full name, a role word.

    >>> looks_like_person("马仲良"), looks_like_person("休眠弧")
    (True, False)
    >>> looks_like_person("Dean Koontz"), looks_like_person("Sensing")
    (True, False)
    """
    if name in ROLE_LABELS or name.lower() in ROLE_LABELS:
        return True
    if not name.isascii():
        return (
            len(name) == 1  # 李, 白, 甲, 乙: one character is a dialogue's label, not a term
            or name[:1] in SURNAMES
            or name.startswith(COMPOUND_SURNAMES)
            or name.endswith(HONORIFICS)
            or re.search(r"记者|記者|主持|嘉宾|嘉賓|网友|網友|观众|觀眾|委员|委員|代表|部长|部長|发言人|發言人", name)
            is not None
        )
    words = name.replace(",", " ").split()
    return len(words) >= 2 or (name.isupper() and len(name) > 1) or len(name) == 1
