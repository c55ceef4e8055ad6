#!/usr/bin/env python3
"""Diagnostics latency of ``codecrdt serve`` beside established language servers.

A thin wrapper over :mod:`codecrdt.bench.lsp_latency` (where the method is described),
which also installs typescript-language-server for the TSX comparison
(``scripts/install-tsls.sh``). ``codecrdt bench micro`` runs the same comparison beside
the other micro-benchmarks.

    python scripts/bench_lsp_latency.py [--edits N] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from pathlib import Path

from codecrdt.bench.lsp_latency import codecrdt_command, run_comparisons, table

ROOT = Path(__file__).resolve().parent.parent


def _tsls_command() -> list[str] | None:
    script = ROOT / "scripts" / "install-tsls.sh"
    try:
        done = subprocess.run(
            ["bash", str(script)], check=True, capture_output=True, text=True, timeout=600
        )
    except (subprocess.SubprocessError, OSError) as error:
        print(f"install-tsls.sh failed: {error}", file=sys.stderr)
        return None
    tsls = Path(done.stdout.strip().splitlines()[-1])
    return [str(tsls), "--stdio"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=60, help="measured edits per server")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured edits first")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument(
        "--codecrdt", metavar="CMD", help="command line of the codecrdt server (codecrdt serve)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per comparison")
    parser.add_argument("--only", nargs="+", choices=["python", "tsx"], default=["python", "tsx"])
    args = parser.parse_args()
    if args.edits < 1 or args.warmup < 0:
        parser.error("--edits must be positive and --warmup non-negative")
    rows = asyncio.run(
        run_comparisons(
            edits=args.edits,
            warmup=args.warmup,
            seed=args.seed,
            only=args.only,
            codecrdt=codecrdt_command(args.codecrdt),
            tsls=_tsls_command,
        )
    )
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print(table(rows))
    failed = any("error" in row[side] for row in rows for side in ("codecrdt", "other"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
