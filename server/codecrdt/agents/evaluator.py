"""The Evaluator: finds the conflicts parallel writers left and has them fixed.

Each pass analyses the replica's text, applies the deterministic fixes first (merge
duplicate imports, drop an identical duplicate, read the one close name in scope for an
undefined one), then — on the final passes — asks the
model for a targeted fix of each remaining conflict: the statement it lies in goes to the
model, the answer replaces it. Passes repeat until the file is clean or the rounds run out.

While implementers are still writing, passes run each time a TODO completes and fix the
conflicts away from the regions still being written (syntax errors, undefined names and
call mismatches wait for the end: a statement being streamed is not yet a conflict, and a
name or signature may still be on its way). For an undefined name the model gets the
top-level statement it is in (room for an import or a definition) and the names in scope;
for a call mismatch, the call's statement and the definition it calls.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import tree_sitter

from codecrdt.agents import authors
from codecrdt.agents.agent import Agent
from codecrdt.agents.context import BudgetExceeded, RunContext
from codecrdt.agents.prompts import evaluator_request
from codecrdt.agents.providers.base import ProviderError
from codecrdt.agents.replica import Fenced, Replica
from codecrdt.agents.shaping import strip_fences
from codecrdt.analysis.detect import Finding, analyze
from codecrdt.analysis.fixes import fix_for, model_task, region_for
from codecrdt.markers import mentions_marker

__all__ = ["EVALUATED_CODES", "Evaluator", "EvaluatorReport"]

EVALUATED_CODES = frozenset(
    {
        "duplicate-import",
        "duplicate-declaration",
        "duplicate-member",
        "conflicting-signature",
        "conflicting-value",
        "syntax-error",
        "undefined-name",
        "arity-mismatch",
    }
)
#: Codes the Evaluator fixes only once every writer is done: a statement being streamed is
#: not yet a conflict, and a name or a signature may still be on its way from another TODO.
_FINAL_ONLY = frozenset({"syntax-error", "undefined-name", "arity-mismatch"})


@dataclass
class EvaluatorReport:
    found: set[tuple[str, str]] = field(default_factory=set)
    fixed_deterministic: int = 0
    fixed_model: int = 0
    rounds: int = 0
    left: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Evaluator(Agent):
    role = "evaluator"
    #: In a run, a fix that would delete text no agent wrote is refused: the user's file
    #: and what they type meanwhile stay. Off when the user asks for the Evaluator alone.
    keep_users_text = True

    def __init__(self, agent_id: str, replica: Replica, ctx: RunContext, rounds: int = 3) -> None:
        super().__init__(agent_id, replica, ctx)
        self.rounds = rounds
        self.report = EvaluatorReport()
        self._parser = tree_sitter.Parser(self.ctx.language.tree_sitter)

    # -- the agent's life -----------------------------------------------------------

    async def run(self, writers_done: asyncio.Event) -> EvaluatorReport:
        """Passes as TODOs complete, then the final rounds once every writer is done."""
        seen_done: set[str] = set()
        self.set_state("waiting")
        while not writers_done.is_set():
            await self.replica.changed(1.0)
            done = self.board.done_names()
            if done - seen_done:
                seen_done = done
                await self.evaluate(final=False)
        await self.final()
        return self.report

    async def final(self) -> EvaluatorReport:
        """Evaluate until clean or out of rounds; the report says what is left."""
        remaining: list[Finding] = []
        for _ in range(self.rounds):
            self.report.rounds += 1
            remaining = await self.evaluate(final=True)
            if not remaining:
                break
        self.report.left = [
            {"code": f.code, "name": f.name, "line": f.start_point[0] + 1, "message": f.message}
            for f in remaining
        ]
        self.set_state("done")
        return self.report

    # -- one pass -------------------------------------------------------------------

    def _findings(self) -> tuple[list[Finding], tree_sitter.Tree, bytes]:
        source = self.document.text.encode("utf-8")
        tree = self._parser.parse(source)
        done = self.board.done_names()
        findings = [
            f
            for f in analyze(tree, source, self.ctx.language, done_todos=done)
            if f.code in EVALUATED_CODES
        ]
        return findings, tree, source

    async def evaluate(self, final: bool) -> list[Finding]:
        """One pass; returns the conflicts still there after it."""
        self.set_state("writing" if final else "checking")
        refused: set[tuple[str, str | None, int]] = set()  # fixes that would delete the user's
        for _ in range(64):  # each deterministic fix changes the text: analyse again
            findings, tree, source = self._findings()
            busy = [] if final else self._busy_rows()
            candidates = [
                f for f in findings if not _near(f, busy) and (final or f.code not in _FINAL_ONLY)
            ]
            for finding in candidates:
                if final or finding.code != "syntax-error":
                    self._note(finding)
            fixable = next(
                (
                    (f, fix)
                    for f in candidates
                    if (f.code, f.name, f.start_byte) not in refused
                    and (fix := fix_for(f, tree, source)) is not None
                ),
                None,
            )
            if fixable is None:
                break
            finding, fix = fixable
            if not self._apply(source, fix.edits):
                refused.add((finding.code, finding.name, finding.start_byte))
                continue
            self.report.fixed_deterministic += 1
            self._record_fix(finding, "deterministic", fix.title)
        for finding in list(candidates):
            if not final and finding.code == "syntax-error":
                continue  # while others write, a half-written statement is not a conflict
            await self._model_fix(finding, final)
        if not final:
            self.set_state("waiting")
            return []
        findings, _tree, _source = self._findings()
        return findings

    async def _model_fix(self, finding: Finding, final: bool) -> None:
        findings, tree, source = self._findings()
        current = next(
            (f for f in findings if f.code == finding.code and f.name == finding.name), None
        )
        if current is None or (not final and _near(current, self._busy_rows())):
            return
        task = model_task(current, tree, source)
        start, end = task.region if task else region_for(current, tree, source)
        region = source[start:end].decode("utf-8", errors="replace")
        request = evaluator_request(
            self.ctx.language.name,
            self.ctx.spec,
            self.document.text,
            current.code,
            current.name,
            current.message,
            region,
            self.agent_id,
            sites=task.sites if task else "",
        )
        try:
            answer = strip_fences(await self.ctx.complete(request))
            # Never a TODO marker: echoed by a model, it would pass for a new work item.
            answer = "".join(
                line for line in answer.splitlines(keepends=True) if not mentions_marker(line)
            )
        except (Fenced, BudgetExceeded, asyncio.CancelledError):
            raise
        except ProviderError as error:
            self.report.errors.append(f"{current.code} {current.name}: {error}")
            return
        if answer and not answer.endswith("\n") and region.endswith("\n"):
            answer += "\n"
        # The document may have moved on while the model answered: find the region again.
        findings, tree, source = self._findings()
        again = next(
            (f for f in findings if f.code == current.code and f.name == current.name), None
        )
        if again is None or (not final and _near(again, self._busy_rows())):
            return
        task = model_task(again, tree, source)
        start, end = task.region if task else region_for(again, tree, source)
        if not self._apply(source, ((start, end, answer), *(task.also if task else ()))):
            return
        self.report.fixed_model += 1
        self._record_fix(current, "model", "targeted fix")

    # -- helpers --------------------------------------------------------------------

    def _note(self, finding: Finding) -> None:
        key = (finding.code, finding.name or f"line {finding.start_point[0] + 1}")
        if key not in self.report.found:
            self.report.found.add(key)
            self.record("conflict", code=key[0], name=key[1])
            self.ctx.emit("conflict", self.agent_id, code=key[0], name=key[1])

    def _record_fix(self, finding: Finding, how: str, title: str) -> None:
        self.record("fix", code=finding.code, name=finding.name, how=how)
        self.ctx.emit(
            "fix", self.agent_id, code=finding.code, name=finding.name, how=how, title=title
        )

    def _apply(self, source: bytes, edits: tuple[tuple[int, int, str], ...]) -> bool:
        """Apply byte-range edits computed on ``source`` (the current text); False, and
        nothing applied, when one would delete text that no agent wrote (the user's file
        and typing are never deleted by a run: the conflict is left for the user)."""
        self.replica.check()
        lines = self.document.lines
        text = self.document.text
        for start, end, _text in edits if self.keep_users_text else ():
            a, b = lines.byte_to_offset(start), lines.byte_to_offset(end)
            for span in authors.spans(self.document, a, b):
                if span.author.kind == "user" and text[span.start : span.end].strip():
                    self.record("refused", reason="the fix would delete the user's text")
                    return False
        with self.document.doc.transaction(origin=self.origin):
            for start, end, text in sorted(edits, reverse=True):
                self.document.replace(
                    lines.byte_to_offset(start), lines.byte_to_offset(end), text, self.origin
                )
        return True

    def _busy_rows(self) -> list[tuple[int, int]]:
        """Rows of regions implementers are still writing, with a line's margin each side."""
        rows: list[tuple[int, int]] = []
        for region in self.board.regions().values():
            if region is not None:
                rows.append((region[0] - 1, region[1] + 1))
        return rows


def _near(finding: Finding, busy: list[tuple[int, int]]) -> bool:
    rows = [finding.start_point[0]] + [point[0] for _s, _e, point in finding.related]
    return any(lo <= row <= hi for row in rows for lo, hi in busy)
