"""What a terminal shows during a run: a live board (rich) or, off a terminal, event lines.

The board has one line per agent (role, state, TODO, and the lines it has written, less
those it took back), the TODO board (status and owner of each TODO) and the conflict counts.
Off a terminal (CI, a pipe) the title (which says the provider and model) and then each
notable event are plain lines on stderr instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from codecrdt.agents.context import RunEvent

__all__ = ["LiveView"]

_STATE_STYLE = {
    "writing": "green",
    "claiming": "yellow",
    "backing-off": "magenta",
    "checking": "cyan",
    "done": "dim",
    "failed": "red",
    "waiting": "dim",
}
_PLAIN_KINDS = {
    "outline",
    "todo",
    "claim",
    "done",
    "conflict",
    "fix",
    "fenced",
    "release",
    "retry",
}


@dataclass
class _Board:
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    todos: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: int = 0
    fixed: int = 0
    retries: int = 0
    elapsed: float = 0.0


class LiveView:
    def __init__(self, title: str, console: Console | None = None, *, live: bool | None = None):
        self.console = console or Console(stderr=True)
        self.title = title
        self.board = _Board()
        self.live_mode = self.console.is_terminal if live is None else live
        self._live: Live | None = None

    def __enter__(self) -> LiveView:
        if self.live_mode:
            self._live = Live(self._render(), console=self.console, refresh_per_second=8)
            self._live.__enter__()
        else:
            self.console.print(self.title, highlight=False, markup=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(None, None, None)
            self._live = None

    def on_event(self, event: RunEvent) -> None:
        board = self.board
        board.elapsed = event.time_s
        details = event.details
        if event.kind == "agent":
            entry = board.agents.setdefault(event.agent, {"role": details.get("role", "")})
            entry.update(state=details.get("state"), todo=details.get("todo"))
        elif event.kind == "lines":  # the total the agent has written (not one region's)
            entry = board.agents.setdefault(event.agent, {"role": details.get("role", "")})
            entry["lines"] = details["lines"]
        elif event.kind == "todo":
            board.todos[str(details["todo"])] = {"status": "pending", "owner": ""}
        elif event.kind == "claim":
            board.todos.setdefault(str(details["todo"]), {}).update(
                status="writing", owner=event.agent
            )
        elif event.kind == "done":
            board.todos.setdefault(str(details["todo"]), {}).update(status="done")
        elif event.kind in ("fenced", "release"):
            for name in details.get("todos", [details.get("todo")]) or []:
                if name:
                    board.todos.setdefault(str(name), {}).update(status="pending", owner="")
        elif event.kind == "conflict" and event.agent == "evaluator":
            board.found += 1
        elif event.kind == "fix":
            board.fixed += 1
        elif event.kind == "retry":
            board.retries += 1
        if self._live is not None:
            self._live.update(self._render())
        elif event.kind in _PLAIN_KINDS:
            self.console.print(self._line(event), highlight=False, markup=False)

    @staticmethod
    def _line(event: RunEvent) -> str:
        details = " ".join(f"{k}={v}" for k, v in event.details.items() if v not in (None, ""))
        return f"{event.time_s:8.2f}s  {event.kind:<8} {event.agent:<10} {details}"

    def _render(self) -> Group:
        board = self.board
        # Every text is a Text: names and paths are shown as they are, never as markup.
        agents = Table(title=Text(self.title), title_justify="left", expand=False, box=None)
        for column in ("agent", "role", "state", "TODO", "lines"):
            agents.add_column(column)
        for name, entry in board.agents.items():
            state = str(entry.get("state") or "")
            agents.add_row(
                Text(name),
                Text(str(entry.get("role", ""))),
                Text(state, style=_STATE_STYLE.get(state, "")),
                Text(str(entry.get("todo") or "")),
                Text(str(entry.get("lines", 0))),
            )
        todos = Table(title="TODOs", title_justify="left", box=None)
        todos.add_column("TODO")
        todos.add_column("status")
        todos.add_column("owner")
        for name, entry in board.todos.items():
            status = str(entry.get("status", ""))
            style = {"done": "green", "writing": "yellow"}.get(status, "")
            todos.add_row(Text(name), Text(status, style=style), Text(str(entry.get("owner", ""))))
        summary = Text(
            f"{board.elapsed:6.1f}s   conflicts found {board.found}, fixed {board.fixed}"
            f"   retries {board.retries}"
        )
        return Group(agents, todos, summary)
