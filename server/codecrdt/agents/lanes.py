"""Keeping an implementer in its lane: what its answer may declare, checked as it streams.

An implementer writes one TODO. A model asked for one function body often writes more:
the helpers other TODOs are writing, an import the file already has, the function it was
asked to fill (header and all) around the body. :class:`LaneGuard` sits between the line
shaper and the document: it cuts the shaped lines into the region's top-level chunks (a
chunk is complete only when the next top-level line starts and the region parses there,
or when the answer ends). A chunk whose first line of code may declare a taken name (an
import, a decorator, a definition or top-level assignment of a taken name: a quick look
at the line) is held until it is complete; every other chunk streams line by line. A
held chunk's declarations are read with the analysis package's
:func:`~codecrdt.analysis.detect.top_level_declarations`, and then the guard

- skips an import statement whose every name the file already imports the same way (at
  the file's top level it drops one whose names a definition or another TODO has taken;
  an import of a name only other imports bind is written: ``import urllib.request``
  beside ``import urllib.parse`` loads more of the package);
- drops a function or class (and, at the file's top level, a constant or type) whose
  every name the file already declares at its top level or another TODO owns (the
  function whose whole body another marker is, or a top-level marker's own name);
- unwraps the function the region is the body of, when the answer repeats its header:
  only its body (less the docstring) is written;
- drops a definition nested deeper in the region (a ``def``/``class``/``function`` line
  indented past the region's top level, up to the first line indented no further, a
  closing brace at its indentation included) whose name another TODO owns or the file
  defines at its top level: the model writing another lane's function inside its own (a
  class's members are its own names: a method is never dropped for its name).

A name counts as the file's top-level function or class also when only its header line
is there and does not parse (``def average_length(words) -> float is the mean…``, an
outline a small model wrote): the Outliner planned that name.

Everything else is written as the model wrote it. Each decision is a :class:`Prevented`,
counted in the run's report (``prevented``). Class bodies and JSX are left alone: their
top-level lines are members and markup, which the file-level names say nothing about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter

from codecrdt.analysis.detect import Declaration, analyze, top_level_declarations
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.promises import todo_places

__all__ = ["Lane", "LaneGuard", "Prevented", "Taken", "taken_names"]

Action = Literal["dropped", "skipped", "unwrapped"]
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
#: First lines of code that may start a guarded declaration (a quick filter; the syntax
#: tree decides): imports, definitions, and at the top level an assignment.
_OPENS_IMPORT = re.compile(r"^(?:import|from|export\s+(?:\*|\{))\b")
_DECLARES = re.compile(
    r"^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
    r"(?:def|class|function\*?|const|let|var|type)\s+(?P<name>[A-Za-z_$][\w$]*)"
)
_ASSIGNS = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")
#: Declarations guarded inside a function's body (its constants are locals there).
_NESTED_KINDS = frozenset({"function", "class", "import"})
#: A definition's header line (the file's top level: at column 0; nested: stripped).
_DEFINES = re.compile(
    r"^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?"
    r"(?P<kind>def|class|function\*?)\s+(?P<name>[A-Za-z_$][\w$]*)"
)


@dataclass(frozen=True, slots=True)
class Prevented:
    """One top-level declaration of an answer that was not written as the model wrote it."""

    name: str
    kind: str  # function, class, variable, type, import
    #: ``dropped`` (declared or owned elsewhere), ``skipped`` (an import already there),
    #: ``unwrapped`` (the region's own function repeated: its body was written).
    action: Action
    #: The TODO that owns the name, or None when the file declares it.
    owner: str | None
    lines: int

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "declaration": self.kind,
            "action": self.action,
            "owner": self.owner,
            "lines": self.lines,
        }


@dataclass(frozen=True, slots=True)
class Taken:
    """The names an implementer's region may not declare again, read from the file now."""

    #: Name → the file's top-level declarations of it.
    declared: dict[str, list[Declaration]] = field(default_factory=dict)
    #: Name → the other TODO that owns it.
    owned: dict[str, str] = field(default_factory=dict)
    #: Name → ``function`` or ``class``: the file's top-level definition header lines,
    #: read as text (one that does not parse still names what the outline planned).
    headers: dict[str, str] = field(default_factory=dict)

    def elsewhere(self, name: str) -> tuple[bool, str | None]:
        """Whether a definition of ``name`` nested in a region is another lane's, and the
        TODO that owns it (None: the file defines it at its top level)."""
        if name in self.owned:
            return True, self.owned[name]
        kinds = {d.kind for d in self.declared.get(name, ())}
        return bool(kinds & {"function", "class"}) or name in self.headers, None


def taken_names(text: str, spec: LanguageSpec, own: str) -> Taken:
    """What ``text`` declares at its top level, and the names TODOs other than ``own``
    own: the function each one's marker is the whole body of, and a top-level marker's
    own name."""
    tree = tree_sitter.Parser(spec.tree_sitter).parse(text.encode("utf-8"))
    declared: dict[str, list[Declaration]] = {}
    for declaration in top_level_declarations(tree.root_node, spec):
        declared.setdefault(declaration.name, []).append(declaration)
    owned: dict[str, str] = {}
    for place in todo_places(text, spec):
        if place.todo == own:
            continue
        if place.function:
            owned.setdefault(place.function, place.todo)
        elif place.level == "module" and _IDENTIFIER.match(place.todo):
            owned.setdefault(place.todo, place.todo)
    headers: dict[str, str] = {}
    for line in text.splitlines():
        found = _DEFINES.match(line)
        if found is not None:
            kind = "class" if found["kind"] == "class" else "function"
            headers.setdefault(found["name"], kind)
    return Taken(declared, owned, headers)


@dataclass(frozen=True, slots=True)
class Lane:
    """Where one implementer writes."""

    language: LanguageSpec
    #: The marker's indentation: the region's top level.
    indent: str
    level: Literal["module", "function", "other"]
    #: The function whose whole body the region is (repeated, it is unwrapped).
    function: str | None = None


class LaneGuard:
    """Passes on the lines of a region that may be written: a top-level chunk that may
    declare a taken name is held until it is complete and then decided; every other
    chunk streams line by line. ``taken`` reads the file's names when they are needed."""

    def __init__(self, lane: Lane, taken: Callable[[], Taken]) -> None:
        self.lane = lane
        self.taken = taken
        self.prevented: list[Prevented] = []
        self._parser = tree_sitter.Parser(lane.language.tree_sitter)
        #: The region's text before the current chunk (dedented), as written.
        self._before = ""
        #: The current top-level chunk's lines, written already or held.
        self._chunk: list[str] = []
        #: Whether the chunk is held: until its first line of code shows it cannot
        #: declare a taken name, and then, if it may, until it is complete.
        self._held = True
        self._classified = False
        #: A nested definition of another lane being left out: its name, kind, owner,
        #: indentation width, lines so far, and the blank lines after them (which go with
        #: what follows if the definition ends there).
        self._cut: _Cut | None = None
        #: The definitions the lines so far are inside: (header's indentation, a class).
        self._blocks: list[tuple[int, bool]] = []

    @property
    def active(self) -> bool:
        return self.lane.level in ("module", "function")

    def feed(self, line: str) -> list[str]:
        """The lines that may be written now that ``line`` (shaped, ending ``\\n``) came."""
        if not self.active:
            return [line]
        out: list[str] = []
        if self._cut is not None:
            if self._cut.takes(line):
                return []
            out += self._end_cut()
        if self._nested_elsewhere(line):
            return out
        if self._top_level(line) and self._has_code() and self._complete():
            out = self._close()
        self._chunk.append(line)
        if not self._classified:
            if line.strip() and not _is_comment(line, self.lane.language):
                self._classified = True
                if not self._may_declare_taken(self._dedent(line)):
                    self._held = False
                    out += self._chunk  # with the blank and comment lines that led it
        elif not self._held:
            out.append(line)
        return out

    def finish(self) -> list[str]:
        """The rest, once the answer ended."""
        if not self.active:
            return []
        if self._cut is not None:
            self._end_cut()
        chunk, held = self._chunk, self._held
        self._chunk, self._held, self._classified = [], True, False
        return self._decide(chunk) if held else []

    # -- nested definitions -------------------------------------------------------------

    def _nested_elsewhere(self, line: str) -> bool:
        """Whether ``line`` starts a definition nested below the region's top level whose
        name is another lane's (it is then left out, with its body)."""
        body = self._dedent(line)
        if not body.strip():
            return False
        expanded = line.expandtabs()
        width = len(expanded) - len(expanded.lstrip())
        # The definitions this line is inside: a class's members are its own names.
        while self._blocks and self._blocks[-1][0] >= width:
            self._blocks.pop()
        in_class = bool(self._blocks) and self._blocks[-1][1]
        found = _DEFINES.match(body.lstrip())
        if found is None:
            return False
        self._blocks.append((width, found["kind"] == "class"))
        if not body[0].isspace() or in_class:
            return False
        other, owner = self.taken().elsewhere(found["name"])
        if not other:
            return False
        self._blocks.pop()
        kind = "class" if found["kind"] == "class" else "function"
        self._cut = _Cut(
            found["name"], kind, owner, width, braces=self.lane.language.name != "python"
        )
        self._cut.open_braces(body)
        return True

    def _end_cut(self) -> list[str]:
        """The nested definition ended: count it; the blank lines after it are written."""
        cut, self._cut = self._cut, None
        assert cut is not None
        self.prevented.append(Prevented(cut.name, cut.kind, "dropped", cut.owner, cut.lines))
        out: list[str] = []
        for blank in cut.blanks:
            out += self.feed(blank)
        return out

    # -- chunks -----------------------------------------------------------------------

    def _close(self) -> list[str]:
        """End the current chunk: a held one is decided now. Blank lines at its end go
        with the next chunk."""
        chunk = self._chunk
        carry: list[str] = []
        if self._held:
            cut = len(chunk)
            while cut and not chunk[cut - 1].strip():
                cut -= 1
            chunk, carry = chunk[:cut], chunk[cut:]
            out = self._decide(chunk)
        else:
            out = []
            self._before += "".join(map(self._dedent, chunk))
        self._chunk, self._held, self._classified = carry, True, False
        return out

    def _dedent(self, line: str) -> str:
        indent = self.lane.indent
        return line[len(indent) :] if indent and line.startswith(indent) else line

    def _top_level(self, line: str) -> bool:
        body = self._dedent(line)
        return bool(body.strip()) and not body[0].isspace()

    def _has_code(self) -> bool:
        """Whether the chunk holds more than blank lines and comments (comments go with
        the statement they lead)."""
        return any(
            line.strip() and not _is_comment(line, self.lane.language) for line in self._chunk
        )

    def _complete(self) -> bool:
        """Whether the region parses without a syntax error in the current chunk."""
        before = self._before.encode("utf-8")
        source = before + "".join(map(self._dedent, self._chunk)).encode("utf-8")
        tree = self._parser.parse(source)
        if not tree.root_node.has_error:
            return True
        errors = analyze(tree, source, self.lane.language, codes=("syntax-error",))
        return all(error.end_byte <= len(before) for error in errors)

    def _may_declare_taken(self, line: str) -> bool:
        """Whether a chunk whose first line of code is ``line`` may declare a taken name
        (or repeat the region's own function): a quick look at the line, so that every
        other chunk streams at once; the syntax tree decides once the chunk is complete."""
        if _OPENS_IMPORT.match(line) or line.startswith("@"):
            return True
        found = _DECLARES.match(line)
        if found is None and self.lane.level == "module":
            found = _ASSIGNS.match(line)
        if found is None:
            return False
        name = found["name"]
        if name == self.lane.function:
            return True
        taken = self.taken()
        return name in taken.owned or name in taken.declared or name in taken.headers

    def _decide(self, chunk: list[str]) -> list[str]:
        if not chunk:
            return []
        text = "".join(map(self._dedent, chunk))
        source = text.encode("utf-8")
        root = self._parser.parse(source).root_node
        found = [
            d
            for d in top_level_declarations(root, self.lane.language)
            if not d.conditional and (self.lane.level == "module" or d.kind in _NESTED_KINDS)
        ]
        if not found:
            self._before += text
            return chunk
        taken = self.taken()
        by_statement: dict[int, list[Declaration]] = {}
        statements: dict[int, tree_sitter.Node] = {}
        for declaration in found:
            statement = _statement(declaration.node, root)
            by_statement.setdefault(statement.id, []).append(declaration)
            statements[statement.id] = statement
        # Rows of the chunk to leave out, and a row's replacement text (an unwrapped body).
        left_out: set[int] = set()
        replaced: dict[int, list[str]] = {}
        for key, declarations in by_statement.items():
            statement = statements[key]
            decision = self._judge(declarations, taken)
            if decision is None:
                continue
            action, owner = decision
            first, last = _rows(statement, root, chunk)
            rows = set(range(first, last + 1))
            body: list[str] = []
            if action == "unwrapped":
                body = self._unwrapped(declarations[0].node, source)
                if not body:
                    action = "dropped"
            left_out |= rows
            if body:
                replaced[first] = body
            name = declarations[0].name
            kind = declarations[0].kind
            self.prevented.append(Prevented(name, kind, action, owner, len(rows)))
        out: list[str] = []
        for row, line in enumerate(chunk):
            if row in replaced:
                out.extend(replaced[row])
            if row not in left_out:
                out.append(line)
        self._before += "".join(map(self._dedent, out))
        return out

    def _judge(
        self, declarations: list[Declaration], taken: Taken
    ) -> tuple[Action, str | None] | None:
        """What to do with one statement's declarations (None: write it)."""
        lane = self.lane
        first = declarations[0]
        if (
            lane.level == "function"
            and len(declarations) == 1
            and first.kind == "function"
            and first.name == lane.function
        ):
            return "unwrapped", None
        owners: list[str | None] = []
        identical = True  # every name imported the same way already (imports)
        clash = True  # every name taken by another TODO or a definition
        for declaration in declarations:
            name = declaration.name
            if name in taken.owned:
                owners.append(taken.owned[name])
                identical = False
                continue
            existing = taken.declared.get(name)
            if not existing:
                if declaration.kind in ("function", "class") and name in taken.headers:
                    owners.append(None)  # a header of the file's that does not parse
                    identical = False
                    continue
                return None  # a new name: written
            owners.append(None)
            imports = [e for e in existing if e.kind == "import"]
            if declaration.kind != "import" or not any(
                e.imported == declaration.imported for e in imports
            ):
                identical = False
            if len(imports) == len(existing):
                clash = False
        if first.kind == "import":
            if identical:
                return "skipped", None
            if lane.level != "module" or not clash:
                # A local import of another binding (the body's own), or another import
                # of an imported name (`import a.c` beside `import a.b` loads more of
                # `a`; two imports binding one name are the Evaluator's to merge).
                return None
        owner = next((o for o in owners if o is not None), None)
        return "dropped", owner

    def _unwrapped(self, function: tree_sitter.Node, source: bytes) -> list[str]:
        """The lines of ``function``'s body (less its docstring), at the region's indent."""
        body = function.child_by_field_name("body")
        if body is None:
            return []
        statements = list(body.named_children)
        if statements and _docstring(statements[0]):
            statements.pop(0)
        if not statements:
            return []
        start = statements[0]
        # From the first statement to the body's last; the lines after the first keep
        # their indentation beyond the first's.
        text = source[start.start_byte : statements[-1].end_byte].decode("utf-8", "replace")
        width = start.start_point[1]
        lines = []
        for line in text.splitlines():
            lead = len(line) - len(line.lstrip(" \t"))
            kept = line[min(lead, width) :]
            lines.append(f"{self.lane.indent}{kept}\n" if line.strip() else "\n")
        return lines


@dataclass(slots=True)
class _Cut:
    """A nested definition being left out, line by line: it runs while lines are blank or
    indented past its header; in a language with braces a line at its indentation that
    closes it (``}``) is its last, and a header whose braces balance is a whole
    definition on one line."""

    name: str
    kind: str
    owner: str | None
    width: int
    braces: bool
    lines: int = 1
    blanks: list[str] = field(default_factory=list)
    done: bool = False
    depth: int = 0

    def open_braces(self, header: str) -> None:
        if self.braces:
            self.depth = header.count("{") - header.count("}")
            self.done = "{" in header and self.depth <= 0

    def takes(self, line: str) -> bool:
        """Whether ``line`` belongs to the definition (and is left out)."""
        if self.done:
            return False
        if not line.strip():
            self.blanks.append(line)
            return True
        expanded = line.expandtabs()
        width = len(expanded) - len(expanded.lstrip())
        if width <= self.width and not (
            self.braces and width == self.width and line.strip().startswith("}")
        ):
            return False
        self.lines += 1 + len(self.blanks)
        self.blanks = []
        if self.braces:
            self.depth += line.count("{") - line.count("}")
            self.done = width == self.width and self.depth <= 0
        return True


def _statement(node: tree_sitter.Node, root: tree_sitter.Node) -> tree_sitter.Node:
    """The top-level statement that holds ``node``."""
    while node.parent is not None and node.parent.id != root.id:
        node = node.parent
    return node


def _rows(statement: tree_sitter.Node, root: tree_sitter.Node, chunk: list[str]) -> tuple[int, int]:
    """The chunk's rows of ``statement`` with the comments and blank lines just above it."""
    first, last = statement.start_point[0], statement.end_point[0]
    if statement.end_point[1] == 0 and last > first:
        last -= 1
    previous = statement.prev_sibling
    while previous is not None and previous.type == "comment":
        if previous.end_point[0] < first - 1 and any(
            chunk[row].strip() for row in range(previous.end_point[0] + 1, first)
        ):
            break
        first = previous.start_point[0]
        previous = previous.prev_sibling
    while first > 0 and not chunk[first - 1].strip():
        first -= 1
    return first, min(last, len(chunk) - 1)


def _docstring(statement: tree_sitter.Node) -> bool:
    return (
        statement.type == "expression_statement"
        and bool(statement.named_children)
        and statement.named_children[0].type == "string"
    )


def _is_comment(line: str, language: LanguageSpec) -> bool:
    stripped = line.strip()
    if language.name == "python":
        return stripped.startswith("#")
    return stripped.startswith(("//", "/*", "*"))
