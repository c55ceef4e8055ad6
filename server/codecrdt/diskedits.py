"""Edits saved to a file while a run writes it, merged into the run's document.

A run on a file no editor has open (``codecrdt generate``, or ``codecrdt.generate`` on an
unopened file) reads the file once and writes it at the end. Whatever the user saves to
the file meanwhile (another editor, ``echo >>``, a formatter) must not be lost:
:class:`DiskEdits` watches the file (its size, modification time and inode, every
``interval_s``; its content once more before the final write) and merges each change as
the user's edit, like the editor bridge merges a ``didChange``: a replica of the document
keeps the text last seen on disk, the change from that text to the new one becomes the
smallest replacements on the replica (line by line, then trimmed to what changed within
the lines), and those operations merge into the run's document with the editor's origin.
So they land where the user put them, whatever the agents wrote meanwhile, and the final
write holds both. A file that vanishes or cannot be read is left alone: the run's text
is written at the end.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import os
from pathlib import Path

from codecrdt.document import Origin, SharedDocument
from codecrdt.sourcefile import NotSource, read_source

__all__ = ["DiskEdits", "replacements"]

logger = logging.getLogger(__name__)

Signature = tuple[int, int, int] | None


def _signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def replacements(old: str, new: str) -> list[tuple[int, int, str]]:
    """The replacements (start, end, text) in code points of ``old``, in order, that turn
    ``old`` into ``new``: lines that are the same in both are kept, and each changed
    block is trimmed to what changed within it."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    starts_a = [0]
    for line in a:
        starts_a.append(starts_a[-1] + len(line))
    starts_b = [0]
    for line in b:
        starts_b.append(starts_b[-1] + len(line))
    result: list[tuple[int, int, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = starts_a[i1], starts_a[i2]
        removed, added = old[start:end], new[starts_b[j1] : starts_b[j2]]
        prefix = 0
        limit = min(len(removed), len(added))
        while prefix < limit and removed[prefix] == added[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < limit - prefix
            and removed[len(removed) - 1 - suffix] == added[len(added) - 1 - suffix]
        ):
            suffix += 1
        result.append((start + prefix, end - suffix, added[prefix : len(added) - suffix]))
    return result


class DiskEdits:
    """Merges what is saved to ``path`` during a run into ``document`` as the user's edits.

    Create it before the run writes anything, with ``text`` the file's text that the
    document was made of; run :meth:`follow` beside the run, and call :meth:`check` with
    ``final=True`` just before the file is written.
    """

    def __init__(
        self,
        document: SharedDocument,
        path: Path,
        text: str,
        *,
        origin: str = Origin.EDITOR,
        interval_s: float = 0.5,
        threads: bool = True,
    ) -> None:
        """``threads`` False: the file is read on the loop, not in a worker thread (a
        virtual-time loop cannot wait for a thread)."""
        self.document = document
        self.path = path
        self.text = text  # the file's text as last seen
        self.origin = origin
        self.interval_s = interval_s
        self.merged = 0  # changes merged
        self.threads = threads
        self._replica = document.fork()
        self._signature = _signature(path)

    def _read_if_changed(self, final: bool) -> str | None:
        """The file's new text, or None when it is unchanged, gone or unreadable (blocking)."""
        signature = _signature(self.path)
        if signature is None or (signature == self._signature and not final):
            return None
        self._signature = signature
        try:
            text = read_source(self.path)
        except NotSource as error:
            logger.info("%s: not merged: %s", self.path, error.reason)
            return None
        return None if text == self.text else text

    def merge(self, text: str) -> None:
        """Merge the change from the last text seen on disk to ``text``."""
        replica = self._replica
        before = self.document.state()
        for start, end, inserted in reversed(replacements(self.text, text)):
            replica.replace(start, end, inserted, self.origin)
        self.document.apply_update(replica.update_since(before), origin=self.origin)
        self.text = text
        self.merged += 1

    async def check(self, *, final: bool = False) -> bool:
        """Merge the file's change since the last look, if any; ``final`` compares the
        content even when size and time look the same. True when something merged."""
        if self.threads:
            text = await asyncio.to_thread(self._read_if_changed, final)
        else:
            text = self._read_if_changed(final)
        if text is None:
            return False
        self.merge(text)
        return True

    async def follow(self) -> None:
        """Check every ``interval_s`` until cancelled."""
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self.check()
            except Exception:  # never end the watch: the final check still runs
                logger.exception("%s: merging the saved changes failed", self.path)
