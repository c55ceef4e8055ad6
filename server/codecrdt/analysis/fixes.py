"""Deterministic repairs of findings: merge duplicate imports, drop identical duplicates,
read the one close name in scope for an undefined one.

A fix is computed on the current tree (the document may have moved on since the
diagnostic was published): the finding is looked up again by code and name, nearest to
where it was. Fixes are byte-range replacements, applied to the shared document.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from codecrdt.analysis.detect import Finding, node_text
from codecrdt.analysis.values import import_key

__all__ = [
    "Fix",
    "ModelTask",
    "find_again",
    "fix_for",
    "model_task",
    "region_for",
    "related_region",
    "top_level_region",
]


@dataclass(frozen=True)
class Fix:
    title: str
    #: Replacements (start_byte, end_byte, text) on the current source, non-overlapping.
    edits: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class ModelTask:
    """A targeted model fix that is more than "replace the later statement": the region
    the answer replaces, the edits applied with it, and the other places the model is
    shown beside the region."""

    region: tuple[int, int]
    #: Applied together with the answer (start_byte, end_byte, text), not overlapping it.
    also: tuple[tuple[int, int, str], ...]
    #: The other places: (what it is, start_byte, end_byte).
    shown: tuple[tuple[str, int, int], ...] = ()


def find_again(findings: list[Finding], code: str, name: str | None, near: int) -> Finding | None:
    candidates = [f for f in findings if f.code == code and f.name == name]
    return min(candidates, key=lambda f: abs(f.start_byte - near), default=None)


def fix_for(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> Fix | None:
    """The deterministic fix of a finding, or None when only a model could fix it."""
    if finding.code == "duplicate-import":
        if finding.data.get("reimport"):
            fix = _drop_reimports(finding, tree, source)
            if fix is not None:
                return fix
        return _merge_import(finding, tree, source)
    if finding.code == "undefined-name":
        return _change_name(finding, source)
    if finding.code in ("duplicate-declaration", "duplicate-member") and finding.data.get(
        "identical"
    ):
        first = _statement(tree, *finding.data["first"])
        second = _statement(tree, *finding.data["second"])
        if first.text != second.text:
            return None  # e.g. one of them is exported: which to keep is a judgement
        start, end = _whole_lines(source, second.start_byte, second.end_byte)
        return Fix(f"Remove the identical duplicate of '{finding.name}'", ((start, end, ""),))
    return None


def _change_name(finding: Finding, source: bytes) -> Fix | None:
    """An undefined name with exactly one close name in scope: read that one instead."""
    suggestion = finding.data.get("suggestion")
    name = finding.name or ""
    if not suggestion or source[finding.start_byte : finding.end_byte] != name.encode():
        return None
    return Fix(f"Change to '{suggestion}'", ((finding.start_byte, finding.end_byte, suggestion),))


def top_level_region(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> tuple[int, int]:
    """The top-level statement ``finding`` is in, on whole lines: a targeted fix of a
    missing name may need to add an import or a definition beside it."""
    node = tree.root_node.descendant_for_byte_range(finding.start_byte, finding.end_byte)
    while node is not None and node.parent is not None and node.parent.parent is not None:
        node = node.parent
    if node is None or node.parent is None:
        return finding.start_byte, finding.end_byte
    return _whole_lines(source, node.start_byte, node.end_byte)


def region_for(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> tuple[int, int]:
    """The byte range a targeted fix of ``finding`` replaces: the whole statement it is in.

    For a duplicate, that is the later declaration's statement (decorators and ``export``
    included), on whole lines when nothing else shares them.
    """
    statement = _top_statement(_statement(tree, finding.start_byte, finding.end_byte))
    return _whole_lines(source, statement.start_byte, statement.end_byte)


def related_region(
    finding: Finding, tree: tree_sitter.Tree, source: bytes
) -> tuple[int, int] | None:
    """The statement of the earlier declaration ``finding`` conflicts with (its first
    related place), on whole lines; None when it has none."""
    if not finding.related:
        return None
    start, end, _point = finding.related[0]
    statement = _top_statement(_statement(tree, start, end))
    return _whole_lines(source, statement.start_byte, statement.end_byte)


def model_task(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> ModelTask | None:
    """A ``conflicting-value``: no value can be guessed, so the model is shown both
    assignments and answers with the one that stands; it replaces the first (so that every
    use after it sees the value) and the second is removed. An ``arity-mismatch``: the
    call's statement, with the definition it reaches shown. An ``undefined-name``: the
    top-level statement it is in (room for an import or a definition); the names in scope
    are in the finding's ``data``. None for other findings."""
    if finding.code == "arity-mismatch":
        start, end = finding.data["definition"]
        shown = (("The definition the call reaches", start, end),)
        return ModelTask(region_for(finding, tree, source), (), shown)
    if finding.code == "undefined-name":
        return ModelTask(top_level_region(finding, tree, source), ())
    if finding.code != "conflicting-value":
        return None
    first = _node(tree, *finding.data["first"])
    second = _node(tree, *finding.data["second"])
    if first is None or second is None:
        return None
    one, two = _top_statement(first), _top_statement(second)
    if _declarators(one) > 1 or _declarators(two) > 1:
        return None  # `const A = 1, B = 2`: the other constant must stay
    region = _whole_lines(source, one.start_byte, one.end_byte)
    removed = _whole_lines(source, two.start_byte, two.end_byte)
    shown = (("The second place (removed with your fix)", *removed),)
    return ModelTask(region, ((removed[0], removed[1], ""),), shown)


def _top_statement(node: tree_sitter.Node) -> tree_sitter.Node:
    """The statement ``node`` is in, directly in a module, block or class body."""
    while node.parent is not None and node.parent.type not in (
        "module",
        "program",
        "block",
        "statement_block",
        "class_body",
    ):
        node = node.parent
    return node


def _declarators(statement: tree_sitter.Node) -> int:
    if statement.type == "export_statement":
        statement = statement.child_by_field_name("declaration") or statement
    return sum(1 for c in statement.named_children if c.type == "variable_declarator")


def _merge_import(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> Fix | None:
    first = _node(tree, *finding.data["first"])
    second = _node(tree, *finding.data["second"])
    if first is None or second is None:
        return None
    name = finding.name or ""
    first_names, first_module = _import_parts(first)
    second_names, second_module = _import_parts(second)
    if first.id == second.id:  # the same statement binds it twice: drop the repeat
        return _drop_specifier(finding, second, second_names, name, source)
    if (
        first_module is not None
        and first_module == second_module
        and first_names
        and second_names
        and _only_named(first)
        and _only_named(second)
    ):
        # Same module, two statements: one statement with the union of the names.
        merged = list(dict.fromkeys(node_text(n) for n in first_names + second_names))
        inner = ", ".join(merged)
        list_start, list_end = first_names[0].start_byte, first_names[-1].end_byte
        start, end = _whole_lines(source, second.start_byte, second.end_byte)
        return Fix(
            f"Merge the duplicate imports of '{name}' into one statement",
            ((list_start, list_end, inner), (start, end, "")),
        )
    return _drop_specifier(finding, second, second_names, name, source)


def _drop_reimports(finding: Finding, tree: tree_sitter.Tree, source: bytes) -> Fix | None:
    """A Python re-import: remove the names the later statement imports again (what the
    first statement already imports), keep its other names."""
    first = _node(tree, *finding.data["first"])
    second = _node(tree, *finding.data["second"])
    if first is None or second is None or first.id == second.id:
        return None
    names, _module = _import_parts(second)
    before = {_specifier_key(first, n) for n in _import_parts(first)[0]}
    repeated = [i for i, n in enumerate(names) if _specifier_key(second, n) in before]
    if not repeated:
        return None
    shown = ", ".join(f"'{_local_name(names[i])}'" for i in repeated)
    title = f"Remove the duplicate import{'s' if len(repeated) > 1 else ''} of {shown}"
    kept = [i for i in range(len(names)) if i not in repeated]
    if not kept:
        start, end = _whole_lines(source, second.start_byte, second.end_byte)
        return Fix(title, ((start, end, ""),))
    last_kept = kept[-1]
    edits = [(names[i].start_byte, names[i + 1].start_byte, "") for i in repeated if i < last_kept]
    if repeated[-1] > last_kept:  # the names after the last kept one, with their commas
        edits.append((names[last_kept].end_byte, names[repeated[-1]].end_byte, ""))
    return Fix(title, tuple(edits))


def _specifier_key(statement: tree_sitter.Node, specifier: tree_sitter.Node) -> object:
    alias = specifier.child_by_field_name("alias")
    return import_key(statement, alias if alias is not None else specifier)


def _only_named(statement: tree_sitter.Node) -> bool:
    """An import of named specifiers only: no default or namespace binding, not ``import
    type`` (merging those would drop a binding or change what kind of import it is)."""
    if statement.type == "import_from_statement":  # Python: `from m import a, b`
        return True
    if any(child.type == "type" for child in statement.children):
        return False
    clauses = [c for c in statement.named_children if c.type == "import_clause"]
    return len(clauses) == 1 and [c.type for c in clauses[0].named_children] == ["named_imports"]


def _drop_specifier(
    finding: Finding,
    statement: tree_sitter.Node,
    names: list[tree_sitter.Node],
    name: str,
    source: bytes,
) -> Fix:
    binding = [n for n in names if _local_name(n) == name]
    named = names[0].parent if len(names) == 1 and binding else None
    if named is not None and named.type == "named_imports" and not _only_named(statement):
        # `import b, { a } from "m"`: drop `, { a }` and keep the default import.
        comma = named.prev_sibling
        start = comma.start_byte if comma is not None and comma.type == "," else named.start_byte
        return Fix(f"Remove the duplicate import of '{name}'", ((start, named.end_byte, ""),))
    if len(names) <= 1 or not binding:
        start, end = _whole_lines(source, statement.start_byte, statement.end_byte)
        return Fix(f"Remove the duplicate import of '{name}'", ((start, end, ""),))
    target = binding[-1] if statement.start_byte == finding.data["first"][0] else binding[0]
    index = names.index(target)
    if index + 1 < len(names):
        start, end = target.start_byte, names[index + 1].start_byte
    else:
        start, end = names[index - 1].end_byte, target.end_byte
    return Fix(f"Remove the duplicate import of '{name}'", ((start, end, ""),))


def _import_parts(statement: tree_sitter.Node) -> tuple[list[tree_sitter.Node], str | None]:
    """The specifiers of an import statement that carry names, and its module."""
    if statement.type == "import_from_statement":  # Python
        module = statement.child_by_field_name("module_name")
        names = statement.children_by_field_name("name")
        return list(names), node_text(module) if module is not None else None
    source_node = statement.child_by_field_name("source")
    module = node_text(source_node) if source_node is not None else None
    named = [n for n in _walk(statement) if n.type == "named_imports"]
    if named:
        return [c for c in named[0].named_children if c.type == "import_specifier"], module
    if statement.type == "import_statement" and statement.children_by_field_name("name"):
        return list(statement.children_by_field_name("name")), None  # Python `import a, b`
    return [], module


def _local_name(specifier: tree_sitter.Node) -> str:
    alias = specifier.child_by_field_name("alias")
    if alias is not None:
        return node_text(alias)
    name = specifier.child_by_field_name("name") or specifier
    if name.type == "dotted_name":
        return node_text(name.named_children[0])
    return node_text(name)


def _statement(tree: tree_sitter.Tree, start: int, end: int) -> tree_sitter.Node:
    node = _node(tree, start, end) or tree.root_node.descendant_for_byte_range(start, end)
    while node.parent is not None and node.parent.type in (
        "decorated_definition",
        "export_statement",
        "lexical_declaration",
    ):
        if node.parent.type == "lexical_declaration" and node.parent.named_child_count > 1:
            break  # `const a = 1, b = 2`: keep the other declarators
        node = node.parent
    return node


def _node(tree: tree_sitter.Tree, start: int, end: int) -> tree_sitter.Node | None:
    node = tree.root_node.descendant_for_byte_range(start, end)
    while node is not None and (node.start_byte, node.end_byte) != (start, end):
        node = node.parent
    return node


def _whole_lines(source: bytes, start: int, end: int) -> tuple[int, int]:
    """Widen to whole lines when nothing else shares them, with the line break (and a
    comment at the end of the last line, which goes with the statement it follows)."""
    line_start = source.rfind(b"\n", 0, start) + 1
    line_end = source.find(b"\n", end)
    line_end = len(source) if line_end < 0 else line_end + 1
    after = source[end:line_end].strip()
    if source[line_start:start].strip() or (after and not after.startswith((b"#", b"//"))):
        return start, end
    return line_start, line_end


def _walk(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out
