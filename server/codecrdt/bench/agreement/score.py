"""Our findings against the oracles' labels, per (file, statement line, code), with triage.

Every disagreement — a label we do not report (``missed``) or a finding no oracle reports
(``extra``) — must have an entry in the language's triage list (TOML, checked in):

.. code-block:: toml

    [[entry]]
    file = "py012_textwrap"
    line = 40
    code = "duplicate-import"
    side = "missed"          # or "extra"
    right = "oracle"         # who is right: "oracle" (our mistake) or "ours"
    reason = "..."

The truth is the oracles' labels, corrected by the entries whose ``right`` is ``ours``
(an oracle's mistake or blind spot). Recall and precision are ours against that truth, so
a known mistake of ours (``right = "oracle"``) still counts against us. A code that
``codecrdt.analysis.detect.CODES`` does not have is not measured ("code not implemented");
until ``conflicting-value`` exists, its labels count as ``duplicate-declaration``, which is
what a constant assigned twice is reported as without it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codecrdt.analysis.detect import CODES
from codecrdt.bench.agreement.oracles import Label

__all__ = [
    "MEASURED_CODES",
    "Disagreement",
    "Score",
    "Triage",
    "compare",
    "effective_code",
    "load_triage",
    "update_triage",
]

#: Our codes that an oracle (or, for conflicting-value, the generator) can label.
MEASURED_CODES = (
    "duplicate-import",
    "duplicate-declaration",
    "duplicate-member",
    "conflicting-signature",
    "conflicting-value",
    "undefined-name",
    "arity-mismatch",
    "syntax-error",
)

Key = tuple[str, int, str]


def effective_code(code: str, implemented: Iterable[str] = CODES) -> str:
    """The code a label counts as with the detectors there are."""
    if code == "conflicting-value" and code not in implemented:
        return "duplicate-declaration"
    return code


@dataclass(frozen=True)
class Triage:
    file: str
    line: int
    code: str
    side: str  # missed | extra
    right: str  # oracle | ours
    reason: str


@dataclass(frozen=True)
class Disagreement:
    file: str
    line: int
    code: str
    side: str
    sources: tuple[str, ...]  # the oracles that report it (missed), else ()

    def toml(self) -> str:
        note = f"  # {', '.join(self.sources)}" if self.sources else ""
        return (
            f'[[entry]]{note}\nfile = "{self.file}"\nline = {self.line}\n'
            f'code = "{self.code}"\nside = "{self.side}"\nright = ""\nreason = ""\n'
        )


@dataclass
class CodeScore:
    code: str
    implemented: bool
    labels: int = 0  # the truth's size after triage
    ours: int = 0
    hits: int = 0
    raw_labels: int = 0  # the oracles' labels before triage
    raw_hits: int = 0

    @property
    def recall(self) -> float | None:
        return self.hits / self.labels if self.implemented and self.labels else None

    @property
    def precision(self) -> float | None:
        return self.hits / self.ours if self.implemented and self.ours else None


@dataclass
class Score:
    files: int
    codes: dict[str, CodeScore]
    untriaged: list[Disagreement] = field(default_factory=list)
    stale: list[Triage] = field(default_factory=list)
    triaged: list[Triage] = field(default_factory=list)
    #: Every label (file, statement line, code as counted) → the oracles that report it.
    truth: dict[Key, set[str]] = field(default_factory=dict)


def load_triage(path: Path) -> list[Triage]:
    """The entries of a triage list. An entry not filled in yet (no ``right`` or no
    ``reason``, as ``--update-triage`` writes it) is kept, and triages nothing."""
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for item in data.get("entry", []):
        entry = Triage(
            str(item["file"]),
            int(item["line"]),
            str(item["code"]),
            str(item["side"]),
            str(item.get("right", "")),
            str(item.get("reason", "")),
        )
        if entry.side not in ("missed", "extra") or entry.right not in ("oracle", "ours", ""):
            raise ValueError(f"{path}: bad triage entry {item}")
        entries.append(entry)
    return entries


def update_triage(path: Path, score: Score) -> tuple[int, int]:
    """Rewrite a triage list: the entries that match a disagreement (stale ones dropped),
    then an entry to fill in for each untriaged disagreement. The leading comment stays.
    Returns (dropped, added)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = []
    for line in text.splitlines():
        if line.startswith("[[entry]]"):
            break
        header.append(line)
    stale = set(score.stale)
    kept = [e for e in load_triage(path) if e not in stale]
    untriaged = {(d.file, d.line, d.code, d.side) for d in score.untriaged}
    kept = [e for e in kept if e.right or (e.file, e.line, e.code, e.side) not in untriaged]
    blocks = ["\n".join(header).rstrip("\n") + "\n"] if header else []
    for entry in kept:
        reason = entry.reason.replace("\\", "\\\\").replace('"', '\\"')
        blocks.append(
            f'[[entry]]\nfile = "{entry.file}"\nline = {entry.line}\ncode = "{entry.code}"\n'
            f'side = "{entry.side}"\nright = "{entry.right}"\nreason = "{reason}"\n'
        )
    blocks += [d.toml() for d in score.untriaged]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return len(stale), len(score.untriaged)


def compare(
    files: Iterable[str],
    labels: Iterable[Label],
    ours: Iterable[tuple[str, int, str]],
    triage: Iterable[Triage],
    *,
    implemented: Iterable[str] = CODES,
) -> Score:
    """Score ``ours`` ((file, statement line, code)) against ``labels`` over ``files``."""
    done = set(implemented)
    names = set(files)
    truth: dict[Key, set[str]] = {}
    pending: dict[str, set[tuple[str, int]]] = {}
    for label in labels:
        if label.file in names:
            key = (label.file, label.line, effective_code(label.code, done))
            truth.setdefault(key, set()).add(label.source)
            if label.code not in done:
                pending.setdefault(label.code, set()).add((label.file, label.line))
    found = {(f, line, c) for f, line, c in ours if f in names and c in MEASURED_CODES}
    entries = {(t.file, t.line, t.code, t.side): t for t in triage if t.file in names}
    score = Score(len(names), {c: CodeScore(c, c in done) for c in MEASURED_CODES}, truth=truth)
    missed = {k for k in truth if k not in found and k[2] in done}
    extra = {k for k in found if k not in truth}
    corrected = set(truth)
    for side, keys in (("missed", missed), ("extra", extra)):
        for key in sorted(keys):
            entry = entries.pop((*key, side), None)
            if entry is None or not entry.right or not entry.reason:
                sources = tuple(sorted(truth.get(key, ())))
                score.untriaged.append(Disagreement(*key, side, sources))
                continue
            score.triaged.append(entry)
            if entry.right == "ours":
                if side == "missed":
                    corrected.discard(key)
                else:
                    corrected.add(key)
    score.stale = sorted(entries.values(), key=lambda t: (t.file, t.line, t.code))
    for code_name, places in pending.items():
        score.codes[code_name].raw_labels = len(places)
    for key in truth:
        code = score.codes[key[2]]
        if not code.implemented:
            continue  # counted above, by the code the label has
        code.raw_labels += 1
        code.raw_hits += key in found
    for key in corrected:
        code = score.codes[key[2]]
        if not code.implemented:
            continue
        code.labels += 1
        code.hits += key in found
    for key in found:
        score.codes[key[2]].ours += 1
    return score


def table(title: str, score: Score, truth_of: dict[str, str]) -> str:
    """A Markdown table, one row per code."""
    rows = [
        f"**{title}** ({score.files} files)",
        "",
        "| code | truth from | labels (after triage) | ours | recall | precision |",
        "|---|---|---|---|---|---|",
    ]
    for code in MEASURED_CODES:
        item = score.codes[code]
        if not item.implemented:
            rows.append(
                f"| `{code}` | {truth_of.get(code, '—')} | {item.raw_labels} | — | "
                "not measured (code not implemented) | — |"
            )
            continue
        rows.append(
            f"| `{code}` | {truth_of.get(code, '—')} | {item.raw_labels} ({item.labels}) | "
            f"{item.ours} | {_ratio(item.hits, item.labels)} | {_ratio(item.hits, item.ours)} |"
        )
    return "\n".join(rows)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "— (0/0)"
