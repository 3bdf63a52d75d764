"""Reading a post from disk: size limits, binary sniffing, encoding detection.

This is the I/O edge of parsing; everything after it works on ``str``.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

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

# Terminal escape sequences, whole: a post's "\x1b[31m" must not colour (or retitle, or clear)
# the terminal that shows it, and its parameters are not words.
_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC … BEL or ST (window titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC … ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves), 7- or 8-bit
    r"|\x1b[ -/]*[0-~]"  # two-character escapes (ESC c, ESC ( B …)
)
_BREAKS = re.compile(r"[\x0b\x0c\x85]")  # vertical tab, form feed, NEL: line breaks
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1, save tab and newline
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """``text`` with line ends made ``\\n`` and no C0/C1 control character but tab and newline:
    terminal escape sequences go whole, line-breaking controls become newlines.

    >>> strip_controls("\\x1b[31mred\\x1b[0m\\x07 ok\\r\\nnext\\x0cpage\\x9b1m")
    'red ok\\nnext\\npage'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _ANY_CONTROL.search(text):
        return text
    return _CONTROLS.sub("", _BREAKS.sub("\n", _ESCAPES.sub("", text)))


def no_text(*, controls: bool = False) -> str:
    """What a post with nothing to read is told (it is not empty: it has whitespace)."""
    return f"the post has no text (only whitespace{' and control characters' if controls else ''})"


def shown(name: str) -> str:
    """A file name safe to print: control characters (and undecodable bytes) escaped.

    >>> shown("a\\x1b[31m.md")
    'a\\\\x1b[31m.md'
    """
    return _UNSHOWABLE.sub(lambda m: ascii(m.group())[1:-1], name)


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode a post file, refusing what is not a text post of sane size.

    Only a regular file (or a symlink to one) is opened: a FIFO would block the read, a device
    such as ``/dev/zero`` never ends. At most ``max_bytes + 1`` bytes are read whatever size
    the file reports (``/proc`` files report 0; a file may grow while it is read).
    """
    name = shown(str(path))
    info = _regular_file(path, name)
    if info.st_size > max_bytes:
        raise ParseError(f"{name}: {info.st_size:,} bytes is over {_limit(max_bytes)}")
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the check
                raise ParseError(f"{name}: not a regular file; give a post file")
            data = _read_at_most(handle, max_bytes + 1)
    except OSError as exc:
        raise ParseError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ParseError(f"{name}: over {_limit(max_bytes)}")
    return decode(data, name)


def _limit(max_bytes: int) -> str:
    return f"the {max_bytes:,}-byte limit for a post (raise it with --max-bytes)"


def _read_at_most(handle: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, however the file delivers them."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


_KINDS = [
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
]


def _regular_file(path: Path, name: str) -> os.stat_result:
    """``path``'s status (symlinks followed) when it is a regular file, else a clear refusal."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ParseError(f"{name}: symlink loop (following the link leads back to itself)") from exc
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise ParseError(f"{name}: {_missing(path)}") from exc
        raise ParseError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISREG(info.st_mode):
        return info
    if stat.S_ISDIR(info.st_mode):
        raise ParseError(f"{name}: is a directory, not a post file")
    kind = next((what for test, what in _KINDS if test(info.st_mode)), "a special file")
    if os.path.islink(path):
        kind = f"a symlink to {shown(os.path.realpath(path))}, {kind}"
    raise ParseError(f"{name}: not a regular file ({kind}); give a post file")


def _missing(path: Path) -> str:
    """Why a path is not there: no such file, or a symlink (or chain of them) pointing nowhere."""
    if not os.path.islink(path):
        return "no such file"
    return f"broken symlink: it points to {shown(os.path.realpath(path))}, which does not exist"


def decode(data: bytes, name: str) -> str:
    """Decode a post's bytes: BOMs, UTF-8, then GB18030/Big5/Windows-1252 by detection.

    >>> decode("白：你好".encode("gbk"), "x.md")
    '白：你好'
    >>> decode("李白（嘆氣）：長安也有小人。".encode("big5"), "x.md")
    '李白（嘆氣）：長安也有小人。'
    >>> decode(b"\\xef\\xbb\\xbfhi", "x.md")
    'hi'
    """
    if not data:
        raise ParseError(f"{name}: the file is empty")
    if not data.strip():
        raise ParseError(f"{name}: {no_text()}")
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
    # Text decoded from a binary file is full of control characters; a real post has few
    # (terminal colour codes pasted from a console are text, and go whole below).
    head = _ESCAPES.sub("", text[:8192])
    if len(CONTROL.findall(head)) > max(8, len(head) // 100):
        raise ParseError(f"{name}: looks like a binary file, not a text post")
    cleaned = strip_controls(text)
    if not cleaned.strip():
        controls = _ANY_CONTROL.search(text.replace("\r", "\n")) is not None
        raise ParseError(f"{name}: {no_text(controls=controls)}")
    return cleaned


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
