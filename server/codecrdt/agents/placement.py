"""Where an Outliner's additions to an existing file go.

On a file that already holds code the Outliner does not append a skeleton: it answers with
blocks, each led by a placement line (:data:`HEADER`)::

    @@ imports                 with the file's imports
    @@ inside-class Inventory  at the end of that class's body
    @@ after load_items        after that top-level function or class
    @@ after-line 42           after line 42 of the file as it was shown (numbered)
    @@ end                     at the end of the file

Every placement is checked against the file's syntax tree (tree-sitter) before anything
is written: a placement lands only on a boundary between statements (at the top level,
in a function's body) or between the members of a class, never inside a statement. A placement that
names nothing there (a class the file does not have, a line inside a function), and lines
before any placement line, go to the end of the file: appending is always safe. The places
are pinned when the run starts (document anchors), so what others write meanwhile moves
them along, and the line numbers stay those of the file the model was shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec

__all__ = ["HEADER", "Place", "Placement", "is_header", "numbered"]

#: A placement line: ``@@ kind [argument]``.
HEADER = re.compile(
    r"^[ \t]*@@[ \t]*(?P<kind>imports|end|after-line|inside-class|after)\b"
    r"[ \t]*(?P<arg>[A-Za-z0-9_$.]*)[ \t]*(?:@@)?[ \t]*$"
)

_IMPORTS = frozenset({"import_statement", "import_from_statement", "future_import_statement"})
_CLASSES = frozenset({"class_definition", "class_declaration", "abstract_class_declaration"})
_WRAPPERS = frozenset({"decorated_definition", "export_statement"})
#: Nodes whose children are statements or members: a block may go after any of them.
_CONTAINERS = frozenset({"module", "program", "block", "statement_block", "class_body"})
#: Containers closed by a brace, which may share the last child's line.
_BRACED = frozenset({"statement_block", "class_body"})


def is_header(line: str) -> bool:
    """Whether ``line`` is meant as a placement line (any line starting with ``@@``)."""
    return line.lstrip().startswith("@@")


def numbered(text: str) -> str:
    """``text`` with 1-based line numbers, as the Outliner is shown an existing file."""
    lines = text.splitlines()
    width = len(str(len(lines)))
    return "".join(f"{n:>{width}}| {line}\n" for n, line in enumerate(lines, 1))


@dataclass(frozen=True, slots=True)
class Place:
    """Where a block goes: after 0-based ``row`` (-1: at the very start), each of its
    lines indented by at least ``indent``. ``how`` says which placement was taken."""

    row: int
    indent: str
    how: str
    #: The placement asked for was not found: the block goes to the end, dedented.
    fallback: bool = False


class Placement:
    """The boundaries of ``text`` where additions may go, found once."""

    def __init__(self, text: str, spec: LanguageSpec) -> None:
        self.text = text
        self.lines = text.splitlines()
        source = text.encode("utf-8")
        root = tree_sitter.Parser(spec.tree_sitter).parse(source).root_node
        self.last_row = len(self.lines) - 1
        #: Rows after which a block may go (the end of a statement or member), with the
        #: least indentation of what ends there (the outermost statement ending there).
        self.boundaries: dict[int, str] = {}
        self.classes: dict[str, Place] = {}
        self.definitions: dict[str, int] = {}
        self.imports_row: int | None = None
        for child in root.named_children:
            end = _end_row(child)
            node = _unwrapped(child)
            if node.type in _IMPORTS:
                self.imports_row = end
            name = None if node.type in _IMPORTS else node.child_by_field_name("name")
            if name is not None and name.text is not None:
                self.definitions.setdefault(name.text.decode("utf-8", "replace"), end)
            if node.type in _CLASSES and name is not None and name.text is not None:
                self._class(name.text.decode("utf-8", "replace"), node)
        queue = [root]
        while queue:  # outer statements first: their indentation wins at a shared row
            node = queue.pop(0)
            braced = node.type in _BRACED
            for child in node.named_children:
                if node.type in _CONTAINERS and not (
                    braced and _end_row(child) >= node.end_point[0]
                ):
                    row = _end_row(child)
                    self.boundaries.setdefault(row, _indent(self.lines[child.start_point[0]]))
                queue.append(child)
        if self.imports_row is None and root.named_children:
            first = root.named_children[0]
            if first.type in ("comment", "expression_statement") and first.start_point[0] == 0:
                self.imports_row = _end_row(first)  # after a leading docstring or comment

    def _class(self, name: str, node: tree_sitter.Node) -> None:
        body = node.child_by_field_name("body")
        members = [] if body is None else [c for c in body.named_children if c.type != "comment"]
        if not members:
            return
        last = _end_row(members[-1])
        if body is not None and body.type == "class_body" and body.end_point[0] <= last:
            return  # the closing brace shares the last member's line: no line between
        indent = _indent(self.lines[members[0].start_point[0]])
        self.classes.setdefault(name, Place(last, indent, f"inside class {name}"))

    def end(self) -> Place:
        return Place(self.last_row, "", "end")

    def resolve(self, header: str) -> Place:
        """The place a placement line asks for, or the end of the file."""
        match = HEADER.match(header.rstrip("\r\n"))
        if match is None:
            return self.fallback(header)
        kind, arg = match["kind"], match["arg"]
        if kind == "imports":
            row = -1 if self.imports_row is None else self.imports_row
            return Place(row, "", "with the imports")
        if kind == "inside-class" and arg in self.classes:
            return self.classes[arg]
        if kind == "after" and arg in self.definitions:
            return Place(self.definitions[arg], "", f"after {arg}")
        if kind == "after-line" and arg.isdigit():
            row = int(arg) - 1
            if row in self.boundaries:
                return Place(row, self.boundaries[row], f"after line {arg}")
        if kind == "end":
            return self.end()
        return self.fallback(header)

    def fallback(self, header: str) -> Place:
        """The end of the file, for a placement that names nothing there."""
        return Place(self.last_row, "", f"end ({header.strip()} not found)", fallback=True)


def _unwrapped(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.type in _WRAPPERS:
        inner = node.child_by_field_name("definition") or node.child_by_field_name("declaration")
        if inner is None:
            break
        node = inner
    return node


def _end_row(node: tree_sitter.Node) -> int:
    """The last row a node covers (a node ending at column 0 ends on the row before)."""
    row, column = node.end_point
    return row - 1 if column == 0 and row > node.start_point[0] else row


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]
