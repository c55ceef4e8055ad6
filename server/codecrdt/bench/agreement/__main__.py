"""``python -m codecrdt.bench.agreement``: regenerate the corpora, print the per-code table.

    python -m codecrdt.bench.agreement [--generate] [--language python tsx]
        [--sample N] [--seed S] [--corpora tests/corpora] [--ts-prefix DIR]

``--generate`` rewrites the corpora from their seeds (``--python-seed``, ``--tsx-seed``;
the seeds are printed). The TypeScript oracle needs the install prefix of
``scripts/install-ts-corpora.sh`` (default: its cache). Untriaged disagreements are printed
as TOML entries ready to be triaged, and stale entries; the exit status is 1 when there are
any. ``--update-triage`` writes them into the triage lists (stale ones dropped, new ones
with an empty ``right`` and ``reason`` to fill in).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from codecrdt.bench.agreement.oracles import tool_versions
from codecrdt.bench.agreement.run import (
    PYTHON_TRUTH,
    TS_TRUTH,
    measure_python,
    measure_ts,
    read_corpus,
    write_corpus,
)
from codecrdt.bench.agreement.score import Score, table, update_triage

PYTHON_SEED = 20261204
TSX_SEED = 20261205
PYTHON_COUNT = 300
TSX_COUNT = 160


def default_ts_prefix() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("CODECRDT_TS_CORPORA_DIR") or Path(cache, "codecrdt", "ts-corpora"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codecrdt.bench.agreement", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--corpora", type=Path, default=Path("tests/corpora"))
    parser.add_argument(
        "--language", nargs="+", choices=["python", "tsx"], default=["python", "tsx"]
    )
    parser.add_argument("--generate", action="store_true", help="rewrite the corpora first")
    parser.add_argument("--python-seed", type=int, default=PYTHON_SEED)
    parser.add_argument("--tsx-seed", type=int, default=TSX_SEED)
    parser.add_argument("--sample", type=int, help="measure a seeded sample of N modules")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--ts-prefix", type=Path, default=default_ts_prefix())
    parser.add_argument("--jobs", type=int, default=2, help="pylint's processes")
    parser.add_argument(
        "--update-triage",
        action="store_true",
        help="drop stale entries from the triage list and add one to fill in for each "
        "untriaged disagreement (whole corpora only)",
    )
    args = parser.parse_args(argv)
    untriaged = 0
    for language in args.language:
        if args.generate:
            seed = args.python_seed if language == "python" else args.tsx_seed
            count = PYTHON_COUNT if language == "python" else TSX_COUNT
            corpus = write_corpus(args.corpora, language, seed, count)
            print(f"{language}: generated {len(corpus.ids)} modules with seed {seed}")
        corpus = read_corpus(args.corpora, language, args.sample, args.seed)
        sample = f"sample seed {args.seed}, " if args.sample else ""
        print(f"{language}: corpus seed {corpus.seed}, {sample}{len(corpus.ids)} modules")
        started = time.monotonic()
        score: Score
        if language == "python":
            score = measure_python(args.corpora, corpus, pylint_jobs=args.jobs)
            truth = PYTHON_TRUTH
        else:
            score = measure_ts(args.corpora, corpus, args.ts_prefix)
            truth = TS_TRUTH
        print(table(f"{language}", score, truth))
        versions = tool_versions()
        if language == "tsx":
            package = args.ts_prefix / "node_modules" / "typescript" / "package.json"
            versions = {"typescript": json.loads(package.read_text("utf-8"))["version"]}
        print(f"({time.monotonic() - started:.1f} s; {versions})")
        print(f"{len(score.triaged)} disagreements triaged, {len(score.untriaged)} untriaged")
        for entry in score.stale:
            print(f"stale triage entry (no longer a disagreement): {entry}")
        for disagreement in score.untriaged:
            print(disagreement.toml())
        untriaged += len(score.untriaged) + len(score.stale)
        if args.update_triage:
            if args.sample:
                parser.error("--update-triage needs the whole corpus (no --sample)")
            path = args.corpora / f"{language}-triage.toml"
            dropped, added = update_triage(path, score)
            print(f"{path}: {dropped} stale entries dropped, {added} to fill in")
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(main())
