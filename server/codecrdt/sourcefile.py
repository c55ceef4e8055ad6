"""Which texts and files CodeCRDT takes: UTF-8 text, no NUL bytes, within the size limit.

The server applies :func:`text_problem` to documents it is asked to open; the command line
(``check``, ``selfcheck``) reads files with :func:`read_source`. Both give the same reasons.
Generated files are written with :func:`write_atomically`.

Only regular files are read (a symlink is followed to its target): a FIFO, a socket or a
device is refused with "not a regular file (…)", checked on the opened descriptor, which is
opened without blocking, and no read takes more than the size limit plus one byte.

The text is what an editor shows and sends over LSP: a UTF-8 byte-order mark is removed,
line endings are kept as they are. :func:`write_atomically` keeps the file what it was:
it writes through a symlink to its target, keeps an existing file's permissions, its
byte-order mark and its line endings (a file whose first line ends in CRLF gets CRLF on
every line, so lines that writers added with LF match), creates a new file with the
permissions the umask gives, and syncs the data to disk before the rename and the folder
after it.

:func:`save_work` writes a run's result: to the file, or when that fails (its folder was
removed, the disk is read-only) to a recovered copy beside it,
``<name>.codecrdt-recovered.<ext>``, else in the fallback folders given, else in the
temporary folder; it says where the text went and why the file itself was not written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAX_FILE_BYTES",
    "NotSource",
    "Saved",
    "read_source",
    "recovered_name",
    "save_work",
    "text_problem",
    "write_atomically",
]

#: Larger files are not read or mirrored (UTF-8 bytes): 8 MiB.
MAX_FILE_BYTES = 8 * 1024 * 1024

_BOM = "\ufeff"
_BOM_BYTES = _BOM.encode("utf-8")
#: How much of an existing file :func:`write_atomically` reads to learn its style.
_STYLE_PROBE_BYTES = 64 * 1024


class NotSource(Exception):
    """A file that is not taken; ``unreadable`` when reading it failed (an I/O error)."""

    def __init__(self, reason: str, *, unreadable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable


def _too_big(size: int, max_bytes: int) -> str:
    return f"it is {size:,} bytes, over the limit of {max_bytes:,}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _not_regular(mode: int) -> str:
    return f"not a regular file ({_kind(mode)})"


def text_problem(text: str, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why a document's text cannot be taken, or None when it can."""
    if "\x00" in text:
        return "not text (it contains NUL bytes)"
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return "not valid Unicode (it contains a lone surrogate)"
    return _too_big(size, max_bytes) if size > max_bytes else None


def _open_regular(path: Path) -> int:
    """A read-only descriptor of the regular file ``path``; NotSource when it is none.

    ``stat`` first, so a FIFO or a device is never opened; the open does not block (a FIFO
    swapped in after the ``stat`` is opened without waiting for a writer), and ``fstat``
    of the descriptor decides.
    """
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise NotSource(_not_regular(mode))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NotSource("no such file", unreadable=True) from None
    except OSError as error:
        raise NotSource(f"cannot read: {error.strerror or error}", unreadable=True) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as error:
        os.close(fd)
        raise NotSource(f"cannot read: {error.strerror or error}", unreadable=True) from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotSource(_not_regular(mode))
    return fd


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``: never more, whatever the file claims its size is."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A regular file's text (a UTF-8 byte-order mark removed); NotSource says why not."""
    fd = _open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:  # before reading a huge file
            raise NotSource(_too_big(size, max_bytes))
        data = _read_at_most(fd, max_bytes + 1)  # a file that grew, or lies about its size
    except OSError as error:
        raise NotSource(f"cannot read: {error.strerror or error}", unreadable=True) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise NotSource(f"it is over the limit of {max_bytes:,} bytes")
    if b"\x00" in data:
        raise NotSource("not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotSource(f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def _style(path: Path) -> tuple[bool, str | None]:
    """Whether the regular file ``path`` starts with a byte-order mark, and how its first
    line ends (``"\\r\\n"``, ``"\\n"``, or None without a line break in its first 64 KiB)."""
    try:
        fd = _open_regular(path)
    except NotSource:
        return False, None
    try:
        head = _read_at_most(fd, _STYLE_PROBE_BYTES)
    except OSError:
        return False, None
    finally:
        os.close(fd)
    end = head.find(b"\n")
    newline = None if end < 0 else "\r\n" if head[end - 1 : end] == b"\r" else "\n"
    return head.startswith(_BOM_BYTES), newline


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open or sync a folder
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(
    path: Path, text: str, *, bom: bool | None = None, newline: str | None = None
) -> None:
    """Write ``text`` to a temporary file beside ``path``'s target, then rename it over.

    A reader never sees half a file, and a crash leaves the old file or the new one.
    ``path`` is followed through symlinks: the target is written, the link stays. An
    existing file keeps its permissions (and its owner, where this user may set it), its
    byte-order mark (``bom``) and its line endings (``newline``; ``"\\r\\n"`` turns every
    bare LF of ``text`` into CRLF, ``"\\n"`` leaves ``text`` as it is); both default to
    what the existing file has. A new file gets the permissions the umask leaves of 0666.
    Anything other than a regular file at ``path`` is refused with an OSError.
    """
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise OSError(errno.EINVAL, _not_regular(existing.st_mode), str(path))
    if existing is not None and (bom is None or newline is None):
        had_bom, had_newline = _style(target)
        bom = had_bom if bom is None else bom
        newline = had_newline if newline is None else newline
    if newline == "\r\n":
        text = re.sub(r"(?<!\r)\n", "\r\n", text)
    if bom and not text.startswith(_BOM):
        text = _BOM + text
    data = text.encode("utf-8")  # before creating anything: a lone surrogate raises here

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            # The kernel applies the umask (and a folder's default ACL) to 0666 for a new
            # file; an existing file's mode is set below, so nobody else can open it first.
            fd = os.open(temporary, flags, 0o600 if existing is not None else 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))
    try:
        try:
            if existing is not None:
                mine = os.fstat(fd)
                if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.fchown(fd, existing.st_uid, existing.st_gid)
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))  # after fchown, which clears setuid
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)  # the data is on disk before the rename makes it the file
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)  # and the rename itself


@dataclass(frozen=True)
class Saved:
    """Where :func:`save_work` put a text: ``path``, and ``error`` (why the file it was
    meant for could not be written) when ``path`` is a recovered copy."""

    path: Path
    error: str | None = None

    @property
    def recovered(self) -> bool:
        return self.error is not None


def recovered_name(path: Path, attempt: int = 0) -> str:
    """``h.py`` → ``h.codecrdt-recovered.py`` (``h.codecrdt-recovered-2.py`` and on after)."""
    tag = "codecrdt-recovered" + (f"-{attempt + 1}" if attempt else "")
    return f"{path.stem}.{tag}{path.suffix}"


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def save_work(path: Path, text: str, *, fallbacks: Iterable[Path] = ()) -> Saved:
    """Write ``text`` to ``path``; if that fails, to a new recovered copy beside it, else in
    each of ``fallbacks``, else in the temporary folder. OSError only when all of them fail.
    """
    try:
        write_atomically(path, text)
        return Saved(path)
    except (OSError, ValueError) as error:  # ValueError: a lone surrogate
        reason = _describe(error)
    folders = [path.parent, *fallbacks, Path(tempfile.gettempdir())]
    tried: list[str] = []
    for folder in folders:
        for attempt in range(100):
            candidate = folder / recovered_name(path, attempt)
            if os.path.lexists(candidate):
                continue
            try:
                write_atomically(candidate, text)
            except (OSError, ValueError) as error:
                tried.append(f"{candidate}: {_describe(error)}")
                break
            return Saved(candidate, reason)
    raise OSError(
        errno.EIO, f"could not write {path} ({reason}) nor a recovered copy ({'; '.join(tried)})"
    )
