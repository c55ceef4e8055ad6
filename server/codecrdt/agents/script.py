"""Prepared scripts for the ``scripted`` provider: one TOML file per task.

A script holds what a scripted run streams — the outline, one body per TODO, the whole
file for sequential mode, the answers to the Evaluator's requests — plus the latency model
and injectable faults. The format is documented in docs/scripts.md. Bundled scripts live
in ``codecrdt/agents/scripts/``; ``--script`` takes a bundled task's name or a path.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from codecrdt.markers import scan_markers

__all__ = [
    "Fault",
    "Latency",
    "Script",
    "ScriptError",
    "assemble",
    "bundled_scripts",
    "default_script",
    "load_script",
]

FAULT_KINDS = ("rate_limit", "overloaded", "server_error", "disconnect", "stall", "auth")


class ScriptError(ValueError):
    """A script that cannot be loaded; the message says which file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Latency:
    """A seeded model of a streaming model: first-token time, then a steady rate."""

    ttft_s: float = 1.8
    chars_per_s: float = 280.0
    jitter: float = 0.25
    chars_per_token: float = 4.0
    #: Tokens per streamed event (1 = one event per token, like the real APIs).
    tokens_per_event: int = 1


@dataclass(frozen=True, slots=True)
class Fault:
    key: str  # which request: outline, todo:<name>, sequential, fix:<code>:<name>
    kind: str
    at_token: int = 0
    attempts: tuple[int, ...] = (1,)
    retry_after_s: float | None = None
    stall_s: float = 3600.0


@dataclass(frozen=True)
class Script:
    name: str
    title: str
    language: str
    file: str
    spec: str
    outline: str
    todos: dict[str, str]
    sequential: str
    evaluator: dict[tuple[str, str], str]
    latency: Latency = Latency()
    faults: tuple[Fault, ...] = ()
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def answer(self, key: str) -> str | None:
        """The prepared text for a request key, or None."""
        if key == "outline":
            return self.outline
        if key == "sequential":
            return self.sequential
        if key.startswith("todo:"):
            return self.todos.get(key[5:])
        if key.startswith("fix:"):
            _fix, code, name = key.split(":", 2)
            return self.evaluator.get((code, name))
        return None


def assemble(outline: str, todos: dict[str, str]) -> str:
    """The outline with every marker replaced by its body, at the marker's indentation."""
    parts: list[str] = []
    position = 0
    for marker in scan_markers(outline):
        body = todos.get(marker.name)
        if body is None:
            continue
        parts.append(outline[position : marker.start])
        parts.extend(
            f"{marker.indent}{line}" if line.strip() else "\n"
            for line in body.splitlines(keepends=True)
        )
        position = marker.end
    parts.append(outline[position:])
    return "".join(parts)


def _text(table: Any, where: str, path: str) -> str:
    if not isinstance(table, dict) or not isinstance(table.get("text"), str):
        raise ScriptError(f"{path}: [{where}] needs a string 'text'")
    text: str = table["text"]
    return text if text.endswith("\n") or not text else text + "\n"


def parse_script(data: dict[str, Any], path: str) -> Script:
    if data.get("format", 1) != 1:
        raise ScriptError(f"{path}: unsupported script format {data.get('format')!r}")
    task = data.get("task")
    if not isinstance(task, dict):
        raise ScriptError(f"{path}: missing [task]")
    for key in ("name", "language", "spec"):
        if not isinstance(task.get(key), str) or not task[key].strip():
            raise ScriptError(f"{path}: [task] needs a non-empty '{key}'")
    outline = _text(data.get("outline"), "outline", path)
    todos_table = data.get("todos", {})
    if not isinstance(todos_table, dict):
        raise ScriptError(f"{path}: [todos] must be a table of tables")
    todos = {name: _text(body, f"todos.{name}", path) for name, body in todos_table.items()}
    names = [m.name for m in scan_markers(outline)]
    missing = [n for n in names if n not in todos]
    if missing:
        raise ScriptError(f"{path}: the outline's markers {missing} have no [todos.NAME] body")
    sequential = (
        _text(data["sequential"], "sequential", path)
        if "sequential" in data
        else assemble(outline, todos)
    )
    evaluator: dict[tuple[str, str], str] = {}
    for index, answer in enumerate(data.get("evaluator", [])):
        if not isinstance(answer, dict) or "code" not in answer or "text" not in answer:
            raise ScriptError(f"{path}: [[evaluator]] #{index + 1} needs 'code' and 'text'")
        evaluator[(str(answer["code"]), str(answer.get("name", "")))] = str(answer["text"])
    latency_table = data.get("latency", {})
    try:
        latency = Latency(**latency_table)
    except TypeError as error:
        raise ScriptError(f"{path}: [latency]: {error}") from None
    faults: list[Fault] = []
    for index, fault in enumerate(data.get("faults", [])):
        if fault.get("kind") not in FAULT_KINDS:
            raise ScriptError(
                f"{path}: [[faults]] #{index + 1}: kind must be one of {', '.join(FAULT_KINDS)}"
            )
        attempts = fault.get("attempts", [1])
        faults.append(
            Fault(
                key=str(fault.get("key", "")),
                kind=fault["kind"],
                at_token=int(fault.get("at_token", 0)),
                attempts=tuple(int(a) for a in attempts),
                retry_after_s=fault.get("retry_after_s"),
                stall_s=float(fault.get("stall_s", 3600.0)),
            )
        )
    return Script(
        name=task["name"],
        title=str(task.get("title", task["name"])),
        language=task["language"],
        file=str(task.get("file", "")),
        spec=task["spec"].strip(),
        outline=outline,
        todos=todos,
        sequential=sequential,
        evaluator=evaluator,
        latency=latency,
        faults=tuple(faults),
        path=path,
    )


#: The bundled task a scripted run of each language falls back to when none is named.
_DEFAULT_TASKS = {"python": "inventory-cli", "tsx": "pomodoro-timer"}


def default_script(language: str) -> str | None:
    """The bundled task's name for ``language``, or None when there is none."""
    return _DEFAULT_TASKS.get(language)


def _bundled_dir() -> Path:
    return Path(str(resources.files("codecrdt.agents") / "scripts"))


def bundled_scripts() -> list[Script]:
    return [load_script(str(p)) for p in sorted(_bundled_dir().glob("*.toml"))]


def load_script(name_or_path: str) -> Script:
    """A bundled task by name, or a script file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml" or not path.exists():
        for candidate in sorted(_bundled_dir().glob("*.toml")):
            if candidate.name.split(".")[0] == name_or_path:
                path = candidate
                break
        else:
            names = ", ".join(p.name.split(".")[0] for p in sorted(_bundled_dir().glob("*.toml")))
            raise ScriptError(f"no script named {name_or_path!r} (bundled: {names})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScriptError(f"{path}: {error}") from None
    return parse_script(data, str(path))
