"""The definitions other TODOs promise: the signature each TODO marker is the body of.

An implementer writing one TODO sees the whole file, but a helper whose body is still a
marker is easy to miss or to write again under another name. This lists, for the other
TODOs, the header of the function, method or arrow function whose whole body their marker
is, as the outline declared it (``def load_rows(path: str) -> list[Row]``).

:func:`todo_places` tells, for every marker, where it sits (the file's top level, a
function's body, or elsewhere: a class body, JSX) and which function's whole body it is:
what an implementer may declare at its region's top level (:mod:`codecrdt.agents.lanes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec
from codecrdt.markers import scan_markers

__all__ = ["TodoPlace", "promised_definitions", "todo_places"]

_FUNCTIONS = frozenset(
    {
        "function_definition",
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
        "arrow_function",
        "function_expression",
    }
)
_STATEMENTS = frozenset({"lexical_declaration", "variable_declaration"})
#: Where a marker is not in a function's body nor at the top level: its region's lines
#: are members or markup, not statements.
_ELSEWHERE = frozenset(
    {
        "class_definition",
        "class_declaration",
        "abstract_class_declaration",
        "class_body",
        "class",
        "jsx_element",
        "jsx_expression",
        "jsx_fragment",
        "object",
        "interface_body",
    }
)


@dataclass(frozen=True, slots=True)
class TodoPlace:
    """Where one TODO marker sits."""

    todo: str
    #: ``module``: the file's top level; ``function``: a function's body; ``other``: a
    #: class body, JSX, an object literal.
    level: Literal["module", "function", "other"]
    #: The header of the function whose whole body the marker is (beside a docstring),
    #: as the outline declared it; "" when the marker is not a whole body.
    header: str = ""
    #: That function's name.
    function: str | None = None


def todo_places(text: str, spec: LanguageSpec) -> list[TodoPlace]:
    """Every marker's place, in document order."""
    markers = scan_markers(text)
    if not markers:
        return []
    source = text.encode("utf-8")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    places: list[TodoPlace] = []
    seen: set[int] = set()
    for marker in markers:
        start = len(text[: marker.start].encode("utf-8")) + len(marker.indent.encode("utf-8"))
        node: tree_sitter.Node | None = tree.root_node.descendant_for_byte_range(start, start)
        level: Literal["module", "function", "other"] = "module"
        while node is not None and node.type not in _FUNCTIONS:
            if node.type in _ELSEWHERE:
                level = "other"
                break
            node = node.parent
        if node is None or level == "other":
            places.append(TodoPlace(marker.name, level))
            continue
        if node.start_byte in seen or not _only_marker(node):
            places.append(TodoPlace(marker.name, "function"))
            continue
        seen.add(node.start_byte)
        header = _header(node, source)
        places.append(TodoPlace(marker.name, "function", header, _name(node) if header else None))
    return places


def promised_definitions(text: str, spec: LanguageSpec, own: str) -> list[tuple[str, str]]:
    """(TODO name, the definition header it fills) for each TODO but ``own`` whose marker
    is a function's body, in document order."""
    return [(p.todo, p.header) for p in todo_places(text, spec) if p.todo != own and p.header]


def _name(function: tree_sitter.Node) -> str | None:
    """A function's name: its own, or the variable's an arrow function is assigned to."""
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None:
        name = function.parent.child_by_field_name("name")  # variable_declarator
    return None if name is None else (name.text or b"").decode("utf-8", errors="replace")


def _only_marker(function: tree_sitter.Node) -> bool:
    """A body that is the marker alone (beside a docstring, ``pass`` or ``...``): the TODO
    writes the whole function, not one part of it (a JSX slot, a branch)."""
    body = function.child_by_field_name("body")
    if body is None:
        return False
    for statement in body.named_children:
        if statement.type in ("comment", "pass_statement"):
            continue
        if (
            statement.type == "expression_statement"
            and statement.named_children[:1]
            and (statement.named_children[0].type in ("string", "ellipsis"))
        ):
            continue
        return False
    return True


def _header(function: tree_sitter.Node, source: bytes) -> str:
    body = function.child_by_field_name("body")
    if body is None:
        return ""
    start = function.start_byte
    parent = function.parent
    if function.type in ("arrow_function", "function_expression") and parent is not None:
        statement = parent.parent  # variable_declarator → const/let statement
        if statement is None or statement.type not in _STATEMENTS:
            return ""
        start = statement.start_byte
    text = source[start : body.start_byte].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", text).strip()
    return text.removesuffix(":").removesuffix("=>").strip()
