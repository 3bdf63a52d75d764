"""Every error a user can act on, in one tree.

The CLI turns a ``PodcastError`` into one line on stderr and exit status 1; anything
else is a bug and is allowed to show its traceback.
"""

from __future__ import annotations


class PodcastError(Exception):
    """Base class: raised for any failure the user can fix (bad input, setup, environment)."""


class ParseError(PodcastError):
    """Raised when a post cannot be read or parsed: missing, not a file, too large, binary,
    undecodable, broken front matter, or nothing left after cleaning."""


class ConfigError(PodcastError):
    """Raised when ``podcast.toml``, a voice profile or a setting is missing a key or has a bad value."""


class ScriptError(PodcastError):
    """Raised when a broadcast script cannot be written or read back (bad file, impossible budget)."""


class UnknownNameError(PodcastError):
    """Raised when a named engine, voice or summarizer does not exist; the message lists the known ones."""


class SpeechError(PodcastError):
    """Raised when a text-to-speech engine cannot produce audio for a segment."""


class VoiceAssetError(SpeechError):
    """Raised when the offline voice's model files are missing or corrupt; the message names
    the command that installs them."""


class ServiceError(SpeechError):
    """Raised when an online speech service cannot be reached or keeps failing after retries."""


class AudioError(PodcastError):
    """Raised when audio tooling fails: ffmpeg missing, or a jingle/cover file that is not what it claims."""


class OutputError(PodcastError):
    """Raised when an output cannot be written: unwritable folder, full disk; nothing partial is left."""


class FeedError(PodcastError):
    """Raised when the feed or site cannot be built from the rendered episodes."""


class BatchError(PodcastError):
    """Raised when a batch cannot start: an unreachable Dask scheduler, a bad ``--executor``,
    another batch running on the same output folder, or a manifest from a newer version."""


class FetchError(PodcastError):
    """Raised when a web page, feed or robots.txt cannot be fetched or is not a page: no such
    host, refused, too slow, an HTTP error, disallowed by robots.txt, over ``--max-bytes``.
    The message is one line naming the address; ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
