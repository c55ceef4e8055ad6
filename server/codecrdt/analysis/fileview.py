"""A file in outline, for a model that needs to see its shape but not every body.

Each top-level statement is shown whole when it is short (:data:`SHORT_LINES` lines or
fewer), or when it holds one of the rows the caller keeps (the lines a model is asked to
change). A longer one keeps its header and elides its body: a function, method or arrow
function its signature up to the body's opening (decorators included) and, in a brace
language, its closing line; a Python function also its docstring's first line; a class
shows its members the same way, one by one. Any other long statement (a large object
literal, a long call) keeps its first and last line. Every line shown carries its line
number in the file at the left (``12 | ...``, as :func:`codecrdt.agents.fix_answers.numbered`
writes them), and each elided run of lines is one line saying which file lines it left out.

Built on the syntax tree, so it follows the language's real structure (Python,
JavaScript, TypeScript, TSX), never the indentation or a regular expression.
"""

from __future__ import annotations

from collections.abc import Iterable

import tree_sitter

__all__ = ["SHORT_LINES", "outline_view"]

#: A statement or member of up to this many lines is always shown whole.
SHORT_LINES = 4

#: Wrappers whose inner declaration is what has a body.
_WRAPPED = {
    "decorated_definition": "definition",
    "export_statement": "declaration",
}
#: Class-like nodes: their members are shown one by one, each elided on its own.
_CLASSES = frozenset(
    {"class_definition", "class_declaration", "abstract_class_declaration", "class"}
)
#: Function-like values of a variable (``const f = (...) => {...}``).
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
#: A Python body (its node starts at its first statement, not at the colon).
_PY_BLOCK = "block"


def outline_view(
    tree: tree_sitter.Tree, source: bytes, keep: Iterable[tuple[int, int]] = ()
) -> tuple[str, list[tuple[int, int]]]:
    """``source`` in outline: the numbered text and the elided runs of lines (1-based,
    inclusive). ``keep``: row ranges (0-based, inclusive) whose top-level statements are
    shown whole."""
    lines = source.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    hidden = _statements(tree.root_node.named_children, list(keep))
    hidden = sorted(h for h in hidden if h[1] - h[0] >= 1)  # one line is shown, not elided
    width = len(str(len(lines)))
    out: list[str] = []
    row = 0
    for start, end in hidden:
        if start < row:
            continue
        out.extend(_line(r, lines, width) for r in range(row, start))
        indent = next((_indent(line) for line in lines[start : end + 1] if line.strip()), "")
        out.append(f"{'':>{width}} | {indent}… lines {start + 1}-{end + 1} left out\n")
        row = end + 1
    out.extend(_line(r, lines, width) for r in range(row, len(lines)))
    return "".join(out), [(a + 1, b + 1) for a, b in hidden]


def _statements(
    nodes: list[tree_sitter.Node], kept: list[tuple[int, int]], top: bool = True
) -> list[tuple[int, int]]:
    """The rows left out of ``nodes`` (``top``: the file's top-level statements). A node
    with a syntax error in it (a statement still being written, whose missing end the
    parser finds only at the end of the file) is read child by child: of what it holds,
    only error-free declarations and blocks with a body are elided, the rest is shown."""
    hidden: list[tuple[int, int]] = []
    for node in nodes:
        first, last = node.start_point.row, node.end_point.row
        if last - first + 1 <= SHORT_LINES:
            continue
        if node.type == "ERROR" or node.has_error:
            hidden.extend(_statements(node.named_children, kept, top=False))
        elif any(a <= last and first <= b for a, b in kept):
            continue
        elif top or _has_body(node):
            hidden.extend(_elided(node))
    return hidden


def _has_body(node: tree_sitter.Node) -> bool:
    inner = _declaration(node)
    return inner.type in _CLASSES or inner.child_by_field_name("body") is not None


def _line(row: int, lines: list[str], width: int) -> str:
    return f"{row + 1:>{width}} | {lines[row]}\n"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _elided(node: tree_sitter.Node) -> list[tuple[int, int]]:
    """The row ranges (0-based, inclusive) of ``node`` left out of the outline."""
    inner = _declaration(node)
    if inner.type in _CLASSES and (body := inner.child_by_field_name("body")) is not None:
        found: list[tuple[int, int]] = []
        for member in body.named_children:
            if member.end_point.row - member.start_point.row + 1 > SHORT_LINES:
                found.extend(_elided(member))
        return found
    body = inner.child_by_field_name("body")
    if body is None:
        return _middle(node)
    if body.type == _PY_BLOCK:
        first = body.start_point.row
        docstring = _docstring(body)
        if docstring is not None:
            first = docstring.start_point.row + 1
        return [(first, node.end_point.row)] if first <= node.end_point.row else []
    # A brace body (or an arrow function's expression): its opening and closing line stay.
    return _middle(body)


def _middle(node: tree_sitter.Node) -> list[tuple[int, int]]:
    first, last = node.start_point.row + 1, node.end_point.row - 1
    return [(first, last)] if first <= last else []


def _declaration(node: tree_sitter.Node) -> tree_sitter.Node:
    """What has the body: a decorated or exported declaration's inner one, a variable's
    function value."""
    while True:
        field = _WRAPPED.get(node.type)
        inner = node.child_by_field_name(field) if field else None
        if inner is None and node.type == "export_statement":
            inner = node.child_by_field_name("value")
        if inner is None and node.type in {"lexical_declaration", "variable_declaration"}:
            declarators = [c for c in node.named_children if c.type == "variable_declarator"]
            value = declarators[0].child_by_field_name("value") if len(declarators) == 1 else None
            if value is not None and value.type in _FUNCTIONS:
                inner = value
        if inner is None:
            return node
        node = inner


def _docstring(block: tree_sitter.Node) -> tree_sitter.Node | None:
    first = block.named_children[0] if block.named_children else None
    if (
        first is not None
        and first.type == "expression_statement"
        and first.named_children
        and first.named_children[0].type == "string"
    ):
        return first
    return None
