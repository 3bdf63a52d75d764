"""Reading a post from disk: size limits, binary sniffing, encoding detection.

This is the I/O edge of parsing; everything after it works on ``str``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import charset_normalizer

from podcast.errors import ParseError

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
"""Posts larger than this are refused (a blog post is rarely over 200 kB)."""

# Encodings a Chinese or English blog post is realistically saved in.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "cp1252"]

# Magic numbers of files people rename to .md by mistake: name them in the error.
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"ID3", "an MP3 file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"RIFF", "a RIFF (WAV/WebP) file"),
    (b"OggS", "an Ogg file"),
]

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

HTML_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode a post file, refusing what is not a text post of sane size."""
    if not path.exists():
        raise ParseError(f"{path}: no such file")
    if path.is_dir():
        raise ParseError(f"{path}: is a directory, not a post file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(
                f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for a post (raise it with --max-bytes)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return decode(data, str(path))


def decode(data: bytes, name: str) -> str:
    """Decode a post's bytes: BOMs, UTF-8, then GB18030/Big5/Windows-1252 by detection.

    >>> decode("白：你好".encode("gbk"), "x.md")
    '白：你好'
    >>> decode("李白（嘆氣）：長安也有小人。".encode("big5"), "x.md")
    '李白（嘆氣）：長安也有小人。'
    >>> decode(b"\\xef\\xbb\\xbfhi", "x.md")
    'hi'
    """
    if not data.strip():
        raise ParseError(f"{name}: the file is empty")
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise ParseError(f"{name}: this is {kind}, not a text post")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), name)
            except UnicodeDecodeError as exc:
                raise ParseError(f"{name}: starts with a {encoding} mark but is not {encoding}") from exc
    if b"\x00" in data[:8192]:
        raise ParseError(f"{name}: looks like a binary file, not a text post")
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    declared = HTML_CHARSET.search(data[:4096])
    if declared:
        try:
            return _checked(data.decode(declared.group(1).decode("ascii")), name)
        except (LookupError, UnicodeDecodeError):
            pass
    chinese = _decode_chinese(data)
    if chinese is not None:
        return _checked(chinese, name)
    best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise ParseError(f"{name}: cannot decode the text (not UTF-8, GB18030/GBK or Big5); save it as UTF-8")
    return _checked(str(best), name)


def _decode_chinese(data: bytes) -> str | None:
    """GB18030 when the text reads as simplified Chinese, else Big5 when it decodes.

    Short posts defeat statistical detectors ("白：你好" in GBK is also valid Big5, as
    "啞ㄩ斕疑"), so this asks a sharper question: text really in GBK uses almost only the
    GB2312 repertoire, while Big5 bytes read as GBK land outside it about half the time.
    """
    try:
        gb: str | None = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    if gb is not None and _gb2312_share(gb) >= 0.97:
        return gb
    try:
        return data.decode("big5")
    except UnicodeDecodeError:
        return gb


def _gb2312_share(text: str) -> float:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    inside = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            inside += 1
        except UnicodeEncodeError:
            pass
    return inside / len(wide)


def _checked(text: str, name: str) -> str:
    # Text decoded from a binary file is full of control characters; a real post has few.
    if len(CONTROL.findall(text[:8192])) > max(8, len(text[:8192]) // 100):
        raise ParseError(f"{name}: looks like a binary file, not a text post")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError(f"{name}: the file has only whitespace")
    return text


def detect_format(name: str, text: str) -> str:
    """``markdown``, ``html`` or ``text``, from the file name, else from the content.

    >>> detect_format("post.txt", "<html><body>hi</body></html>")
    'html'
    >>> detect_format("post.md", "白：你好")
    'markdown'
    >>> detect_format("post", "白：你好")
    'text'
    """
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or (head.startswith("<") and "<body" in text[:4096].lower()):
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown", ".mdown", ".mkd"}:
        return "markdown"
    if text.startswith("---\n"):
        return "markdown"
    return "text"
