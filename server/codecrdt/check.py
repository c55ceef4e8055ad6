"""``codecrdt check PATH...``: the semantic-conflict analysis as a linter.

Output: findings on stdout (``text``, ``json`` or ``sarif``); skipped files, errors and,
for ``text``, the summary line on stderr. Exit status: 0 without findings, 1 with any,
2 on a usage, configuration or I/O error (skipped files do not change it).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import pathspec

from codecrdt import __version__
from codecrdt.analysis.detect import CODES, Finding
from codecrdt.analysis.languages import LANGUAGES, language_for_path
from codecrdt.analysis.tree import analyze_text
from codecrdt.config import CheckConfig, ConfigError, load_config, read_config
from codecrdt.markers import tag
from codecrdt.positions import Encoding, TextLines
from codecrdt.sourcefile import NotSource, read_source

__all__ = ["ALWAYS_SKIPPED", "RULE_DESCRIPTIONS", "run"]

#: Folders never walked into (a folder named explicitly is still checked).
ALWAYS_SKIPPED = frozenset({".git", "node_modules", ".venv"})

RULE_DESCRIPTIONS: dict[str, str] = {
    "duplicate-import": "A local name is bound by two imports in one scope.",
    "duplicate-declaration": "A function, class, constant or type is declared twice in one scope.",
    "duplicate-member": "A method or field is declared twice in one class or object type.",
    "conflicting-signature": "The same function is declared twice with different parameters.",
    "conflicting-value": "A constant is assigned twice, unconditionally, with different values.",
    "syntax-error": "The file does not parse.",
    "leftover-todo": f"A {tag('<name>')} marker is still in the file.",
    "undefined-name": "A name is read that no scope of the file binds.",
    "arity-mismatch": "A call passes arguments its one definition in the file cannot accept.",
}

_SUFFIXES = ", ".join(suffix for spec in LANGUAGES for suffix in spec.suffixes)
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


# -- files ----------------------------------------------------------------------------


@dataclass
class _Report:
    checked: int = 0
    skipped: int = 0
    failed: bool = False
    #: (display path, text lines, findings) per checked file with findings.
    results: list[tuple[str, TextLines, list[Finding]]] = field(default_factory=list)
    #: (display path, reason) per skipped file, for SARIF notifications.
    skips: list[tuple[str, str]] = field(default_factory=list)


class _GitIgnores:
    """The ``.gitignore`` files met while walking, each applying below its own folder."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def load(self, folder: Path) -> None:
        if folder in self._specs:
            return
        spec = None
        path = folder / ".gitignore"
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, ValueError, TypeError):
                spec = None  # an unreadable or malformed .gitignore ignores nothing
        self._specs[folder] = spec

    def load_above(self, folder: Path) -> None:
        """The ``.gitignore`` files from the repository root (a ``.git`` folder) down."""
        chain: list[Path] = []
        for ancestor in folder.parents:
            chain.append(ancestor)
            if (ancestor / ".git").exists():
                for each in reversed(chain):
                    self.load(each)
                return

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        for base in path.parents:  # the deepest .gitignore with a matching pattern decides
            spec = self._specs.get(base)
            if spec is None:
                continue
            name = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            include = spec.check_file(name).include
            if include is not None:
                return include
        return False


def _walk(folder: Path, config: CheckConfig) -> Iterator[Path]:
    ignores = _GitIgnores()
    ignores.load_above(folder)

    def on_error(error: OSError) -> None:
        raise error

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        here = Path(dirpath)
        ignores.load(here)
        kept = []
        for name in sorted(dirnames):
            path = here / name
            if name in ALWAYS_SKIPPED or path.is_symlink():
                continue
            if ignores.ignored(path, is_dir=True) or config.is_excluded(path, is_dir=True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if language_for_path(path) is None:
                continue
            if ignores.ignored(path, is_dir=False) or config.is_excluded(path):
                continue
            yield path


def _display(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith(os.pardir) else Path(relative).as_posix()


def _skip(report: _Report, shown: str, reason: str) -> None:
    print(f"codecrdt check: {shown}: skipped, {reason}", file=sys.stderr)
    report.skipped += 1
    report.skips.append((shown, reason))


def _error(report: _Report, shown: str, message: str) -> None:
    print(f"codecrdt check: {shown}: {message}", file=sys.stderr)
    report.failed = True


def _check_file(path: Path, config: CheckConfig, report: _Report) -> None:
    shown = _display(path)
    spec = language_for_path(path)
    if spec is None:
        _skip(report, shown, f"not a supported language (supported suffixes: {_SUFFIXES})")
        return
    try:
        text = read_source(path)
    except NotSource as problem:
        if problem.unreadable:
            _error(report, shown, problem.reason)
        else:
            _skip(report, shown, problem.reason)
        return
    try:
        findings = analyze_text(text, spec, codes=config.select, stub=path.suffix.lower() == ".pyi")
    except Exception as error:  # a bug in the analysis must not hide the other files
        _error(report, shown, f"internal error while analysing: {error!r}")
        return
    report.checked += 1
    if findings:
        report.results.append((shown, TextLines(text), findings))


def _collect(paths: list[Path], config: CheckConfig, report: _Report) -> None:
    seen: set[str] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            try:
                files = list(_walk(path, config))
            except OSError as error:
                _error(report, _display(path), f"cannot read folder: {error.strerror or error}")
                continue
        elif path.exists():  # a FIFO or a device is skipped by read_source, with its kind
            if config.is_excluded(path):
                _skip(report, _display(path), f"excluded by {config.path}")
                continue
            files = [path]
        else:
            _skip(report, _display(path), "not a regular file or folder")
            continue
        for file in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                _check_file(file, config, report)


# -- output ---------------------------------------------------------------------------


def _position(lines: TextLines, offset: int, encoding: Encoding) -> tuple[int, int]:
    """1-based (line, column) of a byte offset, the column in ``encoding`` units."""
    offset = max(0, min(offset, lines.byte_length))
    line, units = lines.byte_to_lsp(offset, encoding)
    return line + 1, units + 1


def _json(report: _Report) -> list[dict[str, Any]]:
    items = []
    for shown, lines, findings in report.results:
        for finding in findings:
            line, column = _position(lines, finding.start_byte, Encoding.UTF32)
            end_line, end_column = _position(lines, finding.end_byte, Encoding.UTF32)
            related = []
            for start, _end, _point in finding.related:
                r_line, r_column = _position(lines, start, Encoding.UTF32)
                related.append({"path": shown, "line": r_line, "column": r_column})
            items.append(
                {
                    "path": shown,
                    "line": line,
                    "column": column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "code": finding.code,
                    "severity": finding.severity,
                    "name": finding.name,
                    "message": finding.message,
                    "related": related,
                }
            )
    return items


def _region(lines: TextLines, start: int, end: int) -> dict[str, int]:
    start_line, start_column = _position(lines, start, Encoding.UTF16)
    end_line, end_column = _position(lines, end, Encoding.UTF16)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _artifact(shown: str) -> dict[str, str]:
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": "%SRCROOT%"}


def _sarif(report: _Report) -> dict[str, Any]:
    codes = list(CODES)
    rules = [
        {
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": RULE_DESCRIPTIONS.get(code, code)},
            "defaultConfiguration": {"level": level},
        }
        for code, level in CODES.items()
    ]
    results = []
    for shown, lines, findings in report.results:
        artifact = _artifact(shown)
        for finding in findings:
            result: dict[str, Any] = {
                "ruleId": finding.code,
                "ruleIndex": codes.index(finding.code),
                "level": "error" if finding.severity == "error" else "warning",
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact,
                            "region": _region(lines, finding.start_byte, finding.end_byte),
                        }
                    }
                ],
            }
            if finding.related:
                result["relatedLocations"] = [
                    {
                        "id": index,
                        "message": {"text": f"first declaration of '{finding.name}'"},
                        "physicalLocation": {
                            "artifactLocation": artifact,
                            "region": _region(lines, start, end),
                        },
                    }
                    for index, (start, end, _point) in enumerate(finding.related, 1)
                ]
            results.append(result)
    notifications = [
        {
            "level": "note",
            "message": {"text": f"skipped, {reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(shown)}}],
        }
        for shown, reason in report.skips
    ]
    return {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "codecrdt", "version": __version__, "rules": rules}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "columnKind": "utf16CodeUnits",
                "invocations": [
                    {
                        "executionSuccessful": not report.failed,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _text(report: _Report, out: TextIO) -> None:
    for shown, lines, findings in report.results:
        for finding in findings:
            line, column = _position(lines, finding.start_byte, Encoding.UTF32)
            print(f"{shown}:{line}:{column}: {finding.code} {finding.message}", file=out)
    findings = [f for _, _, each in report.results for f in each]
    errors = sum(f.severity == "error" for f in findings)
    found = (
        f"{_plural(len(findings), 'finding')} ({_plural(errors, 'error')}, "
        f"{_plural(len(findings) - errors, 'warning')})"
        if findings
        else "no findings"
    )
    print(
        f"{found}; {_plural(report.checked, 'file')} checked, {report.skipped} skipped",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = read_config(args.config) if args.config else load_config(Path.cwd())
    except ConfigError as error:
        print(f"codecrdt check: {error}", file=sys.stderr)
        return 2
    missing = [path for path in args.paths if not os.path.lexists(path)]
    for path in missing:
        print(f"codecrdt check: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return 2
    report = _Report()
    _collect(args.paths, config, report)
    try:
        _output(report, args.format)
    except BrokenPipeError:  # `codecrdt check . | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 2
    if report.failed:
        return 2
    return 1 if report.results else 0


def _output(report: _Report, form: str) -> None:
    if form == "text":
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors="backslashreplace")
        _text(report, sys.stdout)
    else:  # JSON documents are UTF-8, whatever the terminal's encoding
        document = _json(report) if form == "json" else _sarif(report)
        sys.stdout.flush()
        sys.stdout.buffer.write(json.dumps(document, indent=2, ensure_ascii=False).encode())
        sys.stdout.buffer.write(b"\n")
        sys.stdout.buffer.flush()
