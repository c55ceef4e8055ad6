"""The Evaluator: finds the conflicts parallel writers left and has them fixed.

Each pass analyses the replica's text and applies the deterministic fixes first (merge
duplicate imports, drop an identical duplicate, read the one close name in scope for an
undefined one). Then it sends the model ONE request carrying every conflict of the pass
that still needs a model, each with its sites: the lines a fix replaces, numbered as in the
file, and the other places involved (the first declaration of a duplicate, the second value
of a constant, the definition a call reaches, the names in scope of an undefined name). The
answer is read into one edit per conflict (:mod:`codecrdt.agents.fix_answers`), and each
edit is checked against the current text before it is applied: the lines it replaces must
still be the lines the model was shown, and it must change something, leave no new syntax
error, bring no new conflict and delete no text that no agent wrote. An edit that fails a
check is reported, never applied. Passes repeat until the file is clean or the rounds run
out.

A conflict is asked about at most twice. When the model's fix did not hold (the conflict
is found again in a later pass) or its answer had no usable fix, the second request says
so; after that the conflict is left, and the report says why.

While implementers are still writing, passes run each time a TODO completes and fix the
conflicts away from the regions still being written (syntax errors, undefined names and
call mismatches wait for the end: a statement being streamed is not yet a conflict, and a
name or signature may still be on its way).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter

from codecrdt.agents import authors
from codecrdt.agents.agent import Agent
from codecrdt.agents.context import BudgetExceeded, RunContext
from codecrdt.agents.fix_answers import FixBlock, parse_answer, reindent
from codecrdt.agents.prompts import WHOLE_FILE_CHARS, FixSite, evaluator_request
from codecrdt.agents.providers.base import ProviderError
from codecrdt.agents.replica import Fenced, Replica
from codecrdt.analysis.detect import Finding, analyze
from codecrdt.analysis.fileview import outline_view
from codecrdt.analysis.fixes import (
    ModelTask,
    find_again,
    fix_for,
    model_task,
    region_for,
    related_region,
)

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
#: How often one conflict is asked about: once, then once more saying why.
_ASKS = 2
#: Lines of another place (a first declaration, a definition) shown with a conflict.
_OTHER_LINES = 12


@dataclass
class EvaluatorReport:
    found: set[tuple[str, str]] = field(default_factory=set)
    #: Fixes applied (one conflict that came back and was fixed again counts twice).
    fixed_deterministic: int = 0
    fixed_model: int = 0
    #: The distinct conflicts (keyed as ``found``) that at least one fix was applied to,
    #: by how the last fix was made: a subset of ``found``.
    fixed: dict[tuple[str, str], str] = field(default_factory=dict)
    rounds: int = 0
    left: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Model requests, and how many conflicts each carried.
    model_requests: int = 0
    conflicts_per_request: list[int] = field(default_factory=list)
    #: Model fixes whose conflict did not come back / came back in a later pass.
    fixes_held: int = 0
    fixes_not_held: int = 0
    #: Conflicts asked about a second time (the request says why: the last fix did not
    #: hold, or the last answer had no usable fix).
    asked_again: int = 0
    #: What the model answered that was not applied: {"code", "name", "reason"}.
    rejected: list[dict[str, object]] = field(default_factory=list)
    #: Conflicts not asked about again: {"code", "name", "reason"}.
    gave_up: list[dict[str, object]] = field(default_factory=list)

    def fixed_by(self, how: str) -> int:
        """The distinct conflicts whose last fix was made ``how``."""
        return sum(1 for made in self.fixed.values() if made == how)

    def model_summary(self) -> dict[str, object]:
        """The model side of the report, as a run's report and the editor show it."""
        return {
            "requests": self.model_requests,
            "conflicts_per_request": list(self.conflicts_per_request),
            "fixes_held": self.fixes_held,
            "fixes_not_held": self.fixes_not_held,
            "asked_again": self.asked_again,
            "rejected": list(self.rejected),
            "gave_up": list(self.gave_up),
        }


#: A conflict across passes: code, name (or its first line of text), and which of the
#: conflicts of that code and name it is, in file order.
_Identity = tuple[str, str, int]


@dataclass
class _Asked:
    """One time the model was asked about a conflict, and what came of it."""

    outcome: Literal["applied", "unanswered", "rejected"]
    detail: str = ""  # the text applied, or why nothing was
    held: bool | None = None  # for "applied": False once the conflict came back


@dataclass
class _Conflict:
    """A conflict in a request, with what came of the times it was asked about before."""

    identity: _Identity
    finding: Finding
    task: ModelTask | None
    asks: list[_Asked]


@dataclass
class _Item:
    """One place in a request: the conflict there, any other conflict in the same lines
    (the first is the one whose lines are the widest), and what the model was shown, to
    check its answer against."""

    conflicts: list[_Conflict]
    region: tuple[int, int]
    #: The byte ranges its fix edits: the region and the task's other edits.
    spans: list[tuple[int, int]]
    site: FixSite | None = None

    @property
    def primary(self) -> _Conflict:
        return self.conflicts[0]


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
        self._asked: dict[_Identity, list[_Asked]] = {}
        self._gave_up: set[_Identity] = set()
        #: Whether the last pass fixed or asked anything (no: another round cannot help).
        self._progress = False

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
            if not remaining or not self._progress:
                break
        findings, tree, source = self._findings()
        self._came_back(self._identify(findings, tree, source))
        self.report.fixes_held = sum(
            1
            for asks in self._asked.values()
            for ask in asks
            if ask.outcome == "applied" and ask.held is None
        )
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
        self._progress = False
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
            self._progress = True
            self._record_fix(finding, "deterministic", fix.title)
        await self._ask_model(final)
        if not final:
            self.set_state("waiting")
            return []
        findings, _tree, _source = self._findings()
        return findings

    # -- the model's round ------------------------------------------------------------

    async def _ask_model(self, final: bool) -> None:
        """One request for every conflict of this pass that still needs a model; each
        edit of the answer checked and applied on its own."""
        findings, tree, source = self._findings()
        identified = self._identify(findings, tree, source)
        self._came_back(identified)
        busy = [] if final else self._busy_rows()
        items: list[_Item] = []
        for identity, finding in identified:
            if _near(finding, busy) or (not final and finding.code in _FINAL_ONLY):
                continue  # while others write, a half-written statement is not a conflict
            if identity in self._gave_up:
                continue
            asks = self._asked.get(identity, [])
            if len(asks) >= _ASKS:
                self._give_up(identity, finding, asks[-1])
                continue
            task = model_task(finding, tree, source)
            region = task.region if task else region_for(finding, tree, source)
            spans = [region, *((a, b) for a, b, _text in (task.also if task else ()))]
            conflict = _Conflict(identity, finding, task, asks)
            sharing = [i for i in items if _overlap(spans, i.spans)]
            if not sharing:
                items.append(_Item([conflict], region, spans))
            elif len(sharing) == 1 and _nested(sharing[0], region, spans):
                # Two conflicts in the same lines (two undefined names in one function, a
                # call mismatch inside it): one place, one edit; the widest lines shown.
                item = sharing[0]
                if item.region != region and _inside(item.region, region):
                    item.conflicts.insert(0, conflict)
                    item.region, item.spans = region, spans
                else:
                    item.conflicts.append(conflict)
            # else: its lines overlap differently (another conflict's second place): the
            # next pass asks about it.
        for number, item in enumerate(items, start=1):
            item.site = self._site(number, item, tree, source)
            self.report.asked_again += sum(1 for c in item.conflicts if c.asks)
        if not items:
            return
        self._progress = True
        sites = [item.site for item in items if item.site is not None]
        request = evaluator_request(
            self.ctx.language.name,
            self.ctx.spec,
            self.document.text,
            sites,
            self.agent_id,
            outline=_outline(tree, source, sites),
        )
        count = sum(len(item.conflicts) for item in items)
        self.report.model_requests += 1
        self.report.conflicts_per_request.append(count)
        self.record("model-request", conflicts=count)
        try:
            text = await self.ctx.complete(request)
        except (Fenced, BudgetExceeded, asyncio.CancelledError):
            raise
        except ProviderError as error:
            names = ", ".join(
                f"{c.finding.code} {c.finding.name or ''}".strip()
                for item in items
                for c in item.conflicts
            )
            self.report.errors.append(f"model request for {names}: {error}")
            self._progress = False  # another round would ask the same again
            return
        answer = parse_answer(text, set(range(1, len(items) + 1)))
        for number, problem in answer.problems:
            finding = items[number - 1].primary.finding if number else None
            self._reject(finding, problem)
        # Bottom up: an edit never moves the lines of the places still to apply.
        for number, item in sorted(enumerate(items, start=1), key=lambda n: -n[1].region[0]):
            block = answer.blocks.get(number)
            if block is None:
                why = next((p for n, p in answer.problems if n == number), "")
                outcome = _Asked("unanswered", why)
            else:
                reason = self._apply_block(item, block, final)
                if reason == _GONE:
                    continue
                if reason is not None:
                    self._reject(item.primary.finding, f"FIX {number}: {reason}")
                outcome = _Asked("applied" if reason is None else "rejected", reason or block.text)
            for conflict in item.conflicts:
                self._asked.setdefault(conflict.identity, []).append(
                    _Asked(outcome.outcome, outcome.detail)
                )
                if outcome.outcome == "applied":
                    self.report.fixed_model += 1
                    self._record_fix(conflict.finding, "model", "targeted fix")

    def _site(self, number: int, item: _Item, tree: tree_sitter.Tree, source: bytes) -> FixSite:
        """What the model is shown of one place."""
        start, end = item.region
        primary = item.primary.finding
        others: list[tuple[str, str, int]] = []
        details: list[str] = []
        for conflict in item.conflicts:
            for other in self._others(conflict.finding, tree, source, conflict.task):
                if other not in others:
                    others.append(other)
            if (detail := _detail(conflict.finding)) and detail not in details:
                details.append(detail)
        return FixSite(
            number=number,
            code=primary.code,
            name=primary.name,
            message=_located(primary),
            lines=source[start:end].decode("utf-8", errors="replace"),
            first_line=source.count(b"\n", 0, start) + 1,
            others=tuple(others),
            details=tuple(details),
            notes=tuple(_note_again(c.asks[-1]) for c in item.conflicts if c.asks),
            also_here=tuple(
                (c.finding.code, c.finding.name, _located(c.finding)) for c in item.conflicts[1:]
            ),
        )

    def _apply_block(self, item: _Item, block: FixBlock, final: bool) -> str | None:
        """Apply one place's answer after checking it against the current text; None
        when applied, else why not."""
        findings, tree, source = self._findings()
        site = item.site
        assert site is not None
        again = find_again(findings, site.code, site.name, item.primary.finding.start_byte)
        if again is None:
            return _GONE  # fixed meanwhile (by another edit of this answer, or a writer)
        if not final and _near(again, self._busy_rows()):
            return "its lines are being written again"
        task = model_task(again, tree, source)
        start, end = task.region if task else region_for(again, tree, source)
        if source[start:end].decode("utf-8", errors="replace") != site.lines:
            return "its lines changed while the model answered"
        last = site.first_line + max(len(site.lines.splitlines()), 1) - 1
        a, b = start, end
        if block.lines is not None:
            first, final_line = block.lines
            if first < site.first_line or final_line > last:
                return (
                    f"lines {first}-{final_line} are not among its lines ({site.first_line}-{last})"
                )
            offsets = [0]
            for line in site.lines.splitlines(keepends=True):
                offsets.append(offsets[-1] + len(line.encode("utf-8")))
            a = start + offsets[first - site.first_line]
            b = start + offsets[final_line - site.first_line + 1]
        replaced = source[a:b].decode("utf-8", errors="replace")
        text = reindent(block.text, replaced)
        if text.endswith("\n") and not replaced.endswith("\n"):
            text = text[:-1]
        edits = ((a, b, text), *(task.also if task else ()))
        if text == replaced and len(edits) == 1:
            return "the edit changes nothing"
        edited = _edited(source, edits)
        edited_tree = self._parser.parse(edited)
        if _syntax_errors(edited_tree) > _syntax_errors(tree):
            return "the edit would leave a syntax error"
        done = self.board.done_names()
        after = analyze(edited_tree, edited, self.ctx.language, done_todos=done)
        brought = Counter(_about(f) for f in after if f.code in EVALUATED_CODES)
        brought.subtract(_about(f) for f in findings)
        if new := sorted(about for about, count in brought.items() if count > 0):
            return f"the edit would bring new conflicts ({', '.join(new)})"
        if not self._apply(source, edits):
            return "the edit would delete text no agent wrote"
        return None

    def _identify(
        self, findings: list[Finding], tree: tree_sitter.Tree, source: bytes
    ) -> list[tuple[_Identity, Finding]]:
        """Each finding with its identity across passes."""
        seen: Counter[tuple[str, str]] = Counter()
        out = []
        for finding in findings:
            name = finding.name
            if not name:
                start, end = region_for(finding, tree, source)
                name = source[start:end].decode("utf-8", errors="replace").strip()
                name = name.splitlines()[0] if name else ""
            key = (finding.code, name)
            out.append(((key[0], key[1], seen[key]), finding))
            seen[key] += 1
        return out

    def _came_back(self, identified: list[tuple[_Identity, Finding]]) -> None:
        """A conflict the model fixed that is there again: that fix did not hold."""
        for identity, _finding in identified:
            asks = self._asked.get(identity)
            if asks and asks[-1].outcome == "applied" and asks[-1].held is None:
                asks[-1].held = False
                self.report.fixes_not_held += 1

    def _give_up(self, identity: _Identity, finding: Finding, last: _Asked) -> None:
        self._gave_up.add(identity)
        reason = "asked twice; " + {
            "applied": "the last fix did not hold",
            "unanswered": "the last answer had no fix for it",
        }.get(last.outcome, f"the last fix could not be applied: {last.detail}")
        self.report.gave_up.append({"code": finding.code, "name": finding.name, "reason": reason})
        self.record("gave-up", code=finding.code, name=finding.name, reason=reason)

    def _reject(self, finding: Finding | None, reason: str) -> None:
        entry = {
            "code": finding.code if finding else None,
            "name": finding.name if finding else None,
            "reason": reason,
        }
        self.report.rejected.append(entry)
        self.record("rejected", **entry)

    def _others(
        self, finding: Finding, tree: tree_sitter.Tree, source: bytes, task: ModelTask | None
    ) -> tuple[tuple[str, str, int], ...]:
        """The other places a conflict involves, to show beside its lines: the model
        task's (a constant's second value, the definition a call reaches), or the earlier
        declaration of a duplicate."""
        places = list(task.shown) if task else []
        if task is None and (first := related_region(finding, tree, source)):
            places.append(("The earlier declaration", *first))
        out = []
        for label, start, end in places:
            lines = source[start:end].decode("utf-8", errors="replace").splitlines()
            shown = "".join(f"{line}\n" for line in lines[:_OTHER_LINES])
            if len(lines) > _OTHER_LINES:
                label += f" (its first {_OTHER_LINES} lines)"
            out.append((label, shown, source.count(b"\n", 0, start) + 1))
        return tuple(out)

    # -- helpers --------------------------------------------------------------------

    def _note(self, finding: Finding) -> None:
        key = _key(finding)
        if key not in self.report.found:
            self.report.found.add(key)
            self.record("conflict", code=key[0], name=key[1])
            self.ctx.emit("conflict", self.agent_id, code=key[0], name=key[1])

    def _record_fix(self, finding: Finding, how: str, title: str) -> None:
        self._note(finding)  # a conflict fixed was found, whichever pass fixed it
        self.report.fixed[_key(finding)] = how
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


def _outline(tree: tree_sitter.Tree, source: bytes, sites: list[FixSite]) -> str | None:
    """The file in outline for a request about ``sites``, or None to send it whole (up to
    :data:`WHOLE_FILE_CHARS`). Each site's statements are shown whole, its lines and the
    other places it involves."""
    if len(source) <= WHOLE_FILE_CHARS:
        return None
    keep: list[tuple[int, int]] = []
    for site in sites:
        places = [(site.lines, site.first_line), *((t, f) for _l, t, f in site.others)]
        for text, first in places:
            rows = max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)
            keep.append((first - 1, first - 1 + rows))
    text, _elided = outline_view(tree, source, keep)
    return text


def _near(finding: Finding, busy: list[tuple[int, int]]) -> bool:
    rows = [finding.start_point[0]] + [point[0] for _s, _e, point in finding.related]
    return any(lo <= row <= hi for row in rows for lo, hi in busy)


#: :meth:`Evaluator._apply_block`'s answer when the conflict was gone before its edit.
_GONE = "gone"


def _about(finding: Finding) -> str:
    return f"{finding.code} '{finding.name}'" if finding.name else finding.code


def _located(finding: Finding) -> str:
    return f"Line {finding.start_point[0] + 1}: {finding.message}"


def _overlap(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> bool:
    return any(a < d and c < b for a, b in spans for c, d in others)


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _nested(item: _Item, region: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """Whether a conflict whose fix edits ``spans`` can share ``item``'s place: neither
    edits anything but its lines, and one's lines hold the other's."""
    return (
        len(spans) == 1
        and len(item.spans) == 1
        and (_inside(region, item.region) or _inside(item.region, region))
    )


def _detail(finding: Finding) -> str:
    if finding.code != "undefined-name":
        return ""
    names = ", ".join(finding.data.get("in_scope", [])) or "(none)"
    return f"Names in scope there: {names}."


def _note_again(last: _Asked) -> str:
    """Why a conflict is asked about again, for the model."""
    if last.outcome == "applied":
        shown = last.detail or "(an empty block)\n"
        return (
            "Your last fix for this conflict did not hold: the conflict is still there "
            f"after it. You answered:\n{shown}Make a different edit."
        )
    if last.outcome == "unanswered":
        why = f" ({last.detail})" if last.detail else ""
        return f"Your last answer had no usable fix for this conflict{why}. Fix it now."
    return f"Your last fix for this conflict could not be applied: {last.detail}. Fix it now."


def _edited(source: bytes, edits: tuple[tuple[int, int, str], ...]) -> bytes:
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text.encode("utf-8") + out[end:]
    return out


def _syntax_errors(tree: tree_sitter.Tree) -> int:
    """How many ERROR and MISSING nodes ``tree`` has."""
    count, stack = 0, [tree.root_node]
    while stack:
        node = stack.pop()
        if not node.has_error and not node.is_missing:
            continue
        count += node.is_error or node.is_missing
        stack.extend(node.children)
    return count


def _key(finding: Finding) -> tuple[str, str]:
    """How the report counts a conflict: its code and name (or line), once per run."""
    return (finding.code, finding.name or f"line {finding.start_point[0] + 1}")
