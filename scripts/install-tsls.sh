#!/usr/bin/env bash
# Installs typescript-language-server 5 (the last major that runs on Node 20) with TypeScript 5
# alongside it, into a cache outside the repository, for scripts/bench_lsp_latency.py.
# Idempotent: a second run only checks. Prints the server's path.
set -euo pipefail

prefix="${CODECRDT_TSLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/tsls}"
tsls="$prefix/node_modules/.bin/typescript-language-server"
tsserver="$prefix/node_modules/typescript/lib/tsserver.js"

if [ ! -x "$tsls" ] || [ ! -f "$tsserver" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "install-tsls: node and npm are required" >&2
        exit 1
    fi
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" \
        "typescript-language-server@5" "typescript@5" >&2
fi
echo "$tsls"
