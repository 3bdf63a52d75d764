"""Traditional Chinese, read right: the same readings, the same script and the same episode
as the simplified post, in the post's own characters end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.config import Show, load_show
from podcast.hanzi import is_traditional_tag, localize, looks_traditional, to_simplified
from podcast.model import Post
from podcast.parse import parse_post, read_post
from podcast.parse.source import read_text
from podcast.pipeline import RenderOptions, render
from podcast.profiles import load_voice_set
from podcast.publish import publish
from podcast.script import write_script
from podcast.speech.cache import SegmentCache
from podcast.speech.normalize import parse_lexicon, speakable_zh
from podcast.speech.offline import frontend
from podcast.speech.offline.readings import apply_tone_sandhi, run_syllables
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
BANK = FIXTURES / "hanzi" / "bank-talk-hant.md"


def polyphones() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in (FIXTURES / "hanzi" / "polyphones.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            simplified, traditional, reading = line.split("\t")
            rows.append((simplified, traditional, reading.split()))
    return rows


POLYPHONES = polyphones()


def test_the_table_is_big_enough_and_mostly_in_two_scripts() -> None:
    assert len(POLYPHONES) >= 200
    assert sum(s != t for s, t, _ in POLYPHONES) >= 200
    for simplified, traditional, reading in POLYPHONES:
        assert len(simplified) == len(traditional) == len(reading), simplified


@pytest.mark.parametrize(("simplified", "traditional", "reading"), POLYPHONES, ids=[row[0] for row in POLYPHONES])
def test_both_scripts_read_the_mainland_reading(simplified: str, traditional: str, reading: list[str]) -> None:
    gold = apply_tone_sandhi(simplified, list(reading))
    assert run_syllables(simplified) == gold
    assert run_syllables(traditional) == gold


def test_the_issue_sentence_reads_the_same() -> None:
    assert run_syllables("銀行行長說這個行業很重要") == run_syllables("银行行长说这个行业很重要")
    assert run_syllables("還錢")[0] == "huan2" and run_syllables("音樂")[1] == "yue4"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("，。 a1"), max_size=60
    )
)
def test_simplifying_keeps_every_character_in_its_place(text: str) -> None:
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    assert to_simplified(simplified) == simplified  # nothing is made traditional, nothing left over


def test_a_bad_phrase_entry_never_makes_text_traditional() -> None:
    assert to_simplified("训练结束的时候") == "训练结束的时候"
    assert to_simplified("訓練結束的時候") == "训练结束的时候"


def test_the_lexicon_can_override_any_word_in_either_script() -> None:
    lexicon = parse_lexicon('[pinyin]\n"垃圾" = "le4 se4"\n"銀行" = "yin2 xing2"')
    assert run_syllables("垃圾", lexicon.pinyin) == ["le4", "se4"]
    assert run_syllables("銀行", lexicon.pinyin) == run_syllables("银行", lexicon.pinyin) == ["yin2", "xing2"]
    assert run_syllables("垃圾") == ["la1", "ji1"]  # the built-in, mainland reading


def test_bad_pinyin_entries_name_the_word() -> None:
    with pytest.raises(Exception, match="銀行"):
        parse_lexicon('[pinyin]\n"銀行" = "yin2"')
    with pytest.raises(Exception, match="yin hang"):
        parse_lexicon('[pinyin]\n"銀行" = "yin hang"')


def test_the_voice_is_given_simplified_text() -> None:
    speakable = speakable_zh("銀行行長說：2024年還錢。")
    assert "".join(p.text for p in speakable.pieces) == "银行行长说：二零二四年还钱。"


# ---------------------------------------------------------------- detection and framing


def test_traditional_fixtures_are_tagged_and_simplified_ones_are_not() -> None:
    found = {}
    for path in sorted([*FIXTURES.glob("real/zh-*.*"), *FIXTURES.glob("parse/zh-*.txt"), BANK]):
        if path.suffix in (".toml", ".json"):
            continue
        language = read_post(path).language
        found[path.name] = is_traditional_tag(language)
        assert found[path.name] == ("hant" in path.name), (path.name, language)
    assert sum(found.values()) >= 10 and len(found) - sum(found.values()) >= 30


def test_front_matter_says_which_traditional() -> None:
    post = parse_post("---\nlanguage: zh-HK\n---\n\n陳：係咪咁講？\n\n李：係。\n", source="p.md")
    assert post.language == "zh-HK"
    assert looks_traditional("這個問題") and not looks_traditional("这个问题")


def script_of(post: Post, show: Show | None = None, seconds: float = 120.0):  # type: ignore[no-untyped-def]
    voices = load_voice_set("offline", post.language)
    return write_script(post, show=show or Show(), voices=voices, target_seconds=seconds)


def test_a_traditional_post_is_framed_in_traditional_characters() -> None:
    script, _ = script_of(read_post(BANK))
    intro, outro = script.segments[0].text, script.segments[-1].text
    assert intro.startswith("我是數字祕書小雅，今天播報《銀行行長談音樂")
    assert "兩分鐘播報" in outro and "咱們下次再見" in outro
    assert all(s.text.startswith(f"{s.speaker}說：") for s in script.segments if s.role == "turn")
    simplified_only = set("说报这钟们长银乐还调")
    assert not simplified_only & set("".join(s.text for s in script.segments))


def test_a_show_can_write_its_own_traditional_framing(tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text(
        '[broadcast]\ntagline = "分享有角度的思考"\n\n'
        '[broadcast.zh-Hant]\nintro = "大家好，我是{host}，今天講《{title}》。"\n',
        encoding="utf-8",
    )
    show = load_show(tmp_path / "podcast.toml")
    script, _ = script_of(read_post(BANK), show)
    assert script.segments[0].text == "大家好，我是小雅，今天講《銀行行長談音樂：一場關於調整與還錢的對話》。"
    assert "分享有角度的思考" in script.segments[-1].text  # the rest: [broadcast], in traditional characters
    assert localize("分享有角度的思考", "zh-Hant") == "分享有角度的思考"


def simplified_twin(post: Post) -> Post:
    """The same post in simplified characters, as the analysis sees it."""
    text = to_simplified(BANK.read_text(encoding="utf-8"))
    twin = parse_post(text, source="twin.md")
    assert twin.language == "zh" and post.language == "zh-Hant"
    return twin


@pytest.mark.parametrize("seconds", [60.0, 120.0])
def test_parity_the_same_sentences_are_kept(seconds: float) -> None:
    post = read_post(BANK)
    twin = simplified_twin(post)
    traditional, plan = script_of(post, seconds=seconds)
    simplified, twin_plan = script_of(twin, seconds=seconds)
    body = [(s.role, to_simplified(s.speaker), to_simplified(s.text)) for s in traditional.segments[1:-1]]
    assert body == [(s.role, s.speaker, s.text) for s in simplified.segments[1:-1]]
    assert plan.estimated_seconds == pytest.approx(twin_plan.estimated_seconds, rel=0.01)


SIMPLIFIED_POSTS = [
    ROOT / "episodes" / "lossless-compression.md",
    ROOT / "episodes" / "scaling-and-data.md",
    *sorted(p for p in FIXTURES.glob("real/zh-*.*") if "hant" not in p.name and p.suffix != ".toml"),
]


def same_sentence(a: str, b: str) -> bool:
    """The same sentence in simplified characters; converting to traditional and back is not
    always exact (想象 → 想像 → 想像), so a few characters may differ."""
    a, b = to_simplified(a), to_simplified(b)
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= max(1, len(a) // 20)


@pytest.mark.parametrize("path", SIMPLIFIED_POSTS, ids=[p.name for p in SIMPLIFIED_POSTS])
def test_parity_on_posts_written_in_traditional(path: Path) -> None:
    from opencc_purepy import OpenCC

    text = read_text(path)
    fmt = "html" if path.suffix == ".html" else None
    post = parse_post(text, source=path.name, fmt=fmt)
    converted = parse_post(OpenCC("s2t").convert(text), source=path.name, fmt=fmt)
    assert is_traditional_tag(converted.language)
    assert same_sentence(post.title, converted.title)
    kept = [s.text for s in script_of(post)[0].segments[1:-1]]
    kept_converted = [s.text for s in script_of(converted)[0].segments[1:-1]]
    assert len(kept) == len(kept_converted)
    assert all(same_sentence(a, b) for a, b in zip(kept, kept_converted, strict=True)), (kept, kept_converted)


# ---------------------------------------------------------------- the episode, end to end


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, offline_voice: Path) -> tuple[Path, float, float]:
    out = tmp_path_factory.mktemp("out")
    cache = SegmentCache(tmp_path_factory.mktemp("cache"))
    show = load_show(ROOT / "podcast.toml")
    post = read_post(BANK)
    first = render(post, show, RenderOptions(output_root=out, target_seconds=60), cache=cache)
    twin = render(simplified_twin(post), show, RenderOptions(output_root=out, target_seconds=60), cache=cache)
    publish(show, out, base_url="https://example.com/show/")
    return out, first.episode.duration, twin.episode.duration


def test_parity_the_episodes_are_as_long(rendered: tuple[Path, float, float]) -> None:
    _, traditional, simplified = rendered
    assert traditional == pytest.approx(simplified, rel=0.01)


def test_the_episode_says_yinhang(offline_voice: Path) -> None:
    from podcast.speech.offline import OfflineEngine

    plan = OfflineEngine().plan(
        "銀行行長說這個行業很重要。", load_voice_set("offline", "zh").narrator_profile().prosody
    )
    simplified = OfflineEngine().plan(
        "银行行长说这个行业很重要。", load_voice_set("offline", "zh").narrator_profile().prosody
    )
    assert [c.symbols for c in plan.chunks] == [c.symbols for c in simplified.chunks]
    symbols = " ".join(" ".join(c.symbols) for c in plan.chunks)
    assert re.search(r"\bh ang2\b", symbols) and not re.search(r"\bx ing2\b", symbols)
    assert frontend.FRONTEND_REVISION >= 2


def test_transcript_chapters_and_site_keep_the_posts_characters(rendered: tuple[Path, float, float]) -> None:
    out, _, _ = rendered
    folder = out / "episodes" / "bank-talk-hant"
    vtt = (folder / "transcript.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\nLanguage: zh-Hant\n")
    assert "今天播報《銀行行長談音樂" in vtt and "陳行長說：" in vtt and "银行" not in vtt
    chapters = json.loads((folder / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    assert chapters[0]["title"] == "開場" and chapters[-1]["title"] == "結束語"
    assert all(re.match(r"(林曉雯|陳行長)：(?!.{0,3}說：)", c["title"]) for c in chapters[1:-1]), chapters
    assert "language: zh-Hant" in (folder / "script.md").read_text(encoding="utf-8")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in page and "章節" in page and "陳行長" in page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert 'language="zh-hant"' in feed
