"""Python's scopes, bindings and references, from a tree-sitter-python tree.

What binds a name: assignment and ``for``/``with``/``except``/``case`` targets, walrus
(in the nearest scope that is not a comprehension), imports, ``def``/``class``,
parameters, type parameters, ``type`` aliases, and ``global`` (which binds in the module,
as pyflakes has it). ``del`` and ``nonlocal`` read a name. What is evaluated where:
decorators, default values, base classes and annotations in the enclosing scope (type
parameters in an annotation scope of their own), a comprehension's first iterable in the
enclosing scope and the rest in the comprehension's scope.

Not read: names inside string annotations (``x: "Foo"``), attribute names, keyword
argument names, import paths.
"""

from __future__ import annotations

from collections.abc import Sequence

import tree_sitter

from codecrdt.analysis.scopes import Call, Kinds, Reference, Scope, ScopeModel, descend

__all__ = ["bind_python"]

_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
_TARGETS = frozenset(
    {
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "tuple",
        "list",
        "list_splat_pattern",
        "list_splat",
        "parenthesized_expression",
        "as_pattern_target",
        "expression_list",
    }
)
#: Node types that :meth:`_Binder.load` treats otherwise than "read every child". Calls,
#: attributes (their name is not read), keyword arguments (nor theirs) and strings (only
#: their f-string fields hold reads) are walked as the rest: see ``_UNREAD_FIELDS``.
_SPECIAL = frozenset(
    {
        "ERROR",
        "function_definition",
        "class_definition",
        "decorated_definition",
        "lambda",
        *_COMPREHENSIONS,
        "assignment",
        "augmented_assignment",
        "for_statement",
        "as_pattern",
        "named_expression",
        "global_statement",
        "import_statement",
        "import_from_statement",
        "future_import_statement",
        "case_clause",
        "type_alias_statement",
        "try_statement",
        "dotted_name",
        "aliased_import",
        "relative_import",
    }
)
#: The fields whose identifier is not a read where every child is read alike: the name of
#: ``x.name`` and of ``f(name=…)`` (the other nodes with a ``name`` field are special).
_UNREAD_FIELDS = frozenset({"attribute", "name"})
#: Handlers under which a missing name is expected (pyflakes: a NameError handler).
_NAME_ERROR = (b"NameError",)


def bind_python(
    root: tree_sitter.Node,
    language: tree_sitter.Language,
    statements: Sequence[tree_sitter.Node] | None = None,
) -> ScopeModel:
    """The scopes of ``root``; with ``statements`` (top-level children of ``root``, in
    order), of those statements only: the same as the whole file's, less the others."""
    model = ScopeModel(Scope("module", None, root))
    model.scopes.append(model.module)
    _Binder(model, language).run(root, statements)
    return model


class _Binder:
    def __init__(self, model: ScopeModel, language: tree_sitter.Language) -> None:
        self.model = model
        self.kinds = Kinds.of(
            language,
            frozenset({"identifier"}),
            frozenset(),
            _SPECIAL,
            frozenset({"call"}),
            _UNREAD_FIELDS,
        )
        #: Work: (node, scope, how, guarded) with how in load, store, pattern, body.
        self.work: list[tuple[tree_sitter.Node, Scope, str, bool]] = []
        #: Names declared ``global`` per function scope.
        self.globals: dict[int, set[str]] = {}

    def run(self, root: tree_sitter.Node, statements: Sequence[tree_sitter.Node] | None) -> None:
        model = self.model
        if statements is not None or root.has_error:
            for child in root.children if statements is None else statements:
                if child.has_error:
                    model.broken_rows.append((child.start_point[0], child.end_point[0]))
        work = self.work
        references = model.references
        kinds = self.kinds
        names, special, calls = kinds.names, kinds.stops, kinds.calls
        if statements is None:
            work.append((root, model.module, "load", False))
        else:
            work.extend((n, model.module, "load", False) for n in reversed(statements))
        while work:
            node, scope, how, guarded = work.pop()
            if how == "load":
                # The common cases inline: most nodes are plain expressions and leaves.
                kind = node.kind_id
                if kind in names:
                    references.append(Reference(node, scope, guarded))
                elif kind in special:
                    self.load(node, scope, guarded)
                else:
                    if kind in calls:
                        self.call(node, scope)
                    if node.child_count:
                        found = descend(node, kinds)
                        references.extend(Reference(n, scope, guarded) for n in found.names)
                        for call in found.calls:
                            self.call(call, scope)
                        work.extend((n, scope, "load", guarded) for n in reversed(found.stops))
            elif how == "store":
                self.store(node, scope, guarded)
            else:
                self.pattern(node, scope, guarded)

    # -- helpers ----------------------------------------------------------------------

    def push(self, nodes: list[tree_sitter.Node], scope: Scope, how: str, guarded: bool) -> None:
        self.work.extend((n, scope, how, guarded) for n in reversed(nodes) if n.is_named)

    def bind(self, node: tree_sitter.Node, scope: Scope) -> None:
        name = (node.text or b"").decode("utf-8", "replace")
        declared = self.globals.get(id(scope))
        if declared is not None and name in declared:
            scope = self.model.module
        scope.bind(name, node)

    def call(self, node: tree_sitter.Node, scope: Scope) -> None:
        callee = node.child_by_field_name("function")
        if callee is not None:
            self.model.calls.append(Call(node, callee, scope))

    def reference(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        self.model.references.append(Reference(node, scope, guarded))

    def new(self, kind: str, parent: Scope, node: tree_sitter.Node) -> Scope:
        return self.model.new_scope(kind, parent, node)

    # -- value position ---------------------------------------------------------------

    def load(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        """A node of ``_SPECIAL`` in value position."""
        kind = node.type
        if kind == "ERROR":
            self.broken(node)
        elif kind in ("function_definition", "class_definition"):
            self.definition(node, scope, guarded)
        elif kind == "decorated_definition":
            self.push(node.named_children, scope, "load", guarded)
        elif kind == "lambda":
            self.function(node, scope, guarded, lambda_=True)
        elif kind in _COMPREHENSIONS:
            self.comprehension(node, scope, guarded)
        elif kind in ("assignment", "augmented_assignment"):
            left = node.child_by_field_name("left")
            rest = [c for c in node.named_children if c != left]
            self.push(rest, scope, "load", guarded)
            if left is not None:
                self.work.append((left, scope, "store", guarded))
                if kind == "augmented_assignment":
                    self.work.append((left, scope, "load", guarded))
        elif kind == "for_statement":
            left = node.child_by_field_name("left")
            self.push([c for c in node.named_children if c != left], scope, "load", guarded)
            if left is not None:
                self.work.append((left, scope, "store", guarded))
        elif kind == "as_pattern":  # with … as x, except E as e
            alias = node.child_by_field_name("alias")
            self.push([c for c in node.named_children if c != alias], scope, "load", guarded)
            if alias is not None:
                self.work.append((alias, scope, "store", guarded))
        elif kind == "named_expression":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            target = scope
            while target.kind == "comprehension" and target.parent is not None:
                target = target.parent
            if name is not None:
                self.bind(name, target)
            if value is not None:
                self.work.append((value, scope, "load", guarded))
        elif kind == "global_statement":
            names = [c for c in node.named_children if c.type == "identifier"]
            self.globals.setdefault(id(scope), set()).update(
                (n.text or b"").decode("utf-8", "replace") for n in names
            )
            for name in names:
                self.model.module.bind((name.text or b"").decode("utf-8", "replace"), name)
        elif kind == "import_statement":
            self.imports(node, scope)
        elif kind == "import_from_statement":
            if any(c.type == "wildcard_import" for c in node.children):
                self.model.star_import = True
                self.model.wildcards.append(node)
            self.imports(node, scope)
        elif kind == "future_import_statement":
            pass
        elif kind == "case_clause":
            for child in node.named_children:
                how = "pattern" if child.type == "case_pattern" else "load"
                self.work.append((child, scope, how, guarded))
        elif kind == "type_alias_statement":
            self.type_alias(node, scope, guarded)
        elif kind == "try_statement":
            catches = any(_catches_name_error(c) for c in node.named_children)
            for child in reversed(node.named_children):
                inner = guarded or (catches and child.type == "block")
                self.work.append((child, scope, "load", inner))
        elif kind in ("dotted_name", "aliased_import", "relative_import"):
            pass  # import paths outside import statements (print >>): never a reference
        else:
            self.push(node.named_children, scope, "load", guarded)

    def broken(self, node: tree_sitter.Node) -> None:
        """A broken region: every identifier in it may bind a name."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "identifier":
                self.model.broken_names.add((current.text or b"").decode("utf-8", "replace"))
            stack.extend(current.children)

    # -- definitions ------------------------------------------------------------------

    def definition(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.bind(name, scope)
        if node.type == "function_definition":
            self.function(node, scope, guarded)
            return
        outer = self.type_parameters(node, scope)
        body = node.child_by_field_name("body")
        superclasses = node.child_by_field_name("superclasses")
        if body is not None:
            self.work.append((body, self.new("class", outer, node), "load", False))
        if superclasses is not None:
            self.work.append((superclasses, outer, "load", guarded))

    def type_parameters(self, node: tree_sitter.Node, scope: Scope) -> Scope:
        """The annotation scope of ``node``'s type parameters (``scope`` without any)."""
        parameters = node.child_by_field_name("type_parameters")
        if parameters is None:
            return scope
        outer = self.new("annotation", scope, parameters)
        for item in parameters.named_children:
            self.type_parameter(item, outer)
        return outer

    def type_parameter(self, item: tree_sitter.Node, outer: Scope) -> None:
        """``T``, ``T: bound``, ``*Ts``, ``**P`` (each in a ``type`` node)."""
        inner = item.named_children[0] if item.type == "type" and item.named_children else item
        if inner.type == "identifier":
            self.bind(inner, outer)
        elif inner.type == "splat_type" and inner.named_children:
            self.bind(inner.named_children[0], outer)
        elif inner.type == "constrained_type" and inner.named_children:
            first, *bounds = inner.named_children
            self.type_parameter(first, outer)
            self.push(bounds, outer, "load", False)

    def function(
        self, node: tree_sitter.Node, scope: Scope, guarded: bool, lambda_: bool = False
    ) -> None:
        outer = scope if lambda_ else self.type_parameters(node, scope)
        inner = self.new("function", outer, node)
        body = node.child_by_field_name("body")
        if body is not None:
            # Deferred: runs with the guard of its own try blocks only (as pyflakes).
            self.work.append((body, inner, "load", False))
        returns = node.child_by_field_name("return_type")
        if returns is not None:
            self.work.append((returns, outer, "load", guarded))
        parameters = node.child_by_field_name("parameters")
        for parameter in parameters.named_children if parameters is not None else ():
            self.parameter(parameter, inner, outer, scope, guarded)

    def parameter(
        self,
        parameter: tree_sitter.Node,
        inner: Scope,
        outer: Scope,
        scope: Scope,
        guarded: bool,
    ) -> None:
        kind = parameter.type
        if kind == "identifier":
            self.bind(parameter, inner)
            return
        if kind in ("list_splat_pattern", "dictionary_splat_pattern", "tuple_pattern"):
            self.work.append((parameter, inner, "store", guarded))
            return
        name = parameter.child_by_field_name("name")
        annotation = parameter.child_by_field_name("type")
        value = parameter.child_by_field_name("value")
        if kind == "typed_parameter":
            name = next((c for c in parameter.named_children if c != annotation), None)
        if name is not None:
            self.work.append((name, inner, "store", guarded))
        if annotation is not None:
            self.work.append((annotation, outer, "load", guarded))
        if value is not None:
            self.work.append((value, scope, "load", guarded))

    def comprehension(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        inner = self.new("comprehension", scope, node)
        first = True
        for child in node.named_children:
            if child.type == "for_in_clause":
                left = child.child_by_field_name("left")
                right = child.child_by_field_name("right")
                for part in child.named_children:
                    if part == left:
                        self.work.append((part, inner, "store", guarded))
                    elif part == right:
                        self.work.append((part, scope if first else inner, "load", guarded))
                first = False
            else:
                self.work.append((child, inner, "load", guarded))

    def type_alias(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        inner = self.new("annotation", scope, node)
        head = left.named_children[0] if left is not None and left.named_children else left
        if head is not None and head.type == "generic_type":
            name, *parameters = head.named_children
            self.bind(name, scope)
            for group in parameters:
                for item in group.named_children:
                    self.type_parameter(item, inner)
        elif head is not None and head.type == "identifier":
            self.bind(head, scope)
        if right is not None:
            self.work.append((right, inner, "load", guarded))

    def imports(self, node: tree_sitter.Node, scope: Scope) -> None:
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                alias = name.child_by_field_name("alias")
                if alias is not None:
                    self.bind(alias, scope)
            elif name.type == "dotted_name" and name.named_children:
                self.bind(name.named_children[0], scope)

    # -- targets ----------------------------------------------------------------------

    def store(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        kind = node.type
        if kind == "identifier":
            self.bind(node, scope)
        elif kind in _TARGETS or kind == "dictionary_splat_pattern":
            self.push(node.named_children, scope, "store", guarded)
        elif kind == "ERROR":
            self.broken(node)
        else:  # x.attr, x[i]: the object is read
            self.work.append((node, scope, "load", guarded))

    def pattern(self, node: tree_sitter.Node, scope: Scope, guarded: bool) -> None:
        """A ``case`` pattern: captures bind, dotted names and class names are read."""
        kind = node.type
        if kind == "dotted_name":
            parts = node.named_children
            parent = node.parent
            if len(parts) == 1 and (parent is None or parent.type != "class_pattern"):
                self.bind(parts[0], scope)
            elif parts:
                self.reference(parts[0], scope, guarded)
        elif kind == "identifier":  # `… as name`, `*rest`, `**rest`
            self.bind(node, scope)
        elif kind == "keyword_pattern":
            self.push(node.named_children[1:], scope, "pattern", guarded)
        elif kind == "dict_pattern":
            for child in node.named_children:
                how = "pattern" if child.type in ("case_pattern", "splat_pattern") else "load"
                self.work.append((child, scope, how, guarded))
        elif kind in (
            "case_pattern",
            "as_pattern",
            "union_pattern",
            "list_pattern",
            "tuple_pattern",
            "class_pattern",
            "splat_pattern",
        ):
            self.push(node.named_children, scope, "pattern", guarded)
        else:
            self.work.append((node, scope, "load", guarded))


def _catches_name_error(clause: tree_sitter.Node) -> bool:
    """An ``except`` clause that names NameError. A bare ``except:`` does not count, as
    for pyflakes and ruff (F821): it is not written for a missing name."""
    if clause.type != "except_clause":
        return False
    caught = [c for c in clause.named_children if c.type != "block"]
    if not caught:
        return False
    value = caught[0]
    if value.type == "as_pattern" and value.named_children:
        value = value.named_children[0]
    names = value.named_children if value.type == "tuple" else [value]
    return any((n.text or b"").split(b".")[-1] in _NAME_ERROR for n in names)
