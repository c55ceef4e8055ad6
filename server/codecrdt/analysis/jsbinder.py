"""JavaScript/TypeScript scopes, bindings and references, from a tree-sitter tree.

Scopes: the program, each function (its parameters and body), each block, ``for`` and
``catch``, each class, interface, type alias, enum and namespace (with their type
parameters). ``var`` binds in the enclosing function; ``let``, ``const``, ``class`` and
function declarations in their block. Values and types share one namespace: a type-only
import or an interface satisfies a type use, a class or enum both.

References: identifiers in value position, type names (``type_identifier``), shorthand
properties (``{ a }``), ``typeof x`` in types, and JSX tags that start with a capital
letter (``<Card/>``, ``<Icons.Star/>``: lower-case tags are the platform's elements).
Not references: property names, labels, JSX attribute names, closing tags (the opening
tag is the one reported), names re-exported from another module.
"""

from __future__ import annotations

from collections.abc import Sequence

import tree_sitter

from codecrdt.analysis.scopes import Call, Kinds, Reference, Scope, ScopeModel, descend

__all__ = ["bind_javascript"]

_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "function",  # older grammars' name for function_expression
        "arrow_function",
        "method_definition",
        "function_signature",
        "method_signature",
        "abstract_method_signature",
        "call_signature",
        "construct_signature",
        "function_type",
        "constructor_type",
    }
)
#: Functions whose name binds in the enclosing scope (the others': in their own, or none).
_DECLARED_FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "function_signature"}
)
#: Declarations whose name binds in the enclosing scope and whose type parameters and body
#: have a scope of their own.
_DECLARATIONS = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "enum_declaration",
        "internal_module",
        "module",
    }
)
_BLOCKS = frozenset({"statement_block", "for_statement", "switch_body"})
#: Node types that :meth:`_Binder.load` treats otherwise than "read every child". Calls,
#: member expressions, object pairs, fields and JSX attributes are walked as the rest:
#: their names are property identifiers, never reads.
_SPECIAL = frozenset(
    {
        "ERROR",
        "nested_type_identifier",
        *_FUNCTIONS,
        *_DECLARATIONS,
        "class",
        *_BLOCKS,
        "variable_declaration",
        "lexical_declaration",
        "for_in_statement",
        "assignment_expression",
        "augmented_assignment_expression",
        "import_statement",
        "import_alias",
        "export_statement",
        "export_specifier",
        "pair_pattern",
        "jsx_opening_element",
        "jsx_self_closing_element",
        "catch_clause",
        "type_parameter",
        "mapped_type_clause",
        "index_signature",
        "infer_type",
        "enum_assignment",
    }
)
_SKIPPED = frozenset(
    {
        "jsx_closing_element",
        "jsx_text",
        "jsx_namespace_name",
        "property_identifier",
        "statement_identifier",
        "private_property_identifier",
        "string",
        "comment",
    }
)
#: Fields whose identifier is not a read where every child is read alike: the member
#: names of a named tuple type (``[kind: Kind]``), a type predicate's parameter.
_UNREAD_FIELDS = frozenset({"name"})
_PATTERNS = frozenset({"object_pattern", "array_pattern", "rest_pattern", "assignment_pattern"})


def bind_javascript(
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


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


class _Binder:
    def __init__(self, model: ScopeModel, language: tree_sitter.Language) -> None:
        self.model = model
        self.kinds = Kinds.of(
            language,
            frozenset({"identifier", "shorthand_property_identifier"}),
            frozenset({"type_identifier"}),
            _SPECIAL | _SKIPPED,
            frozenset({"call_expression"}),
            _UNREAD_FIELDS,
        )
        self.special = Kinds.of(
            language, frozenset(), frozenset(), _SPECIAL, frozenset(), frozenset()
        ).stops
        #: Work: (node, scope, how) with how in load, store, var, assign.
        self.work: list[tuple[tree_sitter.Node, Scope, str]] = []

    def run(self, root: tree_sitter.Node, statements: Sequence[tree_sitter.Node] | None) -> None:
        model = self.model
        if statements is not None or root.has_error:
            for child in root.children if statements is None else statements:
                if child.has_error:
                    model.broken_rows.append((child.start_point[0], child.end_point[0]))
        work = self.work
        references = model.references
        kinds = self.kinds
        names, types, stops, calls = kinds.names, kinds.types, kinds.stops, kinds.calls
        special = self.special
        if statements is None:
            work.append((root, model.module, "load"))
        else:
            work.extend((n, model.module, "load") for n in reversed(statements))
        while work:
            node, scope, how = work.pop()
            if how == "load":
                # The common cases inline: most nodes are plain expressions and leaves.
                kind = node.kind_id
                if kind in names:
                    references.append(Reference(node, scope))
                elif kind in types:
                    references.append(Reference(node, scope, False, True))
                elif kind in special:
                    self.load(node, scope)
                elif kind in stops:
                    pass  # property names, labels, strings, comments, JSX text
                else:
                    if kind in calls:
                        self.call(node, scope)
                    if node.child_count:
                        found = descend(node, kinds)
                        references.extend(Reference(n, scope) for n in found.names)
                        references.extend(Reference(n, scope, False, True) for n in found.types)
                        for call in found.calls:
                            self.call(call, scope)
                        work.extend((n, scope, "load") for n in reversed(found.stops))
            else:
                self.target(node, scope, how)

    def push(self, nodes: list[tree_sitter.Node], scope: Scope, how: str = "load") -> None:
        self.work.extend((n, scope, how) for n in reversed(nodes) if n.is_named)

    def new(self, kind: str, parent: Scope, node: tree_sitter.Node) -> Scope:
        return self.model.new_scope(kind, parent, node)

    def call(self, node: tree_sitter.Node, scope: Scope) -> None:
        callee = node.child_by_field_name("function")
        if callee is not None:
            self.model.calls.append(Call(node, callee, scope))

    def reference(
        self, node: tree_sitter.Node, scope: Scope, type_position: bool = False, jsx: bool = False
    ) -> None:
        self.model.references.append(Reference(node, scope, False, type_position, jsx))

    # -- value and type positions ------------------------------------------------------

    def load(self, node: tree_sitter.Node, scope: Scope) -> None:
        """A node of ``_SPECIAL`` in value or type position."""
        kind = node.type
        if kind == "ERROR":
            self.broken(node)
        elif kind == "nested_type_identifier":  # `A.B` as a type: A is read as a namespace
            target = node.child_by_field_name("module")
            while target is not None and target.type == "nested_identifier":
                target = target.child_by_field_name("object") or target.named_children[0]
            if target is not None and target.type == "identifier":
                self.reference(target, scope, type_position=True)
        elif kind in _FUNCTIONS:
            self.function(node, scope)
        elif kind in _DECLARATIONS or kind == "class":
            self.declaration(node, scope)
        elif kind in _BLOCKS:
            self.push(node.named_children, self.new("block", scope, node))
        elif kind == "variable_declaration":  # var: the enclosing function's
            target = scope
            while target.kind == "block" and target.parent is not None:
                target = target.parent
            for declarator in node.named_children:
                self.declarator(declarator, scope, target)
        elif kind == "lexical_declaration":
            for declarator in node.named_children:
                self.declarator(declarator, scope, scope)
        elif kind == "for_in_statement":
            self.for_in(node, scope)
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            self.push([c for c in node.named_children if c != left], scope)
            if left is not None:
                self.work.append((left, scope, "assign"))
        elif kind == "import_statement":
            self.imports(node, scope)
        elif kind == "import_alias":  # import x = A.B
            first, *rest = node.named_children
            scope.bind(_text(first), first)
            self.push(rest, scope)
        elif kind == "export_statement":
            if node.child_by_field_name("source") is None:
                self.push(node.named_children, scope)
        elif kind == "export_specifier":
            name = node.child_by_field_name("name")
            if name is not None:
                self.work.append((name, scope, "load"))
        elif kind == "pair_pattern":
            for index, child in enumerate(node.children):
                field = node.field_name_for_child(index)
                if field in ("key", "name") and child.type != "computed_property_name":
                    continue
                if child.is_named:
                    self.work.append((child, scope, "load"))
        elif kind in ("jsx_opening_element", "jsx_self_closing_element"):
            self.jsx(node, scope)
        elif kind == "catch_clause":
            inner = self.new("block", scope, node)
            parameter = node.child_by_field_name("parameter")
            self.push([c for c in node.named_children if c != parameter], inner)
            if parameter is not None:
                self.work.append((parameter, inner, "store"))
        elif kind == "type_parameter":
            name = node.child_by_field_name("name")
            if name is not None:
                scope.bind(_text(name), name)
            self.push([c for c in node.named_children if c != name], scope)
        elif kind in ("mapped_type_clause", "index_signature"):
            name = node.child_by_field_name("name")
            if kind == "index_signature" and name is None:
                # `[key: string]: T`: the first identifier names the key.
                name = next((c for c in node.named_children if c.type == "identifier"), None)
            if name is not None:
                scope.bind(_text(name), name)
            self.push([c for c in node.named_children if c != name], scope)
        elif kind == "infer_type":
            # `infer U` is read in the conditional type's true branch, outside any function
            # type it sits in: bound in the nearest scope that is not a function's.
            target = scope
            while target.kind == "function" and target.parent is not None:
                target = target.parent
            for child in node.named_children[:1]:
                target.bind(_text(child), child)
            self.push(node.named_children[1:], scope)
        elif kind in ("enum_assignment",):
            self.push(node.named_children[1:], scope)
        else:
            self.push(node.named_children, scope)

    def broken(self, node: tree_sitter.Node) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("identifier", "type_identifier", "shorthand_property_identifier"):
                self.model.broken_names.add(_text(current))
            stack.extend(current.children)

    def jsx(self, node: tree_sitter.Node, scope: Scope) -> None:
        name = start = node.child_by_field_name("name")
        self.push([c for c in node.named_children if c != name], scope)
        if name is None:
            return
        while name.type in ("member_expression", "nested_identifier") and name.named_children:
            name = name.child_by_field_name("object") or name.named_children[0]
        if name.type == "identifier" and (_text(name)[:1].isupper() or name != start):
            self.reference(name, scope, jsx=True)

    # -- declarations -----------------------------------------------------------------

    def declarator(self, node: tree_sitter.Node, scope: Scope, target: Scope) -> None:
        if node.type != "variable_declarator":
            self.work.append((node, scope, "load"))
            return
        name = node.child_by_field_name("name")
        self.push([c for c in node.named_children if c != name], scope)
        if name is not None:
            self.work.append((name, target, "store"))

    def function(self, node: tree_sitter.Node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        inner = self.new("function", scope, node)
        if name is not None:
            if node.type in _DECLARED_FUNCTIONS:
                scope.bind(_text(name), name)
            elif node.type in ("function_expression", "generator_function", "function"):
                inner.bind(_text(name), name)  # visible in its own body only
            elif name.type == "computed_property_name":
                self.work.append((name, scope, "load"))
        single = node.child_by_field_name("parameter") if node.type == "arrow_function" else None
        for child in node.named_children:
            if child == name:
                continue
            if child.type == "formal_parameters":
                for parameter in child.named_children:
                    self.parameter(parameter, inner)
            elif child == single:  # `x => …`
                inner.bind(_text(child), child)
            else:
                self.work.append((child, inner, "load"))

    def for_in(self, node: tree_sitter.Node, scope: Scope) -> None:
        """``for (const x of xs)`` binds ``x`` in the loop (``var``: in the function);
        ``for (x of xs)`` assigns an existing ``x``."""
        inner = self.new("block", scope, node)
        left = node.child_by_field_name("left")
        declared = node.child_by_field_name("kind")
        self.push([c for c in node.named_children if c != left], inner)
        if left is None:
            return
        if declared is None:
            self.work.append((left, inner, "assign"))
            return
        target = inner
        if declared.type == "var":
            while target.kind == "block" and target.parent is not None:
                target = target.parent
        self.work.append((left, target, "store"))

    def parameter(self, node: tree_sitter.Node, inner: Scope) -> None:
        if node.type in ("required_parameter", "optional_parameter"):
            pattern = node.child_by_field_name("pattern")
            for child in node.named_children:
                if child == pattern:
                    self.work.append((child, inner, "store"))
                elif child.type not in ("accessibility_modifier", "override_modifier"):
                    self.work.append((child, inner, "load"))
        else:  # JavaScript: identifier, pattern, assignment_pattern, rest_pattern
            self.work.append((node, inner, "store"))

    def declaration(self, node: tree_sitter.Node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        inner = self.new("block", scope, node)
        if name is not None:
            bound = name
            if name.type == "nested_identifier":  # namespace A.B binds A
                bound = name.named_children[0] if name.named_children else name
            if bound.type in ("identifier", "type_identifier"):
                (inner if node.type == "class" else scope).bind(_text(bound), bound)
        for child in node.named_children:
            if child == name:
                continue
            if child.type == "enum_body":
                for member in child.named_children:
                    key = member.child_by_field_name("name") or member
                    if key.type == "property_identifier":
                        inner.bind(_text(key), key)
            self.work.append((child, inner, "load"))

    def imports(self, node: tree_sitter.Node, scope: Scope) -> None:
        stack = [c for c in node.named_children if c.type != "string"]
        while stack:
            current = stack.pop()
            if current.type == "import_specifier":
                local = current.child_by_field_name("alias") or current.child_by_field_name("name")
                if local is not None and local.type == "identifier":
                    scope.bind(_text(local), local)
            elif current.type == "identifier":
                scope.bind(_text(current), current)
            elif current.type != "string":
                stack.extend(current.named_children)

    # -- binding and assignment targets -----------------------------------------------

    def target(self, node: tree_sitter.Node, scope: Scope, how: str) -> None:
        kind = node.type
        binding = how == "store"
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            if binding:
                scope.bind(_text(node), node)
            else:
                self.reference(node, scope)
        elif kind in ("object_assignment_pattern", "assignment_pattern"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                self.work.append((left, scope, how))
            if right is not None:
                self.work.append((right, scope, "load"))
        elif kind == "pair_pattern":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and key.type == "computed_property_name":
                self.work.append((key, scope, "load"))
            if value is not None:
                self.work.append((value, scope, how))
        elif kind in _PATTERNS or kind == "parenthesized_expression":
            self.push(node.named_children, scope, how)
        elif kind == "ERROR":
            self.broken(node)
        else:  # obj.x = …, a[i] = …, non_null_expression …
            self.work.append((node, scope, "load"))
