"""The Outliner (parallel mode) and the single writer (sequential mode).

Both append their answer to the document line by line. The Outliner's TODO markers reach
the hub as their lines complete, and implementers start on them at once.
"""

from __future__ import annotations

from codecrdt.agents.agent import Agent
from codecrdt.agents.prompts import outline_request, sequential_request
from codecrdt.agents.shaping import MarkerRepair

__all__ = ["Outliner", "SequentialWriter"]


class _Appender(Agent):
    async def _append(self, sequential: bool) -> str:
        document = self.document
        if document.text and not document.text.endswith("\n"):
            document.insert(len(document), "\n", self.origin)
        make = sequential_request if sequential else outline_request
        request = make(self.ctx.language.name, self.ctx.spec, document.text, self.agent_id)
        self.set_state("writing")
        try:
            repair = None if sequential else MarkerRepair(self.ctx.language.name)
            written = await self.append_answer(request, len(document), repair=repair)
        except BaseException:
            self.set_state("failed")
            raise
        self.set_state("done")
        return written


class Outliner(_Appender):
    role = "outliner"

    async def run(self) -> str:
        return await self._append(sequential=False)


class SequentialWriter(_Appender):
    role = "sequential"

    async def run(self) -> str:
        return await self._append(sequential=True)
