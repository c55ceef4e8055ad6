"""The Evaluator's batched fix protocol: how sites are shown and how answers are read.

One request carries every conflict of a round. Each conflict's lines are shown numbered
as in the file (``  12 | text``); the model answers with one block per conflict it fixes::

    FIX 2
    ```python
    RETRY_LIMIT = 5
    ```

The block replaces all the lines shown for conflict 2; ``FIX 2 lines 14-15`` replaces
only those of its lines. An empty fenced block deletes them; a conflict without a block
is left.
Reading is lenient where small models stray (Markdown around the header, a missing
fence, the line numbers copied into the code, the code at column 0 where the lines are
indented) and strict where a guess could damage the file: a block without a readable
header, for a conflict not asked about, answered twice, not closed, or naming lines
outside its conflict is not applied, and each of these is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codecrdt.markers import mentions_marker

__all__ = ["Answer", "FixBlock", "numbered", "parse_answer", "reindent"]

#: A fix block's header: ``FIX 2``, ``### Fix 2:``, ``**FIX #2** (lines 4-5)``.
_HEADER = re.compile(r"^[\s#*>_`-]*fix\s*#?\s*(\d+)\b(.*)$", re.IGNORECASE)
_LINES = re.compile(r"\blines?\s+(\d+)(?:\s*(?:-|–|—|\.\.|to)\s*(\d+))?", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
#: A line as :func:`numbered` shows it, when a model copies the numbers into its answer.
_NUMBERED = re.compile(r"^\s*(\d+) \| ?")


def numbered(text: str, first_line: int) -> str:
    """``text``'s lines prefixed with their 1-based line numbers in the file."""
    lines = text.splitlines()
    width = len(str(first_line + max(len(lines) - 1, 0)))
    return "".join(f"{first_line + i:>{width}} | {line}\n" for i, line in enumerate(lines))


@dataclass(frozen=True, slots=True)
class FixBlock:
    """One conflict's answer: the text that replaces its lines (whole lines, each ending
    in a newline; empty to delete them), or only ``lines`` of them (1-based, inclusive,
    line numbers of the file as shown)."""

    conflict: int
    text: str
    lines: tuple[int, int] | None = None


@dataclass(slots=True)
class Answer:
    blocks: dict[int, FixBlock] = field(default_factory=dict)
    #: What could not be read: (the conflict's number, or None, and why); nothing of it
    #: is applied.
    problems: list[tuple[int | None, str]] = field(default_factory=list)


def parse_answer(text: str, conflicts: set[int]) -> Answer:
    """The fix blocks of ``text`` for the conflicts numbered ``conflicts``.

    Headers are read outside code blocks only; text that is neither a header nor a
    header's code (a model's explanation) is ignored."""
    answer = Answer()
    lines = text.splitlines()
    index, headers = 0, 0
    while index < len(lines):
        match = _HEADER.match(lines[index])
        if match is None:
            index += 1
            continue
        headers += 1
        conflict, rest = int(match.group(1)), match.group(2)
        label = f"FIX {conflict}"
        body, problem, index = _body(lines, index + 1)
        if conflict not in conflicts:  # before the block's own problems: they name it
            answer.problems.append(
                (None, f"{label}: there is no conflict {conflict} in this request")
            )
            continue
        if problem:
            answer.problems.append((conflict, f"{label}: {problem}"))
            continue
        if conflict in answer.blocks:
            answer.problems.append((None, f"{label}: answered twice; only the first block is used"))
            continue
        span = None
        if found := _LINES.search(rest):
            first = int(found.group(1))
            span = (first, int(found.group(2) or first))
            if span[1] < span[0]:
                answer.problems.append(
                    (conflict, f"{label}: lines {span[0]}-{span[1]} run backwards")
                )
                continue
        answer.blocks[conflict] = FixBlock(conflict, body, span)
    if not headers:
        answer.problems.append((None, "the answer has no FIX block"))
    return answer


def _body(lines: list[str], start: int) -> tuple[str, str | None, int]:
    """The code under a header that ends at ``start``: the fenced block that follows it,
    or (without a fence) the lines up to the next header; (text, problem, next index)."""
    after = next((j for j in range(start, len(lines)) if _HEADER.match(lines[j])), len(lines))
    fence = next((j for j in range(start, after) if _FENCE.match(lines[j])), None)
    if fence is not None:  # a fenced block (what comes before it, a model's words, is not code)
        opening = _FENCE.match(lines[fence])
        assert opening is not None
        mark = opening.group(1)[0] * 3
        closing = next(
            (
                j
                for j in range(fence + 1, len(lines))
                if lines[j].strip().startswith(mark) and not lines[j].strip().strip(mark[0])
            ),
            None,
        )
        if closing is None:
            return "", "the code block is not closed (the answer was cut?)", len(lines)
        code, after = lines[fence + 1 : closing], closing + 1
    else:
        code = lines[start:after]
        while code and not code[0].strip():
            code.pop(0)
        while code and not code[-1].strip():
            code.pop()
        if not code:  # deleting takes an explicit empty block
            return "", "no code under the header", after
    code = _unnumbered(code)
    # Never a TODO marker: echoed by a model, it would pass for a new work item.
    code = [line for line in code if not mentions_marker(line)]
    return "".join(f"{line}\n" for line in code), None, after


def _unnumbered(lines: list[str]) -> list[str]:
    """``lines`` without the line numbers :func:`numbered` shows, when a model copied them
    onto every line (consecutive numbers, the ``|`` after each)."""
    shown = [(i, _NUMBERED.match(line)) for i, line in enumerate(lines) if line.strip()]
    if not shown or any(match is None for _i, match in shown):
        return lines
    numbers = [int(match.group(1)) for _i, match in shown if match is not None]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return lines
    return [line[m.end() :] if (m := _NUMBERED.match(line)) else line for line in lines]


def reindent(text: str, replaced: str) -> str:
    """``text`` indented like ``replaced`` when a model wrote it at column 0 while the
    lines it replaces are indented (the structure inside it is kept)."""

    def indent(line: str) -> str:
        return line[: len(line) - len(line.lstrip())]

    ours = [indent(line) for line in replaced.splitlines() if line.strip()]
    theirs = [indent(line) for line in text.splitlines() if line.strip()]
    if not ours or not theirs or min(theirs, key=len) or not min(ours, key=len):
        return text
    prefix = min(ours, key=len)
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(keepends=True)
    )
