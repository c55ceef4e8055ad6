"""When a Python reference keeps an earlier binding alive: CPython's order of evaluation.

Two bindings of one name in one scope conflict unless the first was used before the second
ran (pyflakes' "redefinition of unused name"). A reference counts only if it is evaluated
before the later binding runs: module or class body statements between them, decorators,
default values, base classes and annotations that are evaluated. Function and lambda
bodies defined in between run later, when the name already means the second binding;
``type X = …`` values are evaluated lazily; annotations are not evaluated under ``from
__future__ import annotations``, in a stub (``.pyi``) or on a local variable.

:func:`uses_between` walks only the byte range between the two bindings; the deferred
references it meets are kept, so that a finding can say why they do not count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import tree_sitter

__all__ = ["Uses", "deferred_reason", "lazy_annotations", "uses_between"]

#: Where a body runs later than the statement that defines it.
_DEFERRED_BODY = frozenset({"function_definition", "lambda"})
_IMPORTS = frozenset({"import_statement", "import_from_statement", "future_import_statement"})

#: Nodes whose field binds the identifier in it (``def f``, ``class C``, ``X = …``).
_NAMED_BY = {"function_definition": "name", "class_definition": "name", "assignment": "left"}

#: ``children(node, start, end)``: the children of ``node`` overlapping ``start:end``.
ChildLister = Callable[[tree_sitter.Node, int, int], Iterator[tree_sitter.Node]]


@dataclass
class Uses:
    """References to a name between two of its bindings."""

    #: The first reference evaluated before the later binding runs, if any.
    evaluated: tree_sitter.Node | None = None
    #: References in code that runs later (function and lambda bodies, lazy values) or
    #: never (annotations that are not evaluated).
    deferred: list[tree_sitter.Node] = field(default_factory=list)


def lazy_annotations(root: tree_sitter.Node, stub: bool = False) -> bool:
    """Whether annotations are left unevaluated: in a stub, or under ``from __future__
    import annotations`` (which must come first, after the docstring and comments)."""
    if stub:
        return True
    for statement in root.named_children:
        if statement.type == "future_import_statement":
            names = [n.text for n in statement.children_by_field_name("name")]
            if any(name == b"annotations" for name in names):
                return True
        elif statement.type == "comment" or (
            statement.type == "expression_statement"
            and statement.named_child_count == 1
            and statement.named_children[0].type == "string"
        ):
            continue
        else:
            break
    return False


def uses_between(
    root: tree_sitter.Node,
    name: str,
    first: tree_sitter.Node,
    later: tree_sitter.Node,
    later_name: tree_sitter.Node,
    *,
    later_evaluates: bool,
    lazy: bool,
    children: ChildLister | None = None,
) -> Uses:
    """References to ``name`` after the statement ``first`` and before ``later`` binds it.

    ``later_evaluates``: the later binding evaluates code of its own before it binds the
    name (an assignment's value; a definition's decorators, defaults, bases, class body);
    else (an import) the range ends at its name. ``lazy``: annotations are not evaluated.
    """
    start = first.end_byte
    end = later.end_byte if later_evaluates else later_name.start_byte
    wanted = name.encode("utf-8")
    uses = Uses()
    # (node, deferred): deferred nodes are searched only for the message's reason.
    stack: list[tuple[tree_sitter.Node, bool]] = [(root, False)]
    while stack:
        node, deferred = stack.pop()
        if node.end_byte <= start or node.start_byte >= end:
            continue
        kind = node.type
        if kind in _IMPORTS:
            continue  # module names and imported names are not uses
        if kind == "identifier":
            if node.text == wanted and node.id != later_name.id and _is_reference(node):
                if not deferred:
                    uses.evaluated = node
                    return uses
                uses.deferred.append(node)
            continue
        if kind == "type" and not deferred and (lazy or _local_annotation(node)):
            deferred = True  # an annotation that is never evaluated
        listed = node.children if children is None else children(node, start, end)
        # A function or lambda defined in between (not one that holds both bindings).
        defined_here = node.start_byte >= first.end_byte
        for child in listed:
            later_part = deferred
            if not deferred and defined_here:
                later_part = _runs_later(node, child)
            stack.append((child, later_part))
    return uses


def _runs_later(node: tree_sitter.Node, child: tree_sitter.Node) -> bool:
    """Whether ``child`` of a definition made in between runs after the definition."""
    kind = node.type
    if kind in _DEFERRED_BODY:
        body = node.child_by_field_name("body")
        return body is not None and child.id == body.id
    if kind == "type_alias_statement":
        value = node.child_by_field_name("right")
        return value is not None and child.id == value.id
    return False


def _is_reference(node: tree_sitter.Node) -> bool:
    """An identifier that reads the name: not ``x.name``, ``f(name=…)``, a parameter."""
    parent = node.parent
    if parent is None:
        return False
    kind = parent.type
    if kind in _NAMED_BY and parent.child_by_field_name(_NAMED_BY[kind]) == node:
        return False  # another definition's name, an assignment's target: bindings
    if kind == "attribute" and parent.child_by_field_name("attribute") == node:
        # `self.name` / `cls.name` read a class member; other attributes are other names.
        target = parent.child_by_field_name("object")
        return target is not None and target.text in (b"self", b"cls")
    if kind in ("keyword_argument", "default_parameter", "typed_default_parameter"):
        return parent.child_by_field_name("name") != node
    return kind not in (
        "parameters",
        "lambda_parameters",
        "typed_parameter",
        "list_splat_pattern",
        "dictionary_splat_pattern",
    )


def _local_annotation(node: tree_sitter.Node) -> bool:
    """The annotation of a variable in a function body: never evaluated (PEP 526)."""
    parent = node.parent
    if parent is None or parent.type != "assignment":
        return False
    scope = parent.parent
    while scope is not None and scope.type not in ("function_definition", "class_definition"):
        scope = scope.parent
    return scope is not None and scope.type == "function_definition"


def deferred_reason(use: tree_sitter.Node) -> str:
    """Why a deferred reference does not keep the earlier binding: for a finding's message."""
    line = use.start_point[0] + 1
    node = use.parent
    while node is not None:
        above = node.parent.type if node.parent is not None else ""
        if node.type == "type" and above not in ("type", "type_alias_statement"):
            return f"the annotation on line {line} that uses it is not evaluated before it"
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            function = name.text.decode("utf-8", "replace") if name is not None else "?"
            return (
                f"`{function}` uses it on line {line}, but a function body runs after "
                "the second binding"
            )
        if node.type == "lambda":
            return (
                f"a lambda uses it on line {line}, but a lambda body runs after the second binding"
            )
        if node.type == "type_alias_statement":
            return (
                f"a type alias uses it on line {line}, but its value is evaluated after "
                "the second binding"
            )
        node = node.parent
    return f"a use on line {line} runs after the second binding"
