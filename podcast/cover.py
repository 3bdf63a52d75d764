"""Cover art: the show's own image (checked), or a generated square cover with its title.

Apple asks for a square RGB JPEG or PNG of 1400–3000 px. The generated cover is 1400 px:
a dusk gradient, a row of sound-wave bars, and the title in a CJK-capable font when the
machine has one (fontconfig, the usual macOS/Windows fonts, or ``$PODCAST_FONT``). Without
one, the title is drawn in pinyin and a warning says how to get the real thing.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError
from PIL import __version__ as PIL_VERSION

from podcast import stored
from podcast.errors import ConfigError

SIZE = 1400
FONT_ENV = "PODCAST_FONT"
_KNOWN_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
]


@dataclass(frozen=True, slots=True)
class Cover:
    """Cover art ready to publish and embed."""

    png: bytes
    """The full-size cover (square PNG)."""
    thumbnail_jpeg: bytes
    """A 600 px JPEG for the MP3's APIC frame (podcast apps show the feed's image)."""
    warnings: tuple[str, ...] = ()
    """What the listener's app will show differently from what was asked."""


def load_cover(path: Path) -> Cover:
    """The show's own image, checked: an image, square, 1400–3000 px, RGB."""
    try:
        with Image.open(path) as image:
            image.load()
            if image.format not in ("PNG", "JPEG"):
                raise ConfigError(f"{path}: cover art must be PNG or JPEG, not {image.format}")
            warnings = []
            width, height = image.size
            if width != height:
                warnings.append(f"{path}: cover art is {width}×{height}; podcast apps want a square")
            if not 1400 <= max(width, height) <= 3000:
                warnings.append(f"{path}: cover art is {max(width, height)} px; Apple asks for 1400–3000 px")
            rgb = image.convert("RGB")
            png = path.read_bytes() if image.format == "PNG" and image.mode == "RGB" else _png(rgb)
            return Cover(png, _thumbnail(rgb), tuple(warnings))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: cover image not found") from exc
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ConfigError(f"{path}: not an image the cover can use ({exc.__class__.__name__})") from exc


@cache
def generate_cover(title: str, subtitle: str = "") -> Cover:
    """A square 1400 px cover with ``title`` (and ``subtitle``) on it: drawn once and kept in
    the cache under what it is drawn from (the texts, the font, this drawing's revision), so
    every render of a batch, the feed that follows and the next render reuse it."""
    font_path = find_cjk_font()
    key = stored.digest("cover", DRAWING_REVISION, title, subtitle, font_path, _stamp(font_path), PIL_VERSION)
    store = stored.Store("covers")
    kept = store.read(key, ".json")
    if kept is not None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            entry = json.loads(kept)
            png, jpeg = (base64.b64decode(entry[k], validate=True) for k in ("png", "jpeg"))
            return Cover(png, jpeg, tuple(str(w) for w in entry["warnings"]))
    cover = _draw_cover(title, subtitle, font_path)
    entry = {"png": base64.b64encode(cover.png).decode(), "jpeg": base64.b64encode(cover.thumbnail_jpeg).decode()}
    store.write(key, ".json", json.dumps({**entry, "warnings": list(cover.warnings)}).encode())
    return cover


DRAWING_REVISION = 1
"""Bumped when the generated cover is drawn differently (kept covers are then redrawn)."""


def _stamp(path: str | None) -> list[int] | None:
    """A font file's size and time: a replaced font draws a new cover."""
    try:
        found = os.stat(path) if path else None
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns] if found else None


def _draw_cover(title: str, subtitle: str, font_path: str | None) -> Cover:
    image = Image.new("RGB", (SIZE, SIZE))
    _gradient(image)
    waves = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    _waves(ImageDraw.Draw(waves))
    image = Image.alpha_composite(image.convert("RGBA"), waves).convert("RGB")
    draw = ImageDraw.Draw(image)
    warnings: list[str] = []
    text = title
    if font_path is None and any(_is_cjk(ch) for ch in title + subtitle):
        from pypinyin import lazy_pinyin

        text = " ".join(lazy_pinyin(title)).title()
        subtitle = " ".join(lazy_pinyin(subtitle)).title()
        warnings.append(
            "no Chinese font found: the cover shows the title in pinyin "
            f"(install Noto Sans CJK or WenQuanYi, or set ${FONT_ENV} to a font file)"
        )
    _title(draw, text, font_path, top=520, box=1160, max_size=150)
    if subtitle:
        _title(draw, subtitle, font_path, top=1120, box=1100, max_size=64, fill=(255, 236, 210))
    _badge(draw)
    return Cover(_png(image), _thumbnail(image), tuple(warnings))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Not optimize=True: that takes three times as long for a file 4 % smaller.
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.resize((600, 600), Image.Resampling.LANCZOS) if image.size != (600, 600) else image
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@cache
def find_cjk_font() -> str | None:
    """A font file that draws hanzi: ``$PODCAST_FONT``, fontconfig, then well-known paths."""
    candidates: list[str] = []
    override = os.environ.get(FONT_ENV)
    if override:
        candidates.append(override)
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
            candidates += sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
    candidates += _KNOWN_FONTS
    for candidate in candidates:
        if Path(candidate).is_file() and _draws_hanzi(candidate):
            return candidate
    return None


def _draws_hanzi(path: str) -> bool:
    """True when the font has real glyphs for hanzi (two different characters do not
    render to the same missing-glyph box)."""
    try:
        font = ImageFont.truetype(path, 48)
        first = bytes(font.getmask("字"))
        second = bytes(font.getmask("国"))
    except OSError:
        return False
    return bool(first) and first != second


def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _gradient(image: Image.Image) -> None:
    top, bottom = (38, 31, 84), (214, 92, 70)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        t = y / (SIZE - 1)
        t = t * t * (3 - 2 * t)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE, y)], fill=color)


def _waves(draw: ImageDraw.ImageDraw) -> None:
    bars = 41
    width = SIZE / bars
    for n in range(bars):
        x = n * width + width / 2
        height = 60 + 170 * abs(math.sin(n * 0.55)) * (0.55 + 0.45 * math.sin(n * 0.21 + 1))
        draw.rounded_rectangle(
            [x - width * 0.28, 330 - height / 2, x + width * 0.28, 330 + height / 2],
            radius=int(width * 0.28),
            fill=(255, 255, 255, 90),
            outline=None,
        )


def _title(
    draw: ImageDraw.ImageDraw,
    text: str,
    font_path: str | None,
    *,
    top: int,
    box: int,
    max_size: int,
    fill: tuple[int, int, int] = (255, 255, 255),
) -> None:
    """Draw ``text`` centred, wrapped to at most three lines, as large as fits ``box``."""
    for size in range(max_size, 20, -6):
        font = _font(font_path, size)
        lines = _wrap(draw, text, font, box)
        if len(lines) <= 3:
            break
    line_height = size * 1.25
    for index, line in enumerate(lines[:3]):
        width = draw.textlength(line, font=font)
        draw.text(((SIZE - width) / 2, top + index * line_height), line, font=font, fill=fill)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, box: int
) -> list[str]:
    """Greedy line breaking: between any two hanzi, between words otherwise."""
    units: list[str] = []
    word = ""
    for ch in text:
        if _is_cjk(ch) or ch in "：:，,、 ":
            if word:
                units.append(word)
                word = ""
            units.append(ch)
        else:
            word += ch
    if word:
        units.append(word)
    lines: list[str] = []
    current = ""
    for unit in units:
        trial = current + unit
        if current and draw.textlength(trial.strip(), font=font) > box:
            lines.append(current.strip())
            current = unit.lstrip()
        else:
            current = trial
    if current.strip():
        lines.append(current.strip())
    return lines


def _badge(draw: ImageDraw.ImageDraw) -> None:
    label = "PODCAST"
    font = _font(None, 40)
    width = draw.textlength(label, font=font)
    draw.rounded_rectangle([SIZE / 2 - width / 2 - 28, 96, SIZE / 2 + width / 2 + 28, 160], radius=32,
                           outline=(255, 255, 255), width=3)  # fmt: skip
    draw.text((SIZE / 2 - width / 2, 104), label, font=font, fill=(255, 255, 255))
