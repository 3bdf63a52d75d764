"""Text normalization: Chinese and English tables, Latin words for a hanzi-only voice,
the lexicon, and properties that hold for any text."""

from __future__ import annotations

import re
from pathlib import Path

import cn2an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast.errors import ConfigError
from podcast.speech.normalize import (
    LETTER_NAMES,
    ZH_PUNCTUATION,
    Lexicon,
    default_lexicon,
    en_cardinal,
    iter_latin_words,
    load_lexicon,
    normalize_en,
    normalize_zh,
    parse_lexicon,
    speakable_zh,
    spell_letters,
    zh_integer,
)
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "parse" / "zh-broadcast-sample.txt"

# ---------------------------------------------------------------- Chinese

ZH_CASES = [
    # integers, decimals, big numbers
    ("3.14", "三点一四"),
    ("0.05", "零点零五"),
    ("共12,345人", "共一万两千三百四十五人"),
    ("1,000,000", "一百万"),
    ("1.2万", "一点二万"),
    ("3亿", "三亿"),
    ("2万人", "两万人"),
    ("2000", "两千"),
    ("10", "十"),
    ("110", "一百一十"),
    ("1002", "一千零二"),
    ("100010", "十万零一十"),
    ("100000001", "一亿零一"),
    ("007", "零零七"),
    ("-3.5", "负三点五"),
    ("+5", "正五"),
    # 两 where Mandarin says it
    ("2个", "两个"),
    ("2个月", "两个月"),
    ("2点", "两点"),
    ("2kg", "两公斤"),
    ("2元", "两元"),
    ("22个", "二十二个"),
    ("第2名", "第二名"),
    ("2月", "二月"),
    ("2号", "二号"),
    ("二十二", "二十二"),
    ("2", "二"),
    # percentages
    ("5%", "百分之五"),
    ("0.5%", "百分之零点五"),
    ("-2%", "负百分之二"),
    ("5‰", "千分之五"),
    ("5%-10%", "百分之五到百分之十"),
    ("5-10%", "百分之五到百分之十"),
    ("5% 的有损,10% 的有损", "百分之五的有损，百分之十的有损"),
    # fractions and ratios
    ("3/4", "四分之三"),
    ("1/2的人", "二分之一的人"),
    ("比分3:2", "比分三比二"),
    ("16:9的屏幕", "十六比九的屏幕"),
    # ordinals and list numbers
    ("第3", "第三"),
    ("第12章", "第十二章"),
    ("1. 你的算法\n2. 不行", "第一、你的算法\n第二、不行"),
    ("这样一来,1. 这不等于没说吗?2. 万能", "这样一来，第一、这不等于没说吗？第二、万能"),
    ("(1) 甲", "第一、甲"),
    ("①数据", "第一、数据"),
    ("No.1", "第一"),
    ("#3", "三号"),
    # years and dates
    ("2024年", "二零二四年"),
    ("1998年", "一九九八年"),
    ("二〇二四年", "二零二四年"),
    ("2024-05-01", "二零二四年五月一日"),
    ("2024/5/1", "二零二四年五月一日"),
    ("2024.5.1", "二零二四年五月一日"),
    ("2024年5月1日", "二零二四年五月一日"),
    ("5月1号", "五月一号"),
    ("2010-2020年", "二零一零到二零二零年"),
    ("2010年-2020年", "二零一零年到二零二零年"),
    ("2010至2020年", "二零一零到二零二零年"),
    ("3000年前", "三千年前"),
    ("90年代", "九十年代"),
    # times
    ("10:30", "十点三十分"),
    ("10:05", "十点零五分"),
    ("10:30:15", "十点三十分十五秒"),
    ("12:00", "十二点"),
    ("2:30", "两点三十分"),
    ("10:30am", "上午十点三十分"),
    ("3:00 pm", "下午三点"),
    ("3点-5点", "三点到五点"),
    # signs and units
    ("-5℃", "零下五摄氏度"),
    ("气温-5°C", "气温零下五摄氏度"),
    ("温度为-5度", "温度为零下五度"),
    ("37.5℃", "三十七点五摄氏度"),
    ("30km/h", "三十公里每小时"),
    ("5kg", "五公斤"),
    ("100MB", "一百兆字节"),
    ("16GB内存", "十六吉字节内存"),
    ("3.5GHz", "三点五吉赫兹"),
    ("100m²", "一百平方米"),
    ("30°", "三十度"),
    ("3-5km", "三到五公里"),
    ("5 min", "五分钟"),
    # money
    ("$5", "五美元"),
    ("$1.5B", "十五亿美元"),
    ("¥100", "一百元"),
    ("￥100", "一百元"),
    ("€20", "二十欧元"),
    ("100 USD", "一百美元"),
    # AI model sizes
    ("7B模型", "七十亿模型"),
    ("175B参数", "一千七百五十亿参数"),
    # ranges
    ("3-5天", "三到五天"),
    ("3~5", "三到五"),
    ("3–5个", "三到五个"),
    ("2-3个", "两到三个"),
    ("1~2个", "一到两个"),
    # arithmetic and symbols
    ("1+1=2", "一加一等于二"),
    ("5-3=2", "五减三等于二"),
    ("3×4", "三乘四"),
    ("2^10", "二的十次方"),
    ("a<b", "a小于b"),
    ("x≥1", "x大于等于一"),
    ("A&B", "A和B"),
    ("数据驱动+先验", "数据驱动加先验"),
    ("@张三", "艾特张三"),
    ("#话题#", "话题"),
    ("**重点**", "重点"),
    ("好的~", "好的"),
    ("和/或", "和、或"),
    ("α和β", "阿尔法和贝塔"),
    # phone numbers and identifiers, digit by digit
    ("13812345678", "幺三八幺二三四五六七八"),
    ("电话：010-88886666", "电话：零幺零八八八八六六六六"),
    ("400-123-4567", "四零零幺二三四五六七"),
    ("QQ号123456789", "QQ号幺二三四五六七八九"),
    # versions and names with numbers
    ("GPT-4", "GPT四"),
    ("iOS 17.2", "iOS十七点二"),
    ("v1.2.3", "v一点二点三"),
    ("192.168.1.1", "一九二点一六八点一点一"),
    ("RTX4090", "RTX四零九零"),
    ("H100", "H一百"),
    ("5G网络", "五G网络"),
    ("COVID-19", "COVID十九"),
    # numbers inside an English phrase are read in English
    ("PI for 17 SBIRs", "PI for seventeen SBIRs"),
    # links and e-mail addresses are never spelled out
    ("见https://openai.com/blog。", "见链接。"),
    ("访问 www.example.com 了解", "访问链接了解"),
    ("写信到 foo.bar@example.com 吧", "写信到邮箱地址吧"),
    # punctuation and spacing
    ("我是小雅,今天播报", "我是小雅，今天播报"),
    ("李老师说:纠结", "李老师说：纠结"),
    ("是吗?好!", "是吗？好！"),
    ("切.....", "切……"),
    ('他说"你好"', "他说“你好”"),
    ("（注:这是）", "（注：这是）"),
    ("GPT 的 ntp", "GPT的ntp"),
    ("因为 有损到无损", "因为有损到无损"),
    ("Hello, world", "Hello, world"),
    ("ＡＢＣ１２３", "ABC一百二十三"),
    ("全角　空格", "全角空格"),
]


@pytest.mark.parametrize(("text", "expected"), ZH_CASES)
def test_normalize_zh(text: str, expected: str) -> None:
    assert normalize_zh(text) == expected


def test_normalize_zh_keeps_lines() -> None:
    assert normalize_zh("第一行\n第二行 3个") == "第一行\n第二行三个"


# ---------------------------------------------------------------- English

EN_CASES = [
    ("I have 3 cats.", "I have three cats."),
    ("It costs $1,250.", "It costs one thousand two hundred fifty dollars."),
    ("$1", "one dollar"),
    ("$0.99", "ninety-nine cents"),
    ("$5.50", "five dollars and fifty cents"),
    ("$5M", "five million dollars"),
    ("$5 million", "five million dollars"),
    ("£3.50", "three pounds and fifty pence"),
    ("€20", "twenty euros"),
    ("50%", "fifty percent"),
    ("5.5%", "five point five percent"),
    ("3.14", "three point one four"),
    ("-5 degrees", "minus five degrees"),
    ("1st, 2nd, 3rd, 11th, 21st", "first, second, third, eleventh, twenty-first"),
    ("the 100th day", "the one hundredth day"),
    ("In 1999 we", "In nineteen ninety-nine we"),
    ("since 2008", "since two thousand eight"),
    ("in 2024,", "in twenty twenty-four,"),
    ("1905", "one thousand nine hundred five"),
    ("in 1905", "in nineteen oh five"),
    ("the 1990s", "the nineteen nineties"),
    ("the '80s", "the eighties"),
    ("1990-2000", "nineteen ninety to two thousand"),
    ("pages 10-20", "pages ten to twenty"),
    ("at 10:30", "at ten thirty"),
    ("at 10:05 pm", "at ten oh five p.m."),
    ("at 7:00", "at seven o'clock"),
    ("on 2024-05-01", "on May first, twenty twenty-four"),
    ("May 1, 2024", "May first, twenty twenty-four"),
    ("Jan. 5", "January fifth"),
    ("Mayor 5", "Mayor five"),
    ("Dr. Smith", "Doctor Smith"),
    ("Mr. Jones vs. Mrs. Jones", "Mister Jones versus Missus Jones"),
    ("e.g. apples, i.e. fruit", "for example apples, that is fruit"),
    ("apples etc.", "apples et cetera."),
    ("No. 5", "number five"),
    ("3/4 cup", "three quarters cup"),
    ("1/2", "one half"),
    ("2/3", "two thirds"),
    ("5/16", "five over sixteen"),
    ("5kg", "five kilograms"),
    ("1 kg", "one kilogram"),
    ("100MB", "one hundred megabytes"),
    ("3.5GHz", "three point five gigahertz"),
    ("30km/h", "thirty kilometers per hour"),
    ("3-5 km/h", "three to five kilometers per hour"),
    ("A & B", "A and B"),
    ("1+1=2", "one plus one equals two"),
    ("see https://x.org/y.", "see a link."),
    ("mail a@b.com", "mail an email address"),
    ("GPT-4", "GPT four"),
    ("1,000,000", "one million"),
    ("007", "zero zero seven"),
    ("the burden of proof is on you", "the burden of proof is on you"),
]


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_normalize_en(text: str, expected: str) -> None:
    assert normalize_en(text) == expected


# ---------------------------------------------------------------- numbers against cn2an


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_zh_integer_agrees_with_cn2an_except_liang(n: int) -> None:
    # cn2an writes 二千/二万; spoken Mandarin says 两千/两万. Otherwise they must agree.
    assert zh_integer(n).replace("两", "二") == cn2an.an2cn(n)


@given(st.integers(min_value=0, max_value=10**15))
def test_en_cardinal_is_words(n: int) -> None:
    assert re.fullmatch(r"[a-z\- ]+", en_cardinal(n))


# ---------------------------------------------------------------- Latin words for the hanzi voice

SPEAKABLE_CASES = [
    (
        "Open AI坚信GPT是无损压缩",
        [("zh", "欧喷诶爱坚信吉批提是无损压缩")],
    ),
    (
        "你需要举证,the burden of proof is on you 而不是被质疑者。",
        [("zh", "你需要举证，"), ("en", "the burden of proof is on you"), ("zh", "而不是被质疑者。")],
    ),
    ("有损压缩是一条线,a spectrum。", [("zh", "有损压缩是一条线，"), ("en", "a spectrum"), ("zh", "。")]),
    ("GPT 的 ntp(next token prediction)", [("zh", "吉批提的艾恩提批（下一词元预测）")]),
    ("沿着 scaling law 做下去", [("zh", "沿着规模法则做下去")]),
    ("用 scaling-law 做 fine tuning", [("zh", "用规模法则做微调")]),
    ("我们怀疑LLM不是", [("zh", "我们怀疑艾乐艾乐艾姆不是")]),
    ("异或(XOR)", [("zh", "异或（异或）")]),
    ("LLMs很多", [("zh", "艾乐艾乐艾姆斯很多")]),
    ("5G网络和4K屏", [("zh", "五吉网络和四开屏")]),
    ("GPT-4o和GPT-4", [("zh", "吉批提四欧和吉批提四")]),
    ("他说 Plan B 不行", [("zh", "他说"), ("en", "Plan B"), ("zh", "不行")]),
    ("I think LLM is great", [("en", "I think LLM is great")]),
    ("money 不足", [("en", "money"), ("zh", "不足")]),
    ("还是 what?", [("zh", "还是"), ("en", "what"), ("zh", "？")]),
    ("第一段\n\n第二段", [("zh", "第一段\n第二段")]),
    ("money\nmore money", [("en", "money"), ("zh", "\n"), ("en", "more money")]),
    ("见https://openai.com。", [("zh", "见链接。")]),
    ("㐀字", [("zh", "秋字")]),  # a rare character is read by a common one of the same sound
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), SPEAKABLE_CASES)
def test_speakable_zh_pieces(text: str, expected: list[tuple[str, str]]) -> None:
    result = speakable_zh(text)
    assert [(p.lang, p.text) for p in result.pieces] == expected
    assert result.warnings == ()


def test_speakable_zh_reports_how_each_word_is_spoken() -> None:
    result = speakable_zh("Open AI 的 GPT 用 softmax, by definition 如此")
    assert [(w.text, w.how, w.spoken) for w in result.words] == [
        ("Open AI", "lexicon", "欧喷诶爱"),
        ("GPT", "letters", "吉批提"),
        ("softmax", "lexicon", "索夫特麦克斯"),
        ("by", "english", "by"),
        ("definition", "english", "definition"),
    ]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Привет世界", "Привет"),
        ("こんにちは世界", "こんにちは"),
        ("표현", "표현"),
        ("𠮷野家", "𠮷"),
        ("笑😀", "😀"),
    ],
)
def test_unspeakable_text_is_named_in_a_warning(text: str, word: str) -> None:
    result = speakable_zh(text)
    assert any(word in w for w in result.warnings), result.warnings
    assert all(word not in p.text for p in result.pieces)


def test_without_an_english_voice_english_words_are_warned_not_dropped() -> None:
    result = speakable_zh("原因是 money 不足,GPT 也一样", english=False)
    assert [p.lang for p in result.pieces] == ["zh"]
    assert result.pieces[0].text == "原因是不足，吉批提也一样"
    assert [w.how for w in result.words] == ["warned", "letters"]
    assert any("'money'" in w for w in result.warnings)


def test_spell_letters_covers_the_alphabet() -> None:
    assert set(LETTER_NAMES) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert all(re.fullmatch("[\u4e00-\u9fa5]+", name) for name in LETTER_NAMES.values())
    assert spell_letters("AI") == "诶爱"
    assert spell_letters("xyz") == "艾克斯歪贼"


def test_sample_broadcast_latin_words_are_all_spoken() -> None:
    result = speakable_zh(SAMPLE.read_text(encoding="utf-8"))
    assert result.warnings == ()
    hows = {w.text: w.how for w in result.words}
    assert hows["GPT"] == hows["LLM"] == hows["ntp"] == "letters"
    assert hows["Open AI"] == hows["scaling law"] == hows["softmax"] == hows["XOR"] == "lexicon"
    assert hows["burden"] == hows["spectrum"] == hows["money"] == "english"
    spoken = " ".join(w.text for w in result.words)
    for word in iter_latin_words(SAMPLE.read_text(encoding="utf-8")):
        assert word in spoken


# ---------------------------------------------------------------- the lexicon


def test_default_lexicon_is_large_and_clean() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.readings) >= 80
    for key, reading in lexicon.readings.items():
        assert re.fullmatch("[\u4e00-\u9fa5]+", reading), key
    for term in ("open ai", "scaling law", "softmax", "next token prediction", "xor"):
        assert term in lexicon.readings
    assert "ntp" in lexicon.spell


def test_lexicon_matches_longest_first_and_any_spacing() -> None:
    lexicon = parse_lexicon(
        '[readings]\n"pattern" = "模式"\n"patterns discovery" = "模式发现"\n"Open AI" = "欧喷诶爱"\n'
    )
    result = speakable_zh("patterns discovery 和 pattern 与 OpenAI、open-ai", lexicon)
    assert result.pieces[0].text == "模式发现和模式与欧喷诶爱、欧喷诶爱"


def test_load_lexicon_adds_a_show_file_that_wins(tmp_path: Path) -> None:
    show = tmp_path / "lexicon.toml"
    show.write_text(
        '[readings]\n"scaling law" = "尺度定律"\n"Xiaoya" = "小雅"\n[spell]\nwords = ["ok"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(show)
    assert lexicon.reading("scaling law") == "尺度定律"
    assert lexicon.reading("xiaoya") == "小雅"
    assert lexicon.reading("ok") is None and "ok" in lexicon.spell
    assert lexicon.reading("softmax") == "索夫特麦克斯"  # the default is still there
    assert speakable_zh("Xiaoya说OK", lexicon).pieces[0].text == "小雅说欧开"


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[readings]\n"GPT" = "GPT"\n', "'GPT'"),
        ('[readings]\n"Open AI" = ""\n', "'Open AI'"),
        ('[readings]\n"softmax" = 3\n', "'softmax'"),
        ('[readings]\n"中文" = "中文"\n', "'中文'"),
        ('[readings]\nNode.js = "诺德"\n', "'Node'"),
        ('[readings]\n"a b" = "一"\n"a-b" = "二"\n', "'a-b'"),
        ('[spell]\nwords = ["n7p"]\n', "'words'"),
        ('[spell]\nwords = "ntp"\n', "'words'"),
        ("[voices]\nx = 1\n", "'voices'"),
        ("[readings\n", "not valid TOML"),
    ],
)
def test_bad_lexicon_entries_name_the_file_and_key(toml: str, named: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value)
    assert named in str(caught.value)


def test_missing_lexicon_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "nope.toml")


def test_default_lexicon_is_package_data() -> None:
    # It must ship inside the package (voices/ is installed as podcast.voices).
    from importlib import resources

    assert resources.files("podcast.voices").joinpath("lexicon.toml").is_file()


def test_lexicon_is_never_read_at_import() -> None:
    import subprocess
    import sys

    code = (
        "import podcast.speech.normalize as n, podcast.speech.english as e; "
        "import sys; "
        "assert n.default_lexicon.cache_info().currsize == 0; "
        "assert e._LIBRARY is None and 'espeakng_loader' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---------------------------------------------------------------- properties for any text

_VOICED = re.compile(f"[\u4e00-\u9fa5{re.escape(ZH_PUNCTUATION)}\n]*")
_ANY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=120,
)
_MIXED_ALPHABET = st.sampled_from(
    list("的是无损压缩模型数据一二十 ,.:;!?()-+%/~@#&$¥℃°年月日点个:\n\"'")
    + list("0123456789")
    + list("abcxyzABCXYZ")
    + ["GPT", "ntp", "Open AI", "scaling law", "km", "kg", "MB", "am", "B", "%", "-", "."]
)
_MIXED_TEXT = st.lists(_MIXED_ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_ANY_TEXT, _MIXED_TEXT))
def test_normalize_zh_never_raises_and_leaves_no_digits(text: str) -> None:
    out = normalize_zh(text)
    assert not re.search("[0-9]", out), out


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_ANY_TEXT, _MIXED_TEXT))
def test_speakable_pieces_are_voiceable(text: str) -> None:
    result = speakable_zh(text)
    for previous, piece in zip(result.pieces, result.pieces[1:], strict=False):
        assert previous.lang != piece.lang
    for piece in result.pieces:
        assert piece.text
        if piece.lang == "zh":
            assert _VOICED.fullmatch(piece.text), piece.text
        else:
            assert not re.search(r"[0-9\n]", piece.text), piece.text
            assert any(ch.isalpha() for ch in piece.text), piece.text


_HANZI_RUN = st.text(st.sampled_from("的是无损压缩模型数据说"), min_size=1, max_size=4)
_LATIN_WORD = st.one_of(
    st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True),
    st.sampled_from(["GPT", "ntp", "Open AI", "scaling law", "softmax", "LLMs", "what"]),
)
_NUMBER_IN_HANZI = st.from_regex(r"共[0-9]{1,5}(\.[0-9])?个", fullmatch=True)
_GLUE = st.sampled_from(["", " ", "，", ", ", "。", "(", ")", "、", "\n"])


@st.composite
def _latin_in_chinese(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(_HANZI_RUN, _LATIN_WORD, _NUMBER_IN_HANZI), max_size=12))
    return "".join(part + draw(_GLUE) for part in parts)


@settings(max_examples=300)
@given(_latin_in_chinese(), st.booleans())
def test_every_latin_word_is_read_handed_on_or_warned(text: str, english: bool) -> None:
    result = speakable_zh(text, english=english)
    covered = " ".join(w.text for w in result.words).lower()
    for word in iter_latin_words(text):
        assert word.lower() in covered, (word, result.words)
    english_text = " ".join(p.text for p in result.pieces if p.lang == "en")
    for w in result.words:
        if w.how == "english":
            assert w.text in english_text
        elif w.how == "warned":
            assert any(repr(w.text) in warning for warning in result.warnings)
        else:
            assert w.spoken and re.fullmatch("[\u4e00-\u9fa5]+", w.spoken)
    if not english:
        assert all(p.lang == "zh" for p in result.pieces)


def test_lexicon_with_no_readings_still_spells_and_hands_on() -> None:
    result = speakable_zh("GPT说hello", Lexicon())
    assert [(p.lang, p.text) for p in result.pieces] == [("zh", "吉批提说"), ("en", "hello")]
