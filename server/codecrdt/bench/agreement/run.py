"""The agreement corpora on disk, and one measurement of our detectors against the oracles.

Layout under the corpora folder (``tests/corpora`` in the repository):

- ``python/<id>.py`` and ``python.json`` (seed, interpreter, each module's source and
  injections); ``python-triage.toml``;
- ``tsx/<id>.tsx|.ts`` and ``tsx.json``; ``tsx-triage.toml``.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from codecrdt.analysis.detect import CODES
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.bench.agreement import pycorpus, tscorpus
from codecrdt.bench.agreement.oracles import (
    Label,
    Statements,
    python_labels,
    python_statements,
    ts_labels,
)
from codecrdt.bench.agreement.pycorpus import Module
from codecrdt.bench.agreement.score import MEASURED_CODES, Score, compare, load_triage

__all__ = [
    "PYTHON_TRUTH",
    "TS_TRUTH",
    "Corpus",
    "measure_python",
    "measure_ts",
    "read_corpus",
    "write_corpus",
]

PYTHON_TRUTH = {
    "duplicate-import": "ruff F811, pylint W0404",
    "duplicate-declaration": "ruff F811, pylint E0102; constants: the generator's record",
    "duplicate-member": "ruff F811, pylint E0102",
    "conflicting-signature": "ruff F811, pylint E0102 (parameters compared with `ast`)",
    "conflicting-value": "the generator's record (no oracle checks constants)",
    "undefined-name": "ruff F821",
    "arity-mismatch": "pylint E1120, E1121, E1123",
    "syntax-error": "CPython's parser (every module parses)",
}
TS_TRUTH = {
    "duplicate-import": "tsc TS2300",
    "duplicate-declaration": "tsc TS2300, TS2451, TS2393",
    "duplicate-member": "tsc TS2300, TS2393",
    "conflicting-signature": "tsc TS2393 (parameters compared)",
    "conflicting-value": "tsc TS2451 (initialisers compared)",
    "undefined-name": "tsc TS2304, TS2552",
    "arity-mismatch": "tsc TS2554, TS2555",
    "syntax-error": "tsc syntactic diagnostics",
}


@dataclass
class Corpus:
    folder: Path  # the files
    manifest: dict[str, object]
    ids: list[str]

    @property
    def seed(self) -> int:
        return int(str(self.manifest["seed"]))

    def records(self) -> dict[str, dict[str, object]]:
        modules = self.manifest["modules"]
        assert isinstance(modules, list)
        return {str(m["id"]): m for m in modules}


def write_corpus(root: Path, language: str, seed: int, count: int) -> Corpus:
    """Generate ``count`` modules with ``seed`` into ``root/<language>/`` (replacing it)."""
    modules: list[Module]
    if language == "python":
        modules = pycorpus.generate(seed, count)
        names = [f"{m.id}.py" for m in modules]
        extra = {"python": sys.version.split()[0], "license": "PSF (from the standard library)"}
    else:
        modules = tscorpus.generate(seed, count)
        names = [m.id for m in modules]
        extra = {"license": "MIT (this project's templates)"}
    folder = root / language
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.suffix in (".py", ".ts", ".tsx"):
            old.unlink()
    for name, module in zip(names, modules, strict=True):
        (folder / name).write_text(module.text, encoding="utf-8")
    manifest = {
        "seed": seed,
        "count": len(modules),
        **extra,
        "modules": [m.record() for m in modules],
    }
    (root / f"{language}.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return Corpus(folder, manifest, [m.id for m in modules])


def read_corpus(root: Path, language: str, sample: int | None = None, seed: int = 0) -> Corpus:
    """The corpus, or a seeded sample of ``sample`` of its modules."""
    manifest = json.loads((root / f"{language}.json").read_text(encoding="utf-8"))
    ids = [str(m["id"]) for m in manifest["modules"]]
    if sample is not None and sample < len(ids):
        ids = sorted(random.Random(seed).sample(ids, sample))
    return Corpus(root / language, manifest, ids)


def _ours(text: str, language: str, statements: Statements, file: str) -> set[tuple[str, int, str]]:
    spec = language_named(language)
    assert spec is not None
    found = set()
    for finding in analyze_text(text, spec):
        if finding.code in MEASURED_CODES:
            found.add((file, statements.line(finding.start_point[0] + 1), finding.code))
    return found


def measure_python(root: Path, corpus: Corpus, *, pylint_jobs: int = 2) -> Score:
    labels = python_labels(corpus.folder, corpus.ids, pylint_jobs=pylint_jobs)
    records = corpus.records()
    ours: set[tuple[str, int, str]] = set()
    for file in corpus.ids:
        text = (corpus.folder / f"{file}.py").read_text(encoding="utf-8")
        statements = python_statements(text)  # also the proof that CPython parses it
        ours |= _ours(text, "python", statements, file)
        injections = records[file]["injections"]
        assert isinstance(injections, list)
        for injection in injections:
            if injection["kind"] in ("constant-new", "constant-same"):
                line = statements.line(int(injection["line"]))
                source = f"generator {injection['kind']}"
                labels.add(Label(file, line, str(injection["code"]), source))
    triage = load_triage(root / "python-triage.toml")
    return compare(corpus.ids, labels, ours, triage, implemented=CODES)


def measure_ts(root: Path, corpus: Corpus, prefix: Path) -> Score:
    oracle = ts_labels(prefix, corpus.folder, corpus.ids)
    labels: set[Label] = set()
    ours: set[tuple[str, int, str]] = set()
    for file in corpus.ids:
        text = (corpus.folder / file).read_text(encoding="utf-8")
        language = "tsx" if file.endswith(".tsx") else "typescript"
        ours |= _ours(text, language, oracle[file].statements, file)
        labels |= oracle[file].labels
    triage = load_triage(root / "tsx-triage.toml")
    return compare(corpus.ids, labels, ours, triage, implemented=CODES)
