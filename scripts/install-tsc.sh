#!/usr/bin/env bash
# Installs the TypeScript compiler (latest 5.x) into a cache outside the repository, for
# tests/test_tsc_agreement.py. Idempotent: a second run only checks. Prints tsc's path.
set -euo pipefail

prefix="${CODECRDT_TSC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/tsc-5}"
tsc="$prefix/node_modules/.bin/tsc"

if [ ! -x "$tsc" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "install-tsc: node and npm are required" >&2
        exit 1
    fi
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" "typescript@5" >&2
fi
echo "$tsc"
