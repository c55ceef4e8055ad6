"""Command arguments: one attrs class per command, read strictly by the server's converter.

Every CodeCRDT ``workspace/executeCommand`` takes one JSON object. Its class here lists the
fields (snake_case in Python, camelCase on the wire, as in lsprotocol's types) and their
types. :func:`register_hooks` teaches the server's cattrs converter to read these classes,
and a handler names its class in its signature (``arguments: DocumentStateArguments``):
pygls converts the argument with the server's converter before the handler runs and answers
``InvalidParams`` when that fails. So a bad argument is refused in this one place, with one
kind of message (``Invalid Params: text must be a string``).

Reading is strict where cattrs' defaults are lenient (``str(7)``, ``bool("yes")``): a value
of the wrong JSON type is refused, never converted. Unknown keys are ignored, so a newer
client's extra fields do no harm.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

__all__ = [
    "ABSENT",
    "ApplyFixArguments",
    "ArgumentError",
    "CommandArguments",
    "DocumentStateArguments",
    "EvaluateArguments",
    "GenerateArguments",
    "ImplementArguments",
    "RunIdArguments",
    "SimulateWriterArguments",
    "StatusArguments",
    "register_hooks",
    "wire_name",
]


class ArgumentError(ValueError):
    """A command argument that cannot be read; the message names the field."""


class _Absent:
    """The value of a field the client did not send (distinct from an explicit null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@attrs.frozen(kw_only=True)
class CommandArguments:
    """The base of every command's argument object."""


@attrs.frozen(kw_only=True)
class DocumentStateArguments(CommandArguments):
    """``codecrdt.documentState`` and ``codecrdt.blame``: the document to describe."""

    uri: str


@attrs.frozen(kw_only=True)
class SimulateWriterArguments(CommandArguments):
    """``codecrdt.simulateWriter``: stream ``text`` (or ``chunks`` stamped lines) in."""

    uri: str
    text: str | None = None
    stamp: bool = False
    chunks: int | None = None
    name: str | None = None
    #: Where to write (code points); None: at the end.
    offset: int | None = None
    chunk: int = 16
    interval_ms: float = 20

    def __attrs_post_init__(self) -> None:
        if not self.stamp and self.text is None:
            raise ArgumentError("text must be a string")
        if self.stamp and (self.chunks is None or self.chunks < 0):
            raise ArgumentError("with stamp, chunks must be a non-negative integer")


@attrs.frozen(kw_only=True)
class ApplyFixArguments(CommandArguments):
    """``codecrdt.applyFix``: the finding to fix, as the code action gave it."""

    uri: str
    code: str
    name: str | None = None
    #: The finding's byte offset when the diagnostic was made (it is found again near it).
    byte: int = 0


@attrs.frozen(kw_only=True)
class EvaluateArguments(CommandArguments):
    """``codecrdt.evaluate`` and ``codecrdt.fixWithEvaluator`` (which also get the
    finding's ``code``, ``name`` and ``byte``: ignored, the Evaluator takes every conflict)."""

    uri: str
    spec: str | None = None


@attrs.frozen(kw_only=True)
class RunIdArguments(CommandArguments):
    """``codecrdt.cancel`` and ``codecrdt.undoRun``.

    Any JSON value is taken: the run manager answers "no run with id …" for one that is not
    a run's.
    """

    run_id: Any


@attrs.frozen(kw_only=True)
class StatusArguments(CommandArguments):
    """``codecrdt.status``: one run, or (without ``runId``) every run."""

    run_id: Any = None


@attrs.frozen(kw_only=True)
class GenerateArguments(CommandArguments):
    """``codecrdt.generate``'s fields, carried as given.

    The values are checked by the run request's own validator (:meth:`RunRequest.parse`,
    shared with the CLI), so this class only carries them: :meth:`as_json` is the object
    the client sent, less unknown keys.
    """

    uri: Any = ABSENT
    spec: Any = ABSENT
    agents: Any = ABSENT
    mode: Any = ABSENT
    provider: Any = ABSENT
    model: Any = ABSENT
    base_url: Any = ABSENT
    script: Any = ABSENT
    wait: Any = ABSENT
    time_scale: Any = ABSENT

    def as_json(self) -> dict[str, Any]:
        """The fields the client sent, by their wire names."""
        return {
            wire_name(field.name): value
            for field in attrs.fields(type(self))
            if (value := getattr(self, field.name)) is not ABSENT
        }


@attrs.frozen(kw_only=True)
class ImplementArguments(GenerateArguments):
    """``codecrdt.implement``: ``codecrdt.generate``'s fields (``spec`` optional), and the
    lines whose markers to implement (``range``, an LSP range: its plain TODO/FIXME
    comments are named first) and the markers by name (``names``). ``range`` and ``names``
    are checked by the command itself."""

    range: Any = ABSENT
    names: Any = ABSENT


def wire_name(name: str) -> str:
    """A field's name on the wire: ``interval_ms`` → ``intervalMs`` (lsprotocol's rule)."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def register_hooks(converter: cattrs.Converter) -> None:
    """Make ``converter`` read every :class:`CommandArguments` class strictly."""
    converter.register_structure_hook_factory(_is_arguments, _structure_function)


def _is_arguments(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, CommandArguments)


def _structure_function(cls: type[CommandArguments]) -> Callable[[Any, Any], Any]:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, wire_name(f.name), hints[f.name], f.default) for f in attrs.fields(cls)]

    def structure(value: Any, _type: Any) -> CommandArguments:
        if not isinstance(value, dict):
            raise ArgumentError("expected one object argument")
        given: dict[str, Any] = {}
        for name, wire, kind, default in fields:
            if wire not in value:
                if default is attrs.NOTHING:
                    raise ArgumentError(f"{wire} is missing")
                continue
            problem = _problem(kind, value[wire])
            if problem:
                raise ArgumentError(f"{wire} {problem}")
            given[name] = value[wire]
        return cls(**given)

    return structure


@functools.cache
def _expected(kind: Any) -> tuple[tuple[type, ...], str]:
    """The Python types a JSON value of the annotated ``kind`` may have, and the message."""
    if kind is Any:
        return (object,), ""
    options = typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)
    allowed: list[type] = []
    words: list[str] = []
    for option in options:
        if option is type(None):
            allowed.append(type(None))
            continue
        allowed.append(option)
        if option is float:
            allowed.append(int)
        words.append(_WORDS[option])
    return tuple(allowed), "must be " + " or ".join(words)


_WORDS: dict[type, str] = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
}


def _problem(kind: Any, value: Any) -> str | None:
    allowed, message = _expected(kind)
    # bool is an int in Python, never in JSON.
    if isinstance(value, bool) and bool not in allowed and object not in allowed:
        return message
    return None if isinstance(value, allowed) else message
