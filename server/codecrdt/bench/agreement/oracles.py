"""The independent oracles, and how their codes map onto ours.

Python: ruff (``F811`` redefinition of an unused name, ``F821`` undefined name) over all
files at once, and pylint (``W0404`` reimport, ``E0102`` function redefined, ``E1120`` /
``E1121`` / ``E1123`` call arguments) in batches. TypeScript/TSX: the TypeScript compiler's
API, one program per file (``tsc_oracle.cjs`` beside this module). Each oracle finding
becomes a :class:`Label` on the line of the innermost statement that holds it (for both
sides alike: a multi-line import or call is one place whichever line a tool names).

A redefinition is mapped by what is rebound, read with Python's own ``ast`` (or, for
TypeScript, by the compiler's syntax tree): imports → ``duplicate-import``; a function
whose parameters differ from the first → ``conflicting-signature``; a method →
``duplicate-member``; anything else → ``duplicate-declaration``.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PYTHON_ORACLE_CODES",
    "TS_ORACLE_CODES",
    "Label",
    "Statements",
    "python_labels",
    "python_statements",
    "tool_versions",
    "ts_labels",
]

#: Oracle code → our code (``None``: decided by what is rebound).
PYTHON_ORACLE_CODES: dict[str, str | None] = {
    "F811": None,
    "E0102": None,
    "W0404": "duplicate-import",
    "F821": "undefined-name",
    "E1120": "arity-mismatch",
    "E1121": "arity-mismatch",
    "E1123": "arity-mismatch",
}
TS_ORACLE_CODES: dict[str, str | None] = {
    "TS2300": None,
    "TS2451": None,
    "TS2393": None,
    "TS2323": None,
    "TS2304": "undefined-name",
    "TS2552": "undefined-name",
    "TS2554": "arity-mismatch",
    "TS2555": "arity-mismatch",
    "syntax": "syntax-error",
}
_PYLINT_BATCH = 40


@dataclass(frozen=True, order=True)
class Label:
    """One finding: (file id, statement line, our code), and who reported it."""

    file: str
    line: int
    code: str
    source: str  # e.g. "ruff F811", "pylint W0404", "tsc TS2300", "generator constant-new"


class Statements:
    """Maps a line to the first line of the innermost statement that holds it."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(set(spans))
        self._starts = [s[0] for s in self._spans]

    def line(self, line: int) -> int:
        best: tuple[int, int] | None = None
        for start, end in self._spans[: bisect.bisect_right(self._starts, line)]:
            if line <= end and (best is None or end - start <= best[1] - best[0]):
                best = (start, end)
        return best[0] if best is not None else line


def python_statements(text: str) -> Statements:
    tree = ast.parse(text)
    return Statements(
        (n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree) if isinstance(n, ast.stmt)
    )


def tool_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    ruff = shutil.which("ruff")
    if ruff:
        versions["ruff"] = _run([ruff, "--version"]).split()[-1]
    try:
        from importlib.metadata import version

        versions["pylint"] = version("pylint")
    except Exception:  # pragma: no cover - pylint missing
        pass
    return versions


def _run(
    command: list[str], cwd: Path | None = None, timeout: float = 600, *, failed: int = 2
) -> str:
    """The command's output; a RuntimeError with its stderr when its status is ``failed``
    or more (ruff: 2 is an error, 1 means findings; pylint: 32 is a usage error)."""
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode >= failed:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


# -- Python --------------------------------------------------------------------------


def python_labels(folder: Path, ids: list[str], *, pylint_jobs: int = 2) -> set[Label]:
    """ruff's and pylint's findings over ``folder/<id>.py``, mapped to our codes."""
    ruff = shutil.which("ruff")
    if ruff is None:
        raise RuntimeError("ruff is not installed")
    texts = {i: (folder / f"{i}.py").read_text(encoding="utf-8") for i in ids}
    trees = {i: ast.parse(t) for i, t in texts.items()}
    statements = {i: python_statements(t) for i, t in texts.items()}
    labels: set[Label] = set()
    files = [f"{i}.py" for i in ids]
    command = [ruff, "check", "--isolated", "--no-cache", "--select", "F811,F821"]
    command += ["--output-format", "json"]
    found = json.loads(_run([*command, *files], cwd=folder) or "[]")
    for item in found:
        file = Path(item["filename"]).stem
        line = item["location"]["row"]
        code = _python_code(item["code"], item["message"], trees[file], line)
        labels.add(Label(file, statements[file].line(line), code, f"ruff {item['code']}"))
    pylint = [
        sys.executable,
        "-m",
        "pylint",
        "--disable=all",
        "--enable=W0404,E0102,E1120,E1121,E1123",
        "--output-format=json",
        f"--jobs={pylint_jobs}",
        "--persistent=n",
        "--score=n",
    ]
    for start in range(0, len(files), _PYLINT_BATCH):
        batch = files[start : start + _PYLINT_BATCH]
        for item in json.loads(_run([*pylint, *batch], cwd=folder, failed=32) or "[]"):
            file = Path(item["path"]).stem
            line = item["line"]
            code = _python_code(item["message-id"], item["message"], trees[file], line)
            labels.add(
                Label(file, statements[file].line(line), code, f"pylint {item['message-id']}")
            )
    return labels


_FIRST_LINE = re.compile(r"(?:from|imported|defined) line (\d+)")
_RUFF_NAME = re.compile(r"unused `([^`]+)`")


def _names_bound(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    return set()


def _python_code(oracle: str, message: str, tree: ast.Module, line: int) -> str:
    code = PYTHON_ORACLE_CODES[oracle]
    if code is not None:
        return code
    first = _FIRST_LINE.search(message)
    later, parent = _binding_at(tree, line)
    earlier = _binding_at(tree, int(first.group(1)))[0] if first else None
    named = _RUFF_NAME.search(message)
    if named and later is not None and named.group(1) not in _names_bound(later):
        # Not the statement's own binding (a parameter shadowing an import, say).
        return "duplicate-declaration"
    if isinstance(later, ast.Import | ast.ImportFrom):
        return "duplicate-import"
    if isinstance(later, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(earlier, ast.FunctionDef | ast.AsyncFunctionDef) and ast.dump(
            earlier.args
        ) != ast.dump(later.args):
            return "conflicting-signature"
        if isinstance(parent, ast.ClassDef):
            return "duplicate-member"
    return "duplicate-declaration"


def _binding_at(tree: ast.Module, line: int) -> tuple[ast.stmt | None, ast.AST | None]:
    """The binding statement on ``line`` (innermost) and the node whose body holds it."""
    found: tuple[ast.stmt | None, ast.AST | None] = (None, None)
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.stmt):
                continue
            start = min([child.lineno, *(d.lineno for d in getattr(child, "decorator_list", []))])
            if start <= line <= (child.end_lineno or child.lineno):
                if child.lineno <= line:
                    found = (child, node)
                stack.append(child)
    return found


# -- TypeScript / TSX ----------------------------------------------------------------

ORACLE_SCRIPT = Path(__file__).with_name("tsc_oracle.cjs")


@dataclass(frozen=True)
class TsFile:
    labels: set[Label]
    statements: Statements


def ts_labels(
    prefix: Path, folder: Path, names: list[str], *, syntax_only: bool = False
) -> dict[str, TsFile]:
    """The TypeScript compiler's findings over ``folder/<name>``, one program per file
    (``syntax_only``: its syntactic diagnostics alone, without type checking).

    ``prefix``: the npm prefix of scripts/install-ts-corpora.sh (TypeScript, React types).
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed")
    flags = ["--syntax-only"] if syntax_only else []
    paths = [str(folder / n) for n in names]
    out = _run([node, str(ORACLE_SCRIPT), str(prefix), *flags, *paths], failed=1)
    result: dict[str, TsFile] = {}
    for row in out.splitlines():
        item = json.loads(row)
        file = Path(item["file"]).relative_to(folder).as_posix()
        statements = Statements((s, e) for s, e in item["statements"])
        labels: set[Label] = set()
        for d in item["diagnostics"]:
            code = _ts_code(d)
            if code is None:
                continue
            labels.add(Label(file, statements.line(d["line"]), code, f"tsc {d['code']}"))
        result[file] = TsFile(labels, statements)
    missing = set(names) - set(result)
    if missing:
        raise RuntimeError(f"the TypeScript oracle gave nothing for {sorted(missing)}")
    return result


def _ts_code(diagnostic: dict[str, object]) -> str | None:
    oracle = str(diagnostic["code"])
    if oracle not in TS_ORACLE_CODES:
        return None
    code = TS_ORACLE_CODES[oracle]
    if code is not None:
        return code
    if diagnostic.get("first"):
        return None  # tsc names every occurrence; ours (and the table) the later ones
    kind, first_kind = diagnostic.get("kind"), diagnostic.get("firstKind")
    if kind == first_kind == "import":
        return "duplicate-import"
    init, first_init = diagnostic.get("init"), diagnostic.get("firstInit")
    if init is not None and first_init is not None and not diagnostic.get("member"):
        # Two `const`s of one scope with their values.
        return "conflicting-value" if init != first_init else "duplicate-declaration"
    if kind == first_kind == "function" and diagnostic.get("params") != diagnostic.get(
        "firstParams"
    ):
        return "conflicting-signature"
    if diagnostic.get("member"):
        return "duplicate-member"
    return "duplicate-declaration"
