"""Findings as LSP diagnostics, and when to compute them.

The debounce adapts: an edit that comes after a pause is analysed at once (a person
typing sees diagnostics within milliseconds); edits that follow each other closely (agents
streaming) are coalesced, so a burst costs one reparse, yet an analysis starts no later
than ``max_delay`` after the first change of a burst. (The server runs it in its analysis
thread and drops a result the editor's text has moved past: see
:meth:`codecrdt.lsp.server.CodeCrdtServer.publish`.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lsprotocol import types

from codecrdt.analysis.detect import Finding
from codecrdt.analysis.fixes import find_again, fix_for
from codecrdt.analysis.tree import DocumentAnalysis
from codecrdt.positions import Encoding, TextLines

__all__ = ["AdaptiveDebounce", "code_actions_for", "to_diagnostic"]

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


def code_actions_for(
    analysis: DocumentAnalysis, uri: str, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """Quick fixes for our diagnostics: the deterministic fix when there is one, and
    "Fix with Evaluator". Each runs a command, so the fix is made on the shared document
    (and reaches every editor) rather than by the client on its own buffer."""
    actions = []
    findings = analysis.findings()
    tree, source = analysis.current_tree()
    for diagnostic in diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else None
        if diagnostic.source != "codecrdt" or data is None:
            continue
        arguments = {
            "uri": uri,
            "code": str(data.get("code")),
            "name": data.get("name"),
            "byte": int(data.get("byte") or 0),
        }
        finding = find_again(findings, arguments["code"], arguments["name"], arguments["byte"])
        fix = fix_for(finding, tree, source) if finding is not None else None
        if fix is not None:
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    command=types.Command(
                        title=fix.title, command="codecrdt.applyFix", arguments=[arguments]
                    ),
                )
            )
        actions.append(
            types.CodeAction(
                title="Fix with Evaluator",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title="Fix with Evaluator",
                    command="codecrdt.fixWithEvaluator",
                    arguments=[arguments],
                ),
            )
        )
    return actions


class AdaptiveDebounce:
    """Runs ``action`` soon after changes: at once after a pause, coalesced in a burst.

    In a burst, ``action`` runs ``delay`` after the latest change, and at least every
    ``max_delay`` while changes keep coming. A run whose result came too late (the text
    changed while it ran: :meth:`stale`) lengthens that bound, doubling up to
    ``max_backoff``, until a run's result is used again (:meth:`fresh`): under a steady
    stream of edits (16 writers) every analysis of a growing file came back stale, one
    every 0.3 s, and the time it held the interpreter delayed the edits themselves. The
    end of a burst is not delayed: ``delay`` after the last change, it runs.
    """

    def __init__(
        self,
        action: Callable[[], None],
        *,
        quiet: float = 0.15,
        delay: float = 0.05,
        max_delay: float = 0.3,
        max_backoff: float = 2.4,
    ) -> None:
        self._action = action
        self._quiet, self._delay, self._max_delay = quiet, delay, max_delay
        self._max_backoff = max(max_delay, max_backoff)
        self._stale = 0  # runs in a row whose result came too late
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
        due = min(now + self._delay, self._first_pending + self.max_delay)
        self._handle = self._loop.call_at(due, self._run)

    @property
    def max_delay(self) -> float:
        """The longest a change waits in a burst now: ``max_delay``, doubled for every
        stale run in a row, at most ``max_backoff``."""
        return min(self._max_delay * 2 ** min(self._stale, 16), self._max_backoff)

    def stale(self) -> None:
        """The last run's result came too late (the text had changed): back off, and
        run again for the changes since."""
        self._stale += 1
        self.changed()

    def fresh(self) -> None:
        """The last run's result was used: back to ``max_delay``."""
        self._stale = 0

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
