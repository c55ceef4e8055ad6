"""The package's import graph keeps the layer order of docs/architecture.md, without cycles.

Every ``import codecrdt…`` and ``from codecrdt… import …`` in ``server/codecrdt`` counts,
including those inside functions (a deferred import is still a dependency; deferring it
only hides a cycle from the interpreter). A module may import modules of its own layer
and of the layers its layer sits on; two modules must never reach each other through
imports.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "codecrdt"

_FOUNDATION = ("foundation",)
_CORE = ("foundation", "document")

#: Layer → (module patterns, the layers below it that it may import), lowest first. Mirrors
#: the drawing in docs/architecture.md; a new module must be placed here.
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # Leaf modules: units, time, the marker syntax, text edits, files on disk.
    "foundation": (
        (
            "codecrdt",
            "codecrdt.positions",
            "codecrdt.clock",
            "codecrdt.markers",
            "codecrdt.textedit",
            "codecrdt.sourcefile",
            "codecrdt.fileuri",
        ),
        (),
    ),
    "document": (("codecrdt.document",), _FOUNDATION),
    # Beside each other, none importing another: what reads a document (analysis), what
    # keeps an editor's buffer converged with it (editor), what writes it (agents, which
    # check their own regions with the analysis).
    "analysis": (
        ("codecrdt.analysis", "codecrdt.analysis.*", "codecrdt.config", "codecrdt.diagnostics"),
        _CORE,
    ),
    "editor": (("codecrdt.bridge", "codecrdt.link", "codecrdt.writer"), _CORE),
    "agents": (("codecrdt.agents", "codecrdt.agents.*"), (*_CORE, "analysis")),
    # What a user asks for, without a protocol: a run, a check, the settings.
    "jobs": (
        (
            "codecrdt.request",
            "codecrdt.options",
            "codecrdt.generate",
            "codecrdt.implement",
            "codecrdt.runs",
            "codecrdt.modechoice",
            "codecrdt.diskedits",
            "codecrdt.check",
            "codecrdt.selfcheck",
        ),
        (*_CORE, "analysis", "agents"),
    ),
    "lsp": (("codecrdt.lsp", "codecrdt.lsp.*"), (*_CORE, "analysis", "editor", "agents", "jobs")),
    # Entry points: the command line and the benchmarks (which drive the rest).
    "entry": (
        ("codecrdt.cli", "codecrdt.__main__", "codecrdt.bench", "codecrdt.bench.*"),
        (*_CORE, "analysis", "editor", "agents", "jobs", "lsp"),
    ),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports (``from a import b`` counts ``a.b``
    when ``b`` is a module, else ``a``)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if base not in modules:
                    continue
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    deps.add(child if child in modules else base)
        deps.discard(name)
        graph[name] = deps
    return graph


def layer_of(module: str) -> str | None:
    for layer, (patterns, _allowed) in LAYERS.items():
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return layer
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in _modules() if layer_of(m) is None)
    assert not unplaced, f"place these modules in LAYERS and docs/architecture.md: {unplaced}"


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, deps in sorted(graph.items()):
        layer = layer_of(module)
        if layer is None:
            continue
        allowed = {layer, *LAYERS[layer][1]}
        for dep in sorted(deps):
            dep_layer = layer_of(dep)
            if dep_layer is not None and dep_layer not in allowed:
                wrong.append(f"{module} ({layer}) imports {dep} ({dep_layer})")
    return wrong


def test_imports_follow_the_layer_order():
    wrong = layer_violations(import_graph())
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "modules that import each other: " + "; ".join(" ↔ ".join(c) for c in found)


# The checker itself: a rule that cannot fail proves nothing.


def test_the_checker_finds_cycles_and_layer_violations():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    graph = import_graph()
    graph["codecrdt.positions"] = {*graph["codecrdt.positions"], "codecrdt.cli"}
    graph["codecrdt.bridge"] = {*graph["codecrdt.bridge"], "codecrdt.agents.hub"}
    graph["codecrdt.analysis.detect"] = {*graph["codecrdt.analysis.detect"], "codecrdt.lsp"}
    assert layer_violations(graph) == [
        "codecrdt.analysis.detect (analysis) imports codecrdt.lsp (lsp)",
        "codecrdt.bridge (editor) imports codecrdt.agents.hub (agents)",
        "codecrdt.positions (foundation) imports codecrdt.cli (entry)",
    ]


def test_the_graph_reads_every_kind_of_import():
    graph = import_graph()
    # ``from codecrdt.agents.providers import pricing``: the submodule, not the package.
    assert "codecrdt.agents.providers.pricing" in graph["codecrdt.agents.providers.base"]
    # ``from codecrdt.document import SharedDocument``: the module.
    assert "codecrdt.document" in graph["codecrdt.bridge"]
    # Imports inside functions count too.
    assert "codecrdt.bench.micro" in graph["codecrdt.cli"]
