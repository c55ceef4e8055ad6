"""What two bindings of one name bind: the same import again, or two different values.

- :func:`import_key`: the object a Python import binds (``import m``, ``import m as n``,
  ``from m import a``): two imports with the same key are a re-import, which changes
  nothing; two with different keys bind different objects under one name.
- :func:`conflicting_values`: a constant assigned twice with values that differ once
  whitespace and comments are left out (the syntax tree's tokens are compared): a Python
  module or class constant, a TypeScript/JavaScript top-level ``const``. A ``const`` whose
  value is a function or class is a helper (``duplicate-declaration``), not a value.
"""

from __future__ import annotations

import ast
import re

import tree_sitter

__all__ = ["conflicting_values", "import_key", "normalised", "placeholder", "value_node"]

#: A value shown in a message is cut to this many characters.
_SHOWN = 40
_HELPERS = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "generator_function",
        "class",
        "class_expression",
    }
)
_PY_IMPORTS = ("import_statement", "import_from_statement")


def import_key(statement: tree_sitter.Node, name: tree_sitter.Node) -> tuple[str, ...] | None:
    """What a Python import binds to ``name`` (an ``@import.name`` capture), or None for
    another language. ``import a.b`` and ``import a.b as c`` are keyed by the whole path."""
    if statement.type not in _PY_IMPORTS or statement.child_by_field_name("source"):
        return None  # JavaScript's `import … from "m"` is an `import_statement` too
    alias = None
    if name.parent is not None and name.parent.type == "aliased_import":
        alias = _text(name)
        original = name.parent.child_by_field_name("name")
        imported = _text(original) if original is not None else alias
    else:
        imported = _text(name)
    if statement.type == "import_statement":
        return ("import", imported, alias or "")
    module = statement.child_by_field_name("module_name")
    return ("from", _text(module) if module is not None else "", imported, alias or "")


def value_node(declaration: tree_sitter.Node) -> tree_sitter.Node | None:
    """The value a constant declaration assigns: a Python ``assignment`` (``A = B = v``
    assigns ``v``) or a top-level ``const`` declarator; None for anything else."""
    if declaration.type == "assignment":
        value = declaration.child_by_field_name("right")
        while value is not None and value.type == "assignment":
            value = value.child_by_field_name("right")
        return value
    if declaration.type != "variable_declarator":
        return None
    statement = declaration.parent
    if statement is None or statement.type != "lexical_declaration":
        return None
    if not statement.children or statement.children[0].type != "const":
        return None
    holder = statement.parent
    if holder is not None and holder.type == "export_statement":
        holder = holder.parent
    if holder is None or holder.type != "program":
        return None  # a block's const: not a top-level constant
    value = declaration.child_by_field_name("value")
    if value is None or value.type in _HELPERS:
        return None
    return value


def placeholder(declaration: tree_sitter.Node) -> bool:
    """A Python constant declared as ``None`` first, to be given its value later (as
    ``optparse.Option.CHECK_METHODS``): the later assignment is its value, not a conflict."""
    value = value_node(declaration) if declaration.type == "assignment" else None
    return value is not None and value.type == "none"


def normalised(node: tree_sitter.Node) -> str:
    """The node's tokens without comments and trailing commas, one space apart:
    ``f(a,b)`` is ``f(a, b)``, ``[1, 2,]`` is ``[1, 2]`` (``(1,)`` stays a tuple)."""
    return " ".join(_canonical(token) for token in _tokens(node))


#: String literals are one token each: their text between the quotes is not all nodes
#: (tree-sitter gives an escape sequence or a template substitution a node, not the
#: characters around it).
_STRINGS = frozenset({"string", "concatenated_string", "template_string"})


def _canonical(token: tree_sitter.Node) -> str:
    """A token as compared: a string literal by the string it makes (``"a"`` is ``'a'``,
    ``"a" "b"`` is ``"ab"``); an f-string, a template or a string Python cannot read by its
    text."""
    text = _text(token)
    if token.type not in _STRINGS:
        return text
    try:
        value = ast.literal_eval(f"({text})")
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return text
    return repr(value) if isinstance(value, str | bytes) else text


def _tokens(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    tokens: list[tree_sitter.Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "comment" or _trailing_comma(current):
            continue
        if current.child_count == 0 or current.type in _STRINGS:
            tokens.append(current)
        elif current.type == "parenthesized_expression":
            stack.extend(reversed(current.named_children))  # `(x)` is `x`; `(x,)` is a tuple
        else:
            stack.extend(reversed(current.children))
    return tokens


def _trailing_comma(node: tree_sitter.Node) -> bool:
    following = node.next_sibling
    while following is not None and following.type == "comment":
        following = following.next_sibling
    if node.type != "," or following is None or following.type not in (")", "]", "}"):
        return False
    parent = node.parent
    return parent is None or parent.type != "tuple" or parent.named_child_count > 1


def conflicting_values(first: tree_sitter.Node, later: tree_sitter.Node) -> tuple[str, str] | None:
    """The two values (as shown to a user) when both declarations assign a constant and
    the values differ; None when they are the same or either is not a constant's value."""
    one, two = value_node(first), value_node(later)
    if one is None or two is None or normalised(one) == normalised(two):
        return None
    return _shown(one), _shown(two)


def _shown(node: tree_sitter.Node) -> str:
    """The value on one line, comments left out, one space where the source has space."""
    parts: list[str] = []
    end = None
    for token in _tokens(node):
        if end is not None and token.start_byte > end:
            parts.append(" ")
        parts.append(_text(token))
        end = token.end_byte
    text = re.sub(r"([(\[{]) | (?=[)\]}])", r"\1", "".join(parts))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")
