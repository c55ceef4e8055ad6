"""The Outliner (parallel mode) and the single writer (sequential mode).

Both write their answer into the document line by line. The Outliner's TODO markers reach
the hub as their lines complete, and implementers start on them at once. On an empty file
both append. On a file that already holds code the Outliner plans additions instead: its
answer is blocks led by placement lines (``@@ inside-class Inventory``…), each written
where it belongs once the placement is checked against the file, else at the end
(:mod:`codecrdt.agents.placement`). It only ever inserts: the file's text stays.
"""

from __future__ import annotations

from typing import Any

from codecrdt.agents.agent import Agent
from codecrdt.agents.echo import EchoFilter
from codecrdt.agents.placement import Place, Placement, is_header, numbered
from codecrdt.agents.prompts import extend_request, outline_request, sequential_request
from codecrdt.agents.providers.retry import Restart
from codecrdt.agents.shaping import LineShaper, MarkerRepair
from codecrdt.analysis.languages import valid_code
from codecrdt.document import Anchor, Assoc
from codecrdt.markers import scan_markers

__all__ = ["FileOutline", "Outliner", "SequentialWriter"]


class _Appender(Agent):
    async def _append(self, sequential: bool) -> str:
        document = self.document
        if document.text and not document.text.endswith("\n"):
            document.insert(len(document), "\n", self.origin)
        before = document.text
        make = sequential_request if sequential else outline_request
        request = make(self.ctx.language.name, self.ctx.spec, before, self.agent_id)
        self.set_state("writing")
        try:
            repair = None if sequential else MarkerRepair(self.ctx.language.name)
            written = await self.append_answer(request, len(document), repair=repair)
            if not sequential and self.echo_dropped and not scan_markers(written):
                # The answer was the request echoed (or its example copied): no TODO was
                # written. Asked once more, told so (the same request would get the same
                # answer at temperature 0); what was written (imports) stays.
                self.record("echoed", lines=self.echo_dropped)
                request = outline_request(
                    self.ctx.language.name,
                    self.ctx.spec,
                    before + written,
                    self.agent_id,
                    echoed=True,
                )
                repair = MarkerRepair(self.ctx.language.name)
                written += await self.append_answer(request, len(document), repair=repair)
        except BaseException:
            self.set_state("failed")
            raise
        if not sequential:
            # The file before it and what the Outliner wrote: the outline, without any
            # implementer's text that came in meanwhile.
            self.board.publish(outline=before + written)
        self.set_state("done")
        return written


class Outliner(_Appender):
    role = "outliner"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Each placement line of an extending outline, where its block went, and whether
        #: it was written (a block whose place was not found and that is no valid code at
        #: the end of the file is left out).
        self.placements: list[dict[str, Any]] = []

    async def run(self) -> str:
        if self.document.text.strip():
            return await self._extend()
        return await self._append(sequential=False)

    async def _extend(self) -> str:
        """Plan additions to the file as it is, each block written at its place."""
        document = self.document
        if not document.text.endswith("\n"):
            document.insert(len(document), "\n", self.origin)
        text = document.text
        language = self.ctx.language
        placement = Placement(text, language)
        starts = [0]
        for line in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        rows = {-1, placement.last_row, *placement.boundaries}
        if placement.imports_row is not None:
            rows.add(placement.imports_row)
        # Pinned now: others' writing moves them along (Assoc.BEFORE: text typed at the
        # place goes after the block).
        pins = {row: document.anchor(starts[row + 1], Assoc.BEFORE) for row in rows}
        cursors: dict[int, Anchor] = {}
        request = extend_request(language.name, self.ctx.spec, numbered(text), self.agent_id)
        # The file's own markers keep their names: a new one of the same name is renamed.
        repair = MarkerRepair(language.name, used=[m.name for m in scan_markers(text)])
        written: list[str] = []
        replay: list[str] | None = None
        block: _Block | None = None

        def open_block(header: str, place: Place) -> _Block:
            cursor = cursors.get(place.row)
            if cursor is None:
                cursor = cursors[place.row] = document.anchor(pins[place.row].offset, Assoc.AFTER)
            self.record("place", header=header.strip(), how=place.how)
            self.placements.append({"header": header.strip(), "how": place.how, "written": True})
            python = language.name == "python"
            gap = ""
            if place.indent == "" and place.how != "with the imports":
                gap = "\n\n" if python else "\n"  # a new top-level statement
            elif place.how.startswith("inside class") and python:
                gap = "\n"  # a new method
            return _Block(cursor, place, gap, len(self.placements) - 1)

        async def close_block() -> None:
            """A block whose place was not found is written whole, if it is valid code."""
            if block is None or block.held is None:
                return
            held = "".join(block.held)
            if not valid_code(held, language):
                self.placements[block.index]["written"] = False
                self.record("dropped", header=self.placements[block.index]["header"])
                return
            await self.pause_if_stalled()
            self.replica.check()
            document.insert(block.cursor.offset, held, self.origin)
            self.count_lines(held.count("\n"))

        async def put(line: str) -> None:
            nonlocal replay, block
            if replay:
                if replay[0] == line:
                    replay.pop(0)
                    return
                replay = None
            written.append(line)
            if is_header(line):
                await close_block()
                block = open_block(line, placement.resolve(line))
                return
            if block is None:
                block = open_block("@@ end", placement.end())
            out = block.shape(repair(line))
            if block.held is not None:
                block.held.append(out)
                return
            await self.pause_if_stalled()
            self.replica.check()
            document.insert(block.cursor.offset, out, self.origin)
            block.lines += out.count("\n")
            # Its region (held quiet while written): the block's lines so far, just above
            # its cursor.
            row = document.lines.offset_to_point(block.cursor.offset)[0]
            self.board.publish(region=[max(0, row - block.lines), max(0, row - 1)])
            self.count_lines(1)

        self.set_state("writing")
        try:
            shaper = LineShaper()
            echo = EchoFilter(request, language)
            async for piece in self.ctx.stream(request):
                if isinstance(piece, Restart):
                    replay, shaper = list(written), LineShaper()
                    echo = EchoFilter(request, language)
                    continue
                for shaped in shaper.feed(piece):
                    for line in echo.feed(shaped):
                        await put(line)
            for line in [out for shaped in shaper.finish() for out in echo.feed(shaped)]:
                await put(line)
            for line in echo.finish():
                await put(line)
            await close_block()
            self.echo_dropped = echo.dropped
            self.ctx.drop_echo(self.agent_id, None, echo.dropped)
        except BaseException:
            self.set_state("failed")
            raise
        self.board.publish(outline=document.text)
        self.set_state("done")
        return "".join(written)


class _Block:
    """One placed block of an extending outline: where its lines go and how they are
    indented (at least the place's indentation: a method written at column 0 goes into
    its class). A block whose place was not found is held, dedented, to be written whole
    at the end of the file once it is known to be valid code there."""

    def __init__(self, cursor: Anchor, place: Place, gap: str, index: int) -> None:
        self.cursor = cursor
        self.indent = place.indent
        self.index = index
        self.extra: str | None = None
        self.gap = gap
        self.held: list[str] | None = [] if place.fallback else None
        self.dedent = ""
        self.lines = 0  # written so far

    def shape(self, line: str) -> str:
        if not line.strip():
            if self.extra is None:
                self.gap = ""  # the model separates the block itself
            return line
        if self.extra is None:
            self.extra = "" if line.startswith(self.indent) else self.indent
            if self.held is not None:
                self.dedent = line[: len(line) - len(line.lstrip())]
        if self.dedent:
            line = line[len(self.dedent) :] if line.startswith(self.dedent) else line.lstrip()
        gap, self.gap = self.gap, ""
        return f"{gap}{self.extra}{line}"


class SequentialWriter(_Appender):
    role = "sequential"

    async def run(self) -> str:
        return await self._append(sequential=True)


class FileOutline(Agent):
    """The outline of ``codecrdt implement``: the user's file, with its markers, as it is.

    No model is asked and nothing is written; it only says the outline is complete, so
    that the implementers know the TODOs the hub found in the file are all there are.
    """

    role = "outliner"

    async def run(self) -> str:
        self.board.publish(outline=self.document.text)
        self.set_state("done")
        return ""
