"""The edge engine against the real service (needs the network; CI runs ``-m 'not live'``).

Without the network this fails with one ``ServiceError`` within seconds, never a hang.
"""

from __future__ import annotations

import numpy as np
import pytest

from podcast.speech.base import Prosody
from podcast.speech.edge import SAMPLE_RATE, EdgeEngine


@pytest.mark.live
def test_xiaoxiao_speaks_a_chinese_sentence() -> None:
    text = "我是数字秘书小雅。今天播报一篇新博客。"
    audio = EdgeEngine(attempts=3, timeout=30.0).synthesize(text, Prosody("zh-CN-XiaoxiaoNeural"))
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.duration > 1.5
    assert float(np.sqrt(np.mean(audio.samples**2))) > 0.01
    assert len(audio.timings) >= 1
    assert all(0 <= t.start <= t.end <= audio.duration for t in audio.timings)
    assert "小雅" in "".join(t.text for t in audio.timings)
