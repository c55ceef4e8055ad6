"""Findings as LSP diagnostics, and when to compute them.

The debounce adapts: an edit that comes after a pause is analysed at once (a person
typing sees diagnostics within milliseconds); edits that follow each other closely (agents
streaming) are coalesced, so a burst costs one reparse, yet the diagnostics never lag the
burst by more than ``max_delay``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lsprotocol import types

from codecrdt.analysis.detect import Finding
from codecrdt.positions import Encoding, TextLines

__all__ = ["AdaptiveDebounce", "to_diagnostic"]

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
}


def to_diagnostic(
    finding: Finding, lines: TextLines, encoding: Encoding, uri: str
) -> types.Diagnostic:
    """An LSP diagnostic on the text that ``lines`` holds (the text that was analysed)."""

    def position(byte: int) -> types.Position:
        return types.Position(*lines.byte_to_lsp(byte, encoding))

    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(
                uri=uri, range=types.Range(start=position(start), end=position(end))
            ),
            message=f"first declaration of '{finding.name}'",
        )
        for start, end, _ in finding.related
    ]
    return types.Diagnostic(
        range=types.Range(start=position(finding.start_byte), end=position(finding.end_byte)),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        source="codecrdt",
        related_information=related or None,
        data={
            "code": finding.code,
            "name": finding.name,
            "byte": finding.start_byte,
            **finding.data,
        },
    )


class AdaptiveDebounce:
    """Runs ``action`` soon after changes: at once after a pause, coalesced in a burst."""

    def __init__(
        self,
        action: Callable[[], None],
        *,
        quiet: float = 0.15,
        delay: float = 0.05,
        max_delay: float = 0.3,
    ) -> None:
        self._action = action
        self._quiet, self._delay, self._max_delay = quiet, delay, max_delay
        self._loop = asyncio.get_running_loop()
        self._last_change = float("-inf")
        self._first_pending: float | None = None
        self._handle: asyncio.Handle | None = None
        self._immediate = False  # the pending run is the immediate one of an isolated change

    def changed(self) -> None:
        now = self._loop.time()
        isolated = now - self._last_change >= self._quiet
        self._last_change = now
        if self._handle is not None and self._immediate:
            # Already due at once (one edit often reports twice: the document's change
            # event and the editor's didChange); the run will see this change too.
            return
        if self._handle is not None:
            self._handle.cancel()
        if self._first_pending is None:
            self._first_pending = now
        if isolated:
            self._handle = self._loop.call_soon(self._run)
            self._immediate = True
            return
        due = min(now + self._delay, self._first_pending + self._max_delay)
        self._handle = self._loop.call_at(due, self._run)

    def _run(self) -> None:
        self._handle = None
        self._immediate = False
        self._first_pending = None
        self._action()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._immediate = False
