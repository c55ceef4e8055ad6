"""The definitions other TODOs promise: the signature each TODO marker is the body of.

An implementer writing one TODO sees the whole file, but a helper whose body is still a
marker is easy to miss or to write again under another name. This lists, for the other
TODOs, the header of the function, method or arrow function whose whole body their marker
is, as the outline declared it (``def load_rows(path: str) -> list[Row]``).
"""

from __future__ import annotations

import re

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec
from codecrdt.markers import scan_markers

__all__ = ["promised_definitions"]

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


def promised_definitions(text: str, spec: LanguageSpec, own: str) -> list[tuple[str, str]]:
    """(TODO name, the definition header it fills) for each TODO but ``own`` whose marker
    is a function's body, in document order."""
    markers = [m for m in scan_markers(text) if m.name != own]
    if not markers:
        return []
    source = text.encode("utf-8")
    tree = tree_sitter.Parser(spec.tree_sitter).parse(source)
    promised: list[tuple[str, str]] = []
    seen: set[int] = set()
    for marker in markers:
        start = len(text[: marker.start].encode("utf-8")) + len(marker.indent.encode("utf-8"))
        node: tree_sitter.Node | None = tree.root_node.descendant_for_byte_range(start, start)
        while node is not None and node.type not in _FUNCTIONS:
            node = node.parent
        if node is None or node.start_byte in seen or not _only_marker(node):
            continue
        seen.add(node.start_byte)
        header = _header(node, source)
        if header:
            promised.append((marker.name, header))
    return promised


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
