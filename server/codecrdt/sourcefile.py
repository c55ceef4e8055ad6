"""Which texts and files CodeCRDT takes: UTF-8 text, no NUL bytes, within the size limit.

The server applies :func:`text_problem` to documents it is asked to open; the command line
(``check``, ``selfcheck``) reads files with :func:`read_source`. Both give the same reasons.
Generated files are written with :func:`write_atomically`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "NotSource", "read_source", "text_problem", "write_atomically"]

#: Larger files are not read or mirrored (UTF-8 bytes): 8 MiB.
MAX_FILE_BYTES = 8 * 1024 * 1024


class NotSource(Exception):
    """A file that is not taken; ``unreadable`` when reading it failed (an I/O error)."""

    def __init__(self, reason: str, *, unreadable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable


def _too_big(size: int, max_bytes: int) -> str:
    return f"it is {size:,} bytes, over the limit of {max_bytes:,}"


def text_problem(text: str, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why a document's text cannot be taken, or None when it can."""
    if "\x00" in text:
        return "not text (it contains NUL bytes)"
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return "not valid Unicode (it contains a lone surrogate)"
    return _too_big(size, max_bytes) if size > max_bytes else None


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A file's text (a UTF-8 byte-order mark removed); NotSource says why not."""
    try:
        size = path.stat().st_size
        if size > max_bytes:  # before reading a huge file
            raise NotSource(_too_big(size, max_bytes))
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotSource("no such file", unreadable=True) from None
    except OSError as error:
        raise NotSource(f"cannot read: {error.strerror or error}", unreadable=True) from None
    if len(data) > max_bytes:
        raise NotSource(_too_big(len(data), max_bytes))
    if b"\x00" in data:
        raise NotSource("not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotSource(f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``.

    A reader never sees half a file; the file keeps its permissions.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
