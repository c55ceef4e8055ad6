"""Seeded "merged-agent" Python modules made from the standard library's own modules.

A module is split into its import header and its top-level parts; a window of parts is
handed to two or three "agents", one after the other, and the agents do what concurrent
writers do: import again what the header imports, write a helper another agent already
wrote (the same body, another body, or another signature), add their own version of a
method the class has, give an UPPER_CASE constant a new value (or the same one), call a
helper by a name nobody defined (``load_rows`` for ``read_rows``), call a helper with one
positional argument more or less than it takes, and drop an import the rest still uses.
Each injection is recorded with its line; the record is the truth only for constants (no
oracle checks them) — every other label comes from ruff and pylint
(:mod:`codecrdt.bench.agreement.oracles`).

The standard library is PSF-licensed; the generated modules are derived from it.
Everything is decided by ``random.Random`` seeded with the seed and the module's path, so
one seed and one interpreter version give the same corpus.
"""

from __future__ import annotations

import ast
import builtins
import random
import re
import sysconfig
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Injection", "Module", "generate", "stdlib_candidates"]

#: Folders left out: data files that do not parse, and code that is not the library's.
_SKIPPED = ("site-packages/", "lib2to3/tests/data/", "test/", "idlelib/idle_test/", "tests/")
#: Larger modules are left out ("huge"); smaller ones have too little to split.
_MAX_BYTES = 60_000
_MIN_BYTES = 2_000
_UPPER = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
#: Verb swaps that make a plausible second name for one helper (``load_rows``/``read_rows``).
_SYNONYMS = {
    "read": "load",
    "load": "read",
    "get": "fetch",
    "fetch": "get",
    "make": "build",
    "build": "make",
    "parse": "decode",
    "decode": "parse",
    "write": "save",
    "save": "write",
    "find": "lookup",
    "check": "validate",
    "is": "has",
    "has": "is",
    "format": "render",
    "compute": "calc",
    "create": "make",
}


@dataclass(frozen=True)
class Injection:
    """What an agent did, and where (1-based line of the generated module)."""

    kind: str  # reimport, helper-same, helper-body, helper-signature, constant-new,
    # constant-same, rename, call-extra, call-missing, import-removed
    line: int
    name: str
    #: The code this injection should raise, by the language's rules (informational except
    #: for conflicting-value, which no oracle checks).
    code: str


@dataclass
class Module:
    id: str
    source: str  # path relative to the standard library
    text: str
    injections: list[Injection] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "injections": [asdict(i) for i in self.injections],
        }


def stdlib_candidates(root: Path | None = None) -> list[tuple[str, Path]]:
    """The standard library's modules that the generator may use, sorted by path."""
    base = Path(sysconfig.get_paths()["stdlib"]) if root is None else root
    found = []
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base).as_posix()
        if any(part in f"/{relative}" for part in (f"/{s}" for s in _SKIPPED)):
            continue
        size = path.stat().st_size
        if _MIN_BYTES <= size <= _MAX_BYTES:
            found.append((relative, path))
    return found


def generate(seed: int, count: int, root: Path | None = None) -> list[Module]:
    """``count`` merged-agent modules, the same ones for the same seed and library."""
    candidates = stdlib_candidates(root)
    random.Random(seed).shuffle(candidates)
    modules: list[Module] = []
    for relative, path in candidates:
        if len(modules) == count:
            break
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        module = _merge(text, relative, random.Random(f"{seed}:{relative}"))
        if module is None:
            continue
        stem = re.sub(r"\W", "_", relative.removesuffix(".py").replace("/", "_"))
        module.id = f"py{len(modules):03d}_{stem}"
        modules.append(module)
    return modules


# -- one module ----------------------------------------------------------------------


@dataclass
class _Part:
    start: int  # 0-based first line (decorators included)
    end: int  # 0-based last line, inclusive
    node: ast.stmt


def _merge(text: str, relative: str, rng: random.Random) -> Module | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    if "\t" in text or "\r" in text or not text.isascii():
        return None  # byte columns = character columns below
    lines = text.splitlines()
    parts = [_Part(_first_line(s) - 1, (s.end_lineno or s.lineno) - 1, s) for s in tree.body]
    header_end = 0
    while header_end < len(parts) and isinstance(
        parts[header_end].node, ast.Import | ast.ImportFrom | ast.Expr
    ):
        header_end += 1
    header, body = parts[:header_end], parts[header_end:]
    if not header or len(body) < 4:
        return None
    # A window of parts, 30 to 120 lines.
    target = rng.randint(30, 120)
    first = rng.randrange(max(1, len(body) - 3))
    window: list[_Part] = []
    for part in body[first:]:
        window.append(part)
        if part.end - window[0].start >= target:
            break
    if len(window) < 3:
        return None
    agents = min(len(window), rng.choice((2, 2, 3)))
    cuts = sorted(rng.sample(range(1, len(window)), agents - 1))
    chunks = [window[a:b] for a, b in zip([0, *cuts], [*cuts, len(window)], strict=True)]

    edits = _Edits(lines)
    module = Module("", relative, "")
    plan = _Plan()
    _plan_reimports(header, chunks, rng, plan)
    _plan_helper(chunks, lines, rng, plan)
    _plan_constant(chunks, rng, plan)
    _plan_method(window, lines, rng, plan)
    defined = _bound_names(tree)
    functions = _module_functions(tree)
    window_nodes = [p.node for p in window]
    _plan_rename(window_nodes, functions, defined, rng, edits)
    _plan_call(window_nodes, functions, rng, edits)
    _plan_import_removal(header, window_nodes, plan.reimported, rng, edits)

    out: list[str] = []
    for part in header:  # the imports (not the docstring or the comments around them)
        if isinstance(part.node, ast.Expr):
            continue
        span = range(part.start, part.end + 1)
        base = len(out) - part.start
        out.extend(edits.line(index) for index in span)
        for line_no, injection in edits.injected_at(span):
            module.injections.append(_at(injection, base + line_no + 1))
    for number, chunk in enumerate(chunks):
        out.append("")
        out.append(f"# agent {number + 1}")
        for kind, name, code, snippet in plan.before.get(number, []):
            module.injections.append(Injection(kind, len(out) + 1, name, code))
            out.extend(snippet)
        for index in range(chunk[0].start, chunk[-1].end + 1):
            for injection in edits.injected_at(range(index, index + 1)):
                module.injections.append(_at(injection[1], len(out) + 1))
            out.append(edits.line(index))
            for kind, name, code, snippet in plan.inside.get(index, []):
                out.append("")
                module.injections.append(Injection(kind, len(out) + 1, name, code))
                out.extend(snippet)
        for kind, name, code, snippet in plan.after.get(number, []):
            out.append("")
            module.injections.append(Injection(kind, len(out) + 1, name, code))
            out.extend(snippet)
    module.text = "\n".join(out) + "\n"
    try:
        ast.parse(module.text)
    except SyntaxError:
        return None
    module.injections.sort(key=lambda i: (i.line, i.kind, i.name))
    return module


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _at(injection: Injection, line: int) -> Injection:
    return Injection(injection.kind, line, injection.name, injection.code)


class _Plan:
    """Lines an agent writes at the start (``before``) or end (``after``) of its chunk."""

    def __init__(self) -> None:
        self.before: dict[int, list[tuple[str, str, str, list[str]]]] = {}
        self.after: dict[int, list[tuple[str, str, str, list[str]]]] = {}
        #: Lines written right after a line of the original (a method added to a class).
        self.inside: dict[int, list[tuple[str, str, str, list[str]]]] = {}
        #: Names an agent imports again (so no import of them is dropped).
        self.reimported: set[str] = set()

    def add(
        self, where: str, agent: int, kind: str, name: str, code: str, snippet: list[str]
    ) -> None:
        target = self.before if where == "before" else self.after
        target.setdefault(agent, []).append((kind, name, code, snippet))


class _Edits:
    """In-place edits of single lines of the original text (line count unchanged)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._changed: dict[int, str] = {}
        self._injections: dict[int, list[Injection]] = {}

    def line(self, index: int) -> str:
        return self._changed.get(index, self._lines[index])

    def replace(self, index: int, start: int, end: int, text: str) -> None:
        line = self.line(index)
        self._changed[index] = line[:start] + text + line[end:]

    def note(self, index: int, injection: Injection) -> None:
        self._injections.setdefault(index, []).append(injection)

    def touched(self, index: int) -> bool:
        return index in self._changed

    def injected_at(self, span: range) -> list[tuple[int, Injection]]:
        return [(i, inj) for i in span for inj in self._injections.get(i, [])]


def _plan_reimports(
    header: list[_Part], chunks: list[list[_Part]], rng: random.Random, plan: _Plan
) -> None:
    imports = [
        p.node
        for p in header
        if isinstance(p.node, ast.Import | ast.ImportFrom)
        and not (isinstance(p.node, ast.ImportFrom) and p.node.module == "__future__")
        and not any("." in a.name and a.asname is None for a in p.node.names)
        and not any(a.name == "*" for a in p.node.names)
    ]
    for agent in range(1, len(chunks)):
        if not imports or rng.random() > 0.6:
            continue
        node = rng.choice(imports)
        names = rng.sample(node.names, rng.randint(1, min(2, len(node.names))))
        names.sort(key=node.names.index)
        aliases = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in names)
        if isinstance(node, ast.Import):
            line = f"import {aliases}"
        else:
            line = f"from {'.' * node.level}{node.module or ''} import {aliases}"
        bound = ", ".join(a.asname or a.name for a in names)
        plan.reimported.update(a.asname or a.name for a in names)
        plan.add("before", agent, "reimport", bound, "duplicate-import", [line])


def _plan_helper(
    chunks: list[list[_Part]], lines: list[str], rng: random.Random, plan: _Plan
) -> None:
    if rng.random() > 0.6:
        return
    helpers = [
        (number, p)
        for number, chunk in enumerate(chunks[:-1])
        for p in chunk
        if isinstance(p.node, ast.FunctionDef) and not p.node.decorator_list
    ]
    if not helpers:
        return
    number, part = rng.choice(helpers)
    node = part.node
    assert isinstance(node, ast.FunctionDef)
    agent = rng.randrange(number + 1, len(chunks))
    variant = rng.choice(("same", "body", "signature"))
    if variant == "same":
        snippet = lines[part.start : part.end + 1]
        kind, code = "helper-same", "duplicate-declaration"
    elif variant == "body":
        snippet = lines[part.start : part.end + 1]
        body = node.body[0]
        at = body.lineno - 1 - part.start
        indent = re.match(r"\s*", lines[body.lineno - 1]).group(0)  # type: ignore[union-attr]
        if body.lineno == node.lineno:
            return  # a one-line definition: no line of its own to add to
        snippet = [*snippet[:at], f"{indent}_agent = {agent + 1}", *snippet[at:]]
        kind, code = "helper-body", "duplicate-declaration"
    else:
        copy = ast.parse(ast.unparse(node)).body[0]
        assert isinstance(copy, ast.FunctionDef)
        copy.args.kwonlyargs.append(ast.arg("strict"))
        copy.args.kw_defaults.append(ast.Constant(False))
        snippet = ast.unparse(copy).splitlines()
        kind, code = "helper-signature", "conflicting-signature"
    plan.add(rng.choice(("before", "after")), agent, kind, node.name, code, snippet)


def _plan_method(window: list[_Part], lines: list[str], rng: random.Random, plan: _Plan) -> None:
    """An agent adds its own version of a method the class already has, at the class's end."""
    if rng.random() > 0.4:
        return
    methods = [
        (part, node)
        for part in window
        if isinstance(part.node, ast.ClassDef)
        for node in part.node.body
        if isinstance(node, ast.FunctionDef)
        and not node.decorator_list
        and node.name != "_"
        and node.end_lineno
        and node.end_lineno - node.lineno < 40
    ]
    if not methods:
        return
    part, node = rng.choice(methods)
    snippet = lines[node.lineno - 1 : node.end_lineno]
    kind, code = "method-same", "duplicate-member"
    if rng.random() < 0.5 and node.body[0].lineno > node.lineno:
        at = node.body[0].lineno - node.lineno
        indent = re.match(r"\s*", snippet[at]).group(0)  # type: ignore[union-attr]
        snippet = [*snippet[:at], f"{indent}_agent = 2", *snippet[at:]]
        kind = "method-body"
    plan.inside.setdefault(part.end, []).append((kind, node.name, code, snippet))


def _plan_constant(chunks: list[list[_Part]], rng: random.Random, plan: _Plan) -> None:
    if rng.random() > 0.6:
        return
    constants = [
        (number, p.node)
        for number, chunk in enumerate(chunks[:-1])
        for p in chunk
        if isinstance(p.node, ast.Assign)
        and len(p.node.targets) == 1
        and isinstance(p.node.targets[0], ast.Name)
        and _UPPER.match(p.node.targets[0].id)
        and isinstance(p.node.value, ast.Constant)
        and p.node.lineno == p.node.end_lineno
    ]
    if constants:
        number, node = rng.choice(constants)
        assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        name, value = node.targets[0].id, node.value
        assert isinstance(value, ast.Constant)
        old = value.value
    else:
        number, name, old = 0, rng.choice(("RETRY_LIMIT", "MAX_ITEMS", "TIMEOUT")), 3
        plan.add("before", 0, "constant-first", name, "", [f"{name} = {old!r}"])
    agent = rng.randrange(number + 1, len(chunks))
    if rng.random() < 0.3:
        new, kind, code = old, "constant-same", "duplicate-declaration"
    else:
        new, kind, code = _another_value(old), "constant-new", "conflicting-value"
    if new == old and kind == "constant-new":
        kind, code = "constant-same", "duplicate-declaration"
    plan.add("before", agent, kind, name, code, [f"{name} = {new!r}"])


def _another_value(old: object) -> object:
    if isinstance(old, bool) or old is None:
        return not old
    if isinstance(old, int | float):
        return old * 2 + 1
    if isinstance(old, str):
        return old + "_v2"
    if isinstance(old, bytes):
        return old + b"2"
    return old


def _bound_names(tree: ast.Module) -> set[str]:
    names = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def _module_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """Top-level functions defined exactly once, undecorated: the unambiguous callees."""
    counts: dict[str, int] = {}
    found: dict[str, ast.FunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            counts[node.name] = counts.get(node.name, 0) + 1
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.alias):
            name = (node.asname or node.name).split(".")[0]
            counts[name] = counts.get(name, 0) + 1
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.decorator_list:
            found[node.name] = node
    return {name: node for name, node in found.items() if counts.get(name) == 1}


def _calls_to(
    nodes: list[ast.stmt], functions: dict[str, ast.FunctionDef]
) -> list[tuple[ast.Call, ast.Name]]:
    calls = []
    for root in nodes:
        for node in ast.walk(root):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in functions
            ):
                calls.append((node, node.func))
    calls.sort(key=lambda c: (c[1].lineno, c[1].col_offset))
    return calls


def _new_name(name: str, taken: set[str]) -> str | None:
    words = name.split("_")
    for index, word in enumerate(words):
        if word in _SYNONYMS:
            candidate = "_".join([*words[:index], _SYNONYMS[word], *words[index + 1 :]])
            if candidate not in taken:
                return candidate
    for candidate in (f"{name}s", name.rstrip("s"), f"{name}_impl"):
        if candidate != name and candidate not in taken:
            return candidate
    return None


def _plan_rename(
    window: list[ast.stmt],
    functions: dict[str, ast.FunctionDef],
    taken: set[str],
    rng: random.Random,
    edits: _Edits,
) -> None:
    calls = _calls_to(window, functions)
    if not calls or rng.random() > 0.5:
        return
    _call, name = rng.choice(calls)
    new = _new_name(name.id, taken)
    if new is None or edits.touched(name.lineno - 1):
        return
    taken.add(new)
    index = name.lineno - 1
    edits.replace(index, name.col_offset, name.end_col_offset or 0, new)
    edits.note(index, Injection("rename", 0, f"{new} for {name.id}", "undefined-name"))


def _plan_call(
    window: list[ast.stmt],
    functions: dict[str, ast.FunctionDef],
    rng: random.Random,
    edits: _Edits,
) -> None:
    if rng.random() > 0.6:
        return
    fits = []
    for call, name in _calls_to(window, functions):
        args = functions[name.id].args
        if (
            call.lineno != call.end_lineno
            or call.keywords
            or any(isinstance(a, ast.Starred) for a in call.args)
            or edits.touched(call.lineno - 1)
        ):
            continue
        positional = len(args.posonlyargs) + len(args.args)
        required = positional - len(args.defaults)
        given = len(call.args)
        if args.vararg is None and given + 1 > positional:
            fits.append((call, name, "call-extra"))
        if given >= 1 and given - 1 < required and given <= positional:
            fits.append((call, name, "call-missing"))
    if not fits:
        return
    call, name, kind = rng.choice(fits)
    index = call.lineno - 1
    line = edits.line(index)
    close = (call.end_col_offset or 0) - 1
    if kind == "call-extra":
        inner = line[call.func.end_col_offset or 0 : close].rstrip()
        if inner.endswith(","):
            edits.replace(index, close, close, " None,")
        elif call.args:
            edits.replace(index, close, close, ", None")
        else:
            edits.replace(index, close, close, "None")
    else:
        last = call.args[-1]
        start = call.args[-2].end_col_offset if len(call.args) > 1 else last.col_offset
        edits.replace(index, start or 0, close, "")
    edits.note(index, Injection(kind, 0, name.id, "arity-mismatch"))


def _plan_import_removal(
    header: list[_Part],
    window: list[ast.stmt],
    reimported: set[str],
    rng: random.Random,
    edits: _Edits,
) -> None:
    if rng.random() > 0.4:
        return
    used = {n.id for root in window for n in ast.walk(root) if isinstance(n, ast.Name)}
    choices = []
    for part in header:
        node = part.node
        if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno != node.end_lineno:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        for alias in node.names:
            bound = (alias.asname or alias.name).split(".")[0]
            if bound in used and bound not in reimported and "." not in alias.name:
                choices.append((node, alias, bound))
    if not choices:
        return
    node, alias, bound = rng.choice(choices)
    index = node.lineno - 1
    line = edits.line(index)
    if len(node.names) == 1:
        edits.replace(index, 0, len(line), "")
    else:
        position = node.names.index(alias)
        written = alias.name + (f" as {alias.asname}" if alias.asname else "")
        pattern = re.escape(written)
        pattern = rf",\s*{pattern}\b" if position else rf"\b{pattern}\s*,\s*"
        start = line.find(" import ") + len(" import ")
        match = re.compile(pattern).search(line, start)
        if match is None:
            return
        edits.replace(index, match.start(), match.end(), "")
    edits.note(index, Injection("import-removed", 0, bound, "undefined-name"))
