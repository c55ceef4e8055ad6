"""Reading and writing source files: only regular files, bounded reads, and writes that keep
the file what it was (symlink, permissions, byte-order mark, line endings, fsync)."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ci_support import allowed_skip
from codecrdt.sourcefile import NotSource, read_source, write_atomically


@pytest.fixture
def umask() -> Iterator[None]:
    """A known umask (022) for the test, the previous one restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- writing ----------------------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "mod.py"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "mod.py"
    link.symlink_to(target)
    write_atomically(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in real.iterdir()] == ["mod.py"]  # no temporary file left


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "mod.py"
    link.symlink_to(tmp_path / "target.py")
    write_atomically(link, "x = 1\n")
    assert link.is_symlink()
    assert (tmp_path / "target.py").read_text(encoding="utf-8") == "x = 1\n"


def test_a_new_file_follows_the_umask(tmp_path: Path, umask: None) -> None:
    write_atomically(tmp_path / "new.py", "x = 1\n")
    assert _mode(tmp_path / "new.py") == 0o644
    os.umask(0o077)
    write_atomically(tmp_path / "private.py", "x = 1\n")
    assert _mode(tmp_path / "private.py") == 0o600


@pytest.mark.parametrize("mode", [0o755, 0o640, 0o444])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask: None, mode: int) -> None:
    path = tmp_path / "tool.py"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(mode)
    write_atomically(path, "new\n")
    assert _mode(path) == mode
    assert path.read_text(encoding="utf-8") == "new\n"


def test_a_byte_order_mark_is_read_away_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfx = 1\n")
    text = read_source(path)
    assert text == "x = 1\n"  # the text an editor shows and sends
    write_atomically(path, text + "y = 2\n")
    assert path.read_bytes() == b"\xef\xbb\xbfx = 1\ny = 2\n"
    write_atomically(path, "\ufeffz = 3\n")  # never two
    assert path.read_bytes() == b"\xef\xbb\xbfz = 3\n"


def test_a_file_without_a_byte_order_mark_gets_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.py"
    path.write_bytes(b"x = 1\n")
    write_atomically(path, "y = 2\n")
    assert path.read_bytes() == b"y = 2\n"
    write_atomically(tmp_path / "new.py", "y = 2\n")
    assert (tmp_path / "new.py").read_bytes() == b"y = 2\n"


def test_crlf_line_endings_are_kept_and_added_lines_follow_them(tmp_path: Path) -> None:
    path = tmp_path / "dos.py"
    path.write_bytes(b"\xef\xbb\xbfx = 1\r\ny = 2\r\n")
    text = read_source(path)
    assert text == "x = 1\r\ny = 2\r\n"  # as an editor sends a CRLF buffer over LSP
    write_atomically(path, text + "def f():\n    return 3\n")  # a writer's lines end in LF
    assert path.read_bytes() == b"\xef\xbb\xbfx = 1\r\ny = 2\r\ndef f():\r\n    return 3\r\n"


def test_lf_files_are_written_as_given(tmp_path: Path) -> None:
    path = tmp_path / "unix.py"
    path.write_bytes(b"x = 1\n")
    write_atomically(path, "x = 1\ns = 'a\\r\\n'\n")
    assert path.read_bytes() == b"x = 1\ns = 'a\\r\\n'\n"


def test_the_style_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "given.py"
    path.write_bytes(b"x = 1\n")
    write_atomically(path, "a\nb\n", bom=True, newline="\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbfa\r\nb\r\n"


def test_the_data_is_synced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(("fsync", kind))
        real_fsync(fd)

    def replace(source: str | Path, target: str | Path) -> None:
        events.append(("replace", Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomically(tmp_path / "synced.py", "x = 1\n")
    assert events == [("fsync", "file"), ("replace", "synced.py"), ("fsync", "folder")]


def test_a_fifo_is_not_replaced_by_a_write(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"not a regular file \(a FIFO\)"):
        write_atomically(fifo, "x = 1\n")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.py"]


def test_text_that_cannot_be_encoded_leaves_the_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "keep.py"
    path.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "x = '\udc80'\n")
    assert path.read_text(encoding="utf-8") == "x = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.py"]


# -- reading ----------------------------------------------------------------------------


def _read_in_thread(path: Path) -> NotSource | str | None:
    """read_source(path) in a thread; a FIFO that blocks it is unblocked after 10 s."""
    outcome: list[NotSource | str] = []

    def read() -> None:
        try:
            outcome.append(read_source(path))
        except NotSource as error:
            outcome.append(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # blocked opening the FIFO: give it a writer so the test ends
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(10)
        pytest.fail(f"read_source blocked on {path}")
    return outcome[0] if outcome else None


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    outcome = _read_in_thread(fifo)
    assert isinstance(outcome, NotSource)
    assert outcome.reason == "not a regular file (a FIFO)"
    assert not outcome.unreadable


def test_a_device_behind_a_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.py"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotSource, match=r"^not a regular file \(a character device\)$"):
        read_source(link)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotSource, match=r"^not a regular file \(a folder\)$"):
        read_source(tmp_path)


def test_a_read_never_takes_more_than_the_limit_plus_one_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status = Path("/proc/self/status")  # a regular file whose size says 0
    if not status.is_file() or status.stat().st_size != 0:
        allowed_skip("needs Linux's /proc")  # not a missing tool: a platform condition
    asked: list[int] = []
    real_read = os.read

    def read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read)
    with pytest.raises(NotSource, match="over the limit of 10 bytes"):
        read_source(status, max_bytes=10)
    assert asked and sum(asked) <= 11


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(NotSource) as raised:
        read_source(tmp_path / "nope.py")
    assert raised.value.reason == "no such file" and raised.value.unreadable
