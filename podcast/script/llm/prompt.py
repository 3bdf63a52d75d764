"""What the model is asked: the sample broadcast's way of retelling, the post's turns, the
length the voice's pace allows — and, in a repair round, what was wrong with its answer."""

from __future__ import annotations

import json
from collections.abc import Sequence

from podcast.model import Post, Turn
from podcast.text import is_chinese

PROMPT_VERSION = "1"
"""Bumped whenever the prompt changes: part of every cache key and recorded in the script."""

_SYSTEM_ZH = """你是播客“数字秘书小雅”的撰稿人。你把一篇对话体博客改写成约两分钟的播报稿的正文。
开场白和结束语由别人写，你只写正文。

规则：
1. 逐位转述对话，保持原来的先后顺序。每一段 turn 是某位说话人自己的话，用第一人称、浓缩改写，只能包含这位说话人在原文中说过的意思；不要写“某某说：”，署名由程序加上。
2. 需要衔接时，可以加很短的 bridge：小雅的第三人称串场，只能复述原文内容，不能评论、不能发挥。
3. 绝不编造：人名、数字、术语、引号里的词，必须照原文写，而且必须出自这位说话人自己的话（bridge 可以用全文的）。原文没有的，一个字也不要加。
4. 每位说得较多的说话人至少保留一段。
5. 总长度约 {budget} 个字（含标点之外的所有汉字和英文词的音节），不要超过 {upper} 个字。
6. 用原文的语言和字体书写（原文是繁体就写繁体）。
7. 只输出一个 JSON 对象，不要任何其他文字：
{{"segments": [{{"role": "turn", "speaker": "说话人（与原文标签完全一致）", "text": "……"}}, {{"role": "bridge", "speaker": "小雅", "text": "……"}}]}}

示例（节选）：
{{"segments": [{{"role": "turn", "speaker": "李老师", "text": "纠结了大半年，今天算是搞明白了：从结果上说有损没错，但有损到无损是一个无限逼近的过程。"}}, {{"role": "turn", "speaker": "白老师", "text": "压缩的对象不是文本，是函数。文本无损，泛化就无从谈起。"}}]}}"""

_SYSTEM_EN = """You write the body of a two-minute episode of the podcast "Xiaoya, your digital secretary",
retelling a blog post written as a dialogue. Someone else writes the intro and the sign-off.

Rules:
1. Retell the dialogue speaker by speaker, in the original order. Each "turn" is one speaker's own
   words, condensed, in the first person, saying only what that speaker said in the post. Do not
   start with "Name:"; the program adds the attribution.
2. Where needed, add a very short "bridge": Xiaoya's third-person link, restating only what the post says.
3. Never invent: names, numbers, terms and quoted words must be written as in the post and come from
   that speaker's own turns (a bridge may use the whole post). Add nothing the post does not say.
4. Every speaker who talks a fair amount keeps at least one turn.
5. About {budget} words in all; never more than {upper}.
6. Reply with one JSON object and nothing else:
{{"segments": [{{"role": "turn", "speaker": "the speaker exactly as labelled", "text": "..."}}, {{"role": "bridge", "speaker": "Xiaoya", "text": "..."}}]}}"""


def messages(post: Post, turns: Sequence[Turn], budget: float) -> list[dict[str, str]]:
    """The request: the format, the budget, and the post's turns as data."""
    zh = is_chinese(post.language)
    system = (_SYSTEM_ZH if zh else _SYSTEM_EN).format(budget=round(budget), upper=round(budget * 1.1))
    data = {
        "title": post.title,
        "language": post.language,
        "speakers": list(dict.fromkeys(t.speaker for t in turns if t.speaker)),
        "turns": [
            {"speaker": t.speaker or ("旁白" if zh else "narration"), "text": t.text} for t in turns if not t.direction
        ],
    }
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": json.dumps(data, ensure_ascii=False)},
    ]


def repair(
    previous: list[dict[str, str]], answer: str, violations: Sequence[str], language: str
) -> list[dict[str, str]]:
    """The repair round: the first answer, and what was wrong with it, quoted back."""
    listed = "\n".join(f"- {v}" for v in violations)
    ask = (
        f"这份稿子有以下问题：\n{listed}\n请改正后重新输出完整的 JSON（只输出 JSON）。"
        if is_chinese(language)
        else f"The script has these problems:\n{listed}\nFix them and reply with the whole JSON again (JSON only)."
    )
    return [*previous, {"role": "assistant", "content": answer}, {"role": "user", "content": ask}]
