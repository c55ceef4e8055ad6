"""``arity-mismatch``: a call that the one definition it can mean cannot accept.

Callees: a Python module-level function, a Python ``self.method(...)`` inside its class
(``staticmethod``/``classmethod`` understood), a JavaScript/TypeScript top-level function
declaration or ``const`` bound to an arrow function or function expression, and
``this.method(...)`` inside its class. Only when the callee is unambiguous: the name is
bound in its scope by function definitions only, with no decorator other than
``staticmethod``/``classmethod`` and no TypeScript overload signatures; with two or more
definitions (an agent's copy of a helper), only a call that none of them accepts.

Checks, as pylint's E1120/E1121/E1123 and tsc's TS2554: too many positional arguments
(without ``*args``/a rest parameter), a required parameter without a value, a keyword
no parameter takes (without ``**kwargs``). A call that splats (``*xs``, ``**kw``,
``...xs``) is never checked: what it passes is unknowable. In JavaScript every parameter
is optional (as tsc has it for ``.js`` files), so only too many arguments count, and not
for a function that reads ``arguments``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from codecrdt.analysis.languages import LanguageSpec
from codecrdt.analysis.names import Report
from codecrdt.analysis.scopes import Call, Scope, ScopeModel

__all__ = [
    "Shape",
    "Signature",
    "arity_mismatches",
    "call_fails",
    "call_shape",
    "definition_signatures",
    "method_call_reports",
]

_PY_KNOWN_DECORATORS = frozenset({"staticmethod", "classmethod"})
#: What a call passes: (positional arguments, keyword names).
Shape = tuple[int, tuple[str, ...]]


@dataclass
class Signature:
    """What a definition accepts."""

    positional: list[str] = field(default_factory=list)  # in order, positional-capable
    positional_only: int = 0  # how many of them are positional-only
    required: set[str] = field(default_factory=set)
    keyword_only: list[str] = field(default_factory=list)
    varargs: bool = False
    kwargs: bool = False
    #: Parameters that may be left out even without a default (JavaScript).
    all_optional: bool = False


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def arity_mismatches(model: ScopeModel, spec: LanguageSpec) -> Iterator[Report]:
    if spec.queries == "python":
        yield from _python_calls(model)
    else:
        yield from _javascript_calls(model, javascript=spec.queries == "javascript")


def method_call_reports(model: ScopeModel, spec: LanguageSpec) -> Iterator[Report]:
    """The reports of ``self.method(...)``/``this.method(...)`` calls only: each is decided
    by the top-level statement (the class) that holds it."""
    python = spec.queries == "python"
    classes: dict[tuple[int, int], dict[str, list[tree_sitter.Node]]] = {}
    for call in model.calls:
        kind = call.callee.type
        if python and kind == "attribute":
            yield from _python_method_call(call)
        elif not python and kind == "member_expression":
            yield from _javascript_method_call(call, spec.queries == "javascript", classes)


def call_shape(call: tree_sitter.Node, spec: LanguageSpec) -> Shape | None:
    """What ``call`` passes; None when no definition is ever checked against it."""
    return _python_shape(call) if spec.queries == "python" else _javascript_shape(call)


def definition_signatures(
    bindings: list[tree_sitter.Node], spec: LanguageSpec
) -> list[Signature] | None:
    """The signatures of the definitions that bind a module-level name (``bindings``, its
    binding identifiers in order), or None when one of them is not a function whose
    signature is known: then no call of the name is checked."""
    if spec.queries == "python":
        definitions = _function_definitions(bindings)
        signatures = [_python_signature(d, drop_first=False) for d in definitions]
    else:
        found = [_js_function(b) for b in bindings]
        definitions = [d for d in found if d is not None]
        if len(definitions) != len(found):
            return None
        javascript = spec.queries == "javascript"
        signatures = [_js_signature(d, javascript) for d in definitions]
    if not signatures or any(s is None for s in signatures):
        return None
    return [s for s in signatures if s is not None]


def call_fails(signatures: list[Signature], shape: Shape, spec: LanguageSpec) -> bool:
    """Whether a call of ``shape`` fits none of the definitions (then it is reported)."""
    python = spec.queries == "python"
    return all(_problem(s, *shape, python=python) is not None for s in signatures)


# -- Python -----------------------------------------------------------------------------


def _python_calls(model: ScopeModel) -> Iterator[Report]:
    for call in model.calls:
        callee = call.callee
        if callee.type == "identifier":
            name = _text(callee)
            scope = call.scope.lookup(name)
            if scope is not model.module:
                continue
            definitions = _functions(scope, name)
            checks = [(d, _python_signature(d, drop_first=False)) for d in definitions]
            if not checks or any(signature is None for _d, signature in checks):
                continue
            failures = [
                list(_check_python(call.node, callee, name, d, signature))
                for d, signature in checks
                if signature is not None
            ]
            if all(failures):  # whichever definition runs, the call fails: the last one's
                yield failures[-1][0]
        elif callee.type == "attribute":
            yield from _python_method_call(call)


def _python_method_call(call: Call) -> Iterator[Report]:
    """``self.method(...)`` inside its class: decided within the class's statement."""
    callee = call.callee
    receiver = callee.child_by_field_name("object")
    attribute = callee.child_by_field_name("attribute")
    if receiver is None or attribute is None or receiver.type != "identifier":
        return
    found = _self_method(call.scope, _text(receiver), _text(attribute))
    if found is not None:
        definition, static = found
        signature = _python_signature(definition, drop_first=not static)
        if signature is not None:
            name = f"{_text(receiver)}.{_text(attribute)}"
            yield from _check_python(call.node, attribute, name, definition, signature)


def _functions(scope: Scope, name: str) -> list[tree_sitter.Node]:
    """The function definitions of ``name`` in ``scope``, when nothing else binds it."""
    return _function_definitions(scope.bindings.get(name, []))


def _function_definitions(bindings: list[tree_sitter.Node]) -> list[tree_sitter.Node]:
    """The function definitions that ``bindings`` name, or [] when one is something else."""
    definitions = []
    for binding in bindings:
        definition = binding.parent
        if definition is None or definition.type != "function_definition":
            return []
        if definition.child_by_field_name("name") != binding:
            return []
        definitions.append(definition)
    return definitions


def _only_function(scope: Scope, name: str) -> tree_sitter.Node | None:
    """The function definition that is ``name``'s only binding in ``scope``."""
    bindings = scope.bindings.get(name, [])
    if len(bindings) != 1:
        return None
    definition = bindings[0].parent
    if definition is None or definition.type != "function_definition":
        return None
    if definition.child_by_field_name("name") != bindings[0]:
        return None
    return definition


def _decorators(definition: tree_sitter.Node) -> list[str]:
    parent = definition.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    return [_text(d).lstrip("@").strip() for d in parent.named_children if d.type == "decorator"]


def _self_method(scope: Scope, receiver: str, method: str) -> tuple[tree_sitter.Node, bool] | None:
    """(the definition, whether static) of ``receiver.method`` when ``receiver`` is the
    first parameter of a method and ``method`` is defined once in that method's class."""
    if receiver != "self":
        return None  # `cls.m(...)` in a metaclass may reach the class's own m
    owner = scope.lookup(receiver)
    if owner is None or owner.kind != "function" or owner.node.type != "function_definition":
        return None
    parameters = owner.node.child_by_field_name("parameters")
    first = parameters.named_children[0] if parameters and parameters.named_children else None
    if first is None or first.type != "identifier" or _text(first) != receiver:
        return None
    if set(_decorators(owner.node)) & {"staticmethod", "classmethod"}:
        return None
    if _decorators(owner.node):
        return None  # self may not be the instance any more
    cls = owner.parent
    while cls is not None and cls.kind == "annotation":
        cls = cls.parent
    if cls is None or cls.kind != "class":
        return None
    definition = _only_function(cls, method)
    if definition is None:
        return None
    decorators = _decorators(definition)
    if not set(decorators) <= _PY_KNOWN_DECORATORS:
        return None
    return definition, "staticmethod" in decorators


def _python_signature(definition: tree_sitter.Node, drop_first: bool) -> Signature | None:
    if definition.parent is not None and definition.parent.type == "decorated_definition":
        if not set(_decorators(definition)) <= _PY_KNOWN_DECORATORS:
            return None
        if "classmethod" in _decorators(definition) and not drop_first:
            return None
    parameters = definition.child_by_field_name("parameters")
    if parameters is None:
        return None
    signature = Signature()
    keyword_only = False
    items = [p for p in parameters.named_children if p.type != "comment"]
    if drop_first:
        if not items or items[0].type not in ("identifier", "typed_parameter"):
            return None
        items = items[1:]
    for item in items:
        kind = item.type
        if kind == "typed_parameter":
            inner = item.named_children[0] if item.named_children else item
            kind, name_node, default = inner.type, inner, False
            if kind in ("list_splat_pattern", "dictionary_splat_pattern"):
                name_node = inner
        elif kind in ("default_parameter", "typed_default_parameter"):
            name_node, default = item.child_by_field_name("name") or item, True
            kind = "identifier"
        else:
            name_node, default = item, False
        if kind == "positional_separator":
            signature.positional_only = len(signature.positional)
        elif kind == "keyword_separator":
            keyword_only = True
        elif kind == "list_splat_pattern":
            signature.varargs, keyword_only = True, True
        elif kind == "dictionary_splat_pattern":
            signature.kwargs = True
        elif kind == "identifier":
            name = _text(name_node)
            (signature.keyword_only if keyword_only else signature.positional).append(name)
            if not default:
                signature.required.add(name)
        else:
            return None  # a tuple parameter or a broken one: unknowable
    return signature


def _check_python(
    call: tree_sitter.Node,
    at: tree_sitter.Node,
    name: str,
    definition: tree_sitter.Node,
    signature: Signature,
) -> Iterator[Report]:
    shape = _python_shape(call)
    if shape is None:
        return
    problem = _problem(signature, *shape, python=True)
    if problem is not None:
        yield _arity_report(at, name, definition, problem)


def _python_shape(call: tree_sitter.Node) -> Shape | None:
    """(positional arguments, keywords) of a call; None when unknowable (a splat)."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    if arguments.type == "generator_expression":
        items = [arguments]
    else:
        items = [a for a in arguments.named_children if a.type != "comment"]
    positional = 0
    keywords: list[str] = []
    for item in items:
        if item.type in ("list_splat", "dictionary_splat", "ERROR"):
            return None
        if item.type == "keyword_argument":
            keyword = item.child_by_field_name("name")
            keywords.append(_text(keyword) if keyword is not None else "")
        else:
            positional += 1
    return positional, tuple(keywords)


# -- JavaScript and TypeScript ------------------------------------------------------------


def _javascript_calls(model: ScopeModel, javascript: bool) -> Iterator[Report]:
    classes: dict[tuple[int, int], dict[str, list[tree_sitter.Node]]] = {}
    for call in model.calls:
        callee = call.callee
        if callee.type == "identifier":
            name = _text(callee)
            scope = call.scope.lookup(name)
            if scope is not model.module:
                continue
            bindings = scope.bindings.get(name, [])
            definitions = [_js_function(b) for b in bindings]
            if not definitions or any(d is None for d in definitions):
                continue
            signatures = [(d, _js_signature(d, javascript)) for d in definitions if d]
            if any(signature is None for _d, signature in signatures):
                continue
            failures = [
                list(_check_javascript(call.node, callee, name, d, signature))
                for d, signature in signatures
                if signature is not None
            ]
            if all(failures):  # whichever definition is meant, the call fails: the last one's
                yield failures[-1][0]
        elif callee.type == "member_expression":
            yield from _javascript_method_call(call, javascript, classes)


def _javascript_method_call(
    call: Call,
    javascript: bool,
    classes: dict[tuple[int, int], dict[str, list[tree_sitter.Node]]],
) -> Iterator[Report]:
    """``this.method(...)`` inside its class: decided within the class's statement."""
    callee = call.callee
    found = _this_method(call.scope, callee, classes)
    if found is None:
        return
    name, definition = found
    signature = _js_signature(definition, javascript)
    if signature is not None:
        at = callee.child_by_field_name("property") or callee
        yield from _check_javascript(call.node, at, name, definition, signature)


def _js_function(name: tree_sitter.Node) -> tree_sitter.Node | None:
    """The function a top-level name is bound to: a function declaration, or a ``const``
    whose value is an arrow function or function expression."""
    parent = name.parent
    if parent is None:
        return None
    if parent.type in ("function_declaration", "generator_function_declaration"):
        return parent if parent.child_by_field_name("name") == name else None
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == name:
        declaration = parent.parent
        if declaration is None or declaration.type != "lexical_declaration":
            return None
        if not any(c.type == "const" for c in declaration.children):
            return None
        value = parent.child_by_field_name("value")
        if value is not None and value.type in (
            "arrow_function",
            "function_expression",
            "function",
        ):
            return value
    return None


def _js_signature(definition: tree_sitter.Node, javascript: bool) -> Signature | None:
    parameters = definition.child_by_field_name("parameters")
    signature = Signature(all_optional=javascript, kwargs=True)
    if parameters is None:  # `x => …`
        single = definition.child_by_field_name("parameter")
        if single is None:
            return None
        signature.positional.append(_text(single))
        signature.required.add(_text(single))
    else:
        for item in parameters.named_children:
            if item.type == "comment":
                continue
            typed = item.type.endswith("_parameter")
            pattern = item.child_by_field_name("pattern") if typed else item
            if pattern is None:
                return None
            if pattern.type == "this":
                continue
            if pattern.type == "rest_pattern":
                signature.varargs = True
                continue
            name = _text(pattern)
            signature.positional.append(name)
            optional = item.type == "optional_parameter" or (
                item.child_by_field_name("value") is not None
                or pattern.type == "assignment_pattern"
            )
            if not optional:
                signature.required.add(name)
    if javascript:
        body = definition.child_by_field_name("body")
        if body is not None and b"arguments" in (body.text or b""):
            signature.varargs = True
    return signature


def _check_javascript(
    call: tree_sitter.Node,
    at: tree_sitter.Node,
    name: str,
    definition: tree_sitter.Node,
    signature: Signature,
) -> Iterator[Report]:
    shape = _javascript_shape(call)
    if shape is None:
        return
    problem = _problem(signature, *shape, python=False)
    if problem is not None:
        yield _arity_report(at, name, definition, problem)


def _javascript_shape(call: tree_sitter.Node) -> Shape | None:
    """(arguments, no keywords) of a call; None for a spread or a tagged template."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return None  # a tagged template
    items = [a for a in arguments.named_children if a.type != "comment"]
    if any(a.type in ("spread_element", "ERROR") for a in items):
        return None
    return len(items), ()


def _this_method(
    scope: Scope,
    callee: tree_sitter.Node,
    classes: dict[tuple[int, int], dict[str, list[tree_sitter.Node]]],
) -> tuple[str, tree_sitter.Node] | None:
    """(``this.m``, m's definition) for ``this.m(...)`` inside a method of the class that
    defines ``m`` once (arrow functions keep the method's ``this``, functions do not).
    ``classes``: each class body's members by name, listed once."""
    target = callee.child_by_field_name("object")
    prop = callee.child_by_field_name("property")
    if target is None or prop is None or target.type != "this":
        return None
    current: Scope | None = scope
    while current is not None and (
        current.kind == "block" or current.node.type == "arrow_function"
    ):
        current = current.parent
    if current is None or current.node.type != "method_definition":
        return None
    body = current.node.parent
    if body is None or body.type != "class_body":
        return None
    name = _text(prop)
    listed = classes.get((body.id, body.start_byte))
    if listed is None:
        listed = classes[(body.id, body.start_byte)] = {}
        for member in body.named_children:
            listed.setdefault(_member_name(member) or "", []).append(member)
    members = listed.get(name, [])
    if len(members) != 1 or members[0].type != "method_definition" or _js_special(members[0]):
        return None
    return f"this.{name}", members[0]


def _member_name(member: tree_sitter.Node) -> str | None:
    key = member.child_by_field_name("name")
    return None if key is None else _text(key)


def _js_special(method: tree_sitter.Node) -> bool:
    """Accessors, static and decorated methods: not what ``this.m(...)`` plainly calls."""
    words = {c.type for c in method.children}
    if words & {"get", "set", "static", "decorator"}:
        return True
    previous = method.prev_named_sibling
    return previous is not None and previous.type == "decorator"


# -- both ---------------------------------------------------------------------------------


def _problem(
    signature: Signature, positional: int, keywords: tuple[str, ...], python: bool
) -> str | None:
    capacity = len(signature.positional)
    if positional > capacity and not signature.varargs:
        if python:
            return f"takes {_count(capacity, 'positional argument')} but {positional} were given"
        return f"expects {_expected(signature)} but got {positional}"
    filled = set(signature.positional[:positional])
    by_keyword = set(signature.positional[signature.positional_only :]) | set(
        signature.keyword_only
    )
    for keyword in keywords:
        if keyword not in by_keyword and not signature.kwargs:
            if keyword in signature.positional:
                return f"takes '{keyword}' by position only"
            return f"has no parameter '{keyword}'"
        filled.add(keyword)
    if signature.all_optional:
        return None
    missing = [
        name
        for name in [*signature.positional, *signature.keyword_only]
        if name in signature.required and name not in filled
    ]
    if missing:
        if python:
            names = ", ".join(f"'{m}'" for m in missing)
            return f"is missing {'argument' if len(missing) == 1 else 'arguments'} {names}"
        return f"expects {_expected(signature)} but got {positional}"
    return None


def _expected(signature: Signature) -> str:
    required = len([p for p in signature.positional if p in signature.required])
    total = len(signature.positional)
    if signature.all_optional:
        return f"at most {_count(total, 'argument')}"
    if signature.varargs:
        return f"at least {_count(required, 'argument')}"
    if required == total:
        return _count(total, "argument")
    return f"{required}-{total} arguments"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _arity_report(
    at: tree_sitter.Node, name: str, definition: tree_sitter.Node, problem: str
) -> Report:
    head = definition.child_by_field_name("name") or definition
    if definition.type in ("arrow_function", "function_expression", "function"):
        declarator = definition.parent
        head = (declarator.child_by_field_name("name") if declarator else None) or head
    line = head.start_point[0] + 1
    statement = definition
    while statement.parent is not None and statement.parent.type in (
        "decorated_definition",
        "variable_declarator",
        "lexical_declaration",
        "export_statement",
    ):
        statement = statement.parent
    call = at
    while call.parent is not None and call.type not in ("call", "call_expression"):
        call = call.parent
    data = {
        "name": name,
        "call": [call.start_byte, call.end_byte],
        "definition": [statement.start_byte, statement.end_byte],
    }
    message = f"'{name}' {problem} (defined on line {line})"
    return Report("arity-mismatch", message, at, name, (head,), data)
